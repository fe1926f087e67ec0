import { SimClock, parseSpeed, SPEED_PRESETS } from './clock';

describe('SimClock', () => {
  const start = Date.UTC(2019, 0, 1);
  let real = 1_000;
  const now = (): number => real;
  beforeEach(() => {
    real = 1_000;
  });

  it('advances simulated time at speed times real time', () => {
    const clock = new SimClock(start, 3600, now);
    real += 2_000;
    expect(clock.now()).toBe(start + 2 * 3_600_000);
  });

  it('stands still while paused and carries on from there after resume', () => {
    const clock = new SimClock(start, 100, now);
    real += 10;
    clock.pause();
    real += 5_000;
    expect(clock.now()).toBe(start + 1_000);
    clock.resume();
    real += 10;
    expect(clock.now()).toBe(start + 2_000);
  });

  it('changes speed without jumping', () => {
    const clock = new SimClock(start, 10, now);
    real += 100;
    clock.setSpeed(1000);
    expect(clock.now()).toBe(start + 1_000);
    real += 1;
    expect(clock.now()).toBe(start + 2_000);
  });

  it('refuses a speed that is not positive', () => {
    expect(() => new SimClock(start, 0, now)).toThrow(RangeError);
    expect(() => new SimClock(start, 1, now).setSpeed(Number.NaN)).toThrow(RangeError);
  });
});

describe('parseSpeed', () => {
  it.each([
    ['3600', 3600],
    ['0.5', 0.5],
    ['year-in-10min', 52_560],
    ['day-per-minute', 1440],
  ])('reads %s as %d simulated seconds per real second', (text, speed) => {
    expect(parseSpeed(text)).toBeCloseTo(speed);
  });

  it.each(['0', '-1', 'fast', ''])('refuses %j', (text) => {
    expect(() => parseSpeed(text)).toThrow(RangeError);
  });

  it('offers only positive presets', () => {
    for (const v of Object.values(SPEED_PRESETS)) expect(v).toBeGreaterThan(0);
  });
});

import { filterMayMatch, PubackDelay, type TopicShape } from './report-lane';

// The shape of every report topic of cluster 'c': cp/v1/c/<enterprise>/<gateway>/report.
const REPORTS: TopicShape = ['cp', 'v1', 'c', null, null, 'report'];

describe('filterMayMatch: could a subscription receive some report?', () => {
  it.each([
    ['#'],
    ['cp/#'],
    ['cp/v1/c/#'],
    ['cp/v1/c/+/+/report'],
    ['cp/v1/c/sprout/gw1/report'],
    ['cp/v1/c/sprout/+/report'],
    ['cp/v1/+/+/+/+'],
    ['+/+/+/+/+/report'],
    ['cp/v1/c/+/+/report/#'],
    ['$share/watchers/cp/v1/c/+/+/report'],
  ])('%s may match', (filter) => {
    expect(filterMayMatch(filter, REPORTS)).toBe(true);
  });

  it.each([
    ['cp/v1/c/sprout/gw1/control'],
    ['cp/v1/c/+/+/birth'],
    ['cp/v1/c/sim/control'],
    ['cp/v1/other/+/+/report'],
    ['cp/v2/#'],
    ['cp/v1/c/+/+'],
    ['cp/v1/c/+/+/report/extra'],
    ['$SYS/#'],
    ['$SYS/+/heartbeat'],
    ['+/+/+/+/+'],
  ])('%s cannot match', (filter) => {
    expect(filterMayMatch(filter, REPORTS)).toBe(false);
  });
});

describe('PubackDelay', () => {
  it('releases each connection once its delay is up, in the order they started waiting', () => {
    const delay = new PubackDelay(1000);
    const released: string[] = [];
    delay.hold(() => released.push('a'), 0);
    delay.hold(() => released.push('b'), 300);
    delay.hold(() => released.push('c'), 900);
    expect(delay.sweep(999)).toBe(0);
    expect(delay.sweep(1300)).toBe(2);
    expect(released).toEqual(['a', 'b']);
    expect(delay.waiting).toBe(1);
    delay.hold(() => released.push('d'), 1400);
    expect(delay.sweep(2400)).toBe(2);
    expect(released).toEqual(['a', 'b', 'c', 'd']);
    expect(delay.waiting).toBe(0);
  });

  it('keeps every waiting connection across compactions of its queue', () => {
    const delay = new PubackDelay(10);
    const released: number[] = [];
    let now = 0;
    for (let i = 0; i < 20_000; i++) {
      delay.hold(() => released.push(i), now);
      now += 1;
      if (i % 7 === 0) delay.sweep(now);
    }
    delay.sweep(now + 10);
    expect(released).toEqual(Array.from({ length: 20_000 }, (_, i) => i));
  });

  it('sweeps a quarter of the delay apart, between 10 and 250 ms', () => {
    expect(new PubackDelay(1000).sweepMs).toBe(250);
    expect(new PubackDelay(2000).sweepMs).toBe(250);
    expect(new PubackDelay(100).sweepMs).toBe(25);
    expect(new PubackDelay(20).sweepMs).toBe(10);
  });
});

import { addOeeSample, deviceStateCounts, emptyOeeTotals, kwhPer1000Pieces, mergeOeeTotals, oeeFromTotals, piecesPerHour, shareOnline, defectRate } from './production';

describe('OEE', () => {
  it.each([
    // planned, run, ideal cycle, good, defective -> availability, performance, quality, oee
    [480, 400, 1, 342, 18, 400 / 480, 360 / 400, 342 / 360, (400 / 480) * (360 / 400) * (342 / 360)],
    [100, 100, 1, 100, 0, 1, 1, 1, 1],
    [100, 50, 2, 20, 5, 0.5, 1, 0.8, 0.4],
    [100, 0, 1, 0, 0, 0, 0, 0, 0],
    [100, 100, 2, 60, 0, 1, 1, 1, 1], // faster than rated: performance capped at 1
  ])('planned %i run %i cycle %i good %i bad %i', (plannedMs, runMs, idealCycleMs, good, defective, a, p, q, oee) => {
    const result = oeeFromTotals(addOeeSample(emptyOeeTotals(), { plannedMs, runMs, idealCycleMs, good, defective }));
    expect(result).not.toBeNull();
    expect(result!.availability).toBeCloseTo(a, 12);
    expect(result!.performance).toBeCloseTo(p, 12);
    expect(result!.quality).toBeCloseTo(q, 12);
    expect(result!.oee).toBeCloseTo(oee, 12);
  });

  it('rolls devices up from their sums, not by averaging their OEEs', () => {
    const line = emptyOeeTotals();
    addOeeSample(line, { plannedMs: 100, runMs: 100, idealCycleMs: 1, good: 100, defective: 0 });
    addOeeSample(line, { plannedMs: 300, runMs: 150, idealCycleMs: 1, good: 150, defective: 0 });
    expect(oeeFromTotals(line)!.availability).toBeCloseTo(250 / 400, 12); // not (1 + 0.5) / 2
  });

  it('leaves out devices without a rated cycle and intervals outside the plan', () => {
    const totals = emptyOeeTotals();
    addOeeSample(totals, { plannedMs: 100, runMs: 100, idealCycleMs: 0, good: 0, defective: 0 });
    addOeeSample(totals, { plannedMs: 0, runMs: 0, idealCycleMs: 5, good: 0, defective: 0 });
    expect(oeeFromTotals(totals)).toBeNull();
  });

  it('merges totals of two lines as if they were one', () => {
    const a = addOeeSample(emptyOeeTotals(), { plannedMs: 10, runMs: 8, idealCycleMs: 1, good: 7, defective: 1 });
    const b = addOeeSample(emptyOeeTotals(), { plannedMs: 30, runMs: 12, idealCycleMs: 1, good: 10, defective: 2 });
    expect(mergeOeeTotals(emptyOeeTotals(), a)).toEqual(a);
    expect(oeeFromTotals(mergeOeeTotals(a, b))!.availability).toBeCloseTo(20 / 40, 12);
  });
});

describe('counts and rates', () => {
  it('groups device states into running, idle, fault and offline', () => {
    expect(deviceStateCounts(['running', 'changeover', 'blocked', 'idle', 'fault', 'offline', 'running'])).toEqual({
      running: 2,
      idle: 3,
      fault: 1,
      offline: 1,
      total: 7,
    });
  });

  it.each([
    [3_600, 3_600_000, 3_600],
    [90, 1_800_000, 180],
    [5, 0, 0],
  ])('%i pieces in %i ms is %i an hour', (pieces, ms, rate) => {
    expect(piecesPerHour(pieces, ms)).toBe(rate);
  });

  it.each([
    [12_000, 4_000, 3],
    [500, 0, null],
  ])('%i Wh for %i pieces is %s kWh per 1,000 pieces', (wh, pieces, expected) => {
    expect(kwhPer1000Pieces(wh, pieces)).toBe(expected);
  });

  it('computes defect rate and share online, with empty inputs defined', () => {
    expect(defectRate(95, 5)).toBe(0.05);
    expect(defectRate(0, 0)).toBeNull();
    expect(shareOnline(3, 4)).toBe(0.75);
    expect(shareOnline(0, 0)).toBe(0);
  });
});

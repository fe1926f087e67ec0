import { latencySeries, markerTimes, percentile, sentAt, sentBy, slope, watermarkLatencies } from './latency';

describe('watermark latency', () => {
  it('sums each worker’s latest count at or before a marker', () => {
    const workers = [
      [
        { t: 100, sent: 10 },
        { t: 200, sent: 20 },
      ],
      [
        { t: 150, sent: 5 },
        { t: 250, sent: 7 },
      ],
    ];
    expect(sentAt(workers, [50, 100, 160, 260])).toEqual([
      { sent: 0, at: 50 },
      { sent: 10, at: 100 },
      { sent: 15, at: 150 },
      { sent: 27, at: 250 },
    ]);
  });

  it('sums each worker’s first count at or after a time, or its last one', () => {
    const workers = [
      [
        { t: 200, sent: 20 },
        { t: 100, sent: 10 },
      ],
      [
        { t: 150, sent: 5 },
        { t: 250, sent: 7 },
      ],
      [],
    ];
    expect(sentBy(workers, [50, 100, 160, 240, 300])).toEqual([15, 15, 27, 27, 27]);
  });

  it('measures from the newest sample counted to the first frame at or after it that covers the count', () => {
    const frames = [
      { t: 90, accepted: 30 },
      { t: 120, accepted: 8 },
      { t: 180, accepted: 12 },
      { t: 400, accepted: 40 },
    ];
    const markers = [
      { sent: 10, at: 100 },
      { sent: 12, at: 150 },
      { sent: 40, at: 300 },
      { sent: 41, at: 500 },
    ];
    expect(watermarkLatencies(markers, frames)).toEqual({ latencies: [80, 30, 100], at: [100, 150, 300], uncovered: 1 });
  });

  it('lists the worst client per moment, in time order, from the window start', () => {
    const a = { latencies: [80, 30], at: [100, 150] };
    const b = { latencies: [20, 90, 5], at: [150, 100, 300] };
    expect(latencySeries([a, b], 50)).toEqual([
      [50, 90],
      [100, 30],
      [250, 5],
    ]);
  });

  it.each([
    [[5, 1, 3, 2, 4], 50, 3],
    [[5, 1, 3, 2, 4], 99, 5],
    [[7], 1, 7],
    [[], 50, null],
  ])('takes the nearest-rank percentile of %j at p%i', (values, p, expected) => {
    expect(percentile(values, p)).toBe(expected);
  });

  it('places markers at a fixed step over the window', () => {
    expect(markerTimes(1000, 1300, 100)).toEqual([1000, 1100, 1200]);
  });
});

describe('slope', () => {
  it('is the least-squares growth per unit of x', () => {
    expect(slope([[0, 10], [1, 12], [2, 14], [3, 16]])).toBeCloseTo(2, 12);
    // A swing around a flat level does not grow.
    expect(slope([[0, 100], [1, 900], [2, 100], [3, 900], [4, 900], [5, 100], [6, 900], [7, 100]])).toBeCloseTo(0, 12);
    // Uneven x: the points [0, 0], [1, 1], [3, 3] lie on one line.
    expect(slope([[0, 0], [1, 1], [3, 3]])).toBeCloseTo(1, 12);
    expect(slope([[0, 5], [1, 3], [2, 1]])).toBeCloseTo(-2, 12);
  });

  it('is null without two distinct x', () => {
    expect(slope([])).toBeNull();
    expect(slope([[1, 5]])).toBeNull();
    expect(slope([[2, 5], [2, 9]])).toBeNull();
  });
});

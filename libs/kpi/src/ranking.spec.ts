import { percentile, topN } from './ranking';

describe('percentile (nearest rank)', () => {
  it.each([
    [[15, 20, 35, 40, 50], 5, 15],
    [[15, 20, 35, 40, 50], 30, 20],
    [[15, 20, 35, 40, 50], 40, 20],
    [[15, 20, 35, 40, 50], 50, 35],
    [[15, 20, 35, 40, 50], 100, 50],
    [[3, 1, 2], 0, 1],
    [[], 50, null],
  ])('of %j at p%i is %s', (values, p, expected) => {
    expect(percentile(values, p)).toBe(expected);
  });

  it('refuses p outside 0..100', () => {
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
});

describe('topN', () => {
  const makers = [
    { id: 'a', sales: 5 },
    { id: 'b', sales: 9 },
    { id: 'c', sales: 9 },
    { id: 'd', sales: 1 },
  ];

  it('returns the best first and keeps input order on ties', () => {
    expect(topN(makers, 3, (m) => m.sales).map((m) => m.id)).toEqual(['b', 'c', 'a']);
  });

  it('skips items without a score', () => {
    expect(topN(makers, 10, (m) => (m.id === 'b' ? null : m.sales)).map((m) => m.id)).toEqual(['c', 'a', 'd']);
  });
});

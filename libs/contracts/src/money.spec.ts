import { BASELINE_ANNUAL_SALES_FEN, TARGET_ANNUAL_SALES_FEN, addFen, fenToRmb, rmbToFen } from './money';
import { addDays, chinaDay, chinaDayStart, chinaYear, daysInYear } from './time';

describe('money in fen', () => {
  it.each([
    [1, 100],
    [0.01, 1],
    [19.99, 1999],
    [0.005, 1],
    [-0.005, -1],
    [1.005, 101],
    [0, 0],
  ])('%d RMB is %d fen', (rmb, fen) => {
    expect(rmbToFen(rmb)).toBe(fen);
  });

  it('holds the source figures exactly as integers', () => {
    expect(BASELINE_ANNUAL_SALES_FEN).toBe(6_300_000_000_000);
    expect(TARGET_ANNUAL_SALES_FEN).toBe(10_000_000_000_000);
    expect(fenToRmb(TARGET_ANNUAL_SALES_FEN)).toBe(100e9);
  });

  it('refuses sums that leave the exact integer range', () => {
    expect(() => addFen(Number.MAX_SAFE_INTEGER, 1)).toThrow(RangeError);
    expect(addFen(TARGET_ANNUAL_SALES_FEN, 1)).toBe(10_000_000_000_001);
  });
});

describe('China calendar', () => {
  it.each([
    [Date.UTC(2020, 0, 1, 15, 59, 59, 999), '2020-01-01'],
    [Date.UTC(2020, 0, 1, 16, 0), '2020-01-02'],
    [Date.UTC(2019, 11, 31, 16, 0), '2020-01-01'],
  ])('puts %i on %s', (ts, day) => {
    expect(chinaDay(ts)).toBe(day);
  });

  it('starts a day at 16:00 UTC the day before', () => {
    expect(chinaDayStart('2020-01-01')).toBe(Date.UTC(2019, 11, 31, 16));
    expect(chinaYear(chinaDayStart('2020-01-01'))).toBe(2020);
  });

  it('knows leap years and walks across month ends', () => {
    expect(daysInYear(2020)).toBe(366);
    expect(daysInYear(2019)).toBe(365);
    expect(addDays('2020-02-28', 1)).toBe('2020-02-29');
    expect(addDays('2020-03-01', -1)).toBe('2020-02-29');
  });

  it('refuses a malformed day', () => {
    expect(() => chinaDayStart('2020-1-1')).toThrow(RangeError);
  });
});

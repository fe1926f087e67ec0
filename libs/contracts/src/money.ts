/**
 * Money is integer fen (1 RMB = 100 fen). A cluster year of 100 bn RMB is 1e13 fen, far inside
 * Number.MAX_SAFE_INTEGER (9e15), so plain integers are exact; floats never carry money.
 */
export type Fen = number;

export const FEN_PER_RMB = 100;
export const FEN_PER_YUAN_BILLION = 1e9 * FEN_PER_RMB;

/** Cluster sales before the platform: 63 bn RMB a year. */
export const BASELINE_ANNUAL_SALES_FEN: Fen = 63 * FEN_PER_YUAN_BILLION;
/** The platform's target: 100 bn RMB a year by the end of 2020. */
export const TARGET_ANNUAL_SALES_FEN: Fen = 100 * FEN_PER_YUAN_BILLION;
/** The year the target is set for. */
export const TARGET_YEAR = 2020;

export function isFen(value: unknown): value is Fen {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

/** Converts whole or fractional RMB to fen, rounding half away from zero to the nearest fen. */
export function rmbToFen(rmb: number): Fen {
  if (!Number.isFinite(rmb)) throw new RangeError(`amount is not finite: ${rmb}`);
  // Shift the decimal point in the number's own text, so 1.005 RMB is 101 fen, not 100.49999 → 100.
  const [mantissa, exponent = '0'] = String(Math.abs(rmb)).split('e');
  const fen = Math.sign(rmb) * Math.round(Number(`${mantissa}e${Number(exponent) + 2}`));
  if (!Number.isSafeInteger(fen)) throw new RangeError(`amount out of range: ${rmb} RMB`);
  return fen === 0 ? 0 : fen;
}

/** For display only: fen to RMB as a float. */
export function fenToRmb(fen: Fen): number {
  return fen / FEN_PER_RMB;
}

/** Adds fen amounts, refusing to leave the exact integer range. */
export function addFen(a: Fen, b: Fen): Fen {
  const sum = a + b;
  if (!Number.isSafeInteger(sum)) throw new RangeError('fen sum left the safe integer range');
  return sum;
}

import fc from 'fast-check';

/**
 * Runs `check` on `numRuns` values of `arbitrary` (from a fixed seed); each run names the outcome
 * it met. Fails unless every one of `outcomes` came up more than `least` times: a comparison that
 * only ever met one of them proves little.
 */
export function assertEveryOutcome<T, O extends string>(
  arbitrary: fc.Arbitrary<T>,
  outcomes: readonly O[],
  check: (value: T) => O,
  options: { numRuns: number; seed: number; least: number },
): void {
  const seen = new Map<O, number>(outcomes.map((o) => [o, 0]));
  fc.assert(
    fc.property(arbitrary, (value) => {
      const outcome = check(value);
      seen.set(outcome, (seen.get(outcome) ?? 0) + 1);
    }),
    { numRuns: options.numRuns, seed: options.seed },
  );
  for (const outcome of outcomes) expect([outcome, seen.get(outcome)! > options.least]).toEqual([outcome, true]);
}

import { DYE_VAT_MAX_C, readingExcursions } from '@clusterpulse/contracts';
import { Rng } from '../prng';
import type { StepContext } from '../device-model';
import { dyeVat } from './dye-vat';

const STEP_MS = 3_600_000;
const START = Date.UTC(2020, 0, 6, 16);
const PROFILE = { id: 'm00001', category: 'tops' as const, employees: 120, digitization: 0.5, plannedPiecesPerHour: 100 };

/** Batches of one vat working around the clock: did any hold step leave its range, and how did the batch end. */
function batches(seed: number, steps: number): { temps: number[]; outcomes: Array<{ excursion: boolean; good: boolean }> } {
  const vat = dyeVat.create({ id: 'dye-1', number: 1, maker: PROFILE, rng: new Rng(seed) });
  const temps: number[] = [];
  const outcomes: Array<{ excursion: boolean; good: boolean }> = [];
  let excursion = false;
  for (let i = 0; i < steps; i++) {
    const ctx: StepContext = { ts: START + i * STEP_MS, stepMs: STEP_MS, hour: i % 24, onShift: true, powered: true, input: 0, heldUpstream: 0, site: { packed: 0, shipped: 0, energyWh: 0 } };
    const r = vat.step(ctx);
    const readings = r.readings ?? {};
    temps.push(readings.tempC);
    if (r.state === 'fault') excursion = false; // an aborted batch yields nothing
    if (readingExcursions('dye-vat', readings).length > 0) excursion = true;
    if (r.good + r.defective > 0) {
      outcomes.push({ excursion, good: r.good > 0 });
      excursion = false;
    }
  }
  return { temps, outcomes };
}

describe('dye vat', () => {
  it.each([1, 2, 3, 4, 5])('never reports a bath above boiling (seed %i)', (seed) => {
    const { temps } = batches(seed, 4000);
    expect(Math.max(...temps)).toBeLessThanOrEqual(DYE_VAT_MAX_C);
  });

  it.each([1, 2, 3, 4, 5])('alarms on exactly the batches that come out off-shade (seed %i)', (seed) => {
    const { outcomes } = batches(seed, 4000);
    expect(outcomes.length).toBeGreaterThan(500);
    expect(outcomes.filter((o) => o.good && o.excursion)).toEqual([]);
    expect(outcomes.filter((o) => !o.good && !o.excursion)).toEqual([]);
    // Some batches do fail: the check above is not vacuous.
    expect(outcomes.some((o) => !o.good)).toBe(true);
  });
});

import type { StepContext } from './device-model';
import { Rng } from './prng';
import { Station, type StationOptions } from './station';

const STEP_MS = 3_600_000;
const MIN = 60_000;
const START = Date.UTC(2019, 2, 4, 0); // 08:00 China time on a Monday

/** 1.5 min ideal cycle at 50% of rated speed: one piece every 3 minutes, 20 an hour. No random breakdowns or defects. */
function station(extra: Partial<StationOptions> = {}): Station {
  return new Station({
    id: 'st-1',
    kind: 'qc-station',
    rng: new Rng(1),
    idealCycleMs: 90_000,
    performance: 0.5,
    defectRate: 0,
    mtbfHours: 1e12,
    mttrHours: 1,
    runKw: 1,
    idleKw: 0.1,
    ...extra,
  });
}

function ctx(step: number, over: Partial<StepContext> = {}): StepContext {
  return {
    ts: START + step * STEP_MS,
    stepMs: STEP_MS,
    hour: 8 + step,
    onShift: true,
    powered: true,
    input: 0,
    heldUpstream: 0,
    site: { packed: 0, shipped: 0, energyWh: 0 },
    ...over,
  };
}

describe('Station planned time', () => {
  it('plans only the time its work needs: the rest of the shift is idle without orders', () => {
    const r = station().step(ctx(0, { input: 10 }));
    expect(r).toMatchObject({ state: 'running', plannedMs: 30 * MIN, runMs: 30 * MIN, good: 10, defective: 0 });
  });

  it('plans no time on shift with nothing queued and nothing held up', () => {
    const r = station().step(ctx(0));
    expect(r).toMatchObject({ state: 'idle', plannedMs: 0, runMs: 0 });
  });

  it('counts waiting for work held up upstream as planned time, as long as that work would have taken', () => {
    const s = station();
    expect(s.step(ctx(0, { heldUpstream: 4 }))).toMatchObject({ state: 'blocked', plannedMs: 12 * MIN, runMs: 0 });
    expect(s.step(ctx(1, { input: 5, heldUpstream: 4 }))).toMatchObject({ state: 'running', plannedMs: 27 * MIN, runMs: 15 * MIN });
    // held-up work never stretches planned time beyond the step
    expect(s.step(ctx(2, { input: 15, heldUpstream: 100 }))).toMatchObject({ plannedMs: STEP_MS, runMs: 45 * MIN });
  });

  it('plans the whole step when its work exceeds an hour, and keeps the rest queued', () => {
    const s = station();
    expect(s.step(ctx(0, { input: 30 }))).toMatchObject({ plannedMs: STEP_MS, runMs: STEP_MS, good: 20 });
    expect(s.queued).toBe(10);
  });

  it('charges a changeover to availability', () => {
    const r = station({ changeoverChance: 1, changeoverMs: 20 * MIN }).step(ctx(0, { input: 10 }));
    expect(r).toMatchObject({ plannedMs: 50 * MIN, runMs: 30 * MIN, good: 10 });
  });

  it('charges a breakdown to availability while it has work, not while it has none', () => {
    const loaded = station();
    loaded.applyFault({ kind: 'breakdown', until: START + 2 * STEP_MS });
    expect(loaded.step(ctx(0, { input: 10 }))).toMatchObject({ state: 'fault', plannedMs: STEP_MS, runMs: 0, good: 0 });

    const idle = station();
    idle.applyFault({ kind: 'breakdown', until: START + 2 * STEP_MS });
    expect(idle.step(ctx(0))).toMatchObject({ state: 'fault', plannedMs: 0, runMs: 0 });
  });

  it('charges a power cut on shift to availability while it has work', () => {
    const s = station();
    expect(s.step(ctx(0, { input: 10, powered: false }))).toMatchObject({ state: 'fault', plannedMs: STEP_MS, runMs: 0 });
    expect(station().step(ctx(0, { powered: false }))).toMatchObject({ plannedMs: 0 });
  });

  it('plans nothing off shift, even with work queued', () => {
    const s = station();
    s.step(ctx(0, { input: 30 }));
    expect(s.step(ctx(1, { onShift: false, hour: 22 }))).toMatchObject({ state: 'idle', plannedMs: 0, runMs: 0 });
    expect(s.queued).toBe(10);
  });

  it('keeps counters whose times add up to the time stepped and match its steps', () => {
    const s = station({ changeoverChance: 0.3, changeoverMs: 25 * MIN, mtbfHours: 20, defectRate: 0.05 });
    const rng = new Rng(3);
    let planned = 0;
    let run = 0;
    let good = 0;
    let defective = 0;
    const steps = 24 * 14;
    for (let i = 0; i < steps; i++) {
      const hour = (8 + i) % 24;
      const onShift = hour >= 8 && hour < 17;
      const r = s.step(ctx(i, { hour, onShift, powered: i % 50 !== 7, input: onShift ? rng.int(0, 25) : 0, heldUpstream: rng.chance(0.2) ? rng.uniform(0, 8) : 0 }));
      planned += r.plannedMs;
      run += r.runMs;
      good += r.good;
      defective += r.defective;
    }
    const c = s.counters;
    expect(c.runMs + c.downMs + c.changeoverMs + c.blockedMs + c.noOrdersMs + c.unplannedMs).toBe(steps * STEP_MS);
    expect(c.runMs + c.downMs + c.changeoverMs + c.blockedMs).toBe(planned);
    expect(c).toMatchObject({ runMs: run, good, defective });
    // every kind of loss happened, so the identities above are not vacuous
    for (const loss of [c.downMs, c.changeoverMs, c.blockedMs, c.noOrdersMs]) expect(loss).toBeGreaterThan(0);
  });
});

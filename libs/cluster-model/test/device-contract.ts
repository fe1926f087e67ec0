import { deviceReadingSchema, isId, DEVICE_STATES } from '@clusterpulse/contracts';
import { DEVICE_STAGES, Rng, type DeviceModel, type MakerProfile, type StepContext } from '@clusterpulse/cluster-model';

const PROFILES: MakerProfile[] = [
  { id: 'm00001', category: 'babywear', employees: 6, digitization: 0.05, plannedPiecesPerHour: 9 },
  { id: 'm00002', category: 'outerwear', employees: 40, digitization: 0.4, plannedPiecesPerHour: 18 },
  { id: 'm00003', category: 'tops', employees: 900, digitization: 0.9, plannedPiecesPerHour: 1300 },
];
const STEP_MS = 3_600_000;
const START = Date.UTC(2020, 0, 6, 16); // 00:00 China time on a Tuesday

/**
 * The contract every device model passes (the built-ins and every plug-in): plausible counts,
 * time accounting that keeps OEE within 0..1, readings the contracts accept, no units created
 * from nothing, nothing produced without power, determinism from its random stream.
 */
export function describeDeviceModelContract(model: DeviceModel): void {
  describe(`device model '${model.kind}' (contract)`, () => {
    it('declares a known stage and an id prefix usable in topics', () => {
      expect(DEVICE_STAGES).toContain(model.stage);
      expect(isId(`${model.idPrefix}-1`)).toBe(true);
    });

    it('gives a whole, non-negative device count for any maker', () => {
      for (const profile of PROFILES) {
        const n = model.count(profile, new Rng(1));
        expect(Number.isInteger(n)).toBe(true);
        expect(n).toBeGreaterThanOrEqual(0);
        expect(n).toBeLessThanOrEqual(200);
      }
    });

    it.each(PROFILES.map((p) => [p.employees, p] as const))('keeps time, counts and readings consistent over 20 simulated days (maker of %i)', (_n, profile) => {
      const device = model.create({ id: `${model.idPrefix}-1`, number: 1, maker: profile, rng: new Rng(7) });
      const inputRng = new Rng(99);
      let handed = 0;
      let out = 0;
      let planned = 0;
      let run = 0;
      let ideal = 0;
      for (let i = 0; i < 20 * 24; i++) {
        const hour = i % 24;
        const onShift = hour >= 8 && hour < 17;
        const powered = !(i >= 300 && i < 310);
        const input = onShift ? inputRng.int(0, Math.ceil(profile.plannedPiecesPerHour * 1.5)) : 0;
        handed += input;
        const heldUpstream = inputRng.chance(0.2) ? inputRng.uniform(0, profile.plannedPiecesPerHour) : 0;
        const ctx: StepContext = { ts: START + i * STEP_MS, stepMs: STEP_MS, hour, onShift, powered, input, heldUpstream, site: { packed: input, shipped: inputRng.int(0, input), energyWh: 5000 } };
        const r = device.step(ctx);
        expect(DEVICE_STATES).toContain(r.state);
        for (const v of [r.plannedMs, r.runMs, r.good, r.defective, r.energyWh]) {
          expect(Number.isInteger(v)).toBe(true);
          expect(v).toBeGreaterThanOrEqual(0);
        }
        expect(r.runMs).toBeLessThanOrEqual(r.plannedMs);
        expect(r.plannedMs).toBeLessThanOrEqual(STEP_MS);
        if (!powered) {
          expect(r.runMs).toBe(0);
          expect(r.good + r.defective).toBe(0);
        }
        const reading = { id: device.id, kind: device.kind, state: r.state, plannedMs: r.plannedMs, runMs: r.runMs, good: r.good, defective: r.defective, idealCycleMs: device.idealCycleMs, energyWh: r.energyWh, ...(r.readings ? { readings: r.readings } : {}) };
        expect(deviceReadingSchema.safeParse(reading).success).toBe(true);
        out += r.good + r.defective;
        planned += r.plannedMs;
        run += r.runMs;
        ideal += (r.good + r.defective) * device.idealCycleMs;
      }
      expect(run).toBeLessThanOrEqual(planned);
      // rated speed is a ceiling: OEE performance never exceeds 1
      expect(ideal).toBeLessThanOrEqual(run);
      if (model.stage !== 'support' && model.stage !== 'metering') {
        // a station hands on no more than it was handed, and what it has not finished is queued
        expect(out + device.queued).toBe(handed);
      }
    });

    if (model.stage !== 'support' && model.stage !== 'metering') {
      const onShift = (over: Partial<StepContext>): StepContext => ({ ts: START + 8 * STEP_MS, stepMs: STEP_MS, hour: 8, onShift: true, powered: true, input: 0, heldUpstream: 0, site: { packed: 0, shipped: 0, energyWh: 0 }, ...over });

      it('plans no time on shift with nothing to do and nothing held up (idle without orders)', () => {
        for (const profile of PROFILES) {
          const device = model.create({ id: `${model.idPrefix}-1`, number: 1, maker: profile, rng: new Rng(7) });
          expect(device.step(onShift({}))).toMatchObject({ plannedMs: 0, runMs: 0 });
        }
      });

      it('plans the time it waits for work held up upstream (blocked)', () => {
        for (const profile of PROFILES) {
          const device = model.create({ id: `${model.idPrefix}-1`, number: 1, maker: profile, rng: new Rng(7) });
          const r = device.step(onShift({ heldUpstream: profile.plannedPiecesPerHour }));
          expect(r.runMs).toBe(0);
          expect(r.plannedMs).toBeGreaterThan(0);
          expect(['blocked', 'fault']).toContain(r.state);
        }
      });
    }

    it('is deterministic: the same random stream gives the same steps', () => {
      const trace = (seed: number): unknown[] => {
        const device = model.create({ id: `${model.idPrefix}-1`, number: 1, maker: PROFILES[1], rng: new Rng(seed) });
        const steps: unknown[] = [];
        for (let i = 0; i < 24 * 14; i++) {
          const hour = i % 24;
          steps.push(device.step({ ts: START + i * STEP_MS, stepMs: STEP_MS, hour, onShift: hour >= 8 && hour < 17, powered: true, input: hour >= 8 && hour < 17 ? 20 : 0, heldUpstream: 0, site: { packed: 20, shipped: 15, energyWh: 1000 } }));
        }
        return steps;
      };
      expect(trace(5)).toEqual(trace(5));
    });
  });
}

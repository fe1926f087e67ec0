import type { DeviceModel } from '../device-model';
import { Station } from '../station';

const DECORATED = new Set(['babywear', 'dresses', 'sleepwear', 'tops']);

/** Multi-head embroidery for the makers whose products carry it; every piece of theirs passes it. */
export const embroideryMachine: DeviceModel = {
  kind: 'embroidery-machine',
  stage: 'decoration',
  idPrefix: 'emb',
  description: 'Embroidery machine: decorates sewn pieces; thread breaks show as short faults',
  count: (maker, rng) => (DECORATED.has(maker.category) && rng.chance(0.4) ? Math.max(1, Math.round(maker.employees / 90)) : 0),
  create({ id, maker, rng }) {
    const machines = Math.max(1, Math.round(maker.employees / 90));
    const performance = 0.78 + rng.uniform(-0.05, 0.05);
    const rated = (maker.plannedPiecesPerHour * 2) / machines;
    return new Station({
      id,
      kind: 'embroidery-machine',
      rng,
      idealCycleMs: (3_600_000 * performance) / rated,
      performance,
      defectRate: 0.006,
      mtbfHours: 70,
      mttrHours: 0.6,
      // re-threading colours and loading the next design; designs sent from the platform load faster
      changeoverChance: 0.12 - 0.06 * maker.digitization,
      changeoverMs: 20 * 60_000,
      runKw: 1.4,
      idleKw: 0.15,
    });
  },
};

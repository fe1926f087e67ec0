import type { DeviceModel } from '../device-model';
import { Station } from '../station';

const PRINTED = new Set(['tops', 'schoolwear', 'babywear', 'sleepwear']);

/** Screen or digital garment printer for makers that print their own designs. */
export const printingMachine: DeviceModel = {
  kind: 'printing-machine',
  stage: 'decoration',
  idPrefix: 'prt',
  description: 'Garment printing machine: prints sewn pieces, with curing energy',
  count: (maker, rng) => (PRINTED.has(maker.category) && rng.chance(0.25) ? Math.max(1, Math.round(maker.employees / 120)) : 0),
  create({ id, maker, rng }) {
    const machines = Math.max(1, Math.round(maker.employees / 120));
    const performance = 0.82 + rng.uniform(-0.05, 0.05);
    const rated = (maker.plannedPiecesPerHour * 2.2) / machines;
    return new Station({
      id,
      kind: 'printing-machine',
      rng,
      idealCycleMs: (3_600_000 * performance) / rated,
      performance,
      defectRate: 0.008,
      mtbfHours: 150,
      mttrHours: 1,
      // screens and inks for the next design
      changeoverChance: 0.12 - 0.06 * maker.digitization,
      changeoverMs: 30 * 60_000,
      runKw: 6,
      idleKw: 1.2,
    });
  },
};

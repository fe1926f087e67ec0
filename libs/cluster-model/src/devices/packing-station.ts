import type { DeviceModel } from '../device-model';
import { Station } from '../station';

/** Folding, tagging and bagging: what leaves packing is the maker's finished output. */
export const packingStation: DeviceModel = {
  kind: 'packing-station',
  stage: 'packing',
  idPrefix: 'pack',
  description: 'Packing station: finished pieces',
  count: (maker) => Math.max(1, Math.round(maker.employees / 120)),
  create({ id, maker, rng }) {
    const stations = Math.max(1, Math.round(maker.employees / 120));
    const performance = 0.86 + rng.uniform(-0.04, 0.04);
    const rated = (maker.plannedPiecesPerHour * 2.5) / stations;
    return new Station({
      id,
      kind: 'packing-station',
      rng,
      idealCycleMs: (3_600_000 * performance) / rated,
      performance,
      defectRate: 0.0005,
      mtbfHours: 1500,
      mttrHours: 0.5,
      runKw: 0.5,
      idleKw: 0.1,
    });
  },
};

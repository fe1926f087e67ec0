import type { DeviceModel } from '../device-model';
import { Station } from '../station';

/** Final inspection: catches the defects the line let through; its defectives are the maker's rejects. */
export const qcStation: DeviceModel = {
  kind: 'qc-station',
  stage: 'qc',
  idPrefix: 'qc',
  description: 'Quality-control station: inspected pieces, rejects',
  count: (maker) => Math.max(1, Math.round(maker.employees / 80)),
  create({ id, maker, rng }) {
    const stations = Math.max(1, Math.round(maker.employees / 80));
    const performance = 0.85 + rng.uniform(-0.05, 0.05);
    const rated = (maker.plannedPiecesPerHour * 2.4) / stations;
    return new Station({
      id,
      kind: 'qc-station',
      rng,
      idealCycleMs: (3_600_000 * performance) / rated,
      performance,
      defectRate: Math.max(0.004, 0.02 - 0.012 * maker.digitization),
      mtbfHours: 2000,
      mttrHours: 0.5,
      runKw: 0.15,
      idleKw: 0.05,
    });
  },
};

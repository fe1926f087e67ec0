import type { DeviceModel } from '../device-model';
import { Station } from '../station';

/** Lays and cuts fabric in batches of plies for the sewing lines; much faster than the lines it feeds. */
export const PLIES_PER_BATCH = 120;

class CuttingTable extends Station {
  protected override readings(): Record<string, number> {
    return { batches: Math.floor(this.processedTotal / PLIES_PER_BATCH) };
  }
}

export const cuttingTable: DeviceModel = {
  kind: 'cutting-table',
  stage: 'cutting',
  idPrefix: 'cut',
  description: 'Cutting table: cuts batches of plies; batches cut so far',
  count: (maker) => Math.max(1, Math.round(maker.employees / 70)),
  create({ id, maker, rng }) {
    const tables = Math.max(1, Math.round(maker.employees / 70));
    const performance = 0.8 + rng.uniform(-0.05, 0.05);
    const rated = (maker.plannedPiecesPerHour * 2.2) / tables;
    return new CuttingTable({
      id,
      kind: 'cutting-table',
      rng,
      idealCycleMs: (3_600_000 * performance) / rated,
      performance,
      defectRate: 0.003,
      mtbfHours: 400,
      mttrHours: 1.5,
      // a new lay and marker for the next style; CAD markers from the platform are quicker
      changeoverChance: 0.15 - 0.08 * maker.digitization,
      changeoverMs: 20 * 60_000,
      runKw: 2.5,
      idleKw: 0.3,
    });
  },
};

import { CALIBRATION } from '../calibration';
import type { DeviceModel } from '../device-model';
import { Station } from '../station';

/**
 * A sewing line of about two dozen operators: the workshop's bottleneck. Runs, waits for cut parts
 * (blocked), changes over between styles, breaks down. Sized so the maker's lines together turn out
 * its ordinary demand with some headroom at the line's own speed.
 */
export const sewingLine: DeviceModel = {
  kind: 'sewing-line',
  stage: 'sewing',
  idPrefix: 'sew',
  description: 'Sewing line: running, blocked, changeover, fault; pieces and defects',
  count: (maker) => Math.max(1, Math.round(maker.employees / 24)),
  create({ id, maker, rng }) {
    const lines = Math.max(1, Math.round(maker.employees / 24));
    const performance = Math.min(0.97, 0.74 + 0.18 * maker.digitization + rng.normal(0, 0.03));
    const perLinePerHour = (maker.plannedPiecesPerHour * CALIBRATION.capacityHeadroom) / lines;
    return new Station({
      id,
      kind: 'sewing-line',
      rng,
      idealCycleMs: (3_600_000 * performance) / perLinePerHour,
      performance,
      // Digitized makers spoil less (inline inspection data), stop less (maintenance planned from the
      // machines' data) and change styles less often and faster (orders batched and balanced ahead).
      defectRate: Math.max(0.008, 0.045 - 0.03 * maker.digitization),
      // a stoppage of the line: one of its two dozen machines down at a key operation
      mtbfHours: 30 + 90 * maker.digitization,
      mttrHours: 0.75,
      // a new style: re-threading, re-balancing the operations, the first pieces checked
      changeoverChance: 0.1 - 0.05 * maker.digitization,
      // whole milliseconds: a report's times are integers
      changeoverMs: Math.round((75 - 40 * maker.digitization) * 60_000),
      runKw: 3.2,
      idleKw: 0.7,
    });
  },
};

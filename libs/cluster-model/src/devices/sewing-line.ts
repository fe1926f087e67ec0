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
    const performance = Math.min(0.97, 0.72 + 0.18 * maker.digitization + rng.normal(0, 0.03));
    const perLinePerHour = (maker.plannedPiecesPerHour * CALIBRATION.capacityHeadroom) / lines;
    return new Station({
      id,
      kind: 'sewing-line',
      rng,
      idealCycleMs: (3_600_000 * performance) / perLinePerHour,
      performance,
      defectRate: Math.max(0.005, 0.028 - 0.015 * maker.digitization),
      mtbfHours: 90 + 120 * maker.digitization,
      mttrHours: 1.2,
      changeoverChance: 0.05,
      changeoverMs: 40 * 60_000,
      starvedState: 'blocked',
      runKw: 3.2,
      idleKw: 0.7,
    });
  },
};

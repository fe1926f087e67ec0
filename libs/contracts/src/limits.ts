import type { DeviceKind } from './domain';

/**
 * Documented operating ranges of device readings, shared by the simulator (which produces
 * excursions) and the server (which raises an 'out-of-range' alarm once per excursion).
 *
 * A limit is absolute (`min`/`max`), or a band around a set point the device reports itself
 * (`band`), or both; the effective range is their intersection. A band applies only while its
 * `activeWhen` reading is non-zero, e.g. a dye bath only has to stay near its set point while
 * holding, not while heating up or cooling down.
 */
export interface ReadingBand {
  /** Reading holding the set point, e.g. 'setpointC'. */
  center: string;
  /** Reading holding the allowed distance from the set point; `defaultTolerance` when absent. */
  tolerance: string;
  defaultTolerance: number;
  /** Reading that must be non-zero for the band to apply; always applies when omitted. */
  activeWhen?: string;
}

export interface ReadingLimit {
  unit: string;
  min?: number;
  max?: number;
  band?: ReadingBand;
}

/** A dye bath more than this far from its recipe's set point during the hold risks an off-shade batch. */
export const DYE_TOLERANCE_C = 3;

/** An open (atmospheric) dye vat cannot hold water above boiling; below freezing it holds no bath. */
export const DYE_VAT_MIN_C = 0;
export const DYE_VAT_MAX_C = 100;

export const READING_LIMITS: { readonly [K in DeviceKind]?: Readonly<Record<string, ReadingLimit>> } = {
  'dye-vat': {
    tempC: {
      unit: '°C',
      min: DYE_VAT_MIN_C,
      max: DYE_VAT_MAX_C,
      band: { center: 'setpointC', tolerance: 'toleranceC', defaultTolerance: DYE_TOLERANCE_C, activeWhen: 'holding' },
    },
  },
};

export interface ReadingExcursion {
  reading: string;
  value: number;
  unit: string;
  /** The effective range the value left. */
  low: number;
  high: number;
}

/** The readings of one device sample that are outside their documented range (empty when all are fine). */
export function readingExcursions(kind: DeviceKind, readings: Readonly<Record<string, number>> | undefined): ReadingExcursion[] {
  const limits = READING_LIMITS[kind];
  if (!limits || !readings) return [];
  const out: ReadingExcursion[] = [];
  for (const [reading, limit] of Object.entries(limits)) {
    const value = readings[reading];
    if (value === undefined) continue;
    const { low, high } = effectiveRange(limit, readings);
    if (value < low || value > high) out.push({ reading, value, unit: limit.unit, low, high });
  }
  return out;
}

/** The range a reading must stay in, given the device's other readings (its set point, its phase). */
export function effectiveRange(limit: ReadingLimit, readings: Readonly<Record<string, number>>): { low: number; high: number } {
  let low = limit.min ?? -Infinity;
  let high = limit.max ?? Infinity;
  const band = limit.band;
  if (band && (band.activeWhen === undefined || (readings[band.activeWhen] ?? 0) !== 0)) {
    const center = readings[band.center];
    if (center !== undefined) {
      const tolerance = Math.abs(readings[band.tolerance] ?? band.defaultTolerance);
      low = Math.max(low, center - tolerance);
      high = Math.min(high, center + tolerance);
    }
  }
  return { low, high };
}

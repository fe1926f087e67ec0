import type { DeviceKind, DeviceState, SimTime } from '@clusterpulse/contracts';
import type { MakerProfile } from './maker';
import type { Rng } from './prng';

/**
 * The plug-in API for device types. A device type is one file exporting a `DeviceModel`, plus one
 * line registering it (see registry.ts and docs/EXTENDING-SIMULATORS.md). The workshop steps its
 * devices once per simulated step, stage by stage: what one stage finishes is handed to the next.
 */
export const DEVICE_STAGES = ['cutting', 'sewing', 'decoration', 'finishing', 'qc', 'packing', 'support', 'metering'] as const;
export type DeviceStage = (typeof DEVICE_STAGES)[number];

export interface DeviceInit {
  /** Unique within the maker; a valid topic-level id. */
  id: string;
  /** 1-based number of this device among its maker's devices of the same kind. */
  number: number;
  maker: MakerProfile;
  /** The device's own random stream. Draw everything random from it, in the order of your steps. */
  rng: Rng;
}

/** What the workshop tells a device about the current step. */
export interface StepContext {
  /** Simulated start of the step. */
  ts: SimTime;
  stepMs: number;
  /** China local hour of the step, 0..23. */
  hour: number;
  /** A scheduled working hour of the workshop. */
  onShift: boolean;
  /** False during a power cut: nothing runs and nothing is measured. */
  powered: boolean;
  /** Pieces the previous stage handed to this device in this step (0 for support devices). */
  input: number;
  /**
   * Pieces meant for this device that got held up upstream during this step: work piling up in an
   * earlier stage (a breakdown, a changeover, a line running flat out) or release the workshop holds
   * back while it waits for fabric and trims. A device with nothing to do while work for it is held
   * up is blocked, and that wait is planned time; with nothing held up it is idle without orders,
   * which is not. Fractional when a stage's held work is shared by several devices; 0 for support
   * devices.
   */
  heldUpstream: number;
  /** The workshop's step so far, for support devices that measure or store what others did. */
  site: SiteStep;
}

export interface SiteStep {
  /** Good pieces packed in this step (stock in). */
  packed: number;
  /** Pieces shipped to customers in this step (stock out). */
  shipped: number;
  /** Energy of the devices stepped before this one, Wh. */
  energyWh: number;
}

/** One device's step. Times are within the step: runMs <= plannedMs <= stepMs. */
export interface StepResult {
  state: DeviceState;
  /**
   * Time the shift plan had work for the device: running, stopped while it had work (breakdown,
   * changeover, power cut) and blocked (waiting for work held up upstream). Not planned: off shift,
   * and on shift idle without orders (nothing queued, nothing held up). OEE availability is
   * runMs / plannedMs.
   */
  plannedMs: number;
  /** Time it produced; never more than plannedMs. */
  runMs: number;
  /** Units finished well (pieces, or batches for batch equipment); pass-through devices hand these on. */
  good: number;
  defective: number;
  energyWh: number;
  /** Sensor values at the end of the step, e.g. { tempC: 97.8 }. */
  readings?: Record<string, number>;
}

export type DeviceFault =
  | { kind: 'breakdown'; until: SimTime }
  | { kind: 'sensor-drift'; until: SimTime; /** reading offset reached at the end, in the sensor's unit */ magnitude: number };

export interface SimDevice {
  readonly id: string;
  readonly kind: DeviceKind;
  /** Ideal time per unit at rated speed, ms: OEE performance = units x idealCycleMs / runMs. */
  readonly idealCycleMs: number;
  /** Units handed to the device and not yet finished (work in progress). */
  readonly queued: number;
  step(ctx: StepContext): StepResult;
  /** Returns false when the fault makes no sense for this device (e.g. drift on a device without sensors). */
  applyFault(fault: DeviceFault): boolean;
}

export interface DeviceModel {
  readonly kind: DeviceKind;
  readonly stage: DeviceStage;
  /** Short prefix of device ids, e.g. 'sew' gives sew-1, sew-2. */
  readonly idPrefix: string;
  readonly description: string;
  /** How many of these a maker of this profile runs (0 for none). Draw from rng only. */
  count(maker: MakerProfile, rng: Rng): number;
  create(init: DeviceInit): SimDevice;
}

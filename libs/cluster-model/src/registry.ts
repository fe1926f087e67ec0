import type { DeviceKind } from '@clusterpulse/contracts';
import { DEVICE_STAGES, type DeviceModel } from './device-model';
import { cuttingTable } from './devices/cutting-table';
import { dyeVat } from './devices/dye-vat';
import { embroideryMachine } from './devices/embroidery-machine';
import { energyMeter } from './devices/energy-meter';
import { packingStation } from './devices/packing-station';
import { printingMachine } from './devices/printing-machine';
import { qcStation } from './devices/qc-station';
import { sewingLine } from './devices/sewing-line';
import { warehouse } from './devices/warehouse';

/** The device types a workshop is built from, in the order the workshop steps them. */
export class DeviceRegistry {
  private readonly byKind = new Map<DeviceKind, DeviceModel>();

  register(model: DeviceModel): this {
    if (this.byKind.has(model.kind)) throw new Error(`device kind '${model.kind}' is already registered`);
    if (!/^[a-z][a-z0-9]{0,7}$/.test(model.idPrefix)) throw new Error(`idPrefix '${model.idPrefix}' must be 1-8 lower-case letters or digits`);
    for (const other of this.byKind.values()) {
      if (other.idPrefix === model.idPrefix) throw new Error(`idPrefix '${model.idPrefix}' is taken by '${other.kind}'`);
    }
    this.byKind.set(model.kind, model);
    return this;
  }

  get(kind: DeviceKind): DeviceModel {
    const model = this.byKind.get(kind);
    if (!model) throw new Error(`no device model registered for '${kind}'`);
    return model;
  }

  has(kind: DeviceKind): boolean {
    return this.byKind.has(kind);
  }

  /** Models by stage, then by registration order within a stage. */
  models(): DeviceModel[] {
    const all = [...this.byKind.values()];
    return DEVICE_STAGES.flatMap((stage) => all.filter((m) => m.stage === stage));
  }
}

export const BUILT_IN_DEVICE_MODELS: readonly DeviceModel[] = [
  cuttingTable,
  sewingLine,
  embroideryMachine,
  printingMachine,
  qcStation,
  packingStation,
  dyeVat,
  warehouse,
  energyMeter,
];

/** A registry holding the built-in device types; register plug-ins on it before generating a cluster. */
export function createDeviceRegistry(): DeviceRegistry {
  const registry = new DeviceRegistry();
  for (const model of BUILT_IN_DEVICE_MODELS) registry.register(model);
  return registry;
}

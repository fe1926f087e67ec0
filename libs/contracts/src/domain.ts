/** The cluster's vocabulary: product categories, sales channels, device kinds and states. */

export const PRODUCT_CATEGORIES = ['babywear', 'tops', 'bottoms', 'dresses', 'outerwear', 'sleepwear', 'schoolwear'] as const;
export type ProductCategory = (typeof PRODUCT_CATEGORIES)[number];

export const SALES_CHANNELS = ['ecommerce', 'wholesale', 'export'] as const;
export type SalesChannel = (typeof SALES_CHANNELS)[number];

/** Device kinds known to the contracts. Simulator plug-ins add kinds by extending this list. */
export const DEVICE_KINDS = [
  'cutting-table',
  'sewing-line',
  'embroidery-machine',
  'dye-vat',
  'printing-machine',
  'qc-station',
  'packing-station',
  'warehouse',
  'energy-meter',
  'steam-press',
] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/**
 * What a device reports. `changeover` and `blocked` are planned or starved time on a running line;
 * the rollup to the four dashboard states is `deviceStateGroup`.
 */
export const DEVICE_STATES = ['running', 'idle', 'changeover', 'blocked', 'fault', 'offline'] as const;
export type DeviceState = (typeof DEVICE_STATES)[number];

export const DEVICE_STATE_GROUPS = ['running', 'idle', 'fault', 'offline'] as const;
export type DeviceStateGroup = (typeof DEVICE_STATE_GROUPS)[number];

export function deviceStateGroup(state: DeviceState): DeviceStateGroup {
  switch (state) {
    case 'running':
      return 'running';
    case 'idle':
    case 'changeover':
    case 'blocked':
      return 'idle';
    case 'fault':
      return 'fault';
    case 'offline':
      return 'offline';
  }
}

/** Ids of clusters, enterprises, gateways and devices: safe as one MQTT topic level. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function isId(value: string): boolean {
  return ID_PATTERN.test(value);
}

/** The reference cluster's id. */
export const DEFAULT_CLUSTER_ID = 'huizhou-kids';

import type { DeviceDescriptor, DeviceKind, ProductCategory, SalesChannel } from '@clusterpulse/contracts';

/** A maker (enterprise) as generated from the seed. Plain data: the simulation state lives elsewhere. */
export interface Maker {
  /** Position in the cluster, 0-based; also the order in which gateways connect. */
  index: number;
  /** Seed of this maker's own random streams, derived from the cluster seed and its id. */
  seed: number;
  id: string;
  gatewayId: string;
  name: string;
  town: string;
  park: string;
  category: ProductCategory;
  /** 0 (paper and phone) .. 1 (fully on the platform), at the start of any scenario. */
  digitization: number;
  employees: number;
  /** Pieces an employee turns out per working day at this maker. */
  piecesPerWorkerDay: number;
  /** Ex-works list price of one piece in fen; channels apply their own markups. */
  unitPriceFen: number;
  /** Share of this maker's demand by channel; sums to 1. */
  channelShare: Record<SalesChannel, number>;
  devices: MakerDevice[];
}

export interface MakerDevice extends DeviceDescriptor {
  kind: DeviceKind;
}

/** What a device model may know about its maker when it is created. */
export interface MakerProfile {
  id: string;
  category: ProductCategory;
  employees: number;
  digitization: number;
  /** Demand the workshop is sized for: pieces per working hour on an ordinary day. */
  plannedPiecesPerHour: number;
}

import { DEFAULT_CLUSTER_ID, PRODUCT_CATEGORIES, type ProductCategory, type SalesChannel } from '@clusterpulse/contracts';
import { CALIBRATION } from './calibration';
import type { Maker, MakerDevice, MakerProfile } from './maker';
import { Rng, deriveSeed } from './prng';
import { createDeviceRegistry, type DeviceRegistry } from './registry';
import { ordinaryDemandPerDay } from './sales-model';

export const DEFAULT_MAKERS = 20_000;
export const DEFAULT_SEED = 2019;

export interface ClusterOptions {
  seed?: number;
  makers?: number;
  cluster?: string;
  registry?: DeviceRegistry;
}

export interface Cluster {
  id: string;
  seed: number;
  makers: Maker[];
  registry: DeviceRegistry;
}

/** Towns of the cluster with their industrial parks; weights are the share of makers. */
export const TOWNS: ReadonlyArray<{ name: string; weight: number; parks: readonly string[] }> = [
  { name: 'Zhili', weight: 0.46, parks: ['Zhili Kidswear Industrial Park', 'Zhili East Park', 'Zhili Dongfang Park', 'Zhili Garment City'] },
  { name: 'Balidian', weight: 0.14, parks: ['Balidian Textile Park', 'Balidian South Park'] },
  { name: 'Donglin', weight: 0.1, parks: ['Donglin Smart Park', 'Donglin Weaving Park'] },
  { name: 'Lianshi', weight: 0.09, parks: ['Lianshi Garment Park', 'Lianshi North Park'] },
  { name: 'Shuanglin', weight: 0.08, parks: ['Shuanglin Printing and Dyeing Park', 'Shuanglin Hi-Tech Park'] },
  { name: 'Hefu', weight: 0.07, parks: ['Hefu Industrial Park', 'Hefu Riverside Park'] },
  { name: 'Daixi', weight: 0.06, parks: ['Daixi Kidswear Park', 'Daixi Enterprise Park'] },
];

const NAME_FIRST = ['Xing', 'Jin', 'Mei', 'Hua', 'Tian', 'Le', 'Bei', 'Yang', 'Xiao', 'Hong', 'Lan', 'Fu', 'Kang', 'Rui', 'Jia', 'An', 'Ming', 'Yu', 'Chen', 'Bao'];
const NAME_SECOND = ['yun', 'bao', 'tong', 'le', 'xin', 'yue', 'hui', 'feng', 'an', 'li', 'cai', 'qi', 'mei', 'long', 'xiu', 'chun'];
const NAME_SUFFIX = ["Kids' Wear", 'Garments', 'Apparel', 'Children Clothing', 'Fashion', 'Textile'];

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** The MakerProfile a device model sees: what the workshop is sized for. */
export function makerProfile(maker: Maker): MakerProfile {
  return {
    id: maker.id,
    category: maker.category,
    employees: maker.employees,
    digitization: maker.digitization,
    plannedPiecesPerHour: (ordinaryDemandPerDay(maker) * 365) / (CALIBRATION.workingDaysPerYear * 8),
  };
}

/**
 * One maker from the cluster seed and its index. Each maker draws from its own stream, so maker
 * number 17 is the same maker in a cluster of 500 and in one of 20,000.
 */
export function generateMaker(clusterSeed: number, index: number, registry: DeviceRegistry): Maker {
  const seed = deriveSeed(clusterSeed, 'maker', index);
  const rng = new Rng(seed);
  const c = CALIBRATION;
  const id = `m${String(index + 1).padStart(5, '0')}`;
  const town = TOWNS[rng.weightedIndex(TOWNS.map((t) => t.weight))];
  const park = rng.pick(town.parks);
  const category = PRODUCT_CATEGORIES[rng.weightedIndex(PRODUCT_CATEGORIES.map((k) => c.categoryShare[k]))] as ProductCategory;
  const employees = Math.round(clamp(rng.logNormal(c.employees.median, c.employees.sigma), c.employees.min, c.employees.max));
  const d = c.digitization;
  const digitization =
    Math.round(clamp(rng.logNormal(d.median, d.sigma) + d.sizeBonus * Math.log(employees / c.employees.median), d.min, d.max) * 1000) / 1000;
  const piecesPerWorkerDay = c.piecesPerWorkerDay[category] * Math.exp(c.productivitySigma * rng.normal() - (c.productivitySigma * c.productivitySigma) / 2);
  const unitPriceFen = Math.round(c.unitPriceFen[category] * rng.uniform(0.75, 1.25));

  const ecommerce = clamp(0.12 + 0.55 * digitization + rng.normal(0, 0.05), 0.05, 0.85);
  const exportShare = rng.chance(0.25) ? rng.uniform(0.05, 0.3) : 0;
  const wholesale = Math.max(0.1, 1 - ecommerce - exportShare);
  const total = ecommerce + exportShare + wholesale;
  const channelShare = { ecommerce: ecommerce / total, wholesale: wholesale / total, export: exportShare / total } satisfies Record<SalesChannel, number>;

  const name = `${rng.pick(NAME_FIRST)}${rng.pick(NAME_SECOND)} ${rng.pick(NAME_SUFFIX)} ${String(index + 1).padStart(5, '0')}`;
  const maker: Maker = {
    index,
    seed,
    id,
    gatewayId: 'gw1',
    name,
    town: town.name,
    park,
    category,
    digitization,
    employees,
    piecesPerWorkerDay,
    unitPriceFen,
    channelShare,
    devices: [],
  };
  const profile = makerProfile(maker);
  for (const model of registry.models()) {
    const n = model.count(profile, Rng.derive(seed, 'count', model.kind));
    for (let i = 1; i <= n; i++) {
      const device: MakerDevice = { id: `${model.idPrefix}-${i}`, kind: model.kind };
      if (model.stage === 'sewing') device.line = `L${i}`;
      maker.devices.push(device);
    }
  }
  return maker;
}

export function generateCluster(options: ClusterOptions = {}): Cluster {
  const seed = options.seed ?? DEFAULT_SEED;
  const count = options.makers ?? DEFAULT_MAKERS;
  if (!Number.isInteger(count) || count < 1 || count > 99_999) throw new RangeError(`makers must be 1..99999, got ${count}`);
  if (!Number.isInteger(seed) || seed < 0) throw new RangeError(`seed must be a non-negative integer, got ${seed}`);
  const registry = options.registry ?? createDeviceRegistry();
  const makers: Maker[] = [];
  for (let i = 0; i < count; i++) makers.push(generateMaker(seed, i, registry));
  return { id: options.cluster ?? DEFAULT_CLUSTER_ID, seed, makers, registry };
}


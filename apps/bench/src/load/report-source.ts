import { STEP_MS, createDeviceRegistry, createScenario, generateMaker, MakerSimulation, type DeviceRegistry } from '@clusterpulse/cluster-model';
import {
  DEVICE_KINDS,
  PRODUCT_CATEGORIES,
  SALES_CHANNELS,
  gatewayClientId,
  gatewayTopic,
  type BirthPayload,
  type DeviceKind,
  type DeviceReading,
  type GatewayAddress,
  type ReportPayload,
  type StatePayload,
} from '@clusterpulse/contracts';

/** Simulated start of every bench run: 09:00 China time on an ordinary working day of the target year. */
export const BENCH_SIM_START = Date.UTC(2020, 2, 2, 1, 0, 0);
/** Each report covers one simulated minute: one real second per report is a 60x demo speed. */
export const BENCH_INTERVAL_MS = 60_000;
/** Distinct report bodies per gateway, rotated so consecutive reports do not carry identical figures. */
export const BODY_VARIANTS = 4;

/**
 * What the load generator needs to speak for one gateway. Reports are produced as text: the
 * figures are drawn once per gateway (BODY_VARIANTS bodies), and only `seq` and `ts` are spliced
 * in per report, so 20,000 gateways cost the generator a string concatenation each, not a model
 * step and a JSON.stringify.
 */
export interface GatewayScript {
  address: GatewayAddress;
  clientId: string;
  reportTopic: string;
  birthTopic: string;
  stateTopic: string;
  controlTopic: string;
  birth: (seq: number) => BirthPayload;
  /** Retained offline state the broker publishes if the connection dies. */
  will: StatePayload;
  /** JSON text of a report body without its leading `{`, i.e. everything after `"ts":<ts>,`. */
  bodies: string[];
  /** Simulated time the reports start from, and what each report covers. */
  startTs: number;
  intervalMs: number;
}

/** Where the figures come from: the simulator's maker model, or figures drawn here from the contracts' types. */
export type PayloadSource = 'model' | 'synthetic';

/** Deterministic small PRNG (mulberry32): the bench needs reproducible, not statistical, figures. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function benchAddress(cluster: string, index: number): GatewayAddress {
  const id = String(index).padStart(5, '0');
  return { cluster, enterprise: `m${id}`, gateway: `gw${id}` };
}

/** Workshop devices of a small apparel maker: a cutting table, sewing lines, QC and packing. */
function devicesOf(random: () => number): Array<{ id: string; kind: DeviceKind }> {
  const kinds: DeviceKind[] = ['cutting-table'];
  const lines = 1 + Math.floor(random() * 3);
  for (let i = 0; i < lines; i++) kinds.push('sewing-line');
  kinds.push('qc-station', 'packing-station');
  if (random() < 0.3) kinds.push('dye-vat');
  if (random() < 0.3) kinds.push('embroidery-machine');
  for (const kind of kinds) if (!DEVICE_KINDS.includes(kind)) throw new Error(`unknown device kind ${kind}`);
  return kinds.map((kind, i) => ({ id: `d${i + 1}`, kind }));
}

export function gatewayScript(cluster: string, index: number, seed = 1, source: PayloadSource = 'model'): GatewayScript {
  return source === 'model' ? modelScript(cluster, index, seed) : syntheticScript(cluster, index, seed);
}

let registry: DeviceRegistry | null = null;

/**
 * A gateway of the simulator's own cluster model: the maker generated from the seed (id, devices,
 * enterprise facts), stepped through BODY_VARIANTS simulated working hours by MakerSimulation,
 * whose reports become the bodies.
 */
function modelScript(cluster: string, index: number, seed: number): GatewayScript {
  registry ??= createDeviceRegistry();
  const maker = generateMaker(seed, index, registry);
  const address: GatewayAddress = { cluster, enterprise: maker.id, gateway: maker.gatewayId };
  const simulation = new MakerSimulation(maker, createScenario('digital-2020'), registry, BENCH_SIM_START);
  const bodies: string[] = [];
  for (let variant = 1; variant <= BODY_VARIANTS; variant++) {
    simulation.advanceTo(BENCH_SIM_START + variant * STEP_MS);
    const report = simulation.takeReport();
    if (!report) throw new Error(`maker ${maker.id} produced no report for step ${variant}`);
    const { ts: _ts, ...body } = report;
    bodies.push(JSON.stringify(body).slice(1));
  }
  return {
    ...gatewayEndpoints(address),
    birth: (seq) => ({
      v: 1,
      seq,
      ts: BENCH_SIM_START,
      enterprise: { name: maker.name, town: maker.town, park: maker.park, category: maker.category, digitization: maker.digitization, employees: maker.employees },
      devices: maker.devices.map((d) => (d.line ? { id: d.id, kind: d.kind, line: d.line } : { id: d.id, kind: d.kind })),
    }),
    will: { v: 1, seq: 0, ts: BENCH_SIM_START, online: false, reason: 'will' },
    bodies,
    startTs: BENCH_SIM_START,
    intervalMs: STEP_MS,
  };
}

function syntheticScript(cluster: string, index: number, seed: number): GatewayScript {
  const address = benchAddress(cluster, index);
  const random = rng(seed * 1_000_003 + index);
  const category = PRODUCT_CATEGORIES[index % PRODUCT_CATEGORIES.length];
  const devices = devicesOf(random);
  const employees = 10 + Math.floor(random() * 90);
  const unitPriceFen = 1_500 + Math.floor(random() * 6_000);

  // A broken machine stays broken for the whole run: one alarm, not one per report.
  const faulty = new Set(devices.filter(() => random() < 0.002).map((d) => d.id));
  const bodies: string[] = [];
  for (let variant = 0; variant < BODY_VARIANTS; variant++) {
    const readings: DeviceReading[] = devices.map((d) => {
      const plannedMs = BENCH_INTERVAL_MS;
      const fault = faulty.has(d.id);
      const runMs = fault ? 0 : Math.floor(plannedMs * (0.6 + random() * 0.4));
      const idealCycleMs = 20_000 + Math.floor(random() * 40_000);
      const good = Math.floor(runMs / idealCycleMs);
      const reading: DeviceReading = {
        id: d.id,
        kind: d.kind,
        state: fault ? 'fault' : runMs > 0 ? 'running' : 'idle',
        plannedMs,
        runMs,
        good,
        defective: random() < 0.05 ? 1 : 0,
        idealCycleMs,
        energyWh: 5 + Math.floor(random() * 40),
      };
      if (d.kind === 'dye-vat') reading.readings = { tempC: Math.round((85 + random() * 10) * 10) / 10 };
      return reading;
    });
    const good = 1 + Math.floor(random() * 4);
    const defective = random() < 0.1 ? 1 : 0;
    const channel = SALES_CHANNELS[Math.floor(random() * SALES_CHANNELS.length)];
    const orders = random() < 0.5 ? 1 : 0;
    const body: Omit<ReportPayload, 'v' | 'seq' | 'ts'> = {
      intervalMs: BENCH_INTERVAL_MS,
      sales: orders ? [{ channel, category, orders, pieces: good, amountFen: good * unitPriceFen }] : [],
      production: [{ category, good, defective }],
      energyWh: readings.reduce((sum, r) => sum + r.energyWh, 0),
      devices: readings,
    };
    bodies.push(JSON.stringify(body).slice(1));
  }

  return {
    ...gatewayEndpoints(address),
    birth: (seq) => ({
      v: 1,
      seq,
      ts: BENCH_SIM_START,
      enterprise: {
        name: `Bench maker ${address.enterprise}`,
        town: 'Waxing',
        park: `Park ${1 + (index % 12)}`,
        category,
        digitization: Math.round(random() * 100) / 100,
        employees,
      },
      devices: devices.map((d) => ({ id: d.id, kind: d.kind })),
    }),
    will: { v: 1, seq: 0, ts: BENCH_SIM_START, online: false, reason: 'will' },
    bodies,
    startTs: BENCH_SIM_START,
    intervalMs: BENCH_INTERVAL_MS,
  };
}

/** Simulated end of the interval covered by the report with this sequence number. */
export function reportTime(script: GatewayScript, seq: number): number {
  return script.startTs + seq * script.intervalMs;
}

/** The report's JSON text: `v`, `seq` and `ts` first, then one of the gateway's bodies. */
export function reportText(script: GatewayScript, seq: number): string {
  return `{"v":1,"seq":${seq},"ts":${script.startTs + seq * script.intervalMs},${script.bodies[seq % BODY_VARIANTS]}`;
}

/** A gateway's MQTT identity and topics, the same for every report source. */
function gatewayEndpoints(address: GatewayAddress) {
  return {
    address,
    clientId: gatewayClientId(address),
    reportTopic: gatewayTopic(address, 'report'),
    birthTopic: gatewayTopic(address, 'birth'),
    stateTopic: gatewayTopic(address, 'state'),
    controlTopic: gatewayTopic(address, 'control'),
  };
}

import { z } from 'zod';
import { DEVICE_KINDS, DEVICE_STATES, ID_PATTERN, PRODUCT_CATEGORIES, SALES_CHANNELS } from './domain';

/**
 * MQTT payloads: JSON, validated here before any service sees them. Every payload carries the
 * schema version `v`, the gateway's sequence number `seq` and simulated time `ts` (epoch ms).
 *
 * Sequence numbers: each report carries the next integer of its gateway's report sequence,
 * starting at 1. Birth and state carry the highest report seq the gateway has issued so far (0 if
 * none), so the server can see what it is missing. The server applies a report at most once: one
 * whose seq is at or below the gateway's applied watermark is a duplicate.
 */
export const SCHEMA_VERSION = 1;

/** No payload larger than this is parsed at all. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;
export const MAX_DEVICES_PER_GATEWAY = 512;
/** Upper bound for one counter in one report: far above any real workshop, far below overflow. */
export const MAX_COUNTER = 1_000_000_000;
/** One report may carry at most 1 bn RMB of sales; a larger figure is an error, not a sale. */
export const MAX_REPORT_FEN = 100_000_000_000;
/** A report covers at most 31 simulated days. */
export const MAX_INTERVAL_MS = 31 * 86_400_000;
export const MIN_SIM_TIME = Date.UTC(2000, 0, 1);
export const MAX_SIM_TIME = Date.UTC(2100, 0, 1);

const id = z.string().regex(ID_PATTERN, 'expected an id of 1-64 letters, digits, _ or -');
const count = z.number().int().min(0).max(MAX_COUNTER);
const durationMs = z.number().int().min(0).max(MAX_INTERVAL_MS);
const simTime = z.number().int().min(MIN_SIM_TIME).max(MAX_SIM_TIME);
const seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const fen = z.number().int().min(0).max(MAX_REPORT_FEN);
const version = z.literal(SCHEMA_VERSION);
const category = z.enum(PRODUCT_CATEGORIES);
const label = z.string().min(1).max(120);
/**
 * A simulator run (scenario epoch): a new id on every start, reset and scenario change. Figures of
 * different runs are never added together; optional so older senders keep working (their messages
 * belong to whichever run is current).
 */
const run = id;

export const deviceDescriptorSchema = z.strictObject({
  id,
  kind: z.enum(DEVICE_KINDS),
  /** Line or area inside the workshop, for drill-down. */
  line: id.optional(),
});

export const birthPayloadSchema = z.strictObject({
  v: version,
  seq,
  ts: simTime,
  enterprise: z.strictObject({
    name: label,
    town: label,
    park: label,
    category,
    /** 0 (paper and phone) .. 1 (fully on the platform). */
    digitization: z.number().min(0).max(1),
    employees: z.number().int().min(1).max(100_000),
  }),
  devices: z.array(deviceDescriptorSchema).max(MAX_DEVICES_PER_GATEWAY),
  /**
   * The run the gateway's next reports belong to. Reports the gateway issued before (seq at or
   * below this birth's seq) under another run and never got acknowledged were discarded with that run.
   */
  run: run.optional(),
});

export const salesLineSchema = z.strictObject({
  channel: z.enum(SALES_CHANNELS),
  category,
  orders: count,
  pieces: count,
  amountFen: fen,
});

export const productionLineSchema = z.strictObject({
  category,
  good: count,
  defective: count,
});

export const deviceReadingSchema = z.strictObject({
  id,
  kind: z.enum(DEVICE_KINDS),
  state: z.enum(DEVICE_STATES),
  /** Time the device was scheduled to work in the interval (0 outside shifts). */
  plannedMs: durationMs,
  /** Time it actually ran; at most plannedMs. */
  runMs: durationMs,
  good: count,
  defective: count,
  /** Ideal time per piece at rated speed; with runMs and counts gives OEE performance. */
  idealCycleMs: z.number().int().min(0).max(86_400_000),
  energyWh: count,
  /** Named sensor values, e.g. { tempC: 92.5 } for a dye vat. */
  readings: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,31}$/), z.number().finite()).optional(),
});

export const reportPayloadSchema = z
  .strictObject({
    v: version,
    seq: seq.min(1),
    /** The run whose figures these are; absent: the run the server holds current. */
    run: run.optional(),
    /** Simulated end of the interval the report covers. */
    ts: simTime,
    intervalMs: durationMs.min(1),
    sales: z.array(salesLineSchema).max(SALES_CHANNELS.length * PRODUCT_CATEGORIES.length),
    /** Finished pieces leaving the maker in the interval: the maker's output, counted once. */
    production: z.array(productionLineSchema).max(PRODUCT_CATEGORIES.length),
    energyWh: count,
    devices: z.array(deviceReadingSchema).max(MAX_DEVICES_PER_GATEWAY),
  })
  .superRefine((report, ctx) => {
    const total = report.sales.reduce((sum, line) => sum + line.amountFen, 0);
    if (total > MAX_REPORT_FEN) ctx.addIssue({ code: 'custom', message: 'sales in one report exceed the limit', path: ['sales'] });
    report.devices.forEach((device, i) => {
      if (device.runMs > device.plannedMs) ctx.addIssue({ code: 'custom', message: 'runMs exceeds plannedMs', path: ['devices', i, 'runMs'] });
      if (device.plannedMs > report.intervalMs) ctx.addIssue({ code: 'custom', message: 'plannedMs exceeds intervalMs', path: ['devices', i, 'plannedMs'] });
    });
    const seen = new Set<string>();
    report.sales.forEach((line, i) => {
      const key = `${line.channel}/${line.category}`;
      if (seen.has(key)) ctx.addIssue({ code: 'custom', message: `duplicate sales line ${key}`, path: ['sales', i] });
      seen.add(key);
    });
  });

export const statePayloadSchema = z.strictObject({
  v: version,
  seq,
  ts: simTime,
  online: z.boolean(),
  /** 'will' when the broker published it as the last will. */
  reason: z.enum(['birth', 'shutdown', 'will']),
});

/** Commands to one gateway on its control topic. */
export const gatewayControlSchema = z.discriminatedUnion('cmd', [
  /** Every report up to and including seq is durably applied; the gateway may forget them. */
  z.strictObject({ v: version, cmd: z.literal('ack'), seq }),
  z.strictObject({ v: version, cmd: z.literal('fault'), fault: z.enum(['breakdown', 'gateway-drop', 'sensor-drift']), device: id.optional(), durationMs: durationMs.optional() }),
]);

export const SCENARIOS = ['baseline-2019', 'digital-2020', 'lockdown-2020', 'double-11'] as const;
export type ScenarioId = (typeof SCENARIOS)[number];

export const FAULT_KINDS = ['breakdown', 'power-cut', 'sensor-drift', 'gateway-drop', 'duplicate-reports', 'out-of-order'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Trainer commands to the simulator as a whole, on the cluster's sim/control topic. */
export const simControlSchema = z.discriminatedUnion('cmd', [
  z.strictObject({ v: version, cmd: z.literal('pause') }),
  z.strictObject({ v: version, cmd: z.literal('resume') }),
  z.strictObject({ v: version, cmd: z.literal('speed'), factor: z.number().min(0.1).max(10_000_000) }),
  z.strictObject({ v: version, cmd: z.literal('scenario'), scenario: z.enum(SCENARIOS), seed: z.number().int().min(0).max(2 ** 31).optional() }),
  z.strictObject({ v: version, cmd: z.literal('reset') }),
  z.strictObject({
    v: version,
    cmd: z.literal('fault'),
    fault: z.enum(FAULT_KINDS),
    enterprise: id.optional(),
    park: label.optional(),
    device: id.optional(),
    durationMs: durationMs.optional(),
  }),
]);

/** What the simulator says about itself (retained on sim/status). */
export const simStatusSchema = z.strictObject({
  v: version,
  ts: simTime,
  scenario: z.enum(SCENARIOS),
  seed: z.number().int().min(0),
  speed: z.number().positive(),
  paused: z.boolean(),
  makers: z.number().int().min(0),
  gatewaysConnected: z.number().int().min(0),
  /** The current run; a new one means the figures start from zero. */
  run: run.optional(),
});

export type DeviceDescriptor = z.infer<typeof deviceDescriptorSchema>;
export type BirthPayload = z.infer<typeof birthPayloadSchema>;
export type SalesLine = z.infer<typeof salesLineSchema>;
export type ProductionLine = z.infer<typeof productionLineSchema>;
export type DeviceReading = z.infer<typeof deviceReadingSchema>;
export type ReportPayload = z.infer<typeof reportPayloadSchema>;
export type StatePayload = z.infer<typeof statePayloadSchema>;
export type GatewayControl = z.infer<typeof gatewayControlSchema>;
export type SimControl = z.infer<typeof simControlSchema>;
export type SimStatus = z.infer<typeof simStatusSchema>;

/** Why the server refused a message. Every refusal is counted under exactly one reason. */
export const REJECT_REASONS = [
  'too-large', // over MAX_PAYLOAD_BYTES
  'not-json', // not UTF-8 JSON
  'unknown-version', // v is not a schema version this server reads
  'schema', // valid JSON that fails the schema
  'topic', // not a ClusterPulse topic, or a kind nobody may publish
  'wrong-cluster', // a topic of another cluster
  'unauthorized', // a client publishing outside its own topics
  'unknown-gateway', // a report from a gateway that never sent a birth and is not provisioned
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export class PayloadError extends Error {
  constructor(
    readonly reason: RejectReason,
    message: string,
  ) {
    super(message);
    this.name = 'PayloadError';
  }
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: RejectReason; message: string };

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes and validates a raw MQTT payload with the given schema. Never throws: a refusal names
 * its reason, so callers can count it and move nothing.
 */
export function decodePayload<S extends z.ZodType>(schema: S, payload: Uint8Array | string): Decoded<z.infer<S>> {
  const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength;
  if (size > MAX_PAYLOAD_BYTES) return { ok: false, reason: 'too-large', message: `payload of ${size} bytes exceeds ${MAX_PAYLOAD_BYTES}` };
  let json: unknown;
  try {
    json = JSON.parse(typeof payload === 'string' ? payload : decoder.decode(payload));
  } catch {
    return { ok: false, reason: 'not-json', message: 'payload is not UTF-8 JSON' };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, reason: 'schema', message: 'payload is not a JSON object' };
  }
  const v = (json as { v?: unknown }).v;
  if (v !== SCHEMA_VERSION) {
    return { ok: false, reason: 'unknown-version', message: `schema version ${JSON.stringify(v)} is not ${SCHEMA_VERSION}` };
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    return { ok: false, reason: 'schema', message: `${issue.path.join('.') || '(root)'}: ${issue.message}` };
  }
  return { ok: true, value: result.data };
}

/** Serializes a payload after checking it against its schema: nothing invalid leaves a sender. */
export function encodePayload<S extends z.ZodType>(schema: S, value: z.infer<S>): string {
  return JSON.stringify(schema.parse(value));
}

import { DEVICE_KINDS, DEVICE_STATES, ID_PATTERN, PRODUCT_CATEGORIES, SALES_CHANNELS } from './domain';
import {
  MAX_COUNTER,
  MAX_DEVICES_PER_GATEWAY,
  MAX_INTERVAL_MS,
  MAX_PAYLOAD_BYTES,
  MAX_REPORT_FEN,
  MAX_SIM_TIME,
  MIN_SIM_TIME,
  SCHEMA_VERSION,
  decodePayload,
  reportPayloadSchema,
  type Decoded,
  type ReportPayload,
} from './payloads';
import { readReport } from './report-reader';

/*
 * Reports are the one payload that arrives tens of thousands of times a second. The schema in
 * payloads.ts stays the definition; this is the same set of rules written out by hand, so that a
 * valid report costs one read of its bytes (report-reader.ts; JSON.parse for any other form) and a
 * walk over it, without the copy a schema parse makes.
 * Anything it does not accept goes to the schema, which decides and names the problem; a test
 * holds the two to the same verdict on fixtures and on generated payloads.
 */

const KINDS = new Set<unknown>(DEVICE_KINDS);
const STATES = new Set<unknown>(DEVICE_STATES);
/** Each category and channel with its place in the list. */
const CATEGORIES = new Map<unknown, number>(PRODUCT_CATEGORIES.map((c, i) => [c, i]));
const CHANNELS = new Map<unknown, number>(SALES_CHANNELS.map((c, i) => [c, i]));
const READING_NAME = /^[A-Za-z][A-Za-z0-9_]{0,31}$/;
const MAX_SALES_LINES = SALES_CHANNELS.length * PRODUCT_CATEGORIES.length;
// A report's channel and category pairs are kept as bits of one 32-bit integer.
if (MAX_SALES_LINES > 31) throw new Error('more sales channel and category pairs than bits');
const MAX_IDEAL_CYCLE_MS = 86_400_000;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const intIn = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max;
const isId = (v: unknown): v is string => typeof v === 'string' && ID_PATTERN.test(v);

/** True when every own key of `o` is one of `allowed` (strict objects refuse unknown keys). */
function onlyKeys(o: Json, allowed: ReadonlySet<string>): boolean {
  // for...in lists an own "__proto__" key that JSON.parse created, too.
  for (const key in o) if (!allowed.has(key)) return false;
  return true;
}

const REPORT_KEYS = new Set(['v', 'seq', 'run', 'ts', 'intervalMs', 'sales', 'production', 'energyWh', 'devices']);
const SALES_KEYS = new Set(['channel', 'category', 'orders', 'pieces', 'amountFen']);
const PRODUCTION_KEYS = new Set(['category', 'good', 'defective']);
const DEVICE_KEYS = new Set(['id', 'kind', 'state', 'plannedMs', 'runMs', 'good', 'defective', 'idealCycleMs', 'energyWh', 'readings']);

function validReadings(r: unknown): boolean {
  if (!isObject(r)) return false;
  for (const key of Object.keys(r)) {
    if (!READING_NAME.test(key)) return false;
    const value = r[key];
    if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  }
  return true;
}

/** Whether `json` (a parsed payload) satisfies `reportPayloadSchema`, without building a copy. */
export function isValidReport(json: unknown): json is ReportPayload {
  return validReport(json, false);
}

/**
 * `isValidReport`; with `read` true for a value of `readReport`, which has checked its keys, ids,
 * device kinds and states, channels, categories and reading names while reading them.
 */
function validReport(json: unknown, read: boolean): json is ReportPayload {
  if (!isObject(json) || (!read && !onlyKeys(json, REPORT_KEYS))) return false;
  const r = json;
  if (r.v !== SCHEMA_VERSION) return false;
  if (!intIn(r.seq, 1, Number.MAX_SAFE_INTEGER)) return false;
  if (r.run !== undefined && !read && !isId(r.run)) return false;
  if (!intIn(r.ts, MIN_SIM_TIME, MAX_SIM_TIME)) return false;
  if (!intIn(r.intervalMs, 1, MAX_INTERVAL_MS)) return false;
  const intervalMs = r.intervalMs;
  if (!intIn(r.energyWh, 0, MAX_COUNTER)) return false;

  const sales = r.sales;
  if (!Array.isArray(sales) || sales.length > MAX_SALES_LINES) return false;
  let totalFen = 0;
  // One bit per channel and category: a pair given twice is refused.
  let seen = 0;
  for (const line of sales) {
    if (!isObject(line) || (!read && !onlyKeys(line, SALES_KEYS))) return false;
    const channel = CHANNELS.get(line.channel);
    const category = CATEGORIES.get(line.category);
    if (channel === undefined || category === undefined) return false;
    if (!intIn(line.orders, 0, MAX_COUNTER) || !intIn(line.pieces, 0, MAX_COUNTER) || !intIn(line.amountFen, 0, MAX_REPORT_FEN)) return false;
    const bit = 1 << (channel * PRODUCT_CATEGORIES.length + category);
    if ((seen & bit) !== 0) return false;
    seen |= bit;
    totalFen += line.amountFen;
  }
  if (totalFen > MAX_REPORT_FEN) return false;

  const production = r.production;
  if (!Array.isArray(production) || production.length > PRODUCT_CATEGORIES.length) return false;
  for (const line of production) {
    if (!isObject(line) || (!read && !onlyKeys(line, PRODUCTION_KEYS))) return false;
    if (!CATEGORIES.has(line.category) || !intIn(line.good, 0, MAX_COUNTER) || !intIn(line.defective, 0, MAX_COUNTER)) return false;
  }

  const devices = r.devices;
  if (!Array.isArray(devices) || devices.length > MAX_DEVICES_PER_GATEWAY) return false;
  for (const d of devices) {
    if (!isObject(d)) return false;
    if (!read && (!onlyKeys(d, DEVICE_KEYS) || !isId(d.id) || !KINDS.has(d.kind) || !STATES.has(d.state))) return false;
    if (!intIn(d.plannedMs, 0, MAX_INTERVAL_MS) || !intIn(d.runMs, 0, MAX_INTERVAL_MS)) return false;
    if (d.runMs > d.plannedMs || d.plannedMs > intervalMs) return false;
    if (!intIn(d.good, 0, MAX_COUNTER) || !intIn(d.defective, 0, MAX_COUNTER) || !intIn(d.energyWh, 0, MAX_COUNTER)) return false;
    if (!intIn(d.idealCycleMs, 0, MAX_IDEAL_CYCLE_MS)) return false;
    if (d.readings !== undefined && !read && !validReadings(d.readings)) return false;
  }
  return true;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * `decodePayload(reportPayloadSchema, payload)` with the same verdicts and messages, cheaper for a
 * valid report: the parsed JSON itself is the value.
 */
export function decodeReport(payload: Uint8Array): Decoded<ReportPayload> {
  if (payload.byteLength <= MAX_PAYLOAD_BYTES) {
    const read = readReport(payload);
    if (read !== undefined) {
      // The value JSON.parse gives: when it breaks a rule, the schema names which.
      if (validReport(read, true)) return { ok: true, value: read };
    } else {
      let json: unknown;
      try {
        json = JSON.parse(decoder.decode(payload));
      } catch {
        json = undefined;
      }
      if (isValidReport(json)) return { ok: true, value: json };
    }
  }
  return decodePayload(reportPayloadSchema, payload);
}

import { DEVICE_KINDS, DEVICE_STATES, PRODUCT_CATEGORIES, SALES_CHANNELS } from './domain';
import type { DeviceReading, ProductionLine, ReportPayload, SalesLine } from './payloads';

/*
 * A report read straight from its bytes: the value `JSON.parse` would give, for the reports a
 * gateway sends, without decoding the payload to a string first and without a string for every
 * key and enumerated value (they are matched as bytes and given as the contracts' own constants;
 * ids and reading names come from a table of those seen before).
 *
 * It reads only the plain form, and for anything else answers `undefined`, so that the caller
 * takes the general path (`JSON.parse` and the schema), which decides and names the problem:
 * - a key the report schema does not know, a key given twice, a required key missing;
 * - a value of the wrong JSON type, an id or reading name that breaks its pattern, an unknown
 *   device kind, state, channel or category;
 * - a string with an escape or any byte outside printable ASCII;
 * - an integer field written with a fraction, an exponent, a minus sign or more than 15 digits;
 *   a reading with an exponent or more than 15 digits;
 * - anything after the report but white space.
 * What it gives is not yet checked against the schema's ranges and cross-field rules:
 * `isValidReport` does that, as for a parsed payload. A test holds it to `JSON.parse` on fixtures,
 * generated reports and their mutations.
 */

/** Thrown inside the reader to give up; never leaves it. */
const MISS = Symbol('not a plain report');

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/** 10^0 .. 10^15: exact doubles, so a decimal of at most 15 digits is one correctly rounded division. */
const POWERS_OF_TEN = Array.from({ length: 16 }, (_, k) => 10 ** k);
/** Digits of an integer or decimal beyond which the general path decides (10^15 < 2^53). */
const MAX_DIGITS = 15;

const encoder = new TextEncoder();

/** Words matched as bytes; `words[i]` is answered as `index i`. */
class Words<T extends string> {
  readonly bytes: Uint8Array[];
  constructor(readonly words: readonly T[]) {
    this.bytes = words.map((w) => encoder.encode(w));
  }
}

const REPORT_KEYS = new Words(['v', 'seq', 'run', 'ts', 'intervalMs', 'sales', 'production', 'energyWh', 'devices'] as const);
const SALES_KEYS = new Words(['channel', 'category', 'orders', 'pieces', 'amountFen'] as const);
const PRODUCTION_KEYS = new Words(['category', 'good', 'defective'] as const);
const DEVICE_KEYS = new Words(['id', 'kind', 'state', 'plannedMs', 'runMs', 'good', 'defective', 'idealCycleMs', 'energyWh', 'readings'] as const);
const KINDS = new Words(DEVICE_KINDS);
const STATES = new Words(DEVICE_STATES);
const CATEGORIES = new Words(PRODUCT_CATEGORIES);
const CHANNELS = new Words(SALES_CHANNELS);

/** Bits of `seen` once every required key of the object was read. */
const REPORT_REQUIRED = 0b111111011; // all but `run`
const SALES_REQUIRED = 0b11111;
const PRODUCTION_REQUIRED = 0b111;
const DEVICE_REQUIRED = 0b0111111111; // all but `readings`

const EMPTY = new Uint8Array(0);

// The reader's state while it reads one payload (it never waits, so one set serves every call).
let bytes: Uint8Array = EMPTY;
let at = 0;
// The bounds and hash of the last string token read.
let tokenStart = 0;
let tokenEnd = 0;
let tokenHash = 0;

/**
 * Ids and reading names seen before, by a hash of their bytes: a gateway sends the same ones in
 * every report. Bounded; past the bound, new ones are made for each report.
 */
const known = new Map<number, string>();
const MAX_KNOWN = 65_536;

function fail(): never {
  throw MISS;
}

// What each byte may be, as bits: in an id, first or later in a reading's name, white space.
const ID = 1;
const NAME_FIRST = 2;
const NAME_REST = 4;
const SPACE = 8;
const CLASS = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  const letter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  const digit = c >= ZERO && c <= NINE;
  if (letter || digit || c === 0x5f || c === MINUS) CLASS[c] |= ID;
  if (letter) CLASS[c] |= NAME_FIRST;
  if (letter || digit || c === 0x5f) CLASS[c] |= NAME_REST;
  // JSON's white space: space, tab, line feed, carriage return.
  if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) CLASS[c] |= SPACE;
}

/** The position of the next byte that is not white space, from `i`. */
function skipSpace(b: Uint8Array, i: number): number {
  while (i < b.length && (CLASS[b[i]] & SPACE) !== 0) i++;
  return i;
}

/** Takes `byte`, after any white space. */
function take(byte: number): void {
  const b = bytes;
  let i = at;
  if (b[i] !== byte) {
    i = skipSpace(b, i);
    if (b[i] !== byte) fail();
  }
  at = i + 1;
}

/**
 * A string token whose characters all have one of the `allowed` class bits (`first` for its
 * first character), `1..maxLength` long; sets the token's bounds and the hash of its bytes.
 */
function readToken(first: number, allowed: number, maxLength: number): void {
  take(QUOTE);
  const b = bytes;
  const start = at;
  let i = start;
  let hash = 0x811c9dc5;
  let c = b[i];
  if (i >= b.length || (CLASS[c] & first) === 0) fail();
  for (;;) {
    hash = Math.imul(hash ^ c, 0x01000193);
    i++;
    if (i >= b.length) fail();
    c = b[i];
    if (c === QUOTE) break;
    if ((CLASS[c] & allowed) === 0) fail();
  }
  if (i - start > maxLength) fail();
  tokenStart = start;
  tokenEnd = i;
  tokenHash = hash;
  at = i + 1;
}

/** Whether the string at `i` (just past its opening quote) is `word`. */
function wordAt(b: Uint8Array, i: number, word: Uint8Array): boolean {
  const length = word.length;
  for (let k = 0; k < length; k++) if (b[i + k] !== word[k]) return false;
  return b[i + length] === QUOTE;
}

/** The index of the word the next string is, or a miss. */
function readWord(words: Words<string>): number {
  take(QUOTE);
  const b = bytes;
  const i = at;
  const list = words.bytes;
  for (let k = 0; k < list.length; k++) {
    if (wordAt(b, i, list[k])) {
      at = i + list[k].length + 1;
      return k;
    }
  }
  return fail();
}

/** A key of `words` and its colon; a sender writes them in the schema's order, so `guess` (the one after the last) comes first. */
function readKey(words: Words<string>, guess: number): number {
  // The usual case, a compact `"guess":`, in one look.
  const b = bytes;
  const i = at;
  if (b[i] === QUOTE && guess < words.bytes.length) {
    const word = words.bytes[guess];
    if (wordAt(b, i + 1, word) && b[i + word.length + 2] === COLON) {
      at = i + word.length + 3;
      return guess;
    }
  }
  const index = readWord(words);
  take(COLON);
  return index;
}

/** The token as a string: the one seen before when there is one. */
function tokenString(): string {
  const seen = known.get(tokenHash);
  const length = tokenEnd - tokenStart;
  const b = bytes;
  if (seen !== undefined && seen.length === length) {
    let same = true;
    for (let i = 0, j = tokenStart; i < length; i++, j++) {
      if (seen.charCodeAt(i) !== b[j]) {
        same = false;
        break;
      }
    }
    if (same) return seen;
  }
  const made = String.fromCharCode.apply(null, b.subarray(tokenStart, tokenEnd) as unknown as number[]);
  if (seen === undefined && known.size < MAX_KNOWN) known.set(tokenHash, made);
  return made;
}

/** ID_PATTERN: 1-64 of [A-Za-z0-9_-]. */
function readId(): string {
  readToken(ID, ID, 64);
  return tokenString();
}

/** A non-negative integer of at most 15 digits, without fraction or exponent. */
function readCount(): number {
  const b = bytes;
  let i = at;
  if ((CLASS[b[i]] & SPACE) !== 0) i = skipSpace(b, i);
  const start = i;
  let value = 0;
  let c = b[i];
  while (c >= ZERO && c <= NINE) {
    value = value * 10 + (c - ZERO);
    c = b[++i];
  }
  const digits = i - start;
  // A fraction or an exponent after the digits is left for the next member's comma to refuse.
  if (digits === 0 || digits > MAX_DIGITS || (digits > 1 && b[start] === ZERO)) fail();
  at = i;
  return value;
}

/** A number without exponent of at most 15 digits: m / 10^k, which is how JSON.parse rounds it too. */
function readDecimal(): number {
  const b = bytes;
  let i = skipSpace(b, at);
  const negative = b[i] === MINUS;
  if (negative) i++;
  const start = i;
  let mantissa = 0;
  let c = b[i];
  while (c >= ZERO && c <= NINE) {
    mantissa = mantissa * 10 + (c - ZERO);
    c = b[++i];
  }
  const intDigits = i - start;
  if (intDigits === 0 || (intDigits > 1 && b[start] === ZERO)) fail();
  let fractionDigits = 0;
  if (c === DOT) {
    c = b[++i];
    while (c >= ZERO && c <= NINE) {
      mantissa = mantissa * 10 + (c - ZERO);
      fractionDigits++;
      c = b[++i];
    }
    if (fractionDigits === 0) fail();
  }
  // An exponent is left for the next member's comma to refuse.
  if (intDigits + fractionDigits > MAX_DIGITS) fail();
  at = i;
  const value = mantissa / POWERS_OF_TEN[fractionDigits];
  return negative ? -value : value;
}

/** After a member: true when another follows (a comma was taken), false at the closing byte (taken). */
function more(close: number): boolean {
  const b = bytes;
  let i = at;
  let c = b[i];
  if ((CLASS[c] & SPACE) !== 0) {
    i = skipSpace(b, i);
    c = b[i];
  }
  at = i + 1;
  if (c === COMMA) return true;
  if (c === close) return false;
  return fail();
}

/** Takes the opening byte; true when the container is empty (its closing byte taken too). */
function open(opening: number, closing: number): boolean {
  take(opening);
  const b = bytes;
  const i = skipSpace(b, at);
  if (b[i] === closing) {
    at = i + 1;
    return true;
  }
  return false;
}

function mark(seen: number, index: number): number {
  const bit = 1 << index;
  if ((seen & bit) !== 0) fail();
  return seen | bit;
}

function readSalesLine(): SalesLine {
  let channel = '';
  let category = '';
  let orders = 0;
  let pieces = 0;
  let amountFen = 0;
  let seen = 0;
  let next = 0;
  if (!open(OPEN_OBJECT, CLOSE_OBJECT)) {
    do {
      const key = readKey(SALES_KEYS, next);
      next = key + 1;
      seen = mark(seen, key);
      switch (key) {
        case 0:
          channel = CHANNELS.words[readWord(CHANNELS)];
          break;
        case 1:
          category = CATEGORIES.words[readWord(CATEGORIES)];
          break;
        case 2:
          orders = readCount();
          break;
        case 3:
          pieces = readCount();
          break;
        default:
          amountFen = readCount();
      }
    } while (more(CLOSE_OBJECT));
  }
  if (seen !== SALES_REQUIRED) fail();
  return { channel, category, orders, pieces, amountFen } as SalesLine;
}

function readProductionLine(): ProductionLine {
  let category = '';
  let good = 0;
  let defective = 0;
  let seen = 0;
  let next = 0;
  if (!open(OPEN_OBJECT, CLOSE_OBJECT)) {
    do {
      const key = readKey(PRODUCTION_KEYS, next);
      next = key + 1;
      seen = mark(seen, key);
      if (key === 0) category = CATEGORIES.words[readWord(CATEGORIES)];
      else if (key === 1) good = readCount();
      else defective = readCount();
    } while (more(CLOSE_OBJECT));
  }
  if (seen !== PRODUCTION_REQUIRED) fail();
  return { category, good, defective } as ProductionLine;
}

function readReadings(): Record<string, number> {
  const readings: Record<string, number> = {};
  if (!open(OPEN_OBJECT, CLOSE_OBJECT)) {
    do {
      readToken(NAME_FIRST, NAME_REST, 32);
      const name = tokenString();
      take(COLON);
      // Given twice, the last one counts, in the first one's place: as JSON.parse does.
      readings[name] = readDecimal();
    } while (more(CLOSE_OBJECT));
  }
  return readings;
}

function readDevice(): DeviceReading {
  let id = '';
  let kind = '';
  let state = '';
  let plannedMs = 0;
  let runMs = 0;
  let good = 0;
  let defective = 0;
  let idealCycleMs = 0;
  let energyWh = 0;
  let readings: Record<string, number> | undefined;
  let seen = 0;
  let next = 0;
  if (!open(OPEN_OBJECT, CLOSE_OBJECT)) {
    do {
      const key = readKey(DEVICE_KEYS, next);
      next = key + 1;
      seen = mark(seen, key);
      switch (key) {
        case 0:
          id = readId();
          break;
        case 1:
          kind = KINDS.words[readWord(KINDS)];
          break;
        case 2:
          state = STATES.words[readWord(STATES)];
          break;
        case 3:
          plannedMs = readCount();
          break;
        case 4:
          runMs = readCount();
          break;
        case 5:
          good = readCount();
          break;
        case 6:
          defective = readCount();
          break;
        case 7:
          idealCycleMs = readCount();
          break;
        case 8:
          energyWh = readCount();
          break;
        default:
          readings = readReadings();
      }
    } while (more(CLOSE_OBJECT));
  }
  if ((seen & DEVICE_REQUIRED) !== DEVICE_REQUIRED) fail();
  const device = { id, kind, state, plannedMs, runMs, good, defective, idealCycleMs, energyWh } as DeviceReading;
  if (readings !== undefined) device.readings = readings;
  return device;
}

function readArray<T>(item: () => T): T[] {
  const items: T[] = [];
  if (!open(OPEN_ARRAY, CLOSE_ARRAY)) {
    do items.push(item());
    while (more(CLOSE_ARRAY));
  }
  return items;
}

function readWhole(): ReportPayload {
  let v = 0;
  let seq = 0;
  let run: string | undefined;
  let ts = 0;
  let intervalMs = 0;
  let sales: SalesLine[] = [];
  let production: ProductionLine[] = [];
  let energyWh = 0;
  let devices: DeviceReading[] = [];
  let seen = 0;
  let next = 0;
  if (!open(OPEN_OBJECT, CLOSE_OBJECT)) {
    do {
      const key = readKey(REPORT_KEYS, next);
      next = key + 1;
      seen = mark(seen, key);
      switch (key) {
        case 0:
          v = readCount();
          break;
        case 1:
          seq = readCount();
          break;
        case 2:
          run = readId();
          break;
        case 3:
          ts = readCount();
          break;
        case 4:
          intervalMs = readCount();
          break;
        case 5:
          sales = readArray(readSalesLine);
          break;
        case 6:
          production = readArray(readProductionLine);
          break;
        case 7:
          energyWh = readCount();
          break;
        default:
          devices = readArray(readDevice);
      }
    } while (more(CLOSE_OBJECT));
  }
  if ((seen & REPORT_REQUIRED) !== REPORT_REQUIRED) fail();
  if (skipSpace(bytes, at) !== bytes.length) fail();
  const report = { v, seq, ts, intervalMs, sales, production, energyWh, devices } as ReportPayload;
  if (run !== undefined) report.run = run;
  return report;
}

/**
 * The report in `payload` as JSON.parse would give it, when it is written in the plain form the
 * reader knows; `undefined` otherwise (take the general path). Not checked against the ranges.
 */
export function readReport(payload: Uint8Array): ReportPayload | undefined {
  bytes = payload;
  at = 0;
  try {
    return readWhole();
  } catch (e) {
    if (e !== MISS) throw e;
    return undefined;
  } finally {
    bytes = EMPTY;
  }
}

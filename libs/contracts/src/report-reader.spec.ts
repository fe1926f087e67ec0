import fc from 'fast-check';
import { DEVICE_KINDS, DEVICE_STATES, PRODUCT_CATEGORIES, SALES_CHANNELS } from './domain';
import { MAX_COUNTER, MAX_INTERVAL_MS, MAX_REPORT_FEN, MAX_SIM_TIME, MIN_SIM_TIME, decodePayload, reportPayloadSchema, type ReportPayload } from './payloads';
import { assertEveryOutcome } from './outcomes.fixture';
import { decodeReport } from './report-fast-path';
import { reportFixture } from './report.fixture';
import { readReport } from './report-reader';

const text = (value: unknown) => JSON.stringify(value);
const bytes = (json: string) => Buffer.from(json, 'utf8');
const parsed = (json: string) => JSON.parse(json) as unknown;

/** A reading as a sender writes it: up to 15 significant digits, no exponent. */
const plainDecimal = fc
  .tuple(fc.boolean(), fc.integer({ min: 0, max: 999_999_999 }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 999_999 }))
  .map(([negative, whole, places, fraction]) => `${negative ? '-' : ''}${whole}${places > 0 ? `.${String(fraction % 10 ** places).padStart(places, '0')}` : ''}`);

/** A valid report in the plain form, readings written as `plainDecimal` text. */
const plainReport = fc
  .record({
    seq: fc.integer({ min: 1, max: 999_999_999_999_999 }),
    run: fc.option(fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), { nil: undefined }),
    ts: fc.integer({ min: MIN_SIM_TIME, max: MAX_SIM_TIME }),
    intervalMs: fc.integer({ min: 1, max: MAX_INTERVAL_MS }),
    sales: fc.uniqueArray(
      fc.record({
        channel: fc.constantFrom(...SALES_CHANNELS),
        category: fc.constantFrom(...PRODUCT_CATEGORIES),
        orders: fc.integer({ min: 0, max: MAX_COUNTER }),
        pieces: fc.integer({ min: 0, max: MAX_COUNTER }),
        amountFen: fc.integer({ min: 0, max: MAX_REPORT_FEN / 4 }),
      }),
      { maxLength: 4, selector: (line) => `${line.channel}/${line.category}` },
    ),
    production: fc.array(fc.record({ category: fc.constantFrom(...PRODUCT_CATEGORIES), good: fc.integer({ min: 0, max: MAX_COUNTER }), defective: fc.integer({ min: 0, max: MAX_COUNTER }) }), { maxLength: 3 }),
    energyWh: fc.integer({ min: 0, max: MAX_COUNTER }),
    devices: fc.array(
      fc.record(
        {
          id: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
          kind: fc.constantFrom(...DEVICE_KINDS),
          state: fc.constantFrom(...DEVICE_STATES),
          good: fc.integer({ min: 0, max: MAX_COUNTER }),
          defective: fc.integer({ min: 0, max: MAX_COUNTER }),
          idealCycleMs: fc.integer({ min: 0, max: 86_400_000 }),
          energyWh: fc.integer({ min: 0, max: MAX_COUNTER }),
          readings: fc.array(fc.tuple(fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,31}$/), plainDecimal), { maxLength: 3 }),
        },
        { requiredKeys: ['id', 'kind', 'state', 'good', 'defective', 'idealCycleMs', 'energyWh'] },
      ),
      { maxLength: 4 },
    ),
  })
  .map((g) => {
    const devices = g.devices.map(({ readings, ...d }) => {
      const body = text({ ...d, plannedMs: 0, runMs: 0 }).slice(0, -1);
      // Readings as text, so that every form of decimal (and a name given twice) reaches the reader.
      return readings === undefined ? `${body}}` : `${body},"readings":{${readings.map(([name, value]) => `"${name}":${value}`).join(',')}}}`;
    });
    const { devices: _devices, run, ...head } = g;
    return `${text({ v: 1, ...head, ...(run === undefined ? {} : { run }) }).slice(0, -1)},"devices":[${devices.join(',')}]}`;
  });

describe('readReport', () => {
  it('reads what JSON.parse reads from a report in the plain form', () => {
    fc.assert(
      fc.property(plainReport, (json) => {
        const read = readReport(bytes(json));
        expect(read).toBeDefined();
        // toStrictEqual tells -0 from 0 and a missing key from one set to undefined.
        expect(read).toStrictEqual(parsed(json));
      }),
      { numRuns: 2_000, seed: 20_261_129 },
    );
  });

  it.each([
    ['compact', text(reportFixture())],
    ['indented', JSON.stringify(reportFixture(), null, 2)],
    ['with tabs and carriage returns', JSON.stringify(reportFixture(), null, '\t').replace(/\n/g, '\r\n')],
    ['keys in another order', text({ devices: reportFixture().devices, energyWh: 52_000, production: reportFixture().production, sales: reportFixture().sales, intervalMs: 3_600_000, ts: reportFixture().ts, seq: 7, v: 1 })],
    ['ids and names at their longest', text(reportFixture()).replace('"sew-1"', `"${'s'.repeat(64)}"`).replace('"tempC"', `"${'t'.repeat(32)}"`)],
    ['empty arrays and readings', text(reportFixture({ sales: [], production: [], devices: [{ ...reportFixture().devices[1], readings: {} }] }))],
    ['a reading name given twice (the last counts)', text(reportFixture()).replace('{"tempC":92.5}', '{"tempC":92.5,"rpm":3,"tempC":-0.25}')],
    ['a negative zero and a zero fraction', text(reportFixture()).replace('{"tempC":92.5}', '{"a":-0,"b":0.000,"c":-0.0}')],
  ])('reads a report %s as JSON.parse does', (_what, json) => {
    expect(readReport(bytes(json))).toStrictEqual(parsed(json));
  });

  // Each is valid JSON, and each leaves the verdict to JSON.parse and the schema.
  const plain = text(reportFixture());
  it.each([
    ['an escape in a string', plain.replace('"sew-1"', '"sew\\u002d1"')],
    ['an escaped key', plain.replace('"seq"', '"s\\u0065q"')],
    ['a key given twice', plain.replace('"seq":7', '"seq":7,"seq":8')],
    ['an unknown key', plain.replace('"seq":7', '"seq":7,"extra":1')],
    ['a missing key', plain.replace('"seq":7,', '')],
    ['a count with a fraction', plain.replace('"seq":7', '"seq":7.0')],
    ['a count with an exponent', plain.replace('"seq":7', '"seq":7e0')],
    ['a negative count', plain.replace('"energyWh":52000', '"energyWh":-0')],
    ['a count of 16 digits', plain.replace('"seq":7', '"seq":9007199254740991')],
    ['a reading with an exponent', plain.replace('92.5', '9.25e1')],
    ['a reading of 16 digits', plain.replace('92.5', '92.50000000000001')],
    ['a non-ASCII id', plain.replace('"sew-1"', '"séw-1"')],
    ['an id of 65 characters', plain.replace('"sew-1"', `"${'s'.repeat(65)}"`)],
    ['a reading name of 33 characters', plain.replace('"tempC"', `"${'t'.repeat(33)}"`)],
    ['a reading name that starts with a digit', plain.replace('"tempC"', '"1tempC"')],
    ['an unknown device kind', plain.replace('"sewing-line"', '"loom"')],
    ['a number where a string belongs', plain.replace('"sew-1"', '1')],
    ['null where an array belongs', plain.replace(/"production":\[[^\]]*\]/, '"production":null')],
    ['a reading that is a string', plain.replace('92.5', '"92.5"')],
    ['a JSON array', `[${plain}]`],
  ])('leaves %s to the general path', (_what, json) => {
    expect(() => JSON.parse(json)).not.toThrow();
    expect(readReport(bytes(json))).toBeUndefined();
  });

  it('leaves a byte order mark to the general path, which takes it (UTF-8 decoding drops it)', () => {
    const payload = bytes(`\ufeff${plain}`);
    expect(readReport(payload)).toBeUndefined();
    expect(decodeReport(payload)).toEqual({ ok: true, value: parsed(plain) });
  });

  it.each([
    ['truncated', plain.slice(0, -1)],
    ['trailing bytes', `${plain}x`],
    ['two reports', `${plain}${plain}`],
    ['a trailing comma', plain.replace(/}$/, ',}')],
    ['a leading zero', plain.replace('"seq":7', '"seq":07')],
    ['a bare minus', plain.replace('92.5', '-')],
    ['a fraction without digits', plain.replace('92.5', '92.')],
    ['an unquoted key', plain.replace('"seq"', 'seq')],
    ['a raw control character in a string', plain.replace('"sew-1"', '"sew\n1"')],
    ['empty', ''],
  ])('gives up on malformed JSON: %s', (_what, json) => {
    expect(() => JSON.parse(json)).toThrow();
    expect(readReport(bytes(json))).toBeUndefined();
  });

  // Edits of one to three bytes from JSON's own alphabet: the reader reads what JSON.parse reads,
  // or gives up; and decodeReport keeps the schema's verdict and message either way.
  const edited = fc.tuple(plainReport, fc.array(fc.tuple(fc.nat(), fc.constantFrom('delete', 'insert', 'replace'), fc.constantFrom(...'{}[]":,.-+eE0179 \t\\au\u00e9\u0000')), { minLength: 1, maxLength: 3 })).map(([json, edits]) => {
    let out = json;
    for (const [position, edit, char] of edits) {
      const at = position % (out.length + 1);
      if (edit === 'delete') out = out.slice(0, at) + out.slice(at + 1);
      else if (edit === 'insert') out = out.slice(0, at) + char + out.slice(at);
      else out = out.slice(0, at) + char + out.slice(at + 1);
    }
    return out;
  });

  it('reads an edited report as JSON.parse does, or gives up, and the verdict stays the schema one', () => {
    assertEveryOutcome(
      edited,
      ['read', 'left'],
      (json) => {
        const payload = bytes(json);
        const read = readReport(payload);
        if (read !== undefined) expect(read).toStrictEqual(parsed(json));
        expect(decodeReport(payload)).toEqual(decodePayload(reportPayloadSchema, payload));
        return read !== undefined ? 'read' : 'left';
      },
      { numRuns: 4_000, seed: 29_112_026, least: 200 },
    );
  });

  it('rounds every decimal of up to 15 digits as JSON.parse does', () => {
    const decimal = fc
      .tuple(fc.boolean(), fc.stringMatching(/^[0-9]{1,15}$/), fc.nat())
      .map(([negative, digits, dot]) => {
        const point = dot % digits.length;
        const whole = digits.slice(0, point + 1).replace(/^0+(?=.)/, '');
        const fraction = digits.slice(point + 1);
        return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
      });
    fc.assert(
      fc.property(decimal, (value) => {
        const json = plain.replace('92.5', value);
        const read = readReport(bytes(json));
        expect(Object.is(read?.devices[1].readings?.tempC, JSON.parse(value))).toBe(true);
      }),
      { numRuns: 5_000, seed: 1_129 },
    );
  });

  it('gives a new report each time', () => {
    const first = readReport(bytes(plain)) as ReportPayload;
    const second = readReport(bytes(plain)) as ReportPayload;
    expect(second).not.toBe(first);
    expect(second.devices[0]).not.toBe(first.devices[0]);
    expect(second).toStrictEqual(first);
  });
});

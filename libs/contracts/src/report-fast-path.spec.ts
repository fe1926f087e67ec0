import fc from 'fast-check';
import { DEVICE_KINDS, DEVICE_STATES, PRODUCT_CATEGORIES, SALES_CHANNELS } from './domain';
import { MAX_COUNTER, MAX_INTERVAL_MS, MAX_PAYLOAD_BYTES, MAX_REPORT_FEN, MAX_SIM_TIME, MIN_SIM_TIME, decodePayload, reportPayloadSchema, type ReportPayload } from './payloads';
import { assertEveryOutcome } from './outcomes.fixture';
import { reportFixture } from './report.fixture';
import { decodeReport, isValidReport } from './report-fast-path';

const report = reportFixture;

const encode = (value: unknown) => Buffer.from(JSON.stringify(value));

/** The schema's verdict and message on the same bytes: what the fast path must reproduce. */
const bySchema = (payload: Buffer) => decodePayload(reportPayloadSchema, payload);

describe('decodeReport against the report schema', () => {
  // The good and bad reports of payloads.spec.ts, and a few more edges of the hand-written rules.
  it.each([
    ['a valid report', encode(report())],
    ['a report naming its run', encode(report({ run: 'run-mx1jd207-311e7cac' }))],
    ['a report with no lines and no devices', encode(report({ sales: [], production: [], devices: [] }))],
    ['a payload over the size limit', Buffer.alloc(MAX_PAYLOAD_BYTES + 1, 32)],
    ['bytes that are not UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d])],
    ['truncated JSON', Buffer.from(JSON.stringify(report()).slice(0, 40))],
    ['an empty payload', Buffer.alloc(0)],
    ['a JSON array', encode([report()])],
    ['JSON null', encode(null)],
    ['an unknown schema version', encode(report({ v: 2 as 1 }))],
    ['a missing version', encode({ ...report(), v: undefined })],
    ['seq 0 on a report', encode(report({ seq: 0 }))],
    ['a fractional seq', encode(report({ seq: 1.5 }))],
    ['a seq given as a string', encode({ ...report(), seq: '7' })],
    ['a seq above the safe integers', Buffer.from(JSON.stringify(report()).replace('"seq":7', '"seq":9007199254740993'))],
    ['a negative amount', encode(report({ sales: [{ channel: 'export', category: 'tops', orders: 1, pieces: 1, amountFen: -5 }] }))],
    ['a fractional amount of fen', encode(report({ sales: [{ channel: 'export', category: 'tops', orders: 1, pieces: 1, amountFen: 10.5 }] }))],
    ['an amount over the per-report limit', encode(report({ sales: [{ channel: 'export', category: 'tops', orders: 1, pieces: 1, amountFen: MAX_REPORT_FEN + 1 }] }))],
    [
      'lines each within the limit whose sum is over it',
      encode(
        report({
          sales: [
            { channel: 'export', category: 'tops', orders: 1, pieces: 1, amountFen: MAX_REPORT_FEN },
            { channel: 'export', category: 'dresses', orders: 1, pieces: 1, amountFen: 1 },
          ],
        }),
      ),
    ],
    ['a huge counter', encode(report({ production: [{ category: 'tops', good: 1e12, defective: 0 }] }))],
    ['an unknown channel', encode({ ...report(), sales: [{ channel: 'barter', category: 'tops', orders: 1, pieces: 1, amountFen: 1 }] })],
    ['an unknown category', encode({ ...report(), production: [{ category: 'shoes', good: 1, defective: 0 }] })],
    ['the same channel and category twice', encode(report({ sales: [report().sales[0], report().sales[0]] }))],
    ['run time longer than planned', encode(report({ devices: [{ ...report().devices[0], runMs: 3_600_001 }] }))],
    ['planned time longer than the interval', encode(report({ devices: [{ ...report().devices[0], plannedMs: 3_600_001, runMs: 0 }] }))],
    ['a time before 2000', encode(report({ ts: Date.UTC(1999, 11, 31) }))],
    ['a non-finite reading', Buffer.from(JSON.stringify(report()).replace('92.5', '1e999'))],
    ['a reading name that is not an identifier', Buffer.from(JSON.stringify(report()).replace('tempC', '9tempC'))],
    ['an unknown field', encode({ ...report(), bonus: 1 })],
    ['an own __proto__ field', Buffer.from(JSON.stringify(report()).replace('{"v":1', '{"__proto__":{},"v":1'))],
    ['an unknown field in a device', encode(report({ devices: [{ ...report().devices[0], colour: 'red' } as ReportPayload['devices'][0]] }))],
    ['a device id that is not a topic-safe id', encode(report({ devices: [{ ...report().devices[0], id: 'a/b' }] }))],
    ['an empty run', encode({ ...report(), run: '' })],
    ['a run that is not one id', encode({ ...report(), run: 'run/1' })],
    ['a run given as a number', encode({ ...report(), run: 42 })],
    ['readings that are an array', encode({ ...report(), devices: [{ ...report().devices[1], readings: [1] }] })],
  ])('gives the schema verdict and message on %s', (_what, payload) => {
    expect(decodeReport(payload)).toEqual(bySchema(payload));
  });

  it('hands back the parsed report itself for a valid one', () => {
    expect(decodeReport(encode(report()))).toEqual({ ok: true, value: report() });
  });

  /** A report valid by construction: the mutations below make most of the invalid ones. */
  const validReport = fc
    .record({
      seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
      run: fc.option(fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), { nil: undefined }),
      ts: fc.integer({ min: MIN_SIM_TIME, max: MAX_SIM_TIME }),
      intervalMs: fc.integer({ min: 1, max: MAX_INTERVAL_MS }),
      channels: fc.uniqueArray(fc.tuple(fc.constantFrom(...SALES_CHANNELS), fc.constantFrom(...PRODUCT_CATEGORIES)), { maxLength: 4, selector: ([ch, cat]) => `${ch}/${cat}` }),
      amounts: fc.array(fc.tuple(fc.integer({ min: 0, max: MAX_COUNTER }), fc.integer({ min: 0, max: MAX_COUNTER }), fc.integer({ min: 0, max: MAX_REPORT_FEN / 4 })), { minLength: 4, maxLength: 4 }),
      production: fc.array(fc.record({ category: fc.constantFrom(...PRODUCT_CATEGORIES), good: fc.integer({ min: 0, max: MAX_COUNTER }), defective: fc.integer({ min: 0, max: MAX_COUNTER }) }), { maxLength: 3 }),
      energyWh: fc.integer({ min: 0, max: MAX_COUNTER }),
      devices: fc.array(
        fc.record(
          {
            id: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
            kind: fc.constantFrom(...DEVICE_KINDS),
            state: fc.constantFrom(...DEVICE_STATES),
            planned: fc.double({ min: 0, max: 1, noNaN: true }),
            run: fc.double({ min: 0, max: 1, noNaN: true }),
            good: fc.integer({ min: 0, max: MAX_COUNTER }),
            defective: fc.integer({ min: 0, max: MAX_COUNTER }),
            idealCycleMs: fc.integer({ min: 0, max: 86_400_000 }),
            energyWh: fc.integer({ min: 0, max: MAX_COUNTER }),
            readings: fc.dictionary(fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,31}$/), fc.double({ noNaN: true, noDefaultInfinity: true }), { maxKeys: 3 }),
          },
          { requiredKeys: ['id', 'kind', 'state', 'planned', 'run', 'good', 'defective', 'idealCycleMs', 'energyWh'] },
        ),
        { maxLength: 4 },
      ),
    })
    .map((g): ReportPayload => ({
      v: 1,
      seq: g.seq,
      ...(g.run === undefined ? {} : { run: g.run }),
      ts: g.ts,
      intervalMs: g.intervalMs,
      sales: g.channels.map(([channel, category], i) => ({ channel, category, orders: g.amounts[i][0], pieces: g.amounts[i][1], amountFen: g.amounts[i][2] })),
      production: g.production,
      energyWh: g.energyWh,
      devices: g.devices.map(({ planned, run, ...d }) => {
        const plannedMs = Math.floor(planned * g.intervalMs);
        return { ...d, plannedMs, runMs: Math.floor(run * plannedMs) };
      }),
    }));

  const DELETE = Symbol('delete');
  const oddValue = fc.constantFrom<unknown>(DELETE, -1, 0, 1, 1.5, -0.5, 2 ** 53, 1e12, MAX_COUNTER + 1, MAX_REPORT_FEN + 1, MIN_SIM_TIME - 1, MAX_SIM_TIME + 1, MAX_INTERVAL_MS + 1, '', 'x', 'a/b', '7', null, true, [], {}, 'running', 'tops', 'export', 'dye-vat');

  /** Every [holder, key] of a parsed report, nested ones included, plus a new key on each object. */
  function slots(value: unknown, out: Array<[Record<string | number, unknown>, string | number]> = []): Array<[Record<string | number, unknown>, string | number]> {
    if (typeof value !== 'object' || value === null) return out;
    const holder = value as Record<string | number, unknown>;
    if (!Array.isArray(value)) out.push([holder, 'extra']);
    for (const key of Object.keys(holder)) {
      out.push([holder, Array.isArray(value) ? Number(key) : key]);
      slots(holder[key], out);
    }
    return out;
  }

  /** A valid report, left alone or with one field changed, removed or added. */
  const generated = fc.tuple(validReport, fc.option(fc.tuple(fc.nat(), oddValue), { freq: 2 })).map(([valid, mutation]) => {
    const value = JSON.parse(JSON.stringify(valid)) as unknown;
    if (mutation) {
      const all = slots(value);
      const [holder, key] = all[mutation[0] % all.length];
      if (mutation[1] === DELETE) delete holder[key];
      else holder[key] = mutation[1];
    }
    return value;
  });

  it('agrees with the schema on generated payloads, valid and invalid alike', () => {
    assertEveryOutcome(
      generated,
      ['valid', 'invalid'],
      (value) => {
        const payload = encode(value);
        const expected = bySchema(payload);
        expect(isValidReport(JSON.parse(payload.toString()))).toBe(expected.ok);
        expect(decodeReport(payload)).toEqual(expected);
        return expected.ok ? 'valid' : 'invalid';
      },
      { numRuns: 3_000, seed: 20_201_129, least: 100 },
    );
  });
});

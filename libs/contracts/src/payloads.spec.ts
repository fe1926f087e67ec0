import {
  MAX_PAYLOAD_BYTES,
  MAX_REPORT_FEN,
  birthPayloadSchema,
  decodePayload,
  encodePayload,
  gatewayControlSchema,
  reportPayloadSchema,
  simControlSchema,
  statePayloadSchema,
} from './payloads';
import { reportFixture } from './report.fixture';

const ts = Date.UTC(2020, 0, 10, 4);

const report = reportFixture;

const encode = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('decodePayload', () => {
  it('accepts a valid report and returns it typed', () => {
    const decoded = decodePayload(reportPayloadSchema, encode(report()));
    expect(decoded).toEqual({ ok: true, value: report() });
  });

  it('accepts valid birth, state, control and simulator messages', () => {
    const birth = {
      v: 1,
      seq: 0,
      ts,
      enterprise: { name: 'Little Star Garments', town: 'Huicheng', park: 'Park 3', category: 'tops', digitization: 0.4, employees: 35 },
      devices: [{ id: 'sew-1', kind: 'sewing-line', line: 'line-a' }],
    };
    expect(decodePayload(birthPayloadSchema, encode(birth)).ok).toBe(true);
    expect(decodePayload(statePayloadSchema, encode({ v: 1, seq: 3, ts, online: false, reason: 'will' })).ok).toBe(true);
    expect(decodePayload(gatewayControlSchema, encode({ v: 1, cmd: 'ack', seq: 40 })).ok).toBe(true);
    expect(decodePayload(simControlSchema, encode({ v: 1, cmd: 'fault', fault: 'power-cut', park: 'Park 3', durationMs: 60_000 })).ok).toBe(true);
  });

  it.each([
    ['a payload over the size limit', Buffer.alloc(MAX_PAYLOAD_BYTES + 1, 32), 'too-large'],
    ['bytes that are not UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 'not-json'],
    ['truncated JSON', Buffer.from(JSON.stringify(report()).slice(0, 40)), 'not-json'],
    ['an empty payload', Buffer.alloc(0), 'not-json'],
    ['a JSON array', encode([report()]), 'schema'],
    ['JSON null', encode(null), 'schema'],
    ['an unknown schema version', encode(report({ v: 2 as 1 })), 'unknown-version'],
    ['a missing version', encode({ ...report(), v: undefined }), 'unknown-version'],
    ['seq 0 on a report', encode(report({ seq: 0 })), 'schema'],
    ['a fractional seq', encode(report({ seq: 1.5 })), 'schema'],
    ['a seq given as a string', encode({ ...report(), seq: '7' }), 'schema'],
    ['a negative amount', encode(report({ sales: [{ channel: 'export', category: 'tops', orders: 1, pieces: 1, amountFen: -5 }] })), 'schema'],
    ['a fractional amount of fen', encode(report({ sales: [{ channel: 'export', category: 'tops', orders: 1, pieces: 1, amountFen: 10.5 }] })), 'schema'],
    ['an amount over the per-report limit', encode(report({ sales: [{ channel: 'export', category: 'tops', orders: 1, pieces: 1, amountFen: MAX_REPORT_FEN + 1 }] })), 'schema'],
    ['a huge counter', encode(report({ production: [{ category: 'tops', good: 1e12, defective: 0 }] })), 'schema'],
    ['an unknown channel', encode({ ...report(), sales: [{ channel: 'barter', category: 'tops', orders: 1, pieces: 1, amountFen: 1 }] }), 'schema'],
    ['an unknown category', encode({ ...report(), production: [{ category: 'shoes', good: 1, defective: 0 }] }), 'schema'],
    ['the same channel and category twice', encode(report({ sales: [report().sales[0], report().sales[0]] })), 'schema'],
    ['run time longer than planned', encode(report({ devices: [{ ...report().devices[0], runMs: 3_600_001 }] })), 'schema'],
    ['planned time longer than the interval', encode(report({ devices: [{ ...report().devices[0], plannedMs: 3_600_001, runMs: 0 }] })), 'schema'],
    ['a time before 2000', encode(report({ ts: Date.UTC(1999, 11, 31) })), 'schema'],
    ['a non-finite reading', Buffer.from(JSON.stringify(report()).replace('92.5', '1e999')), 'schema'],
    ['an unknown field', encode({ ...report(), bonus: 1 }), 'schema'],
    ['a device id that is not a topic-safe id', encode(report({ devices: [{ ...report().devices[0], id: 'a/b' }] })), 'schema'],
  ])('rejects %s', (_what, payload, reason) => {
    const decoded = decodePayload(reportPayloadSchema, payload);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) {
      expect(decoded.reason).toBe(reason);
      expect(decoded.message.length).toBeGreaterThan(0);
    }
  });

  it('rejects a control command it does not know', () => {
    expect(decodePayload(simControlSchema, encode({ v: 1, cmd: 'self-destruct' }))).toMatchObject({ ok: false, reason: 'schema' });
  });
});

describe('encodePayload', () => {
  it('serializes a valid payload that decodes to the same value', () => {
    expect(decodePayload(reportPayloadSchema, encodePayload(reportPayloadSchema, report()))).toEqual({ ok: true, value: report() });
  });

  it('refuses to send an invalid payload', () => {
    expect(() => encodePayload(reportPayloadSchema, report({ seq: -1 }))).toThrow();
  });
});

describe('run ids', () => {
  it('accepts a report naming its run, and one naming none (older senders)', () => {
    expect(decodePayload(reportPayloadSchema, encode(report({ run: 'run-mx1jd207-311e7cac' }))).ok).toBe(true);
    expect(decodePayload(reportPayloadSchema, encode(report())).ok).toBe(true);
  });

  it.each([
    ['an empty run', ''],
    ['a run that is not one id', 'run/1'],
    ['a number', 42],
  ])('refuses %s', (_what, run) => {
    expect(decodePayload(reportPayloadSchema, encode({ ...report(), run }))).toMatchObject({ ok: false, reason: 'schema' });
  });
});

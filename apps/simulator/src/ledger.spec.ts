import type { ReportPayload } from '@clusterpulse/contracts';
import { Ledger, mergeLedgers } from './ledger';

function report(seq: number, fen: number, good: number): ReportPayload {
  return {
    v: 1,
    seq,
    ts: Date.UTC(2020, 0, 1) + seq * 3_600_000,
    intervalMs: 3_600_000,
    sales: [
      { channel: 'ecommerce', category: 'tops', orders: 2, pieces: 3, amountFen: fen },
      { channel: 'wholesale', category: 'tops', orders: 1, pieces: 100, amountFen: 2 * fen },
    ],
    production: [{ category: 'tops', good, defective: 1 }],
    energyWh: 500,
    devices: [],
  };
}

describe('Ledger', () => {
  it('sums every sales and production line of each report', () => {
    const ledger = new Ledger();
    ledger.record('c.m1.gw1', report(1, 1000, 40));
    ledger.record('c.m1.gw1', report(2, 10, 4));
    expect(ledger.totals()).toEqual({ reports: 2, salesFen: 3030, salesPieces: 206, orders: 6, good: 44, defective: 2, energyWh: 1000 });
  });

  it('records a report sent again under the same seq once', () => {
    const ledger = new Ledger();
    ledger.record('c.m1.gw1', report(1, 1000, 40));
    ledger.record('c.m1.gw1', report(1, 1000, 40));
    ledger.record('c.m2.gw1', report(1, 7, 1));
    expect(ledger.gatewayTotals('c.m1.gw1').salesFen).toBe(3000);
    expect(ledger.totals().reports).toBe(2);
    expect(ledger.toJSON().gateways['c.m2.gw1']).toMatchObject({ salesFen: 21, lastSeq: 1 });
  });
});

describe('mergeLedgers', () => {
  it('puts the gateways of several processes side by side and sums their totals', () => {
    const a = new Ledger();
    a.record('c.m1.gw1', report(1, 1000, 40));
    a.record('c.m1.gw1', report(2, 10, 4));
    const b = new Ledger();
    b.record('c.m2.gw1', report(1, 7, 1));
    const both = new Ledger();
    for (const [id, r] of [['c.m1.gw1', report(1, 1000, 40)], ['c.m1.gw1', report(2, 10, 4)], ['c.m2.gw1', report(1, 7, 1)]] as const) both.record(id, r);
    expect(mergeLedgers([a.toJSON(), b.toJSON()])).toEqual(both.toJSON());
  });

  it('refuses a gateway found in two ledgers', () => {
    const a = new Ledger();
    a.record('c.m1.gw1', report(1, 1000, 40));
    expect(() => mergeLedgers([a.toJSON(), a.toJSON()])).toThrow(/c\.m1\.gw1 is in two ledgers/);
  });
});

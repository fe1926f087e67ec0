import type { ReportPayload } from '@clusterpulse/contracts';
import { Ledger } from './ledger';

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

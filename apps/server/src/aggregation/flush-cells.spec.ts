import type { DeviceReading, ReportPayload } from '@clusterpulse/contracts';
import { AggregationService } from './aggregation.service';

// A flush batch's maker cells are reused once their flush committed: what a later batch holds
// must be exactly the reports applied since its cut, never a figure of an earlier batch.
describe('AggregationService flush batches', () => {
  const address = (m: number) => ({ cluster: 'c1', enterprise: `m${m}`, gateway: 'gw1' });
  const device: DeviceReading = { id: 'd1', kind: 'sewing-line', state: 'running', plannedMs: 60_000, runMs: 30_000, good: 7, defective: 1, idealCycleMs: 1_000, energyWh: 20 };
  const report = (seq: number, fen: number, hour = 3): ReportPayload => ({
    v: 1,
    seq,
    ts: Date.UTC(2020, 0, 2, hour),
    intervalMs: 60_000,
    sales: [{ channel: 'ecommerce', category: 'tops', orders: 1, pieces: 2, amountFen: fen }],
    production: [{ category: 'tops', good: 7, defective: 1 }],
    energyWh: 20,
    devices: [device],
  });

  it('holds only what came after the previous cut, through commits and a failed flush', () => {
    const agg = new AggregationService('c1');
    for (let m = 0; m < 3; m++) agg.provisionGateway(address(m), null);
    for (let m = 0; m < 3; m++) agg.applyReport(address(m), report(1, 100 + m));
    const first = agg.takeFlush();
    expect([...first.batch.enterpriseDays.values()].map((c) => c.salesFen)).toEqual([100, 101, 102]);
    agg.flushCommitted(first);

    // m0 and m1 report again; m2 does not, and must not appear with an old figure.
    agg.applyReport(address(0), report(2, 5));
    agg.applyReport(address(1), report(2, 6));
    const second = agg.takeFlush();
    expect([...second.batch.enterpriseDays].map(([k, c]) => [k.split('|')[1], c.salesFen, c.good, c.oee.runMs])).toEqual([
      ['m0', 5, 7, 30_000],
      ['m1', 6, 7, 30_000],
    ]);

    // A failed flush puts its figures back into the next batch, added to what came since.
    agg.applyReport(address(0), report(3, 40));
    agg.flushFailed(second);
    const third = agg.takeFlush();
    expect(Object.fromEntries([...third.batch.enterpriseDays].map(([k, c]) => [k.split('|')[1], c.salesFen]))).toEqual({ m0: 45, m1: 6 });
    agg.flushCommitted(third);

    // A new day after commits: its cells start from zero too.
    agg.applyReport(address(2), report(2, 9, 20));
    const fourth = agg.takeFlush();
    expect([...fourth.batch.enterpriseDays.values()].map((c) => [c.salesFen, c.good, c.defective, c.energyWh, c.oee.plannedMs])).toEqual([[9, 7, 1, 20, 60_000]]);
  });

  it("holds each gateway changed since the previous cut once, with its latest watermark, and puts a failed flush's back", () => {
    const agg = new AggregationService('c1');
    for (let m = 0; m < 3; m++) agg.provisionGateway(address(m), null);
    agg.takeFlush();
    const rows = (flush: ReturnType<AggregationService['takeFlush']>) => flush.batch.gateways.map((g) => [g.enterpriseId, g.lastSeq]);

    agg.applyReport(address(1), report(1, 1));
    agg.applyReport(address(0), report(1, 1));
    agg.applyReport(address(1), report(2, 1));
    const first = agg.takeFlush();
    expect(rows(first)).toEqual([
      ['m1', 2],
      ['m0', 1],
    ]);
    // Each watermark is acknowledged once that batch commits.
    expect([...first.acks.values()]).toEqual([2, 1]);
    agg.flushCommitted(first);
    expect(agg.takeFlush().batch.gateways).toEqual([]);

    // Changed again after a cut: in the next batch again.
    agg.applyReport(address(0), report(2, 1));
    const second = agg.takeFlush();
    expect(rows(second)).toEqual([['m0', 2]]);
    agg.applyReport(address(2), report(1, 1));
    agg.flushFailed(second);
    expect(rows(agg.takeFlush())).toEqual([
      ['m2', 1],
      ['m0', 2],
    ]);
  });
});

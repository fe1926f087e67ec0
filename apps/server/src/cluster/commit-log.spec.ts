import type { BirthPayload, ReportPayload } from '@clusterpulse/contracts';
import { AggregationService } from '../aggregation/aggregation.service';
import { KpiViewService } from '../aggregation/kpi-view.service';
import { inCommitOrder } from './cluster.service';
import { decodeBatch, encodeBatch, type CommitRow } from './commit-log.repository';

/**
 * What the commit log carries: an owner's flush batch, through JSON, added by another instance to
 * its live figures, gives that instance the owner's figures — and a second instance's own figures
 * stay its own.
 */

const CLUSTER = 'c1';
const run = 'run-1';
const birth = (seq: number): BirthPayload => ({
  v: 1,
  seq,
  ts: Date.UTC(2020, 2, 1),
  run,
  enterprise: { name: 'Sprout', town: 'Waxing', park: 'North', category: 'babywear', digitization: 0.5, employees: 30 },
  devices: [{ id: 'sew-1', kind: 'sewing-line', line: 'L1' }],
});
const report = (seq: number, n: number, dayOffset = 0): ReportPayload => ({
  v: 1,
  seq,
  ts: Date.UTC(2020, 2, 1 + dayOffset, 4) + seq * 60_000,
  intervalMs: 60_000,
  run,
  sales: [
    { channel: 'ecommerce', category: 'babywear', orders: n, pieces: 3 * n, amountFen: 12_345 * n },
    { channel: 'export', category: 'tops', orders: 1, pieces: 10, amountFen: 100_001 },
  ],
  production: [{ category: 'babywear', good: 20 * n, defective: n }],
  energyWh: 500 * n,
  devices: [{ id: 'sew-1', kind: 'sewing-line', state: 'running', plannedMs: 60_000, runMs: 50_000, good: 20 * n, defective: n, idealCycleMs: 2_000, energyWh: 400 * n }],
});

function feed(agg: AggregationService, enterprise: string, reports: number, dayOffset = 0): void {
  const address = { cluster: CLUSTER, enterprise, gateway: 'gw1' };
  agg.applyBirth(address, birth(0));
  for (let seq = 1; seq <= reports; seq++) agg.applyReport(address, report(seq, seq, dayOffset));
}

describe('a committed batch on another instance', () => {
  it('round-trips through JSON with its maps', () => {
    const owner = new AggregationService(CLUSTER);
    feed(owner, 'm1', 3);
    const { batch } = owner.takeFlush();
    const origin = { run: owner.run, dataStart: owner.dataStart };
    expect(decodeBatch(encodeBatch(batch, origin))).toEqual({ batch, origin });
  });

  it("gives a second instance the owner's figures, makers and watermarks, added to its own", () => {
    const owner = new AggregationService(CLUSTER);
    const other = new AggregationService(CLUSTER);
    const reference = new AggregationService(CLUSTER);
    feed(owner, 'm1', 4);
    feed(owner, 'm2', 2, 1);
    feed(other, 'm3', 5, 2);
    for (const [enterprise, reports, day] of [['m1', 4, 0], ['m2', 2, 1], ['m3', 5, 2]] as const) feed(reference, enterprise, reports, day);

    // Two flushes of the owner, as two commit-log rows (cut the way the flush cuts them).
    const cut = () => {
      const { batch } = owner.takeFlush();
      return encodeBatch(batch, { run: owner.run, dataStart: owner.dataStart });
    };
    const first = cut();
    feed(owner, 'm4', 1);
    feed(reference, 'm4', 1);
    const second = cut();
    const mine = (enterprise: string) => enterprise === 'm3';
    for (const row of [first, second]) {
      const { batch, origin } = decodeBatch(row);
      other.applyCommitted(batch, mine, origin);
    }

    const kpis = (agg: AggregationService) => {
      const { ingest, ...rest } = new KpiViewService(agg).kpis();
      return { ...rest, accepted: ingest.accepted };
    };
    expect(kpis(other)).toEqual(kpis(reference));
    const makers = (agg: AggregationService) => new KpiViewService(agg).enterprises({ offset: 0, limit: 10, sort: 'name', order: 'asc', year: 2020 });
    expect(makers(other)).toEqual(makers(reference));
    expect(other.gateways.get(`${CLUSTER}.m1.gw1`)?.lastSeq).toBe(4);
    // Its own maker's rows are not the owner's to overwrite; its own pending figures stay its own.
    const ownBatch = other.takeFlush().batch;
    expect([...ownBatch.enterpriseDays.keys()].every((k) => k.includes('|m3|'))).toBe(true);
  });

  it('leaves rows of makers another instance writes out of a flush, and their figures in', () => {
    const agg = new AggregationService(CLUSTER);
    feed(agg, 'm1', 2);
    feed(agg, 'm2', 2);
    agg.writeFilter = (enterprise) => enterprise === 'm1';
    const { batch } = agg.takeFlush();
    expect(batch.gateways.map((g) => g.enterpriseId)).toEqual(['m1']);
    expect(batch.enterprises.map((e) => e.id)).toEqual(['m1']);
  });

  it('adopts the stored watermark of a maker taken over, and forgets reports it held out of order', () => {
    const agg = new AggregationService(CLUSTER);
    const address = { cluster: CLUSTER, enterprise: 'm1', gateway: 'gw1' };
    feed(agg, 'm1', 3);
    expect(agg.applyReport(address, report(9, 9))).toBe('held');
    agg.adoptGateways([{ id: `${CLUSTER}.m1.gw1`, enterpriseId: 'm1', lastSeq: 7 }], (enterprise) => enterprise === 'm1');
    const gw = agg.gateways.get(`${CLUSTER}.m1.gw1`)!;
    expect(gw.lastSeq).toBe(7);
    expect(gw.held).toBeUndefined();
    expect(agg.applyReport(address, report(7, 7))).toBe('duplicate');
    expect(agg.applyReport(address, report(8, 8))).toBe('applied');
  });
});

describe('commit-log rows read back', () => {
  const row = (source: string, n: number, at: number): CommitRow => ({ source, n, at, batch: undefined as never, origin: { run: '', dataStart: null } });

  it("keep each source's numbering even when its clock stepped back, and interleave sources by time", () => {
    const rows = [row('a/1', 2, 900), row('b/1', 1, 950), row('a/1', 1, 1000), row('a/1', 3, 1100), row('b/1', 2, 1050)];
    expect(inCommitOrder(rows).map((r) => `${r.source}#${r.n}`)).toEqual(['b/1#1', 'a/1#1', 'a/1#2', 'b/1#2', 'a/1#3']);
  });
});

import { AggregationService } from './aggregation.service';
import { KpiViewService } from './kpi-view.service';
import { emptyEnterpriseDay, type RestoredState } from './ledger';

const empty: RestoredState = { run: '', runs: [], sales: [], production: [], enterpriseYears: [], clusterDays: [], counters: [], enterprises: [], gateways: [] };
const status = { v: 1 as const, ts: Date.UTC(2019, 10, 11, 4), scenario: 'double-11' as const, seed: 3, speed: 100, paused: false, makers: 10, gatewaysConnected: 0 };

describe('the moment the KPIs describe', () => {
  it('is the newest stored day when there is neither a report nor a simulator', () => {
    const agg = new AggregationService('c1');
    agg.restore({ ...empty, clusterDays: [{ day: '2020-03-01', ...emptyEnterpriseDay(), salesFen: 500 }, { day: '2020-05-31', ...emptyEnterpriseDay(), salesFen: 700 }] });
    const k = new KpiViewService(agg).kpis();
    expect(k).toMatchObject({ asOf: null, asOfSource: 'history', simDate: null });
    expect(k.sales).toMatchObject({ year: 2020, todayFen: 700, yearToDateFen: 1200 });
  });

  it("prefers the simulator's clock to the stored history", () => {
    const agg = new AggregationService('c1');
    agg.restore({ ...empty, clusterDays: [{ day: '2020-05-31', ...emptyEnterpriseDay(), salesFen: 700 }] });
    agg.applySimStatus(status);
    const k = new KpiViewService(agg).kpis();
    expect(k).toMatchObject({ asOf: null, asOfSource: 'simulator', sim: status });
    expect(k.sales).toMatchObject({ year: 2019, yearToDateFen: 0 });
  });

  it('is the newest report once there is one, whatever the simulator says', () => {
    const agg = new AggregationService('c1');
    const address = { cluster: 'c1', enterprise: 'm1', gateway: 'gw1' };
    agg.provisionGateway(address, null);
    agg.applySimStatus(status);
    const ts = Date.UTC(2020, 0, 5, 4);
    agg.applyReport(address, { v: 1, seq: 1, ts, intervalMs: 3_600_000, sales: [{ channel: 'export', category: 'tops', orders: 1, pieces: 2, amountFen: 990 }], production: [], energyWh: 0, devices: [] });
    const k = new KpiViewService(agg).kpis();
    expect(k).toMatchObject({ asOf: ts, asOfSource: 'report', simDate: '2020-01-05' });
    expect(k.sales).toMatchObject({ year: 2020, todayFen: 990 });
  });

  it("follows the simulator's clock back when a trainer restarts an earlier scenario, and forward with its reports", () => {
    const agg = new AggregationService('c1');
    const view = new KpiViewService(agg);
    const address = { cluster: 'c1', enterprise: 'm1', gateway: 'gw1' };
    agg.provisionGateway(address, null);
    const report = (seq: number, ts: number) =>
      agg.applyReport(address, { v: 1, seq, ts, intervalMs: 3_600_000, sales: [{ channel: 'export', category: 'tops', orders: 1, pieces: 2, amountFen: 100 * seq }], production: [], energyWh: 0, devices: [] });
    report(1, Date.UTC(2020, 6, 1, 4));
    // A lagging status (a few hours behind the newest report) is not a rewind.
    agg.applySimStatus({ ...status, ts: Date.UTC(2020, 6, 1, 0) });
    expect(view.kpis()).toMatchObject({ asOf: Date.UTC(2020, 6, 1, 4), sales: { year: 2020 } });
    agg.applySimStatus({ ...status, ts: Date.UTC(2019, 0, 1, 2) });
    expect(view.kpis()).toMatchObject({ asOf: Date.UTC(2019, 0, 1, 2), asOfSource: 'report', sales: { year: 2019, yearToDateFen: 0 } });
    report(2, Date.UTC(2019, 0, 1, 6));
    expect(view.kpis()).toMatchObject({ asOf: Date.UTC(2019, 0, 1, 6), sales: { year: 2019, todayFen: 200, yearToDateFen: 200 } });
  });
});

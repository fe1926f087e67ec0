import { gatewayClientId, type ReportPayload } from '@clusterpulse/contracts';
import { AggregationService, type GatewaySender } from './aggregation.service';
import { birthFixture } from './maker.fixture';

const address = { cluster: 'c1', enterprise: 'm1', gateway: 'gw1' };
const report = (seq: number): ReportPayload => ({
  v: 1,
  seq,
  ts: Date.UTC(2020, 0, 2, 3) + seq * 60_000,
  intervalMs: 60_000,
  sales: [{ channel: 'export', category: 'tops', orders: 1, pieces: 2, amountFen: 100 }],
  production: [],
  energyWh: 0,
  devices: [],
});
const restored = { run: '', runs: [], sales: [], production: [], enterpriseYears: [], clusterDays: [], counters: [], enterprises: [], gateways: [] };

// The report lane keeps one sender per connection, and the aggregator the gateway it found for it.
describe('AggregationService.applyReport with a connection sender', () => {
  it('finds the gateway once it exists, and keeps it and its maker for the next reports', () => {
    const agg = new AggregationService('c1');
    const sender: GatewaySender = { clientId: gatewayClientId(address), gateway: undefined };
    // Connected before any birth and not provisioned: refused, and nothing kept.
    expect(agg.applyReport(address, report(1), sender)).toBe('unknown-gateway');
    expect(sender.gateway).toBeUndefined();

    agg.applyBirth(address, birthFixture('m1', 3, [], 0, Date.UTC(2020, 0, 2, 3)));
    expect(agg.applyReport(address, report(1), sender)).toBe('applied');
    const gw = agg.gateways.get(sender.clientId)!;
    expect(sender.gateway).toBe(gw);
    expect(gw.ent).toBe(agg.enterprises.get('m1'));
    expect(agg.applyReport(address, report(2), sender)).toBe('applied');
    expect(agg.applyReport(address, report(2), sender)).toBe('duplicate');
    // The same figures as without a sender.
    expect(agg.applyReport(address, report(3))).toBe('applied');
    expect(gw.lastSeq).toBe(3);
    expect(agg.enterprises.get('m1')!.years.get(2020)!.salesFen).toBe(300);
  });

  it("refuses a report whose topic names another maker than the sender's gateway", () => {
    const agg = new AggregationService('c1');
    agg.applyBirth(address, birthFixture('m1', 3, []));
    const sender: GatewaySender = { clientId: gatewayClientId(address), gateway: undefined };
    expect(agg.applyReport({ ...address, enterprise: 'm2' }, report(1), sender)).toBe('unknown-gateway');
  });

  it('restores only into an empty aggregator, so that no kept gateway or maker is replaced', () => {
    const agg = new AggregationService('c1');
    agg.restore(restored);
    agg.provisionGateway(address, null);
    expect(() => agg.restore(restored)).toThrow(/empty aggregator/);
    expect(agg.gateways.size).toBe(1);
  });
});

describe('AggregationService.applyReport out of order', () => {
  it('holds reports ahead of the watermark in a map made for them, applies them in order, and drops the map once empty', () => {
    const agg = new AggregationService('c1');
    agg.applyBirth(address, birthFixture('m1', 3, [], 0, Date.UTC(2020, 0, 2, 3)));
    const gw = agg.gateways.get(gatewayClientId(address))!;
    expect(agg.applyReport(address, report(1))).toBe('applied');
    expect(gw.held).toBeUndefined();
    expect(agg.applyReport(address, report(4))).toBe('held');
    expect(agg.applyReport(address, report(3))).toBe('held');
    expect(agg.applyReport(address, report(4))).toBe('duplicate');
    expect(gw.held?.size).toBe(2);
    expect(gw.lastSeq).toBe(1);
    // The missing one: it and both held, in order.
    expect(agg.applyReport(address, report(2))).toBe('applied');
    expect(gw.lastSeq).toBe(4);
    expect(gw.held).toBeUndefined();
    expect(agg.enterprises.get('m1')!.years.get(2020)!.salesFen).toBe(400);
  });
});

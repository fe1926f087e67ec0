import { DEVICE_KINDS, DEVICE_STATES, type DeviceReading } from '@clusterpulse/contracts';
import { deviceStateCounts } from '@clusterpulse/kpi';
import { AggregationService } from './aggregation.service';
import { emptyFlushBatch } from './ledger';
import { birthFixture } from './maker.fixture';

// The server counts device states in one loop per push; libs/kpi states the rule. Same answer.
describe('AggregationService.deviceStateCounts', () => {
  it('equals libs/kpi deviceStateCounts over every device, offline makers counting as offline', () => {
    const agg = new AggregationService('c1');
    const every: string[] = [];
    const perMaker: Record<string, string[]> = {};
    for (let m = 0; m < 12; m++) {
      const address = { cluster: 'c1', enterprise: `m${m}`, gateway: 'gw1' };
      agg.provisionGateway(address, null);
      const devices: DeviceReading[] = [];
      for (let d = 0; d < 1 + (m % 4); d++) {
        const state = DEVICE_STATES[(m * 7 + d * 3) % DEVICE_STATES.length];
        devices.push({ id: `d${d}`, kind: DEVICE_KINDS[d % DEVICE_KINDS.length], state, plannedMs: 0, runMs: 0, good: 0, defective: 0, idealCycleMs: 0, energyWh: 0 });
      }
      agg.applyReport(address, { v: 1, seq: 1, ts: Date.UTC(2020, 0, 2, 3), intervalMs: 60_000, sales: [], production: [], energyWh: 0, devices });
      const online = m % 5 !== 0;
      agg.connectionChanged(`c1.m${m}.gw1`, online);
      perMaker[`m${m}`] = devices.map((d) => (online ? d.state : 'offline'));
      every.push(...perMaker[`m${m}`]);
    }
    expect(agg.deviceStateCounts()).toEqual(deviceStateCounts(every as never));
    expect(agg.deviceStateCounts().offline).toBeGreaterThan(0);
    const m3 = agg.enterprises.get('m3')!;
    expect(agg.deviceStateCounts(m3)).toEqual(deviceStateCounts(perMaker.m3 as never));

    // A maker's counts are kept between pushes: a state change, a new birth and a reconnect recount it.
    const address = (m: number) => ({ cluster: 'c1', enterprise: `m${m}`, gateway: 'gw1' });
    const m1 = agg.enterprises.get('m1')!;
    const changed = [...m1.devices.values()].map((d, i): DeviceReading => ({ id: d.id, kind: d.kind as DeviceReading['kind'], state: i === 0 ? 'fault' : 'running', plannedMs: 0, runMs: 0, good: 0, defective: 0, idealCycleMs: 0, energyWh: 0 }));
    agg.applyReport(address(1), { v: 1, seq: 2, ts: Date.UTC(2020, 0, 2, 4), intervalMs: 60_000, sales: [], production: [], energyWh: 0, devices: changed });
    agg.applyBirth(address(2), birthFixture('m2', 10, [{ id: 'new-1', kind: 'qc-station' }], 2, Date.UTC(2020, 0, 2, 4)));
    agg.connectionChanged('c1.m0.gw1', true);
    const states = [...agg.enterprises.values()].flatMap((ent) => [...ent.devices.values()].map((d) => (ent.online ? d.state : 'offline')));
    expect(states).toContain('fault');
    expect(agg.deviceStateCounts()).toEqual(deviceStateCounts(states as never));
  });

  // The cluster's counts are kept between pushes and moved along (deviceStateCounts): whatever
  // happens between two reads, they must equal a count of every device.
  it("keeps the cluster's counts equal to a count of every device, through reports, births, connections, a restore and another instance's rows", () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
    const makers = ['m0', 'm1', 'm2', 'm3', 'm4', 'm5'];
    const info = (id: string) => ({ id, name: id, town: 'T', park: 'P', category: 'tops' as const, digitization: 0.5, employees: 3 });
    const someDevices = () =>
      Array.from({ length: 1 + Math.floor(random() * 4) }, () => ({ id: pick(['d0', 'd1', 'd2', 'd3', 'd4', 'd5']), kind: pick(DEVICE_KINDS), state: pick(DEVICE_STATES) })).filter(
        (d, i, all) => all.findIndex((o) => o.id === d.id) === i,
      );
    const counted = (agg: AggregationService) =>
      deviceStateCounts([...agg.enterprises.values()].flatMap((ent) => [...ent.devices.values()].map((d) => (ent.online ? d.state : 'offline'))) as never);
    // The makers online, kept for the dashboard's push as they change: equal to a walk over them.
    const online = (agg: AggregationService) => [...agg.enterprises.values()].filter((ent) => ent.online).length;

    const agg = new AggregationService('c1');
    // From the database: four makers with their devices, offline until their gateway is back.
    agg.restore({
      run: '',
      runs: [],
      sales: [],
      production: [],
      enterpriseYears: [],
      clusterDays: [],
      counters: [],
      enterprises: makers.slice(0, 4).map((id) => ({ ...info(id), online: true, devices: someDevices() })),
      gateways: [],
    });
    expect(agg.deviceStateCounts()).toEqual(counted(agg));
    expect(agg.deviceStateCounts().total).toBeGreaterThan(0);

    const seq = new Map<string, number>();
    const address = (m: string) => ({ cluster: 'c1', enterprise: m, gateway: 'gw1' });
    for (const m of makers) agg.provisionGateway(address(m), null);
    const ops = { report: 0, birth: 0, connection: 0, committed: 0, reads: 0 };
    let ts = Date.UTC(2020, 0, 2, 3);
    for (let step = 0; step < 600; step++) {
      const m = pick(makers);
      const next = (seq.get(m) ?? 0) + 1;
      const roll = random();
      ts += 1_000;
      if (roll < 0.55) {
        // A report: known devices change state, and now and then a device not seen before.
        seq.set(m, next);
        const devices: DeviceReading[] = someDevices().map((d) => ({ ...d, plannedMs: 0, runMs: 0, good: 0, defective: 0, idealCycleMs: 0, energyWh: 0 }));
        agg.applyReport(address(m), { v: 1, seq: next, ts, intervalMs: 1_000, sales: [], production: [], energyWh: 0, devices });
        ops.report++;
      } else if (roll < 0.65) {
        seq.set(m, next);
        agg.applyBirth(address(m), birthFixture(m, 3, someDevices().map(({ id, kind }) => ({ id, kind })), next, ts));
        ops.birth++;
      } else if (roll < 0.85) {
        agg.connectionChanged(`c1.${m}.gw1`, random() < 0.6);
        ops.connection++;
      } else {
        // Cluster mode: another instance's committed rows describe makers this one does not own.
        const batch = emptyFlushBatch();
        batch.enterprises.push({ ...info(m), online: random() < 0.6, devices: someDevices() });
        agg.applyCommitted(batch, (id) => id === 'm0', { run: '', dataStart: null });
        ops.committed++;
      }
      // Read at some steps only: changes pile up between two pushes.
      if (random() < 0.3) {
        expect(agg.deviceStateCounts()).toEqual(counted(agg));
        expect(agg.onlineEnterprises).toBe(online(agg));
        ops.reads++;
      }
    }
    expect(agg.deviceStateCounts()).toEqual(counted(agg));
    expect(agg.onlineEnterprises).toBe(online(agg));
    expect(agg.onlineEnterprises).toBeGreaterThan(0);
    // Every kind of change happened, many times over.
    expect(Math.min(...Object.values(ops))).toBeGreaterThan(30);

    // A report from a maker counted offline (its connection closed with the report on its way):
    // its devices stay offline in the counts.
    const reading = (state: DeviceReading['state']): DeviceReading => ({ id: 'x0', kind: 'sewing-line', state, plannedMs: 0, runMs: 0, good: 0, defective: 0, idealCycleMs: 0, energyWh: 0 });
    const late = address('late');
    agg.provisionGateway(late, null);
    agg.connectionChanged('c1.late.gw1', true);
    agg.applyReport(late, { v: 1, seq: 1, ts: (ts += 1_000), intervalMs: 1_000, sales: [], production: [], energyWh: 0, devices: [reading('running')] });
    expect(agg.deviceStateCounts()).toEqual(counted(agg));
    agg.connectionChanged('c1.late.gw1', false);
    expect(agg.deviceStateCounts()).toEqual(counted(agg));
    agg.applyReport(late, { v: 1, seq: 2, ts: (ts += 1_000), intervalMs: 1_000, sales: [], production: [], energyWh: 0, devices: [reading('fault')] });
    expect(agg.deviceStateCounts()).toEqual(counted(agg));
  });
});

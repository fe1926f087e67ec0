import { DEVICE_KINDS, DEVICE_STATES, type DeviceReading } from '@clusterpulse/contracts';
import { deviceStateCounts } from '@clusterpulse/kpi';
import { AggregationService } from './aggregation.service';
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
});

import { AggregationService } from './aggregation.service';
import { AlarmStoreService, MAX_ALARMS_KEPT } from './alarm-store.service';

const address = { cluster: 'c1', enterprise: 'm1', gateway: 'gw1' };

/** Each disconnect of an online gateway raises one 'offline' alarm. */
function dropConnection(agg: AggregationService, times: number): void {
  for (let i = 0; i < times; i++) {
    agg.connectionChanged('c1.m1.gw1', true);
    agg.connectionChanged('c1.m1.gw1', false);
  }
}

describe('AlarmStoreService', () => {
  it('keeps the newest alarms first and at most MAX_ALARMS_KEPT of them', () => {
    const agg = new AggregationService('c1');
    agg.provisionGateway(address, null);
    const store = new AlarmStoreService(agg);
    dropConnection(agg, MAX_ALARMS_KEPT + 10);
    const alarms = store.list();
    expect(alarms).toHaveLength(MAX_ALARMS_KEPT);
    const seqs = alarms.map((a) => Number(a.id.split('-').at(-1)));
    expect(seqs[0]).toBe(MAX_ALARMS_KEPT + 10);
    expect(seqs.at(-1)).toBe(11);
    // An alarm pushed out of the list can no longer be acknowledged.
    expect(store.acknowledge(`${alarms[0].id.split('-')[0]}-1`)).toBeNull();
  });

  it('acknowledges once, tells its listeners once, and the first acknowledgement stands', () => {
    const agg = new AggregationService('c1');
    agg.provisionGateway(address, null);
    const store = new AlarmStoreService(agg);
    const told: Array<{ id: string; acknowledgedAt: number }> = [];
    store.onAck((ack) => told.push(ack));
    dropConnection(agg, 2);
    const [newest, older] = store.list();
    expect(store.acknowledge(newest.id, 1000)?.acknowledgedAt).toBe(1000);
    expect(store.acknowledge(newest.id, 2000)?.acknowledgedAt).toBe(1000);
    expect(told).toEqual([{ id: newest.id, acknowledgedAt: 1000 }]);
    expect(store.list().find((a) => a.id === older.id)?.acknowledgedAt).toBeUndefined();
  });

  it('hands out copies: a caller cannot change what other screens are told', () => {
    const agg = new AggregationService('c1');
    agg.provisionGateway(address, null);
    const store = new AlarmStoreService(agg);
    dropConnection(agg, 1);
    store.list()[0].acknowledgedAt = 5;
    expect(store.list()[0].acknowledgedAt).toBeUndefined();
  });
});

import { PARK_ALARM_AFTER, type Alarm, type AlarmEvent, type BirthPayload } from '@clusterpulse/contracts';
import { AggregationService } from './aggregation.service';
import { AlarmStoreService, MAX_ALARMS_KEPT } from './alarm-store.service';

const T0 = Date.UTC(2020, 5, 1, 2);

/** Occurrences fed through the aggregator's own alarm path (as a cluster instance relays them). */
class Raiser {
  readonly agg = new AggregationService('c1');
  readonly store = new AlarmStoreService(this.agg);
  private seq = 0;

  raise(o: Partial<AlarmEvent> & Pick<AlarmEvent, 'enterprise'>): string {
    const id = `occ-${++this.seq}`;
    this.agg.relayAlarm({ id, ts: T0 + this.seq * 60_000, severity: 'critical', kind: 'fault', message: `fault ${this.seq}`, park: 'North Park', town: 'Waxing', ...o });
    return id;
  }

  open(): Alarm[] {
    return this.store.list().filter((a) => a.acknowledgedAt === undefined);
  }
}

const maker = (i: number) => `m${String(i).padStart(5, '0')}`;

describe('AlarmStoreService', () => {
  describe('grouping repeats of one condition', () => {
    it('counts a repeat of an open condition instead of adding an alarm, keeping when it started', () => {
      const r = new Raiser();
      const first = r.raise({ enterprise: 'm1', device: 'sew-1', message: 'sew-1 reports a fault' });
      r.raise({ enterprise: 'm1', device: 'sew-1', message: 'sew-1 reports a fault again' });
      r.raise({ enterprise: 'm1', device: 'sew-1' });
      const alarms = r.store.list();
      expect(alarms).toHaveLength(1);
      expect(alarms[0]).toMatchObject({ id: first, scope: 'condition', count: 3, makers: 1, firstAt: T0 + 60_000, lastAt: T0 + 3 * 60_000, message: 'fault 3' });
    });

    it.each<[string, Partial<AlarmEvent>]>([
      ['another device', { device: 'sew-2' }],
      ['another maker', { enterprise: 'm2' }],
      ['another kind', { kind: 'offline', device: undefined }],
      ['another code', { kind: 'out-of-range', code: 'pH' }],
    ])('keeps a condition on %s apart', (_what, other) => {
      const r = new Raiser();
      // the same device out of range in another reading (code) is another condition
      const first: Partial<AlarmEvent> = other.code ? { kind: 'out-of-range', code: 'tempC' } : {};
      r.raise({ enterprise: 'm1', device: 'sew-1', ...first });
      r.raise({ enterprise: 'm1', device: 'sew-1', ...other });
      expect(r.store.list().map((a) => a.count)).toEqual([1, 1]);
    });

    it('opens a new alarm for an occurrence after the acknowledgement, leaving the acknowledged one as it was', () => {
      const r = new Raiser();
      const first = r.raise({ enterprise: 'm1', device: 'sew-1' });
      r.raise({ enterprise: 'm1', device: 'sew-1' });
      r.store.acknowledge(first, 1000);
      const second = r.raise({ enterprise: 'm1', device: 'sew-1' });
      r.raise({ enterprise: 'm1', device: 'sew-1' });
      expect(r.store.list().map((a) => [a.id, a.count, a.acknowledgedAt])).toEqual([
        [second, 2, undefined],
        [first, 2, 1000],
      ]);
    });

    it('lists the newest first, counts a repeat in place, and puts an alarm back on top when its count doubles', () => {
      const r = new Raiser();
      const a = r.raise({ enterprise: 'm1', device: 'sew-1' });
      const b = r.raise({ enterprise: 'm2', device: 'sew-1' });
      const order = () => r.store.list().map((x) => [x.id, x.count]);
      expect(order()).toEqual([
        [b, 1],
        [a, 1],
      ]);
      r.raise({ enterprise: 'm1', device: 'sew-1' }); // 2: doubled
      r.raise({ enterprise: 'm2', device: 'sew-1' }); // 2: doubled
      r.raise({ enterprise: 'm1', device: 'sew-1' }); // 3: in place
      expect(order()).toEqual([
        [b, 2],
        [a, 3],
      ]);
      r.raise({ enterprise: 'm1', device: 'sew-1' }); // 4: doubled
      expect(order()).toEqual([
        [a, 4],
        [b, 2],
      ]);
    });

    it('takes the worst severity among the occurrences', () => {
      const r = new Raiser();
      r.raise({ enterprise: 'm1', kind: 'out-of-range', device: 'dye-1', severity: 'warning' });
      r.raise({ enterprise: 'm1', kind: 'out-of-range', device: 'dye-1', severity: 'critical' });
      r.raise({ enterprise: 'm1', kind: 'out-of-range', device: 'dye-1', severity: 'info' });
      expect(r.store.list()[0].severity).toBe('critical');
    });

    it('groups the offline alarms a gateway raises each time it drops', () => {
      const agg = new AggregationService('c1');
      const store = new AlarmStoreService(agg);
      agg.provisionGateway({ cluster: 'c1', enterprise: 'm1', gateway: 'gw1' }, null);
      for (let i = 0; i < 3; i++) {
        agg.connectionChanged('c1.m1.gw1', true);
        agg.connectionChanged('c1.m1.gw1', false);
      }
      expect(store.list()).toEqual([expect.objectContaining({ kind: 'offline', enterprise: 'm1', count: 3, makers: 1 })]);
    });
  });

  describe('summarising many open alarms in one park', () => {
    it(`turns the ${PARK_ALARM_AFTER}th open alarm of one kind in one park into one park alarm that takes over the others`, () => {
      const r = new Raiser();
      const ids = Array.from({ length: PARK_ALARM_AFTER - 1 }, (_, i) => r.raise({ enterprise: maker(i + 1), device: 'meter' }));
      r.raise({ enterprise: maker(1), device: 'meter' }); // a repeat adds no alarm
      expect(r.store.list()).toHaveLength(PARK_ALARM_AFTER - 1);
      const last = r.raise({ enterprise: maker(PARK_ALARM_AFTER), device: 'meter', message: 'meter of the last maker' });
      const [park, ...rest] = r.store.list();
      expect(rest).toEqual([]);
      expect(park).toMatchObject({
        scope: 'park',
        kind: 'fault',
        park: 'North Park',
        town: 'Waxing',
        count: PARK_ALARM_AFTER + 1,
        makers: PARK_ALARM_AFTER,
        enterprise: maker(PARK_ALARM_AFTER),
        device: 'meter',
        message: 'meter of the last maker',
        firstAt: T0 + 60_000,
        lastAt: T0 + (PARK_ALARM_AFTER + 1) * 60_000,
      });
      expect(new Set(park.replaces)).toEqual(new Set([...ids, last]));
      // An acknowledgement of one of them, from a screen that had not heard of the park alarm yet:
      // nothing is acknowledged, and the park alarm that took it over can be named.
      expect(r.store.acknowledge(ids[0])).toBeNull();
      expect(r.store.replacedBy(ids[0])).toMatchObject({ id: park.id, scope: 'park' });
      expect(r.store.replacedBy(last)?.id).toBe(park.id);
      expect(r.store.replacedBy('occ-unknown')).toBeNull();
      expect(r.open()).toHaveLength(1);
    });

    it('stays one alarm through a park-wide power cut, counting occurrences and makers, and bounded', () => {
      const r = new Raiser();
      const changed: string[] = [];
      r.store.onChange((id) => changed.push(id));
      // 2,300 makers, 10 devices each: every device faults once.
      for (let m = 1; m <= 2300; m++) for (let d = 1; d <= 10; d++) r.raise({ enterprise: maker(m), device: `dev-${d}` });
      const alarms = r.store.list();
      expect(alarms).toHaveLength(1);
      expect(alarms[0]).toMatchObject({ scope: 'park', count: 23_000, makers: 2300, enterprise: maker(2300), device: 'dev-10' });
      expect(new Set(changed)).toEqual(new Set([...Array.from({ length: PARK_ALARM_AFTER - 1 }, (_, i) => `occ-${i + 1}`), alarms[0].id]));
    });

    it('keeps other parks and other kinds apart, so a single fault elsewhere stays its own row', () => {
      const r = new Raiser();
      for (let m = 1; m <= 50; m++) r.raise({ enterprise: maker(m), device: 'meter' });
      const elsewhere = r.raise({ enterprise: 'm-south', device: 'loom-3', park: 'South Park' });
      const offline = r.raise({ enterprise: maker(1), kind: 'offline', severity: 'warning' });
      const alarms = r.store.list();
      expect(alarms.map((a) => [a.scope, a.park ?? a.enterprise])).toEqual([
        ['condition', maker(1)],
        ['condition', 'm-south'],
        ['park', 'North Park'],
      ]);
      expect(alarms.slice(0, 2).map((a) => a.id)).toEqual([offline, elsewhere]);
    });

    it('puts a park alarm back on top when a power cut doubles the makers it covers, not for each routine fault', () => {
      const r = new Raiser();
      for (let m = 1; m <= PARK_ALARM_AFTER; m++) r.raise({ enterprise: maker(m), device: 'meter' });
      const south = r.raise({ enterprise: 'm-south', device: 'loom-3', park: 'South Park' });
      r.raise({ enterprise: maker(1), device: 'sew-1' }); // a routine fault there: 10 makers still
      expect(r.store.list().map((a) => a.scope)).toEqual(['condition', 'park']);
      expect(r.store.list()[0].id).toBe(south);
      for (let m = PARK_ALARM_AFTER + 1; m <= 3 * PARK_ALARM_AFTER; m++) r.raise({ enterprise: maker(m), device: 'meter' });
      expect(r.store.list().map((a) => [a.scope, a.makers])).toEqual([
        ['park', 3 * PARK_ALARM_AFTER],
        ['condition', 1],
      ]);
    });

    it('looks the park up from the maker’s birth when the occurrence does not name it', () => {
      const r = new Raiser();
      const birth = (park: string): BirthPayload => ({
        v: 1,
        seq: 0,
        ts: T0,
        enterprise: { name: 'x', town: 'Zhili', park, category: 'tops', digitization: 0.5, employees: 10 },
        devices: [{ id: 'meter', kind: 'energy-meter' }],
      });
      for (let m = 1; m <= PARK_ALARM_AFTER; m++) r.agg.applyBirth({ cluster: 'c1', enterprise: maker(m), gateway: 'gw1' }, birth('Zhili East Park'));
      for (let m = 1; m <= PARK_ALARM_AFTER; m++) r.raise({ enterprise: maker(m), device: 'meter', park: undefined, town: undefined });
      expect(r.store.list()).toEqual([expect.objectContaining({ scope: 'park', park: 'Zhili East Park', town: 'Zhili', makers: PARK_ALARM_AFTER })]);
    });

    it('after the park alarm is acknowledged, new occurrences there are single alarms again', () => {
      const r = new Raiser();
      for (let m = 1; m <= PARK_ALARM_AFTER; m++) r.raise({ enterprise: maker(m), device: 'meter' });
      const [park] = r.store.list();
      expect(r.store.acknowledge(park.id, 5)?.acknowledgedAt).toBe(5);
      r.raise({ enterprise: maker(1), device: 'meter' });
      r.raise({ enterprise: maker(1), device: 'meter' });
      expect(r.store.list().map((a) => [a.scope, a.count, a.acknowledgedAt])).toEqual([
        ['condition', 2, undefined],
        ['park', PARK_ALARM_AFTER, 5],
      ]);
      // and the acknowledged park alarm counts no more
      expect(r.store.get(park.id)?.count).toBe(PARK_ALARM_AFTER);
    });

    it('acknowledges the open park alarm of the same park and kind when another instance names its own', () => {
      const r = new Raiser();
      for (let m = 1; m <= PARK_ALARM_AFTER; m++) r.raise({ enterprise: maker(m), device: 'meter' });
      const [park] = r.store.list();
      const told: string[] = [];
      r.store.onAck((ack) => told.push(ack.id));
      expect(r.store.acknowledge('park:fault:North Park:occ-elsewhere-7', 9)).toMatchObject({ id: park.id, acknowledgedAt: 9 });
      expect(told).toEqual([park.id]);
      expect(r.store.acknowledge('park:offline:North Park:occ-elsewhere-8', 9)).toBeNull();
      expect(r.store.acknowledge('park:malformed', 9)).toBeNull();
    });
  });

  describe('bounds', () => {
    it(`keeps at most ${MAX_ALARMS_KEPT}, letting the oldest acknowledged ones go first`, () => {
      const r = new Raiser();
      // one open alarm per park, so nothing is summarised
      const first = r.raise({ enterprise: 'm-first', park: 'park-first' });
      const acked: string[] = [];
      for (let i = 0; i < MAX_ALARMS_KEPT + 100; i++) {
        const id = r.raise({ enterprise: maker(i), park: `park-${i}` });
        if (i < 200) {
          r.store.acknowledge(id, i);
          acked.push(id);
        }
      }
      const alarms = r.store.list();
      expect(alarms).toHaveLength(MAX_ALARMS_KEPT);
      // 601 raised, 101 let go: the oldest acknowledged ones; the oldest open alarm is still there
      expect(alarms.map((a) => a.id)).toContain(first);
      const gone = acked.filter((id) => r.store.get(id) === null);
      expect(gone).toEqual(acked.slice(0, 101));
      expect(r.store.acknowledge(acked[0])).toBeNull();
    });

    it('summarises open alarms by park rather than dropping them when none is acknowledged', () => {
      const r = new Raiser();
      // 70 parks x 9 open faults = 630 open alarms, none acknowledged
      for (let p = 0; p < 70; p++) for (let m = 0; m < PARK_ALARM_AFTER - 1; m++) r.raise({ enterprise: `${p}-${m}`, park: `park-${p}` });
      const alarms = r.store.list();
      expect(alarms.length).toBeLessThanOrEqual(MAX_ALARMS_KEPT);
      expect(r.store.droppedOpen).toBe(0);
      // every occurrence is still accounted for, in a condition alarm or a park alarm
      expect(alarms.reduce((sum, a) => sum + a.count, 0)).toBe(630);
      expect(alarms.filter((a) => a.scope === 'park').every((a) => a.makers === PARK_ALARM_AFTER - 1)).toBe(true);
      // the oldest parks were summarised, the newest are listed maker by maker
      expect(alarms[0]).toMatchObject({ scope: 'condition', enterprise: `69-${PARK_ALARM_AFTER - 2}` });
    });

    it('hands out copies: a caller cannot change what other screens are told', () => {
      const r = new Raiser();
      for (let m = 1; m <= PARK_ALARM_AFTER; m++) r.raise({ enterprise: maker(m), device: 'meter' });
      const [listed] = r.store.list();
      listed.acknowledgedAt = 5;
      listed.replaces!.length = 0;
      expect(r.store.list()[0].acknowledgedAt).toBeUndefined();
      expect(r.store.list()[0].replaces).toHaveLength(PARK_ALARM_AFTER);
    });
  });

  it('acknowledges once, tells its listeners once, and the first acknowledgement stands', () => {
    const r = new Raiser();
    const older = r.raise({ enterprise: 'm1' });
    const newest = r.raise({ enterprise: 'm2' });
    const told: Array<{ id: string; acknowledgedAt: number }> = [];
    r.store.onAck((ack) => told.push(ack));
    expect(r.store.acknowledge(newest, 1000)?.acknowledgedAt).toBe(1000);
    expect(r.store.acknowledge(newest, 2000)?.acknowledgedAt).toBe(1000);
    expect(told).toEqual([{ id: newest, acknowledgedAt: 1000 }]);
    expect(r.store.get(older)?.acknowledgedAt).toBeUndefined();
    expect(r.store.acknowledge('no-such-alarm')).toBeNull();
  });
});

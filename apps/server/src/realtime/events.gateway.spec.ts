import { PARK_ALARM_AFTER, type Alarm, type AlarmEvent, type ServerEvent } from '@clusterpulse/contracts';
import type { Server } from 'ws';
import { AggregationService } from '../aggregation/aggregation.service';
import { AlarmStoreService } from '../aggregation/alarm-store.service';
import { KpiViewService } from '../aggregation/kpi-view.service';
import { LoopTimers } from '../common/loop-timers';
import type { AppConfig } from '../config/config.schema';
import { EventsGateway, MAX_ALARMS_PER_PUSH } from './events.gateway';

const PUSH_MS = 250;

/** A dashboard's socket as the gateway sees it: it sends frames to it and closes it at shutdown. */
class Screen {
  readonly OPEN = 1;
  readyState = 1;
  readonly frames: ServerEvent[] = [];
  send(frame: string): void {
    this.frames.push(JSON.parse(frame) as ServerEvent);
  }
  close(): void {
    this.readyState = 3;
  }
  alarms(): Alarm[] {
    return this.frames.flatMap((f) => (f.event === 'alarm' ? [f.data] : []));
  }
}

describe('EventsGateway alarm frames', () => {
  let agg: AggregationService;
  let gateway: EventsGateway;
  let screen: Screen;
  let seq = 0;
  const raise = (o: Partial<AlarmEvent> & Pick<AlarmEvent, 'enterprise'>) =>
    agg.relayAlarm({ id: `occ-${++seq}`, ts: Date.UTC(2020, 5, 1) + seq * 1000, severity: 'critical', kind: 'fault', message: `fault ${seq}`, park: 'North Park', ...o });

  beforeEach(() => {
    jest.useFakeTimers();
    agg = new AggregationService('c1');
    const store = new AlarmStoreService(agg);
    gateway = new EventsGateway(agg, new KpiViewService(agg), { PUSH_INTERVAL_MS: PUSH_MS } as AppConfig, store, new LoopTimers());
    screen = new Screen();
    gateway.server = { clients: new Set([screen]) } as unknown as Server;
    gateway.afterInit();
  });

  afterEach(() => {
    gateway.onModuleDestroy();
    jest.useRealTimers();
  });

  it('pushes a condition repeating a thousand times in one interval as one frame with its latest count', () => {
    for (let i = 0; i < 1000; i++) raise({ enterprise: 'm1', device: 'sew-1' });
    jest.advanceTimersByTime(PUSH_MS);
    expect(screen.alarms()).toEqual([expect.objectContaining({ id: 'occ-1', count: 1000 })]);
    raise({ enterprise: 'm1', device: 'sew-1' });
    jest.advanceTimersByTime(PUSH_MS);
    expect(screen.alarms().map((a) => a.count)).toEqual([1000, 1001]);
  });

  it(`sends at most ${MAX_ALARMS_PER_PUSH} alarm frames a push, the newest, and the rest with the next push`, () => {
    // one alarm per park: none is summarised
    for (let i = 0; i < MAX_ALARMS_PER_PUSH + 20; i++) raise({ enterprise: `m${i}`, park: `park-${i}` });
    jest.advanceTimersByTime(PUSH_MS);
    const first = screen.alarms();
    expect(first).toHaveLength(MAX_ALARMS_PER_PUSH);
    // oldest change first, so a screen putting each on top ends with the newest there
    expect(first.at(-1)!.enterprise).toBe(`m${MAX_ALARMS_PER_PUSH + 19}`);
    expect(first[0].enterprise).toBe('m20');
    jest.advanceTimersByTime(PUSH_MS);
    expect(screen.alarms().slice(MAX_ALARMS_PER_PUSH).map((a) => a.enterprise)).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
  });

  it('pushes a park-wide power cut as the park alarm alone, not the alarms it took over', () => {
    for (let m = 0; m < 500; m++) for (let d = 0; d < 5; d++) raise({ enterprise: `m${m}`, device: `d${d}` });
    jest.advanceTimersByTime(PUSH_MS);
    expect(screen.alarms()).toEqual([expect.objectContaining({ scope: 'park', park: 'North Park', makers: 500, count: 2500 })]);
    expect(screen.alarms()[0].replaces).toHaveLength(PARK_ALARM_AFTER);
  });

  it('keeps nothing pending while no screen is connected', () => {
    gateway.server = { clients: new Set() } as unknown as Server;
    raise({ enterprise: 'm1' });
    jest.advanceTimersByTime(PUSH_MS);
    gateway.server = { clients: new Set([screen]) } as unknown as Server;
    jest.advanceTimersByTime(PUSH_MS);
    expect(screen.alarms()).toEqual([]);
  });
});

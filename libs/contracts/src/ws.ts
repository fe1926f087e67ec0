import type { ClusterKpisResponse } from './api';

/**
 * WebSocket messages, server to dashboard, as `{ event, data }` frames (the shape Nest's ws adapter
 * uses). Snapshots are throttled: at most SNAPSHOT_MAX_PER_SECOND a second, never one per MQTT message.
 */
export const SNAPSHOT_MAX_PER_SECOND = 4;

export type AlarmSeverity = 'info' | 'warning' | 'critical';
export type AlarmKind = 'fault' | 'offline' | 'out-of-range' | 'gap';

/**
 * One occurrence of an alarm condition, as the aggregator raises it (and cluster instances relay
 * it to each other). Screens never see occurrences: the server groups them into `Alarm`s.
 */
export interface AlarmEvent {
  /** Unique across restarts and instances. */
  id: string;
  /** Simulated time it was raised. */
  ts: number;
  severity: AlarmSeverity;
  kind: AlarmKind;
  enterprise: string;
  device?: string;
  /** What exactly is wrong where one device can be wrong in several ways, e.g. the reading out of range ('tempC'). */
  code?: string;
  /** The maker's park and town, where the raiser knows them; otherwise the server looks them up. */
  park?: string;
  town?: string;
  message: string;
}

/**
 * Open alarms of one kind in one park beyond which they are shown as one park alarm: at a park-wide
 * power cut the feed shows one row per park and kind, not thousands.
 */
export const PARK_ALARM_AFTER = 10;

/**
 * What screens list and acknowledge. A `condition` alarm is one condition of one maker (same device,
 * kind and code): a repeat while it is open raises its `count` and `lastAt` instead of adding a new
 * alarm; after acknowledgement a new occurrence opens a new one. A `park` alarm stands for every
 * open alarm of one kind in one park once there would be `PARK_ALARM_AFTER` of them: it takes
 * over the open condition alarms (`replaces`) and every later occurrence there until acknowledged.
 */
export interface Alarm {
  /** Acknowledgements name it. A condition alarm has the id of the occurrence that opened it. */
  id: string;
  scope: 'condition' | 'park';
  /** The highest severity among its occurrences. */
  severity: AlarmSeverity;
  kind: AlarmKind;
  /** The maker (park alarm: the maker of the latest occurrence). */
  enterprise: string;
  /** The device (park alarm: of the latest occurrence); absent for a gateway. */
  device?: string;
  code?: string;
  /** Park alarms: the park and its town ('' when the makers' park is not known). */
  park?: string;
  town?: string;
  /** Text of the latest occurrence. */
  message: string;
  /** Occurrences since it opened, at least 1. */
  count: number;
  /** Distinct makers among them: 1 for a condition alarm. */
  makers: number;
  /** Simulated time of the first and of the latest occurrence. */
  firstAt: number;
  lastAt: number;
  /** Park alarms: ids of the condition alarms it took over when it opened (no longer listed). */
  replaces?: string[];
  /** Wall-clock ms an operator acknowledged it on the server; absent while open. */
  acknowledgedAt?: number;
}

/** How big an open alarm is: the makers a park alarm covers, the occurrences of a condition alarm. */
export function alarmMagnitude(alarm: Pick<Alarm, 'scope' | 'count' | 'makers'>): number {
  return alarm.scope === 'park' ? alarm.makers : alarm.count;
}

/**
 * Whether a change of an alarm is news, so that lists put it back on top: its magnitude doubled
 * (2, 4, 8... occurrences; 16, 32, 64... makers). Any other repeat is counted in place, so rows do
 * not reshuffle with every routine fault, while a power cut in a park whose routine faults already
 * had a park alarm still comes to the top.
 */
export function alarmEscalated(before: Pick<Alarm, 'scope' | 'count' | 'makers'>, after: Pick<Alarm, 'scope' | 'count' | 'makers'>): boolean {
  return Math.floor(Math.log2(alarmMagnitude(after))) > Math.floor(Math.log2(Math.max(1, alarmMagnitude(before))));
}

/** An operator acknowledged an alarm; every dashboard marks it. */
export interface AlarmAckEvent {
  id: string;
  acknowledgedAt: number;
}

export interface HelloEvent {
  cluster: string;
  serverTime: number;
  pushIntervalMs: number;
}

export type ServerEvent =
  | { event: 'hello'; data: HelloEvent }
  | { event: 'kpis'; data: ClusterKpisResponse }
  /** An alarm opened or changed (coalesced: at most one frame per alarm and push interval). */
  | { event: 'alarm'; data: Alarm }
  | { event: 'alarm-ack'; data: AlarmAckEvent };

export type ServerEventName = ServerEvent['event'];
export type ServerEventData<E extends ServerEventName> = Extract<ServerEvent, { event: E }>['data'];

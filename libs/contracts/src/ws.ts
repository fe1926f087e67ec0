import type { ClusterKpisResponse } from './api';

/**
 * WebSocket messages, server to dashboard, as `{ event, data }` frames (the shape Nest's ws adapter
 * uses). Snapshots are throttled: at most SNAPSHOT_MAX_PER_SECOND a second, never one per MQTT message.
 */
export const SNAPSHOT_MAX_PER_SECOND = 4;

export interface AlarmEvent {
  id: string;
  /** Simulated time it was raised. */
  ts: number;
  severity: 'info' | 'warning' | 'critical';
  kind: 'fault' | 'offline' | 'out-of-range' | 'gap';
  enterprise: string;
  device?: string;
  message: string;
  /** Wall-clock ms an operator acknowledged it on the server; absent while open. */
  acknowledgedAt?: number;
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
  | { event: 'alarm'; data: AlarmEvent }
  | { event: 'alarm-ack'; data: AlarmAckEvent };

export type ServerEventName = ServerEvent['event'];
export type ServerEventData<E extends ServerEventName> = Extract<ServerEvent, { event: E }>['data'];

import type { QoS } from './mqtt-wire';
import type { PayloadSource } from './report-source';

/** One worker thread's share of the gateways, and how to drive them. */
export interface LoadShard {
  host: string;
  port: number;
  cluster: string;
  seed: number;
  payloads: PayloadSource;
  /** Gateway indices [first, first + count). */
  first: number;
  count: number;
  /** Reports per second per gateway. */
  ratePerGateway: number;
  qos: QoS;
  /** New connections per second this shard opens. */
  connectRate: number;
  /** TCP handshakes not yet answered by a CONNACK; more would overflow the listener's backlog. */
  maxPendingConnects: number;
  /** Unacknowledged QoS 1 reports per gateway; a report due beyond it waits (and counts as owed). */
  maxInflight: number;
  /** Subscribe each gateway to its control topic, as a real gateway does, and answer what arrives. */
  subscribeControl: boolean;
  /** Publish a birth after connecting: the server refuses reports from a gateway it never saw born. */
  sendBirth: boolean;
  /** MQTT password for every gateway (username = client id); none for an anonymous broker. */
  password?: string;
  keepaliveSeconds: number;
}

export type LoadCommand =
  | { type: 'publish'; startAt: number }
  /** Stop publishing, then report once every in-flight report is acknowledged (or the timeout passes). */
  | { type: 'stop'; drainTimeoutMs: number }
  | { type: 'disconnect' };

/** Cumulative figures of one worker at time `t` (epoch ms, sub-millisecond precision). */
export interface LoadStats {
  t: number;
  connected: number;
  /** Gateways whose CONNACK was refused or whose connection failed after every retry. */
  failed: number;
  /** Connections that closed after CONNACK while the bench still needed them. */
  dropped: number;
  births: number;
  /** Reports written to a socket. */
  sent: number;
  /** Reports the broker acknowledged with PUBACK (QoS 1). */
  acked: number;
  /** Reports that fell due while their gateway's in-flight window was full. */
  owed: number;
  /** Reports that fell due for a gateway that was not connected. */
  skipped: number;
  /** Unacknowledged reports on connections that died. */
  lostInFlight: number;
  /** Messages received on control topics (the server's acknowledgements). */
  controlReceived: number;
  inflight: number;
}

export type LoadEvent =
  | { type: 'stats'; worker: number; stats: LoadStats }
  | { type: 'stopped'; worker: number; stats: LoadStats }
  | { type: 'closed'; worker: number; stats: LoadStats }
  | { type: 'error'; worker: number; message: string };

export function emptyStats(t = 0): LoadStats {
  return { t, connected: 0, failed: 0, dropped: 0, births: 0, sent: 0, acked: 0, owed: 0, skipped: 0, lostInFlight: 0, controlReceived: 0, inflight: 0 };
}

/** Sums the figures of several workers; `t` is the latest of theirs. */
export function sumStats(all: LoadStats[]): LoadStats {
  const total = emptyStats();
  for (const s of all) {
    total.t = Math.max(total.t, s.t);
    total.connected += s.connected;
    total.failed += s.failed;
    total.dropped += s.dropped;
    total.births += s.births;
    total.sent += s.sent;
    total.acked += s.acked;
    total.owed += s.owed;
    total.skipped += s.skipped;
    total.lostInFlight += s.lostInFlight;
    total.controlReceived += s.controlReceived;
    total.inflight += s.inflight;
  }
  return total;
}

/** Wall-clock epoch ms with sub-millisecond precision, comparable across processes on one machine. */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

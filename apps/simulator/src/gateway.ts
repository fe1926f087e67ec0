import {
  birthPayloadSchema,
  decodePayload,
  encodePayload,
  gatewayClientId,
  gatewayControlSchema,
  gatewayTopic,
  reportPayloadSchema,
  statePayloadSchema,
  SCHEMA_VERSION,
  type GatewayAddress,
  type GatewayControl,
  type ReportPayload,
  type SimTime,
} from '@clusterpulse/contracts';
import type { Maker, MakerSimulation } from '@clusterpulse/cluster-model';
import type { Duplex } from 'node:stream';
import mqtt, { MqttClient, type IClientOptions } from 'mqtt';
import type { Ledger } from './ledger';

export interface MqttCredentials {
  username: string;
  password: string;
}

export interface GatewayOptions {
  brokerUrl: string;
  cluster: string;
  model: MakerSimulation;
  ledger: Ledger;
  credentials?: MqttCredentials;
  /** Reports kept until acknowledged; when full, the gateway holds its production clock. */
  maxUnacked: number;
  /** Simulated steps one report may cover at most (a late gateway catches up in several reports). */
  maxReportSteps: number;
  reconnectPeriodMs: number;
  connectTimeoutMs: number;
  keepaliveSeconds: number;
  /** Called after every publish of a report (first sends and replays). */
  onReport?: (report: ReportPayload, replay: boolean) => void;
  onConnectionChange?: (connected: boolean) => void;
  /**
   * Opens the byte stream to the broker instead of dialling brokerUrl: e.g. an in-memory duplex
   * pair into an Aedes instance of the same process, where sockets are not the point.
   */
  transport?: () => Duplex;
  /** Simulated-time faults that need the simulation's speed to become real time. */
  realMsFor?: (simMs: number) => number;
  /** The simulator run the reports belong to (see replaceModel); none: reports name no run. */
  run?: string;
}

/** How long a stopping gateway waits for its goodbye to be acknowledged and its connection to close. */
const STOP_TIMEOUT_MS = 3000;

interface Unacked {
  seq: number;
  payload: string;
}

/**
 * One maker's gateway: one MQTT connection batching the maker's devices into reports.
 *
 * Delivery: reports go out at QoS 1 with seq 1, 2, 3... and stay in memory until the server
 * acknowledges them on the gateway's control topic ({cmd:'ack', seq} covers every seq up to it).
 * Each connection is a fresh clean session: after a reconnect the gateway announces itself (birth,
 * retained state online), then republishes every unacknowledged report in seq order with the
 * same payload, then carries on. When `maxUnacked` reports are waiting, the gateway stops
 * advancing its maker's clock instead of dropping anything; it catches up once acks arrive.
 */
export class Gateway {
  readonly address: GatewayAddress;
  readonly clientId: string;
  private model: MakerSimulation;
  private readonly o: GatewayOptions;
  private client: MqttClient | null = null;
  private isConnected = false;
  private stopped = false;
  private seq = 0;
  private acked = 0;
  private readonly unacked: Unacked[] = [];
  private reconnectTimer: NodeJS.Timeout | null = null;
  private droppedUntil = 0;
  private duplicateNext = 0;
  private holdForSwap: Unacked | null = null;
  private swapNext = 0;
  private run: string | undefined;
  /** Number of connections established, including the first. */
  connects = 0;

  constructor(options: GatewayOptions) {
    this.o = options;
    this.model = options.model;
    this.run = options.run;
    this.address = { cluster: options.cluster, enterprise: options.model.maker.id, gateway: options.model.maker.gatewayId };
    this.clientId = gatewayClientId(this.address);
  }

  get maker(): Maker {
    return this.model.maker;
  }

  get connected(): boolean {
    return this.isConnected;
  }

  get lastSeq(): number {
    return this.seq;
  }

  get ackedSeq(): number {
    return this.acked;
  }

  get pendingAcks(): number {
    return this.unacked.length;
  }

  /** True while the unacknowledged buffer is full and the maker's clock is held. */
  get held(): boolean {
    return this.unacked.length >= this.o.maxUnacked;
  }

  get simNow(): SimTime {
    return this.model.now;
  }

  get simulation(): MakerSimulation {
    return this.model;
  }

  private firstConnect: (() => void) | null = null;

  /**
   * Opens the connection; resolves on the first CONNACK, however many attempts that takes (a
   * refused or timed-out attempt is retried every reconnectPeriodMs), or when the gateway stops.
   */
  start(): Promise<void> {
    return new Promise((resolve) => {
      this.firstConnect = resolve;
      this.open();
    });
  }

  private open(): void {
    if (this.stopped) return;
    const will = { v: SCHEMA_VERSION, seq: this.seq, ts: this.model.now, online: false, reason: 'will' } as const;
    const options: IClientOptions = {
      clientId: this.clientId,
      username: this.o.credentials?.username,
      password: this.o.credentials?.password,
      clean: true,
      keepalive: this.o.keepaliveSeconds,
      // reconnection is ours: a fresh client per connection, so nothing is resent behind our back
      reconnectPeriod: 0,
      connectTimeout: this.o.connectTimeoutMs,
      will: { topic: gatewayTopic(this.address, 'state'), payload: Buffer.from(encodePayload(statePayloadSchema, will)), qos: 1, retain: true },
    };
    const transport = this.o.transport;
    const client = transport ? new MqttClient(() => transport(), options) : mqtt.connect(this.o.brokerUrl, options);
    this.client = client;
    client.on('connect', () => {
      if (client !== this.client) return;
      this.isConnected = true;
      this.connects++;
      this.o.onConnectionChange?.(true);
      client.subscribe(gatewayTopic(this.address, 'control'), { qos: 1 });
      this.publishBirth();
      for (const u of this.unacked) this.send(u, true);
      this.firstConnect?.();
      this.firstConnect = null;
    });
    client.on('message', (_topic, payload) => this.onControl(payload));
    client.on('error', () => {
      // a refused or failed attempt ends in 'close', which schedules the next one
    });
    client.on('close', () => {
      if (client !== this.client) return;
      if (this.isConnected) this.o.onConnectionChange?.(false);
      this.isConnected = false;
      client.removeAllListeners('connect');
      client.end(true);
      this.client = null;
      this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    const wait = Math.max(this.o.reconnectPeriodMs, this.droppedUntil - Date.now());
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.open();
    }, wait);
  }

  private publishBirth(): void {
    const maker = this.model.maker;
    const birth = encodePayload(birthPayloadSchema, {
      v: SCHEMA_VERSION,
      seq: this.seq,
      ts: this.model.now,
      enterprise: { name: maker.name, town: maker.town, park: maker.park, category: maker.category, digitization: maker.digitization, employees: maker.employees },
      devices: maker.devices.map((d) => (d.line ? { id: d.id, kind: d.kind, line: d.line } : { id: d.id, kind: d.kind })),
      ...(this.run === undefined ? {} : { run: this.run }),
    });
    this.client?.publish(gatewayTopic(this.address, 'birth'), birth, { qos: 1 });
    const state = encodePayload(statePayloadSchema, { v: SCHEMA_VERSION, seq: this.seq, ts: this.model.now, online: true, reason: 'birth' });
    this.client?.publish(gatewayTopic(this.address, 'state'), state, { qos: 1, retain: true });
  }

  private onControl(payload: Buffer): void {
    const decoded = decodePayload(gatewayControlSchema, payload);
    if (!decoded.ok) return;
    this.control(decoded.value);
  }

  /** Applies a control message as if it had arrived on the control topic. */
  control(cmd: GatewayControl): void {
    if (cmd.cmd === 'ack') {
      if (cmd.seq <= this.acked) return;
      this.acked = Math.min(cmd.seq, this.seq);
      while (this.unacked.length > 0 && this.unacked[0].seq <= this.acked) this.unacked.shift();
      return;
    }
    const duration = cmd.durationMs ?? 4 * 3_600_000;
    if (cmd.fault === 'gateway-drop') this.drop(this.o.realMsFor ? this.o.realMsFor(duration) : duration);
    else if (cmd.fault === 'breakdown') this.model.injectFault({ kind: 'breakdown', until: this.model.now + duration }, cmd.device);
    else this.model.injectFault({ kind: 'sensor-drift', until: this.model.now + duration, magnitude: 6 }, cmd.device);
  }

  /** Loses the connection abruptly (the broker publishes the last will) and stays away for realMs. */
  drop(realMs: number): void {
    this.droppedUntil = Date.now() + Math.max(0, realMs);
    const client = this.client;
    if (client) client.stream?.destroy();
  }

  /** Sends the next report twice (same seq): what a gateway unsure of its PUBACK does. */
  duplicateNextReports(n = 1): void {
    this.duplicateNext += n;
  }

  /** Swaps the order of the next two reports on the wire. */
  reorderNextReports(): void {
    this.swapNext = 1;
  }

  /**
   * Advances the maker up to the simulated time and publishes what happened as reports. Returns
   * the number of new reports. Holds (publishes nothing new) while the unacked buffer is full.
   */
  tick(until: SimTime, maxReports = 4): number {
    let made = 0;
    while (made < maxReports && !this.held) {
      this.model.advanceTo(until, this.o.maxReportSteps);
      const body = this.model.takeReport();
      if (!body) break;
      const report: ReportPayload = { v: SCHEMA_VERSION, seq: this.seq + 1, ...(this.run === undefined ? {} : { run: this.run }), ...body };
      const payload = encodePayload(reportPayloadSchema, report);
      this.seq = report.seq;
      this.o.ledger.record(this.clientId, report);
      const u = { seq: report.seq, payload };
      this.unacked.push(u);
      made++;
      if (this.swapNext > 0 && this.holdForSwap === null) {
        this.holdForSwap = u;
        this.swapNext = 0;
        continue;
      }
      this.send(u, false);
      if (this.holdForSwap) {
        this.send(this.holdForSwap, false);
        this.holdForSwap = null;
      }
      if (this.duplicateNext > 0) {
        this.duplicateNext--;
        this.send(u, true);
      }
    }
    return made;
  }

  private send(u: Unacked, replay: boolean): void {
    if (!this.isConnected || !this.client) return;
    this.client.publish(gatewayTopic(this.address, 'report'), u.payload, { qos: 1 });
    if (this.o.onReport) this.o.onReport(JSON.parse(u.payload) as ReportPayload, replay);
  }

  /**
   * Switches to another maker simulation (reset, scenario change). seq carries on. With a new run,
   * reports still unacknowledged are dropped: they belong to a run the trainer discarded, and the
   * birth that follows (seq = highest issued, run = the new one) tells the server not to wait for them.
   */
  replaceModel(model: MakerSimulation, run?: string): void {
    this.model = model;
    if (run !== undefined && run !== this.run) {
      this.run = run;
      this.unacked.length = 0;
      this.holdForSwap = null;
    }
    if (this.isConnected) this.publishBirth();
  }

  /** Says goodbye (retained state offline) and closes. Unacked reports are not waited for. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.firstConnect?.();
    this.firstConnect = null;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const client = this.client;
    this.client = null;
    if (!client) return;
    // a broker that no longer answers must not keep the simulator from stopping
    const bounded = (work: (done: () => void) => void): Promise<void> =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, STOP_TIMEOUT_MS);
        work(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    if (this.isConnected) {
      const state = encodePayload(statePayloadSchema, { v: SCHEMA_VERSION, seq: this.seq, ts: this.model.now, online: false, reason: 'shutdown' });
      await bounded((done) => client.publish(gatewayTopic(this.address, 'state'), state, { qos: 1, retain: true }, () => done()));
    }
    this.isConnected = false;
    await bounded((done) => client.end(false, {}, () => done()));
    client.end(true);
  }
}

import * as net from 'node:net';
import { encodePayload, birthPayloadSchema, statePayloadSchema } from '@clusterpulse/contracts';
import { emptyStats, preciseNow, type LoadShard, type LoadStats } from './load-protocol';
import { DISCONNECT, createParser, encodeConnect, encodePuback, encodePublish, encodeSubscribe, type Packet } from './mqtt-wire';
import { gatewayScript, reportText, type GatewayScript } from './report-source';

/** Report packet ids cycle through 1..REPORT_ID_SPAN; ids above it are the gateway's own control packets. */
const REPORT_ID_SPAN = 65_000;
const BIRTH_ID = 65_001;
const SUBSCRIBE_ID = 65_002;
const CONNECT_ATTEMPTS = 5;
const TICK_MS = 10;
/** Without QoS 1 acknowledgements, a socket holding this much unsent data counts as full. */
const QOS0_HIGH_WATER = 64 * 1024;

interface Gateway {
  script: GatewayScript;
  reportTopic: Buffer;
  socket: net.Socket | null;
  state: 'idle' | 'connecting' | 'ready' | 'failed' | 'closed';
  attempts: number;
  seq: number;
  inflight: number;
  owed: number;
}

/**
 * Drives one shard of gateways over raw TCP in the current thread: paced connects, a birth per
 * gateway, then reports spread evenly over each second (gateway k of n fires at k/n of the period),
 * with QoS 1 acknowledgements accounted per gateway.
 */
export class GatewayShard {
  readonly stats: LoadStats = emptyStats();
  private readonly gateways: Gateway[] = [];
  private nextToConnect = 0;
  private pendingConnects = 0;
  private connectStartedAt = 0;
  private connectTimer: NodeJS.Timeout | null = null;
  private publishTimer: NodeJS.Timeout | null = null;
  private publishStartAt = 0;
  private turnsDone = 0;
  private publishing = false;
  private stopping = false;

  constructor(private readonly shard: LoadShard) {
    for (let i = 0; i < shard.count; i++) {
      const script = gatewayScript(shard.cluster, shard.first + i, shard.seed, shard.payloads);
      this.gateways.push({ script, reportTopic: Buffer.from(script.reportTopic), socket: null, state: 'idle', attempts: 0, seq: 0, inflight: 0, owed: 0 });
    }
  }

  snapshot(): LoadStats {
    let inflight = 0;
    for (const gw of this.gateways) inflight += gw.inflight;
    return { ...this.stats, inflight, t: preciseNow() };
  }

  /** Opens every connection at the shard's pace; returns at once. */
  connectAll(): void {
    this.connectStartedAt = Date.now();
    this.connectTimer = setInterval(() => this.connectDue(), TICK_MS);
    this.connectDue();
  }

  private connectDue(): void {
    const due = Math.min(this.gateways.length, Math.floor(((Date.now() - this.connectStartedAt) / 1000) * this.shard.connectRate) + 1);
    while (this.nextToConnect < due && this.pendingConnects < this.shard.maxPendingConnects) {
      this.open(this.gateways[this.nextToConnect++]);
    }
    if (this.nextToConnect >= this.gateways.length && this.connectTimer) {
      clearInterval(this.connectTimer);
      this.connectTimer = null;
    }
  }

  private open(gw: Gateway): void {
    if (this.stopping) return;
    gw.state = 'connecting';
    gw.attempts++;
    this.pendingConnects++;
    const socket = net.connect({ host: this.shard.host, port: this.shard.port, noDelay: true });
    gw.socket = socket;
    const parser = createParser();
    let acknowledged = false;
    parser.on('packet', (packet: Packet) => {
      if (packet.cmd === 'connack' && !acknowledged) {
        acknowledged = true;
        this.pendingConnects--;
        if (packet.returnCode !== 0) {
          gw.state = 'failed';
          this.stats.failed++;
          socket.destroy();
          return;
        }
        this.onConnected(gw, socket);
      } else {
        this.onPacket(gw, socket, packet);
      }
    });
    parser.on('error', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => parser.parse(chunk));
    socket.on('error', () => {
      /* 'close' follows and decides */
    });
    socket.on('close', () => {
      gw.socket = null;
      if (!acknowledged) {
        this.pendingConnects--;
        if (gw.attempts < CONNECT_ATTEMPTS && !this.stopping) {
          gw.state = 'idle';
          setTimeout(() => this.open(gw), 500 * gw.attempts).unref();
        } else if (gw.state !== 'failed') {
          gw.state = 'failed';
          this.stats.failed++;
        }
        return;
      }
      if (gw.state === 'ready') {
        this.stats.connected--;
        if (!this.stopping) this.stats.dropped++;
        this.stats.lostInFlight += gw.inflight;
        gw.inflight = 0;
        gw.state = 'closed';
      }
    });
    socket.once('connect', () => {
      const will = gw.script.will;
      socket.write(
        encodeConnect({
          clientId: gw.script.clientId,
          keepalive: this.shard.keepaliveSeconds,
          username: this.shard.password === undefined ? undefined : gw.script.clientId,
          password: this.shard.password,
          will: { topic: gw.script.stateTopic, payload: encodePayload(statePayloadSchema, will), qos: 1, retain: true },
        }),
      );
    });
  }

  private onConnected(gw: Gateway, socket: net.Socket): void {
    gw.state = 'ready';
    this.stats.connected++;
    if (this.shard.subscribeControl) socket.write(encodeSubscribe(SUBSCRIBE_ID, gw.script.controlTopic, 1));
    if (this.shard.sendBirth) {
      socket.write(encodePublish(Buffer.from(gw.script.birthTopic), encodePayload(birthPayloadSchema, gw.script.birth(gw.seq)), 1, BIRTH_ID));
    }
  }

  private onPacket(gw: Gateway, socket: net.Socket, packet: Packet): void {
    switch (packet.cmd) {
      case 'puback': {
        const id = packet.messageId ?? 0;
        if (id === BIRTH_ID) {
          this.stats.births++;
        } else if (id <= REPORT_ID_SPAN && gw.inflight > 0) {
          gw.inflight--;
          this.stats.acked++;
          if (gw.owed > 0 && this.publishing) {
            gw.owed--;
            this.stats.owed--;
            this.sendReport(gw);
          }
        }
        return;
      }
      case 'publish':
        this.stats.controlReceived++;
        // [MQTT-3.3.4-1] a QoS 1 delivery is answered with a PUBACK
        if (packet.qos === 1 && packet.messageId !== undefined) socket.write(encodePuback(packet.messageId));
        return;
      default:
        return;
    }
  }

  private sendReport(gw: Gateway): void {
    const seq = ++gw.seq;
    const qos = this.shard.qos;
    const packet = encodePublish(gw.reportTopic, reportText(gw.script, seq), qos, ((seq - 1) % REPORT_ID_SPAN) + 1);
    if (qos === 1) gw.inflight++;
    gw.socket!.write(packet);
    this.stats.sent++;
  }

  /** Starts the evenly spread report schedule at `startAt` (epoch ms). */
  startPublishing(startAt: number): void {
    this.publishStartAt = startAt;
    this.publishing = true;
    this.turnsDone = 0;
    this.publishTimer = setInterval(() => this.publishDue(), TICK_MS);
  }

  private publishDue(): void {
    const elapsed = Date.now() - this.publishStartAt;
    if (elapsed < 0) return;
    const n = this.gateways.length;
    const due = Math.floor((elapsed / 1000) * this.shard.ratePerGateway * n);
    // After a stall, catch up at most one round: a gateway never sends two reports in one tick.
    if (due - this.turnsDone > n) {
      const lost = due - this.turnsDone - n;
      this.stats.skipped += lost;
      this.turnsDone += lost;
    }
    for (; this.turnsDone < due; this.turnsDone++) {
      const gw = this.gateways[this.turnsDone % n];
      if (gw.state !== 'ready' || !gw.socket) {
        this.stats.skipped++;
      } else if (this.shard.qos === 1 ? gw.inflight >= this.shard.maxInflight : gw.socket.writableLength > QOS0_HIGH_WATER) {
        gw.owed++;
        this.stats.owed++;
      } else {
        this.sendReport(gw);
      }
    }
  }

  /** Stops the schedule; resolves once every in-flight report is acknowledged or the timeout passes. */
  async stopPublishing(drainTimeoutMs: number): Promise<void> {
    this.publishing = false;
    if (this.publishTimer) clearInterval(this.publishTimer);
    this.publishTimer = null;
    const deadline = Date.now() + drainTimeoutMs;
    while (Date.now() < deadline && this.gateways.some((gw) => gw.inflight > 0 && gw.state === 'ready')) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Sends DISCONNECT on every connection (so no last will fires) and waits for the sockets to close. */
  async disconnect(timeoutMs = 10_000): Promise<void> {
    this.stopping = true;
    if (this.connectTimer) clearInterval(this.connectTimer);
    if (this.publishTimer) clearInterval(this.publishTimer);
    const closing: Array<Promise<void>> = [];
    for (const gw of this.gateways) {
      const socket = gw.socket;
      if (!socket) continue;
      closing.push(new Promise<void>((resolve) => socket.once('close', () => resolve())));
      if (gw.state === 'ready') socket.end(DISCONNECT);
      else socket.destroy();
    }
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref());
    await Promise.race([Promise.all(closing).then(() => undefined), timeout]);
    for (const gw of this.gateways) gw.socket?.destroy();
  }
}

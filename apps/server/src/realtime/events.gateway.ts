import { WS_PATH, type ServerEvent } from '@clusterpulse/contracts';
import { Inject, type OnModuleDestroy } from '@nestjs/common';
import { WebSocketGateway, WebSocketServer, type OnGatewayConnection, type OnGatewayInit } from '@nestjs/websockets';
import type { Server, WebSocket } from 'ws';
import { AggregationService } from '../aggregation/aggregation.service';
import { AlarmStoreService, MAX_ALARMS_KEPT } from '../aggregation/alarm-store.service';
import { KpiViewService } from '../aggregation/kpi-view.service';
import { LoopTimers } from '../common/loop-timers';
import { APP_CONFIG } from '../config/app-config.module';
import type { AppConfig } from '../config/config.schema';

/**
 * Alarm frames per push interval. Changes are coalesced per alarm (a condition repeating a thousand
 * times in an interval is one frame), and those over this limit wait for the next push, newest first.
 */
export const MAX_ALARMS_PER_PUSH = 50;

/**
 * Streams `ServerEvent` frames to dashboards: `hello` on connect, then a `kpis` snapshot at most
 * once per push interval and only when something changed — never one push per MQTT message.
 */
@WebSocketGateway({ path: WS_PATH })
export class EventsGateway implements OnGatewayInit, OnGatewayConnection, OnModuleDestroy {
  @WebSocketServer() server!: Server;
  private cancelTimer: (() => void) | null = null;
  private pushedVersion = -1;
  /** Ids of alarms changed since they were last pushed, oldest change first. */
  private changedAlarms = new Set<string>();
  private unsubscribe: (() => void) | null = null;
  pushes = 0;

  constructor(
    private readonly agg: AggregationService,
    private readonly view: KpiViewService,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly alarmStore: AlarmStoreService,
    private readonly timers: LoopTimers,
  ) {
    this.pushIntervalMs = config.PUSH_INTERVAL_MS;
  }

  private readonly pushIntervalMs: number;

  afterInit(): void {
    this.unsubscribe = this.alarmStore.onChange((id) => {
      this.changedAlarms.delete(id);
      this.changedAlarms.add(id);
      // bounded like the store; only a flood of distinct alarms outrunning the pushes would reach it
      if (this.changedAlarms.size > MAX_ALARMS_KEPT) this.changedAlarms.delete(this.changedAlarms.values().next().value!);
    });
    // Acknowledgements are rare and every screen should see them at once: no throttling needed.
    this.alarmStore.onAck((ack) => {
      const frame = JSON.stringify({ event: 'alarm-ack', data: ack } satisfies ServerEvent);
      for (const socket of this.server?.clients ?? []) if (socket.readyState === socket.OPEN) socket.send(frame);
    });
    this.cancelTimer = this.timers.every('push', this.pushIntervalMs, () => this.tick());
  }

  handleConnection(socket: WebSocket): void {
    this.send(socket, { event: 'hello', data: { cluster: this.agg.clusterId, serverTime: Date.now(), pushIntervalMs: this.pushIntervalMs } });
    // A new screen gets the current picture at once rather than waiting for the next change.
    this.send(socket, { event: 'kpis', data: this.view.kpis() });
  }

  get clients(): number {
    return this.server?.clients.size ?? 0;
  }

  onModuleDestroy(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.unsubscribe?.();
    for (const socket of this.server?.clients ?? []) socket.close(1001, 'server shutting down');
  }

  private tick(): void {
    if (!this.server || this.server.clients.size === 0) {
      // a screen that connects reads the list first: nothing pending is owed to anyone
      this.changedAlarms.clear();
      return;
    }
    const frames = this.alarmFrames();
    if (this.agg.version !== this.pushedVersion) {
      this.pushedVersion = this.agg.version;
      frames.push(JSON.stringify({ event: 'kpis', data: this.view.kpis() } satisfies ServerEvent));
      this.pushes++;
    }
    if (frames.length === 0) return;
    for (const socket of this.server.clients) {
      if (socket.readyState !== socket.OPEN) continue;
      for (const frame of frames) socket.send(frame);
    }
  }

  /** The latest state of the most recently changed alarms, sent oldest change first so the newest ends on top. */
  private alarmFrames(): string[] {
    const ids = [...this.changedAlarms].slice(-MAX_ALARMS_PER_PUSH);
    const frames: string[] = [];
    for (const id of ids) {
      this.changedAlarms.delete(id);
      const alarm = this.alarmStore.get(id);
      // replaced by a park alarm or pushed out since: the screen learns that from the list or the park alarm
      if (alarm) frames.push(JSON.stringify({ event: 'alarm', data: alarm } satisfies ServerEvent));
    }
    return frames;
  }

  private send(socket: WebSocket, event: ServerEvent): void {
    socket.send(JSON.stringify(event));
  }
}

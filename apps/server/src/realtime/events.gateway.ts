import { WS_PATH, type AlarmEvent, type ServerEvent } from '@clusterpulse/contracts';
import { Inject, Logger, type OnModuleDestroy } from '@nestjs/common';
import { WebSocketGateway, WebSocketServer, type OnGatewayConnection, type OnGatewayInit } from '@nestjs/websockets';
import type { Server, WebSocket } from 'ws';
import { AggregationService } from '../aggregation/aggregation.service';
import { AlarmStoreService } from '../aggregation/alarm-store.service';
import { KpiViewService } from '../aggregation/kpi-view.service';
import { APP_CONFIG } from '../config/app-config.module';
import type { AppConfig } from '../config/config.schema';

/** Alarms beyond this many per push interval are dropped: a park-wide power cut must not flood a screen. */
const MAX_ALARMS_PER_PUSH = 50;

/**
 * Streams `ServerEvent` frames to dashboards: `hello` on connect, then a `kpis` snapshot at most
 * once per push interval and only when something changed — never one push per MQTT message.
 */
@WebSocketGateway({ path: WS_PATH })
export class EventsGateway implements OnGatewayInit, OnGatewayConnection, OnModuleDestroy {
  private readonly logger = new Logger(EventsGateway.name);
  @WebSocketServer() server!: Server;
  private timer: NodeJS.Timeout | null = null;
  private pushedVersion = -1;
  private alarms: AlarmEvent[] = [];
  private droppedAlarms = 0;
  private unsubscribe: (() => void) | null = null;
  pushes = 0;

  constructor(
    private readonly agg: AggregationService,
    private readonly view: KpiViewService,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly alarmStore: AlarmStoreService,
  ) {
    this.pushIntervalMs = config.PUSH_INTERVAL_MS;
  }

  private readonly pushIntervalMs: number;

  afterInit(): void {
    this.unsubscribe = this.agg.onAlarm((alarm) => {
      if (this.alarms.length < MAX_ALARMS_PER_PUSH) this.alarms.push(alarm);
      else this.droppedAlarms++;
    });
    // Acknowledgements are rare and every screen should see them at once: no throttling needed.
    this.alarmStore.onAck((ack) => {
      const frame = JSON.stringify({ event: 'alarm-ack', data: ack } satisfies ServerEvent);
      for (const socket of this.server?.clients ?? []) if (socket.readyState === socket.OPEN) socket.send(frame);
    });
    this.timer = setInterval(() => this.tick(), this.pushIntervalMs);
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
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unsubscribe?.();
    for (const socket of this.server?.clients ?? []) socket.close(1001, 'server shutting down');
  }

  private tick(): void {
    if (!this.server || this.server.clients.size === 0) {
      this.alarms = [];
      return;
    }
    if (this.droppedAlarms > 0) {
      this.logger.warn(`dropped ${this.droppedAlarms} alarms over the push limit`);
      this.droppedAlarms = 0;
    }
    const frames: string[] = this.alarms.map((alarm) => JSON.stringify({ event: 'alarm', data: alarm } satisfies ServerEvent));
    this.alarms = [];
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

  private send(socket: WebSocket, event: ServerEvent): void {
    socket.send(JSON.stringify(event));
  }
}

import { REJECT_REASONS } from '@clusterpulse/contracts';
import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { AggregationService } from '../aggregation/aggregation.service';
import { BrokerService } from '../broker/broker.service';
import { IngestService } from '../ingest/ingest.service';
import { FlushService } from '../persistence/flush.service';
import { EventsGateway } from '../realtime/events.gateway';

/**
 * Prometheus metrics on a registry of this app's own (several servers may share a test process).
 * Default metrics bring event-loop lag and process memory.
 */
@Injectable()
export class MetricsService implements OnModuleInit, OnModuleDestroy {
  readonly registry = new Registry();
  private rateTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly ingest: IngestService,
    private readonly flush: FlushService,
    private readonly agg: AggregationService,
    private readonly broker: BrokerService,
    private readonly events: EventsGateway,
  ) {}

  onModuleInit(): void {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'clusterpulse_' });
    const messages = new Counter({ name: 'clusterpulse_messages_accepted_total', help: 'Messages that passed validation, by kind', labelNames: ['kind'], registers });
    const rejects = new Counter({ name: 'clusterpulse_rejects_total', help: 'Messages refused, by reason', labelNames: ['reason'], registers });
    for (const reason of REJECT_REASONS) rejects.inc({ reason }, 0);
    // Counted in a plain map per message and handed to prom-client at each scrape: a labelled
    // inc() per message builds and hashes its label key, tens of thousands of times a second.
    const acceptedSince = new Map<string, number>();
    this.ingest.observe({ onAccepted: (kind) => acceptedSince.set(kind, (acceptedSince.get(kind) ?? 0) + 1), onRejected: (reason) => rejects.inc({ reason }) });

    let lastReports = this.reportsApplied();
    let lastAt = Date.now();
    const perSecond = new Gauge({ name: 'clusterpulse_reports_per_second', help: 'Reports applied per second over the last few seconds', registers });
    this.rateTimer = setInterval(() => {
      const now = Date.now();
      const reports = this.reportsApplied();
      perSecond.set(((reports - lastReports) * 1000) / Math.max(1, now - lastAt));
      lastReports = reports;
      lastAt = now;
    }, 5_000);
    this.rateTimer.unref();

    const applied = new Counter({ name: 'clusterpulse_reports_applied_total', help: 'Reports applied to the figures by this process', registers });
    const connected = new Gauge({ name: 'clusterpulse_gateways_connected', help: 'MQTT clients connected to the embedded broker', registers });
    const ws = new Gauge({ name: 'clusterpulse_ws_clients', help: 'Dashboards connected over WebSocket', registers });
    const backlog = new Gauge({ name: 'clusterpulse_flush_backlog_rows', help: 'Rows waiting for the next persistence flush', registers });
    const duration = new Histogram({
      name: 'clusterpulse_flush_duration_seconds',
      help: 'Persistence flush latency',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.flush.onDuration((seconds) => duration.observe(seconds));
    const failures = new Gauge({ name: 'clusterpulse_flush_failures', help: 'Flushes that failed and were retried', registers });
    const frontConnections = new Gauge({ name: 'clusterpulse_mqtt_front_connections', help: 'Gateway connections each front process holds (MQTT_FRONTS)', labelNames: ['front'], registers });
    const frontResident = new Gauge({ name: 'clusterpulse_mqtt_front_resident_bytes', help: 'RSS of each front process, as it last reported (every 5 s)', labelNames: ['front'], registers });
    const frontQueued = new Gauge({ name: 'clusterpulse_mqtt_front_queued_bytes', help: 'Bytes a front process holds for the server on its links, as it last reported', labelNames: ['front'], registers });
    const frontRestarts = new Gauge({ name: 'clusterpulse_mqtt_front_restarts', help: 'Front processes started again after one died', registers });
    let appliedSeen = this.reportsApplied();
    this.refresh = () => {
      for (const [kind, n] of acceptedSince) messages.inc({ kind }, n);
      acceptedSince.clear();
      const now = this.reportsApplied();
      if (now > appliedSeen) applied.inc(now - appliedSeen);
      appliedSeen = now;
      connected.set(this.broker.connectedClients);
      ws.set(this.events.clients);
      backlog.set(this.agg.backlog());
      failures.set(this.flush.stats.failures);
      const fronts = this.broker.frontStats();
      if (fronts) {
        for (const gauge of [frontConnections, frontResident, frontQueued]) gauge.reset();
        for (const f of fronts.fronts) {
          const front = String(f.index);
          frontConnections.set({ front }, f.connections);
          frontResident.set({ front }, f.residentBytes);
          frontQueued.set({ front }, f.queuedBytes);
        }
        frontRestarts.set(fronts.restarts);
      }
    };
  }

  private refresh: () => void = () => undefined;

  onModuleDestroy(): void {
    if (this.rateTimer) clearInterval(this.rateTimer);
  }

  async text(): Promise<string> {
    this.refresh();
    // prom-client writes NaN as 'Nan' (the event-loop lag gauges before their first sample); the
    // exposition format spells it 'NaN', and stricter parsers than Prometheus' own refuse the rest.
    return (await this.registry.metrics()).replace(/ Nan$/gm, ' NaN');
  }

  private reportsApplied(): number {
    return this.agg.counters.get('accepted') ?? 0;
  }
}

import { clusterFilter, gatewayClientId, gatewayKindFilter, gatewayTopic, parseTopic, type GatewayAddress, type GatewayTopicKind, type ParsedTopic, type RejectReason } from '@clusterpulse/contracts';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { AedesPublishPacket, Client } from 'aedes';
import { AggregationService, type GatewaySender } from '../aggregation/aggregation.service';
import { BrokerService } from '../broker/broker.service';
import { PubackDelay, SubscriptionWatch, type ReportLaneOptions, type ReportSink } from '../broker/report-lane';
import { ClusterService } from '../cluster/cluster.service';
import { LoopTimers } from '../common/loop-timers';
import { APP_CONFIG } from '../config/app-config.module';
import type { AppConfig } from '../config/config.schema';
import { handleBirth } from './handlers/birth.handler';
import type { HandlerResult, MessageHandler } from './handlers/handler';
import { handleReport } from './handlers/report.handler';
import { handleSimStatus } from './handlers/sim-status.handler';
import { handleState } from './handlers/state.handler';

/** Kinds a gateway publishes, each with its own handler (control is the server's to publish). */
const HANDLERS: Partial<Record<GatewayTopicKind, MessageHandler>> = {
  birth: handleBirth,
  report: handleReport,
  state: handleState,
};

const REJECT_LOG_INTERVAL_MS = 10_000;

/** A lane's connection as ingest knows it: the report topic, parsed once, and who sends on it. */
interface LaneRoute {
  parsed: ParsedTopic & { scope: 'gateway' };
  topic: string;
  sender: GatewaySender;
}

export interface IngestObserver {
  onAccepted?(kind: GatewayTopicKind): void;
  onRejected?(reason: RejectReason): void;
}

/**
 * In-process ingest: hooks the broker's `published` handler, so messages reach the aggregator
 * without a socket subscriber. Every payload is parsed by the contracts before a service sees it;
 * a refusal is counted by reason and summarised in the log at most every ten seconds.
 */
@Injectable()
export class IngestService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(IngestService.name);
  private readonly rejectsSinceLog = new Map<RejectReason, { count: number; example: string }>();
  private logTimer: NodeJS.Timeout | null = null;
  private readonly observers: IngestObserver[] = [];
  /** Single instance with the report lane on: whether any subscription could receive a report. */
  private reportSubscriptions: SubscriptionWatch | null = null;
  /** The report lane's held-back PUBACKs (MQTT_PUBACK_DELAY_MS > 0), and the cancel of their sweep. */
  private pubacks: PubackDelay | null = null;
  private cancelPubackSweep: (() => void) | null = null;

  constructor(
    private readonly broker: BrokerService,
    private readonly agg: AggregationService,
    private readonly cluster: ClusterService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly timers: LoopTimers,
  ) {}

  observe(observer: IngestObserver): void {
    this.observers.push(observer);
  }

  onModuleInit(): void {
    const aedes = this.broker.aedes;
    if (this.cluster.enabled) {
      this.ingestThroughCluster();
    } else {
      aedes.published = (packet: AedesPublishPacket, client: Client | null, done: (error?: Error | null) => void) => {
        this.safely(packet, client);
        done();
      };
      aedes.on('clientReady', (client: Client) => this.agg.connectionChanged(client.id, true));
      aedes.on('clientDisconnect', (client: Client) => this.agg.connectionChanged(client.id, false));
      if (this.config.MQTT_REPORT_LANE) {
        // Cluster mode has none: there every report must travel through the shared emitter.
        // The shape of every report topic, from the contracts' own filter for them ('+': any level).
        const shape = gatewayKindFilter(this.agg.clusterId, 'report').split('/').map((level) => (level === '+' ? null : level));
        this.reportSubscriptions = new SubscriptionWatch(shape);
        this.reportSubscriptions.attach(aedes, this.broker.persistence);
        if (this.config.MQTT_PUBACK_DELAY_MS > 0) {
          const pubacks = (this.pubacks = new PubackDelay(this.config.MQTT_PUBACK_DELAY_MS, this.config.MQTT_PUBACK_HOLD_ABOVE));
          this.cancelPubackSweep = this.timers.every('puback-sweep', pubacks.sweepMs, () => pubacks.sweep(), { unref: true });
        }
      }
    }
    this.logTimer = setInterval(() => this.logRejects(), REJECT_LOG_INTERVAL_MS);
    this.logTimer.unref();
  }

  /**
   * Cluster mode: a gateway may publish on any instance, so the cluster's messages are taken from
   * the shared emitter (every instance receives every one through Redis) and each instance keeps
   * only the makers whose slot it applies. The local hook still counts what never reaches the
   * emitter's filter (foreign topics, other clusters), once, where it was published. Connection
   * events are per instance and say nothing cluster-wide: birth, state and last will carry it.
   */
  private ingestThroughCluster(): void {
    const aedes = this.broker.aedes;
    const filter = clusterFilter(this.agg.clusterId);
    aedes.published = (packet: AedesPublishPacket, client: Client | null, done: (error?: Error | null) => void) => {
      if (parseTopic(packet.topic)?.cluster !== this.agg.clusterId) this.safely(packet, client);
      done();
    };
    this.broker.onEmitted(filter, (packet, done) => {
      const parsed = parseTopic(packet.topic);
      // sim/status is shown by every instance; a gateway's messages go to its maker's owner.
      if (parsed && (parsed.scope === 'sim' ? true : this.cluster.applies(parsed.enterprise))) this.safely(packet, null, true);
      done();
    });
  }

  /**
   * The report lane of an authenticated gateway's connection (broker/report-lane.ts), or null where
   * reports must take Aedes' path (cluster mode, or the lane switched off).
   */
  reportLane(address: GatewayAddress): ReportLaneOptions<LaneRoute> | null {
    if (!this.reportSubscriptions || address.cluster !== this.agg.clusterId) return null;
    const topic = gatewayTopic(address, 'report');
    return {
      topic,
      route: {
        parsed: { scope: 'gateway', kind: 'report', cluster: address.cluster, enterprise: address.enterprise, gateway: address.gateway },
        topic,
        sender: { clientId: gatewayClientId(address), gateway: undefined },
      },
      sink: this.laneSink,
      pubacks: this.pubacks ?? undefined,
    };
  }

  /** Every lane's way into ingest: one object, each connection's lane hands it its route. */
  private readonly laneSink: ReportSink<LaneRoute> = {
    open: () => this.reportSubscriptions?.clear === true,
    deliver: (route, payload) => {
      try {
        this.apply(route.parsed, route.topic, payload, route.sender);
      } catch (error) {
        this.logger.error(`ingest failed on ${route.topic}: ${(error as Error).stack ?? String(error)}`);
      }
    },
  };

  private safely(packet: AedesPublishPacket, client: Client | null, shared = false): void {
    try {
      this.ingest(packet.topic, packet.payload as Buffer, client, shared);
    } catch (error) {
      // A bug here must cost one message, never the process.
      this.logger.error(`ingest failed on ${packet.topic}: ${(error as Error).stack ?? String(error)}`);
    }
  }

  onModuleDestroy(): void {
    if (this.logTimer) clearInterval(this.logTimer);
    this.cancelPubackSweep?.();
    this.logRejects();
  }

  /**
   * Handles one published message; `client` is null for the broker's own (last wills, acks).
   * `shared`: taken from the cluster's emitter, where every instance sees it and the sender is unknown.
   */
  ingest(topic: string, payload: Buffer, client: Client | null, shared = false): void {
    if (topic.startsWith('$SYS/')) return;
    const parsed = parseTopic(topic);
    if (!parsed) {
      if (client) this.reject('topic', `not a ClusterPulse topic: ${topic.slice(0, 120)}`);
      return;
    }
    if (parsed.cluster !== this.agg.clusterId) {
      this.reject('wrong-cluster', `topic of cluster ${parsed.cluster}`);
      return;
    }
    if (parsed.scope === 'sim') {
      // sim/control carries trainer commands to the simulator: not ours to read.
      if (parsed.kind !== 'status') return;
      const result = handleSimStatus(this.agg, payload);
      // Every instance reads a shared status: the owner of the 'sim' slot alone counts a bad one.
      if (!result.ok && (!shared || this.cluster.applies(parsed.kind))) this.reject(result.reason, `${topic}: ${result.message}`);
      return;
    }
    if (!HANDLERS[parsed.kind]) {
      // control: the server's own acknowledgements and faults, or refused earlier by the ACL.
      if (client) this.reject('topic', `clients may not publish ${parsed.kind}`);
      return;
    }
    this.apply(parsed, topic, payload);
  }

  /** A gateway's message whose topic is parsed and has a handler. */
  private apply(parsed: ParsedTopic & { scope: 'gateway' }, topic: string, payload: Buffer, sender?: GatewaySender): void {
    // Pushes and flushes keep their cadence while messages saturate the event loop.
    this.timers.pulse();
    const result: HandlerResult = HANDLERS[parsed.kind]!(this.agg, parsed, payload, sender);
    if (result.ok) {
      for (const o of this.observers) o.onAccepted?.(parsed.kind);
    } else {
      this.reject(result.reason, `${topic}: ${result.message}`);
    }
  }

  reject(reason: RejectReason, message: string): void {
    this.agg.countReject(reason);
    for (const o of this.observers) o.onRejected?.(reason);
    const entry = this.rejectsSinceLog.get(reason);
    if (entry) entry.count++;
    else this.rejectsSinceLog.set(reason, { count: 1, example: message.slice(0, 300) });
  }

  private logRejects(): void {
    if (this.rejectsSinceLog.size === 0) return;
    const summary = [...this.rejectsSinceLog].map(([reason, { count, example }]) => `${reason}: ${count} (e.g. ${example})`);
    this.rejectsSinceLog.clear();
    this.logger.warn(`rejected messages in the last ${REJECT_LOG_INTERVAL_MS / 1000}s: ${summary.join('; ')}`);
  }
}

import { gatewayClientId, gatewayTopic, parseGatewayClientId, parseTopic, simTopic, type GatewayAddress } from '@clusterpulse/contracts';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { AuthenticateError, Client, PublishPacket, Subscription } from 'aedes';
import { AggregationService } from '../aggregation/aggregation.service';
import { BrokerService } from '../broker/broker.service';
import { openReportLane } from '../broker/report-lane';
import { APP_CONFIG } from '../config/app-config.module';
import type { AppConfig } from '../config/config.schema';
import { IngestService } from '../ingest/ingest.service';
import { CredentialsRepository } from '../persistence/credentials.repository';
import { secretMatches } from './secret';

/** Who a connection is, decided once at CONNECT. */
export type Principal = { role: 'gateway'; address: GatewayAddress } | { role: 'simulator' } | { role: 'anonymous' };

/** Publishable kinds of a gateway: its own birth, report and state, never control. */
const GATEWAY_PUBLISH_KINDS = new Set(['birth', 'report', 'state']);

/** CONNACK return codes of MQTT 3.1.1 (table 3.1). */
const BAD_USERNAME_OR_PASSWORD = 4;
const NOT_AUTHORIZED = 5;

function refusal(message: string, returnCode: number): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

/**
 * Authentication and per-gateway ACL on the embedded broker. A gateway's username is its
 * gatewayClientId and must equal its client id; its secret is checked against the stored hash.
 * Without credentials a client is refused unless MQTT_ALLOW_ANONYMOUS is on (demo setting).
 */
@Injectable()
export class AccessService implements OnModuleInit {
  private readonly principals = new WeakMap<Client, Principal>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly broker: BrokerService,
    private readonly agg: AggregationService,
    private readonly credentials: CredentialsRepository,
    private readonly ingest: IngestService,
  ) {}

  onModuleInit(): void {
    const aedes = this.broker.aedes;
    aedes.authenticate = (client, username, password, done) => {
      this.authenticate(client, username, password).then(
        (principal) => {
          this.principals.set(client, principal);
          done(null, true);
        },
        (error: AuthenticateError) => done(error, false),
      );
    };
    aedes.authorizePublish = (client, packet, done) => {
      const error = this.authorizePublish(client, packet);
      if (error) {
        this.ingest.reject('unauthorized', `${client?.id ?? '(broker)'} on ${packet.topic.slice(0, 120)}: ${error.message}`);
        // [MQTT-3.3.5-2] the only way to refuse a PUBLISH in 3.1.1 is to close the connection.
        return done(error);
      }
      done(null);
    };
    aedes.authorizeSubscribe = (client, sub, done) => {
      // A refused filter is negated (SUBACK 0x80) instead of dropping the connection.
      done(null, this.maySubscribe(client, sub) ? sub : null);
    };
    // A gateway's own reports may skip Aedes' general path (the ACL above allows them by construction).
    aedes.on('clientReady', (client: Client) => {
      const principal = this.principals.get(client);
      if (principal?.role !== 'gateway') return;
      const lane = this.ingest.reportLane(principal.address);
      const handle = lane ? openReportLane(client, lane) : null;
      if (handle) this.broker.attachLane(handle);
    });
  }

  principalOf(client: Client): Principal | undefined {
    return this.principals.get(client);
  }

  private async authenticate(client: Client, username: string | undefined, password: Buffer | undefined): Promise<Principal> {
    if (!username) {
      if (!this.config.MQTT_ALLOW_ANONYMOUS) throw refusal('anonymous connections are not allowed', NOT_AUTHORIZED);
      const address = parseGatewayClientId(client.id);
      return address && address.cluster === this.config.CLUSTER_ID ? { role: 'gateway', address } : { role: 'anonymous' };
    }
    const address = parseGatewayClientId(username);
    if (address) {
      if (address.cluster !== this.config.CLUSTER_ID || client.id !== username) throw refusal('a gateway connects with its own id as client id and username', BAD_USERNAME_OR_PASSWORD);
      let hash = this.agg.gateways.get(username)?.secretHash ?? null;
      if (!hash) {
        // Provisioned after this process started (db:seed on a running server).
        const row = await this.credentials.gatewaySecretHash(username);
        if (row?.secretHash && row.enterpriseId === address.enterprise) {
          hash = row.secretHash;
          this.agg.provisionGateway(address, hash);
        }
      }
      if (!secretMatches(password, hash)) throw refusal('bad username or password', BAD_USERNAME_OR_PASSWORD);
      return { role: 'gateway', address };
    }
    const account = await this.credentials.serviceAccount(username);
    if (!account || !secretMatches(password, account.secretHash)) throw refusal('bad username or password', BAD_USERNAME_OR_PASSWORD);
    if (account.role !== 'simulator') throw refusal(`unknown role ${account.role}`, NOT_AUTHORIZED);
    return { role: 'simulator' };
  }

  /** Null when allowed; otherwise why not. */
  private authorizePublish(client: Client | null, packet: PublishPacket): Error | null {
    if (packet.topic.startsWith('$SYS')) return new Error('$SYS topics are reserved');
    // The broker's own publications: last wills of clients already authorised at connect.
    if (!client) return null;
    const principal = this.principals.get(client) ?? { role: 'anonymous' };
    const parsed = parseTopic(packet.topic);
    if (principal.role === 'gateway') {
      if (!parsed || parsed.scope !== 'gateway') return new Error('a gateway publishes only its own topics');
      if (gatewayClientId(parsed) !== gatewayClientId(principal.address) || !GATEWAY_PUBLISH_KINDS.has(parsed.kind)) {
        return new Error('a gateway publishes only its own birth, report and state');
      }
      return null;
    }
    if (principal.role === 'simulator') {
      return packet.topic === simTopic(this.config.CLUSTER_ID, 'status') ? null : new Error('the simulator account publishes only sim/status');
    }
    // Anonymous (demo mode only): tools may talk to the simulator, never write a maker's figures.
    if (parsed?.scope === 'gateway') return new Error('anonymous clients may not publish gateway topics');
    return null;
  }

  private maySubscribe(client: Client, sub: Subscription): boolean {
    const principal = this.principals.get(client) ?? { role: 'anonymous' };
    if (principal.role === 'gateway') return sub.topic === this.controlTopic(principal.address);
    if (principal.role === 'simulator') return sub.topic === simTopic(this.config.CLUSTER_ID, 'control');
    return this.config.MQTT_ALLOW_ANONYMOUS;
  }

  private controlTopic(address: GatewayAddress): string {
    return gatewayTopic(address, 'control');
  }
}

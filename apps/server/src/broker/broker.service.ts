import * as net from 'node:net';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Aedes, type AedesOptions, type AedesPublishPacket, type Client } from 'aedes';
import memory from 'aedes-persistence';
import { Redis } from 'ioredis';
import { APP_CONFIG } from '../config/app-config.module';
import type { AppConfig } from '../config/config.schema';
import type { ReportLaneHandle } from './report-lane';
import { withExactRetainedLookup, type RetainedStore } from './exact-retained';
import { keepWillPayload, leanParser } from './kept-bytes';
import { mqttConnectionCap, openFileLimit } from './fd-limit';
import { FrontPool, type FrontStats } from './fronts';

/** How long a closing broker waits for the cluster-mode emitter to say goodbye to Redis. */
const EMITTER_CLOSE_WAIT_MS = 2_000;

/** The error a taken port turns into: names the variable to change, since 1883 is often Mosquitto's. */
export class PortInUseError extends Error {
  constructor(readonly variable: 'PORT' | 'MQTT_PORT', readonly port: number, hint = '') {
    super(`${variable === 'MQTT_PORT' ? 'MQTT' : 'HTTP'} port ${port} is in use${hint}: set ${variable} to a free port`);
    this.name = 'PortInUseError';
  }
}

/**
 * The embedded Aedes broker and its TCP listener. Other modules attach their hooks (ingest,
 * authentication) before `listen` runs.
 */
@Injectable()
export class BrokerService {
  private readonly logger = new Logger(BrokerService.name);
  readonly aedes: Aedes;
  private server: net.Server | null = null;
  private boundPort: number | null = null;

  /** Closed with the broker: aedes closes its emitter but leaves the persistence to its owner. */
  private persistenceClose: (() => Promise<void>) | null = null;

  /**
   * The cluster-mode emitter's Redis connections. Its close waits for their 'end', which never
   * comes for a broker that never listened (an instance refused at start): they are ours to drop.
   */
  private readonly emitterConnections: Redis[] = [];

  /** The persistence handed to Aedes (which only takes it over in `listen`). */
  readonly persistence: unknown;

  /** Connections with an open report lane, by client id (broker/report-lane.ts). */
  private readonly lanes = new Map<string, ReportLaneHandle>();

  /** The front processes holding the gateways' sockets (`MQTT_FRONTS` > 0), once listening. */
  private fronts: FrontPool | null = null;
  private readonly frontCount: number;
  private readonly frontNodeArgs: readonly string[];

  constructor(@Optional() @Inject(APP_CONFIG) config?: AppConfig) {
    const options: AedesOptions = {
      // No cap on messages in flight inside the emitter. With a cap (aedes' default is 100), slow
      // deliveries fill the slots, later messages queue, and the queue drains by synchronous
      // recursion that overflows the stack under load. In-flight work stays bounded without it:
      // aedes reads each client's socket one batch at a time.
      concurrency: 0,
      // A frozen subscriber must not stall delivery to everyone else.
      drainTimeout: 30_000,
      // A gateway id (cluster.enterprise.gateway) is longer than MQTT 3.1's 23 characters.
      maxClientsIdLength: 200,
      // Gateways publish 6-level topics; nothing legitimate needs more.
      maxTopicLevels: 16,
      heartbeatInterval: 60_000,
      // The will is kept until the connection ends: in bytes of its own, not a view of a read.
      preConnect: (_client, packet, done) => {
        keepWillPayload(packet);
        done(null, true);
      },
    };
    if (config?.CLUSTER_MODE === 'redis') Object.assign(options, this.clusteredOptions(config));
    else options.persistence = withExactRetainedLookup(memory() as unknown as RetainedStore) as unknown as AedesOptions['persistence'];
    this.aedes = new Aedes(options);
    const handle = this.aedes.handle;
    this.aedes.handle = (conn, req) => leanParser(handle(conn, req));
    this.frontCount = config?.MQTT_FRONTS ?? 0;
    this.frontNodeArgs = config?.MQTT_FRONT_NODE_ARGS ?? [];
    this.persistence = options.persistence;
    this.aedes.on('clientDisconnect', (client: Client) => {
      // A client that took over the id has its own lane by now.
      if (this.lanes.get(client.id)?.client === client) this.lanes.delete(client.id);
    });
  }

  attachLane(handle: ReportLaneHandle): void {
    this.lanes.set(handle.client.id, handle);
  }

  /**
   * Brokers of several instances become one: every publication goes through Redis pub/sub
   * (mqemitter-redis), so a subscriber on any instance gets it, and subscriptions, retained
   * messages and last wills live in Redis (aedes-persistence-redis). Aedes' own broker heartbeat
   * then tells the survivors when an instance died, and they publish its clients' last wills.
   */
  private clusteredOptions(config: AppConfig): Partial<AedesOptions> {
    // CommonJS packages, required here so the default mode never loads them.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mqemitterRedis = require('mqemitter-redis') as (opts: { subConn: Redis; pubConn: Redis; concurrency: number }) => {
      state: { on(event: 'error', listener: (error: Error) => void): void };
    };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const persistenceRedis = require('aedes-persistence-redis') as (opts: { conn: Redis }) => { destroy(cb: () => void): void };
    const conn = new Redis(config.REDIS_URL);
    const persistence = persistenceRedis({ conn });
    this.persistenceClose = async () => {
      // Its destroy first unsubscribes from the emitter aedes has closed by then, which never
      // answers: give it a moment, then drop the connection regardless.
      await Promise.race([new Promise<void>((resolve) => persistence.destroy(() => resolve())), new Promise((resolve) => setTimeout(resolve, 500).unref())]);
      conn.disconnect();
    };
    // A subscriber connection must not run ioredis' ready check: its INFO can reach Redis after
    // the first PSUBSCRIBE and is refused there, which ends the connection (seen at start).
    const subConn = new Redis(config.REDIS_URL, { enableReadyCheck: false });
    const pubConn = new Redis(config.REDIS_URL);
    this.emitterConnections.push(subConn, pubConn);
    const mq = mqemitterRedis({ subConn, pubConn, concurrency: 0 });
    // Connection trouble is retried by ioredis; unheard, the emitter's error event would end the process.
    mq.state.on('error', (error) => this.logger.warn(`Redis emitter: ${error.message}`));
    return {
      // The same reason as concurrency above: the emitter aedes would build has no cap either.
      mq,
      persistence,
      // Survivors publish a dead instance's last wills after three missed beats: keep that short.
      heartbeatInterval: Math.max(1000, Math.floor(config.CLUSTER_LEASE_MS / 2)),
    };
  }

  get port(): number | null {
    return this.boundPort;
  }

  async listen(port: number, host?: string): Promise<number> {
    await this.aedes.listen();
    let server: net.Server;
    let cap: number | null;
    let limit: number | null = null;
    let dropped = 0;
    const refused = () => {
      if (dropped++ === 0) {
        setTimeout(() => {
          this.logger.warn(`refused ${dropped} MQTT connections over the cap of ${cap}${this.fronts ? ` in ${this.fronts.count} front processes` : ` (open-file limit ${limit})`}: raise ulimit -n${this.fronts ? ' or MQTT_FRONTS' : ''} to connect more gateways`);
          dropped = 0;
        }, 10_000).unref();
      }
    };
    if (this.frontCount > 0) {
      const fronts = new FrontPool(this.frontCount, this.frontNodeArgs);
      this.fronts = fronts;
      await fronts.start();
      cap = fronts.capacity;
      // Accepted here but never read here: each socket goes to a front at once.
      server = net.createServer({ pauseOnConnect: true }, (socket) => {
        const conn = fronts.handOff(socket);
        if (conn) this.aedes.handle(conn as unknown as net.Socket);
        else refused();
      });
    } else {
      server = net.createServer(this.aedes.handle);
      limit = openFileLimit();
      cap = mqttConnectionCap(limit);
      if (cap !== null) {
        // Past the cap Node closes new sockets at once: gateways retry, and HTTP still answers.
        server.maxConnections = cap;
        server.on('drop', refused);
      }
    }
    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => {
        server.off('listening', onListening);
        reject(error.code === 'EADDRINUSE' ? new PortInUseError('MQTT_PORT', port, ' (often a system Mosquitto)') : error);
      };
      const onListening = () => {
        server.off('error', onError);
        resolve();
      };
      server.once('error', onError);
      server.once('listening', onListening);
      server.listen(port, host);
    });
    this.server = server;
    this.boundPort = (server.address() as net.AddressInfo).port;
    const where = this.fronts ? ` in ${this.fronts.count} front processes (pids ${this.fronts.pids.join(', ')})` : ` (open-file limit ${limit})`;
    this.logger.log(`MQTT broker listening on port ${this.boundPort}${cap === null ? '' : `, at most ${cap} connections${where}`}`);
    return this.boundPort;
  }

  /** Each front's figures and the restarts so far (`MQTT_FRONTS`); null when the server holds the sockets itself. */
  frontStats(): { fronts: FrontStats[]; restarts: number } | null {
    return this.fronts ? { fronts: this.fronts.stats, restarts: this.fronts.restarts } : null;
  }

  get listening(): boolean {
    return this.server?.listening ?? false;
  }

  /**
   * Every publication of the broker passes through its emitter; in cluster mode that is Redis, so
   * a listener here hears what was published on any instance. (Aedes' typings omit it.)
   */
  onEmitted(filter: string, listener: (packet: AedesPublishPacket, done: () => void) => void): void {
    (this.aedes as unknown as { mq: { on(topic: string, listener: (packet: AedesPublishPacket, done: () => void) => void): void } }).mq.on(filter, listener);
  }

  /** Clients connected to this instance, by client id. (Aedes' typings omit the map.) */
  localClients(): Record<string, Client> {
    return (this.aedes as unknown as { clients: Record<string, Client> }).clients;
  }

  /**
   * Clients connected to this instance now: open entries of Aedes' client map. Aedes' own
   * `connectedClients` counter was seen above the sockets that existed (21,666 against 20,001 in
   * cluster mode while 20,000 gateways connected), so it is not used.
   */
  get connectedClients(): number {
    const clients = this.localClients();
    let open = 0;
    for (const id in clients) {
      const client = clients[id] as unknown as { closed: boolean; connected: boolean };
      if (client.connected && !client.closed) open++;
    }
    return open;
  }

  publish(topic: string, payload: string, options: { qos?: 0 | 1; retain?: boolean } = {}): Promise<void> {
    return new Promise((resolve, reject) => {
      this.aedes.publish(
        { cmd: 'publish', topic, payload: Buffer.from(payload), qos: options.qos ?? 1, retain: options.retain ?? false, dup: false },
        (error?: Error | null) => (error ? reject(error) : resolve()),
      );
    });
  }

  /**
   * A QoS 0 publication meant for one client, on a topic only that client subscribes to (a
   * gateway's acknowledgements): written straight to its connection, with any PUBACKs it holds,
   * where its report lane finds it the only receiver; through Aedes' publish path otherwise,
   * which delivers the same packet to whoever subscribes.
   */
  publishTo(clientId: string, topic: string, payload: string): Promise<void> {
    const lane = this.lanes.get(clientId);
    if (lane?.sendOwn(topic, Buffer.from(payload))) return Promise.resolve();
    return this.publish(topic, payload, { qos: 0 });
  }

  /** Stops accepting connections, then closes every client and the broker. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) {
      server.close();
    }
    if (!this.aedes.closed) {
      const closed = new Promise<void>((resolve) => this.aedes.close(() => resolve()));
      await (this.emitterConnections.length === 0 ? closed : Promise.race([closed, new Promise((resolve) => setTimeout(resolve, EMITTER_CLOSE_WAIT_MS).unref())]));
    }
    for (const connection of this.emitterConnections.splice(0)) connection.disconnect();
    if (server) {
      // close() above stopped new connections; aedes closed the live ones.
      await new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
    }
    const fronts = this.fronts;
    this.fronts = null;
    if (fronts) await fronts.close();
    const closePersistence = this.persistenceClose;
    this.persistenceClose = null;
    if (closePersistence) await closePersistence();
  }
}

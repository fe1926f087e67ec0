import * as net from 'node:net';
import { Injectable, Logger } from '@nestjs/common';
import { Aedes } from 'aedes';

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

  constructor() {
    this.aedes = new Aedes({
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
    });
  }

  get port(): number | null {
    return this.boundPort;
  }

  async listen(port: number, host?: string): Promise<number> {
    await this.aedes.listen();
    const server = net.createServer(this.aedes.handle);
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
    this.logger.log(`MQTT broker listening on port ${this.boundPort}`);
    return this.boundPort;
  }

  get listening(): boolean {
    return this.server?.listening ?? false;
  }

  get connectedClients(): number {
    return this.aedes.connectedClients;
  }

  publish(topic: string, payload: string, options: { qos?: 0 | 1; retain?: boolean } = {}): Promise<void> {
    return new Promise((resolve, reject) => {
      this.aedes.publish(
        { cmd: 'publish', topic, payload: Buffer.from(payload), qos: options.qos ?? 1, retain: options.retain ?? false, dup: false },
        (error?: Error | null) => (error ? reject(error) : resolve()),
      );
    });
  }

  /** Stops accepting connections, then closes every client and the broker. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) {
      server.close();
    }
    if (!this.aedes.closed) await new Promise<void>((resolve) => this.aedes.close(() => resolve()));
    if (server) {
      // close() above stopped new connections; aedes closed the live ones.
      await new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
    }
  }
}

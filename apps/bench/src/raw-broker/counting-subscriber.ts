import * as net from 'node:net';
import { DISCONNECT, createParser, encodeConnect, encodePuback, encodeSubscribe, type Packet, type QoS } from '../load/mqtt-wire';

/**
 * One wildcard subscriber over TCP that only counts what it receives: the consumer the raw broker
 * serves in place of the server's in-process ingest.
 */
export class CountingSubscriber {
  received = 0;
  private socket: net.Socket | null = null;

  constructor(
    private readonly filter: string,
    private readonly qos: QoS,
  ) {}

  connect(host: string, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port, noDelay: true });
      this.socket = socket;
      const parser = createParser();
      parser.on('packet', (packet: Packet) => {
        switch (packet.cmd) {
          case 'connack':
            if (packet.returnCode !== 0) reject(new Error(`subscriber refused: ${packet.returnCode}`));
            else socket.write(encodeSubscribe(1, this.filter, this.qos));
            return;
          case 'suback':
            resolve();
            return;
          case 'publish':
            this.received++;
            if (packet.qos === 1 && packet.messageId !== undefined) socket.write(encodePuback(packet.messageId));
            return;
          default:
            return;
        }
      });
      socket.on('data', (chunk: Buffer) => parser.parse(chunk));
      socket.once('error', reject);
      socket.once('connect', () => socket.write(encodeConnect({ clientId: `bench-counter-${process.pid}`, keepalive: 0 })));
    });
  }

  async close(): Promise<void> {
    const socket = this.socket;
    this.socket = null;
    if (!socket || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.end(DISCONNECT);
      setTimeout(() => socket.destroy(), 2_000).unref();
    });
  }
}

import { WS_PATH, type ServerEvent } from '@clusterpulse/contracts';
import WebSocket from 'ws';
import { preciseNow } from './load/load-protocol';
import type { FrameSample } from './latency';

/**
 * Dashboard stand-ins: N WebSocket clients on the server's WS_PATH, each recording when every
 * `kpis` frame arrived and how many reports it says were accepted.
 */
export class WsObserver {
  private readonly sockets: WebSocket[] = [];
  readonly frames: FrameSample[][] = [];
  private recording = false;

  async connect(httpPort: number, clients: number): Promise<void> {
    const url = `ws://127.0.0.1:${httpPort}${WS_PATH}`;
    await Promise.all(
      Array.from({ length: clients }, (_, i) => {
        this.frames.push([]);
        return new Promise<void>((resolve, reject) => {
          const socket = new WebSocket(url);
          this.sockets.push(socket);
          socket.once('open', () => resolve());
          socket.once('error', reject);
          socket.on('message', (data: WebSocket.RawData) => {
            if (!this.recording) return;
            const t = preciseNow();
            const event = JSON.parse(data.toString()) as ServerEvent;
            if (event.event === 'kpis') this.frames[i].push({ t, accepted: event.data.ingest.accepted });
          });
        });
      }),
    );
  }

  record(): void {
    this.recording = true;
  }

  get open(): number {
    return this.sockets.filter((s) => s.readyState === WebSocket.OPEN).length;
  }

  get frameCount(): number {
    return this.frames.reduce((sum, f) => sum + f.length, 0);
  }

  async close(): Promise<void> {
    await Promise.all(
      this.sockets.map(
        (socket) =>
          new Promise<void>((resolve) => {
            if (socket.readyState === WebSocket.CLOSED) return resolve();
            socket.once('close', () => resolve());
            socket.close();
            setTimeout(() => {
              socket.terminate();
              resolve();
            }, 2_000).unref();
          }),
      ),
    );
  }
}

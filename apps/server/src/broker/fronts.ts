import { fork, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import { Duplex } from 'node:stream';
import { Logger } from '@nestjs/common';
import { FrameKind, FrameReader, FrameWriter } from './front-link';
import type { FrontMessage } from './front-process';

/**
 * Front processes (`MQTT_FRONTS`): the gateways' sockets live in a few child processes instead of
 * the server's, and the server speaks MQTT to each over a {@link FrontConnection}.
 *
 * Why: one socket is one file descriptor, and a process may hold at most its open-file limit of
 * them (20,000 on a machine whose hard limit cannot be raised). With fronts the server holds a
 * few links per front, and each front up to its own limit of sockets. The system calls of reading
 * and writing every socket move to the fronts too; the server reads and writes each link in a few
 * large chunks per turn of its event loop.
 *
 * The server accepts every connection itself (`pauseOnConnect`, so it reads nothing) and hands
 * the socket over the front's IPC channel to the front with the most room, as Node's cluster
 * module hands connections to workers. A front that dies takes its connections with it (their
 * last wills are published) and is started again.
 */

/** How long a starting front may take to say it is ready. */
const READY_TIMEOUT_MS = 15_000;

/** How long a front whose link was closed may take to exit before it is killed. */
const EXIT_WAIT_MS = 5_000;

/** A front that died is started again after this long. */
const RESTART_DELAY_MS = 1_000;

/** The module a front runs: the compiled file, also when this code runs from its sources (tests build first). */
function frontEntry(): string {
  const here = require.resolve('./front-process');
  return here.endsWith('.ts') ? here.replace(/([\\/])src([\\/])(?!.*[\\/]src[\\/])/, '$1dist$2').replace(/\.ts$/, '.js') : here;
}

export interface FrontStats {
  index: number;
  connections: number;
  /** The front's RSS, as it last said (0 until it has). */
  residentBytes: number;
  /** Bytes waiting in the front for the server, on all its links. */
  queuedBytes: number;
}

/** What a connection needs of its front: the writer of the link it travels on and the front's register of connections. */
export interface FrontSide {
  writerOf(id: number): FrameWriter;
  readonly connections: Map<number, FrontConnection>;
}

export class FrontConnection extends Duplex {
  /** The front said its socket holds too much: writes wait for it to drain. */
  private full = false;
  private heldWrite: ((error?: Error | null) => void) | null = null;
  /** The server asked the front to stop reading. */
  private paused = false;
  /** The socket closed at the front (or the front died): nothing is sent back. */
  private gone = false;
  private readonly writer: FrameWriter;

  constructor(
    private readonly front: FrontSide,
    readonly id: number,
    readonly remoteAddress: string | undefined,
    readonly remotePort: number | undefined,
  ) {
    super({ allowHalfOpen: false });
    this.writer = front.writerOf(id);
  }

  /** Bytes the front read from the socket. */
  received(payload: Buffer): void {
    if (this.destroyed) return;
    // The payload is a view of the link's chunk, which this connection's reader may keep.
    if (!this.push(payload) && !this.paused) {
      this.paused = true;
      this.writer.frame(FrameKind.Pause, this.id);
    }
  }

  /** The socket closed at the front. */
  closedThere(error?: Error): void {
    this.gone = true;
    this.setFull(false);
    this.destroy(error);
  }

  setFull(full: boolean): void {
    this.full = full;
    if (!full && this.heldWrite) {
      const done = this.heldWrite;
      this.heldWrite = null;
      done();
    }
  }

  override _read(): void {
    if (this.paused && !this.gone) {
      this.paused = false;
      this.writer.frame(FrameKind.Resume, this.id);
    }
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    if (!this.gone) this.writer.frame(FrameKind.Data, this.id, chunk);
    this.sent(done);
  }

  override _writev(chunks: { chunk: Buffer }[], done: (error?: Error | null) => void): void {
    if (!this.gone) this.writer.frameParts(FrameKind.Data, this.id, chunks.map((c) => c.chunk));
    this.sent(done);
  }

  /** A write is done once framed, unless the front's socket is full: then when it drains. */
  private sent(done: (error?: Error | null) => void): void {
    if (this.full && !this.gone) this.heldWrite = done;
    else done();
  }

  /** Tells the front to close the socket, once, unless it closed there. */
  private askFrontToClose(): void {
    if (!this.gone) this.writer.frame(FrameKind.Close, this.id);
    this.gone = true;
  }

  override _final(done: (error?: Error | null) => void): void {
    this.askFrontToClose();
    done();
    // The front closes the socket once it has written what it holds, and relays nothing more.
    this.push(null);
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.askFrontToClose();
    this.front.connections.delete(this.id);
    const held = this.heldWrite;
    this.heldWrite = null;
    held?.(error ?? new Error('connection closed'));
    done(error);
  }
}

/** Links per front: a socket pair's kernel buffer (about 208 KB here) caps what one read of the server's event loop takes from it. */
export const LINKS_PER_FRONT = 2;

class Front implements FrontSide {
  readonly connections = new Map<number, FrontConnection>();
  readonly writers: FrameWriter[];
  /** Connection ids are the front's own: consecutive ones spread over its links. */
  private lastId = 0;
  capacity = 0;
  /** The front's own figures, as it last told them (every 5 s). */
  residentBytes = 0;
  queuedBytes = 0;
  ready: Promise<void>;
  exited = false;

  constructor(
    readonly index: number,
    readonly child: ChildProcess,
    readonly links: net.Socket[],
    onExit: (front: Front) => void,
  ) {
    this.writers = links.map((link) => new FrameWriter(link));
    const onFrame = (kind: FrameKind, id: number, payload: Buffer) => {
      const conn = this.connections.get(id);
      if (!conn) return;
      if (kind === FrameKind.Data) conn.received(payload);
      else if (kind === FrameKind.Close) conn.closedThere();
      else if (kind === FrameKind.Full) conn.setFull(true);
      else if (kind === FrameKind.Drained) conn.setFull(false);
    };
    for (const link of links) {
      const reader = new FrameReader(onFrame);
      link.on('data', (chunk: Buffer) => {
        try {
          reader.push(chunk);
        } catch (error) {
          // A link out of step cannot be trusted with any connection.
          child.kill('SIGKILL');
          link.destroy(error as Error);
        }
      });
      link.on('error', () => undefined);
    }
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`MQTT front ${index} did not start within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
      child.on('message', (message: FrontMessage) => {
        if (message[0] === 'ready') {
          this.capacity = message[1];
          clearTimeout(timer);
          resolve();
        } else if (message[0] === 'stats') {
          this.residentBytes = message[1];
          this.queuedBytes = message[2];
        } else if (message[0] === 'handoff-failed') {
          this.connections.get(message[1])?.closedThere(new Error('the front could not take the connection'));
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`MQTT front ${index} exited (${signal ?? code}) before it was ready`));
      });
    });
    this.ready.catch(() => undefined);
    child.once('exit', () => {
      this.exited = true;
      for (const writer of this.writers) writer.close();
      for (const link of links) link.destroy();
      onExit(this);
    });
  }

  nextId(): number {
    this.lastId = (this.lastId + 1) >>> 0;
    return this.lastId;
  }

  writerOf(id: number): FrameWriter {
    return this.writers[id % this.writers.length];
  }

  get room(): number {
    return this.exited ? 0 : this.capacity - this.connections.size;
  }
}

export class FrontPool {
  private readonly logger = new Logger('MqttFronts');
  private readonly fronts: (Front | null)[];
  private closing = false;
  /** Fronts started again after one died. */
  restarts = 0;

  /** `nodeArgs`: node flags for every front beyond its own (`MQTT_FRONT_NODE_ARGS`), e.g. a profiler's. */
  constructor(
    readonly count: number,
    private readonly nodeArgs: readonly string[] = [],
  ) {
    this.fronts = new Array<Front | null>(count).fill(null);
  }

  async start(): Promise<void> {
    for (let i = 0; i < this.count; i++) this.fronts[i] = this.spawn(i);
    await Promise.all(this.fronts.map((front) => front!.ready));
  }

  /** Connections the fronts can take in all, while every one is up. */
  get capacity(): number {
    return this.fronts.reduce((sum, front) => sum + (front?.capacity ?? 0), 0);
  }

  /** Each front's connections and its own figures, for /metrics. */
  get stats(): FrontStats[] {
    return this.fronts.flatMap((front, index) =>
      front === null || front.exited ? [] : [{ index, connections: front.connections.size, residentBytes: front.residentBytes, queuedBytes: front.queuedBytes }],
    );
  }

  /** The front processes' ids, for whoever measures them. */
  get pids(): number[] {
    return this.fronts.flatMap((front) => (front?.child.pid === undefined || front.exited ? [] : [front.child.pid]));
  }

  private spawn(index: number): Front {
    const child = fork(frontEntry(), [String(LINKS_PER_FRONT)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc', ...new Array<'pipe'>(LINKS_PER_FRONT).fill('pipe')],
      // None of the server's flags (heap settings, profilers), only its own and MQTT_FRONT_NODE_ARGS.
      // A front's garbage is the chunks it relays, dead within a turn of the loop: a 1 MB young
      // generation (16 MB by default) keeps each front about 40 MB smaller at 10,000 sockets
      // (measured, 11:05).
      execArgv: ['--max-semi-space-size=1', ...this.nodeArgs],
      serialization: 'json',
    });
    const links = child.stdio.slice(4) as net.Socket[];
    return new Front(index, child, links, (front) => this.exited(front));
  }

  private exited(front: Front): void {
    const lost = [...front.connections.values()];
    for (const conn of lost) conn.closedThere(new Error('MQTT front exited'));
    if (this.closing) return;
    this.logger.error(`MQTT front ${front.index} (pid ${front.child.pid}) exited with ${front.child.signalCode ?? front.child.exitCode}; its ${lost.length} connections closed; starting it again`);
    setTimeout(() => {
      if (this.closing) return;
      this.restarts++;
      const next = this.spawn(front.index);
      this.fronts[front.index] = next;
      next.ready.catch((error: Error) => this.logger.error(error.message));
    }, RESTART_DELAY_MS).unref();
  }

  /**
   * Hands an accepted socket (not yet read) to the front with the most room: the connection to
   * speak MQTT on, or null when every front is full (the socket is then closed).
   */
  handOff(socket: net.Socket): FrontConnection | null {
    let best: Front | null = null;
    for (const front of this.fronts) if (front && front.room > 0 && (best === null || front.room > best.room)) best = front;
    if (best === null) {
      socket.destroy();
      return null;
    }
    const front = best;
    const id = front.nextId();
    const conn = new FrontConnection(front, id, socket.remoteAddress, socket.remotePort);
    front.connections.set(id, conn);
    front.child.send(['connection', id], socket, (error) => {
      if (error) conn.closedThere(error);
    });
    return conn;
  }

  /** Ends the links (each front then closes its sockets and exits); call once the broker closed its clients. */
  async close(): Promise<void> {
    this.closing = true;
    const running = this.fronts.filter((front): front is Front => front !== null && !front.exited);
    await Promise.all(
      running.map(async (front) => {
        for (const writer of front.writers) writer.flush();
        const exited = new Promise<void>((resolve) => front.child.once('exit', () => resolve()));
        for (const link of front.links) link.end();
        const timer = setTimeout(() => {
          this.logger.warn(`MQTT front ${front.index} (pid ${front.child.pid}) did not exit within ${EXIT_WAIT_MS} ms of its links closing: killed`);
          front.child.kill('SIGKILL');
        }, EXIT_WAIT_MS);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
}

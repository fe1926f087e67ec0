import * as net from 'node:net';
import { FrameKind, FrameReader, FrameWriter } from './front-link';
import { openFileLimit } from './fd-limit';

/**
 * A front process (broker/fronts.ts): holds gateway sockets that the server accepted and handed
 * over, and relays their bytes over a few links. It runs no MQTT: it reads, writes and closes
 * sockets as the server says.
 *
 * Started by the server with the IPC channel (connections arrive on it) and its links at fds 4,
 * 5, ... (how many: the first argument). Connection `id` always travels on link `id % links`, both
 * ways, so its bytes keep their order. The front ends when a link or the IPC channel closes, that
 * is when the server stops or dies.
 */

/** Descriptors a front keeps for itself: its links, IPC channel, stdio and Node's own. */
export const FRONT_RESERVED_DESCRIPTORS = 64;

/** A socket with this many unwritten bytes tells the server to hold its writes (as `write()` returning false would). */
const HIGH_WATER_MARK = 64 * 1024;

/**
 * Bytes waiting for the server on one link past which the front stops reading that link's
 * sockets (each after its next read), until the link drains: what the server cannot take stays in
 * the gateways' socket buffers, and their QoS 1 windows, as it would with the sockets in the server.
 */
const LINK_HIGH_WATER_MARK = 4 * 1024 * 1024;

/**
 * Sockets a link's brake lets read again at once, oldest stopped first: more follow each
 * millisecond while the link holds less than half its mark, and at each drain. Let go all at
 * once, each of a link's 5,000 stopped sockets read the whole QoS 1 window its gateway had sent
 * meanwhile, in the same turn of the loop: at 20,000 gateways the fronts queued up to 120 MiB each.
 */
const RELEASE_BATCH = 256;

/**
 * How long a front gathers what its sockets read before it writes it to the link. A front's event
 * loop turns over for a handful of sockets at a time: written every turn, the link took about as
 * many system calls as the sockets did.
 */
const LINK_FLUSH_MS = 1;

/** The one buffer a front's sockets read into: as much as a socket's read takes at once. */
const READ_BUFFER_BYTES = 64 * 1024;

/** How long a socket the server ended may take to write what it holds before it is dropped. */
const END_GRACE_MS = 5_000;

/** Connections a front of this open-file limit may hold. */
export function frontCapacity(limit: number | null): number {
  return limit === null ? 1_000_000 : Math.max(1, limit - FRONT_RESERVED_DESCRIPTORS);
}

/** How often a front tells the server its figures (for /metrics). */
const STATS_EVERY_MS = 5_000;

/** ready: its capacity; handoff-failed: a connection id; stats: its RSS and the bytes waiting on its links. */
export type FrontMessage = ['ready', number] | ['handoff-failed', number] | ['stats', number, number];

export function runFront(linkCount: number): void {
  const send = process.send?.bind(process);
  if (!send) throw new Error('a front process is started by the server, with an IPC channel');
  if (!Number.isInteger(linkCount) || linkCount < 1) throw new Error(`a front needs at least one link, got ${linkCount}`);
  const links = Array.from({ length: linkCount }, (_, i) => new net.Socket({ fd: 4 + i, readable: true, writable: true }));
  const writers = links.map((link) => new FrameWriter(link, LINK_FLUSH_MS));
  const braked = links.map(() => false);
  // The sockets each link's brake stopped, to start again when it lets go.
  const stopped = links.map(() => new Set<net.Socket>());
  const sockets = new Map<number, net.Socket>();
  const full = new Set<number>();
  // The server may end a connection before its handle has come over the IPC channel.
  const endedEarly = new Set<number>();
  const linkOf = (id: number) => id % linkCount;
  // Every socket reads into this one buffer, and each read is framed (copied) at once.
  const readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);

  const onFrame = (kind: FrameKind, id: number, payload: Buffer) => {
    const socket = sockets.get(id);
    if (!socket) {
      if (kind === FrameKind.Close) endedEarly.add(id);
      return;
    }
    switch (kind) {
      case FrameKind.Data:
        socket.write(payload);
        if (socket.writableLength > HIGH_WATER_MARK && !full.has(id)) {
          full.add(id);
          writers[linkOf(id)].frame(FrameKind.Full, id);
        }
        break;
      case FrameKind.Close:
        end(id, socket);
        break;
      case FrameKind.Pause:
        (socket as PausableSocket).serverPaused = true;
        socket.pause();
        break;
      case FrameKind.Resume:
        (socket as PausableSocket).serverPaused = false;
        if (braked[linkOf(id)]) stopped[linkOf(id)].add(socket);
        else socket.resume();
        break;
    }
  };

  const end = (id: number, socket: net.Socket) => {
    sockets.delete(id);
    full.delete(id);
    socket.end();
    setTimeout(() => socket.destroy(), END_GRACE_MS).unref();
  };

  const queued = (k: number) => links[k].writableLength + writers[k].pendingBytes;
  // Whether a timer will let more of a link's stopped sockets go.
  const releasing = links.map(() => false);
  // Lets go of a link's brake: the sockets it stopped read again (unless the server paused them),
  // a batch at a time, oldest first, while the link has room.
  const release = (k: number) => {
    braked[k] = false;
    let count = 0;
    for (const socket of stopped[k]) {
      if (count++ === RELEASE_BATCH) break;
      stopped[k].delete(socket);
      if (!(socket as PausableSocket).serverPaused && !socket.destroyed) socket.resume();
    }
    if (stopped[k].size > 0 && !releasing[k]) {
      releasing[k] = true;
      setTimeout(releaseMore, LINK_FLUSH_MS, k);
    }
  };
  // The rest follow while the link holds less than half its mark; once it is braked again, its
  // next drain lets them go.
  const releaseMore = (k: number) => {
    releasing[k] = false;
    if (braked[k] || stopped[k].size === 0) return;
    if (queued(k) < LINK_HIGH_WATER_MARK / 2) release(k);
    else {
      releasing[k] = true;
      setTimeout(releaseMore, LINK_FLUSH_MS, k);
    }
  };

  const adopt = (id: number, socket: net.Socket) => {
    if (endedEarly.delete(id)) {
      socket.destroy();
      return;
    }
    const k = linkOf(id);
    const writer = writers[k];
    // A braked link stops each of its sockets as it reads (what it read is sent), not all at once:
    // at 20,000 gateways the brake went on and off several times a second, and stopping and
    // starting thousands of idle sockets each time took ~18,000 system calls a second per front.
    socket = readingInto(socket, readBuffer, (bytes, buffer) => {
      writer.frame(FrameKind.Data, id, buffer, bytes);
      if (!braked[k] && queued(k) > LINK_HIGH_WATER_MARK) braked[k] = true;
      if (!braked[k]) return true;
      stopped[k].add(socket);
      return false;
    });
    sockets.set(id, socket);
    socket.setNoDelay(true);
    socket.on('drain', () => {
      if (full.delete(id) && sockets.get(id) === socket) writer.frame(FrameKind.Drained, id);
    });
    // 'close' follows every error; the server hears of the close once.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      stopped[k].delete(socket);
      if (sockets.get(id) !== socket) return;
      sockets.delete(id);
      full.delete(id);
      writer.frame(FrameKind.Close, id);
    });
  };

  process.on('message', (message: unknown, handle: unknown) => {
    if (!Array.isArray(message) || message[0] !== 'connection' || typeof message[1] !== 'number') return;
    if (handle instanceof net.Socket) adopt(message[1], handle);
    else send(['handoff-failed', message[1]] satisfies FrontMessage);
  });

  const stop = () => {
    for (const writer of writers) writer.close();
    for (const socket of sockets.values()) socket.destroy();
    sockets.clear();
    process.exit(0);
  };
  links.forEach((link, k) => {
    const reader = new FrameReader(onFrame);
    link.on('data', (chunk: Buffer) => {
      try {
        reader.push(chunk);
      } catch (error) {
        process.stderr.write(`${(error as Error).message}\n`);
        stop();
      }
    });
    link.on('drain', () => {
      if (braked[k]) release(k);
    });
    link.on('error', () => undefined);
    link.on('close', stop);
  });
  process.on('disconnect', stop);
  // Ctrl-C reaches the whole process group: the server ends its connections in order, then the links.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => undefined);

  send(['ready', frontCapacity(openFileLimit())] satisfies FrontMessage);
  setInterval(() => {
    let bytes = 0;
    for (let k = 0; k < linkCount; k++) bytes += queued(k);
    send(['stats', process.memoryUsage.rss(), bytes] satisfies FrontMessage);
  }, STATS_EVERY_MS).unref();
}

/**
 * The socket that came over the IPC channel, made to read into `buffer` (`net.Socket`'s `onread`;
 * `onRead` returning false stops it, until `resume()`):
 * without it, every read allocates 64 KiB and leaves a buffer behind for the collector, ten
 * thousand times a second in a busy front.
 *
 * `onread` is an option of the constructor only, and the IPC channel builds the socket itself, so
 * its handle moves to a new socket: the wrapper started reading, and is stopped first. This uses
 * Node's `_handle` and `handle` option, which Node's own child_process and cluster modules use;
 * the tests of the fronts run through it.
 */
function readingInto(received: net.Socket, buffer: Buffer, onRead: (bytes: number, buffer: Buffer) => boolean): net.Socket {
  const carrier = received as net.Socket & { _handle: { readStop(): number; reading?: boolean } | null };
  const handle = carrier._handle;
  if (!handle) throw new Error('a handed-over socket has no handle');
  handle.readStop();
  handle.reading = false;
  carrier._handle = null;
  const socket = new net.Socket({
    handle,
    readable: true,
    writable: true,
    onread: {
      buffer,
      callback: (bytes: number, into: Uint8Array) => onRead(bytes, into as Buffer),
    },
  } as net.SocketConstructorOpts);
  // Node counts the sockets a server handed over by the received socket's 'close' (for the
  // server's 'close' event and getConnections()). What listens for it listens to this one's now,
  // and the received socket, with its two stream states, is let go: kept for its 'close', it was
  // about 1 KB a connection (a heap snapshot of a front at 20,000 gateways, docs/BENCHMARKS.md item 43).
  const onClose = received.listeners('close') as ((hadError: boolean) => void)[];
  if (onClose.length > 0) socket.once('close', () => onClose.forEach((listener) => listener.call(socket, false)));
  return socket;
}

type PausableSocket = net.Socket & { serverPaused?: boolean };

if (require.main === module) runFront(Number(process.argv[2]));

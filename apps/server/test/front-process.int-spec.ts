import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { FrameKind, FrameReader } from '../src/broker/front-link';
import type { FrontMessage } from '../src/broker/front-process';
import { waitFor } from './harness';

jest.setTimeout(120_000);

const serverDir = path.resolve(__dirname, '..');
const repoRoot = path.resolve(serverDir, '../..');
const entry = path.join(serverDir, 'dist/broker/front-process.js');

const MB = 1024 * 1024;
const SOCKETS = 20;
const BYTES_EACH = 2 * MB;
/** Sockets stopped by the brake at once, against the 256 a front lets go at a time. */
const GATEWAYS = 1_200;
/** What each gateway sends before it is stopped, and then while it is: about a QoS 1 window of reports. */
const FIRST = 100;
const LATER = 12 * 1024;
/** What puts the link past its 4 MB mark. */
const FILL_BYTES = 5 * MB;

/** What connection `id` sends: a pattern of its own, so bytes out of order or from another connection show. */
function streamOf(id: number, length = BYTES_EACH): Buffer {
  const buf = Buffer.allocUnsafe(length);
  for (let i = 0; i < buf.length; i++) buf[i] = (i * 7 + id * 31 + (i >> 12)) & 0xff;
  return buf;
}

interface RunningFront {
  front: ChildProcess;
  server: net.Server;
  /** The front's link (its fourth descriptor), not read until a test reads it. */
  link: net.Socket;
  /** What the front said waits on its link, every 5 s. */
  stats: { at: number; queued: number }[];
  /** Connects `count` sockets and waits until the front holds them, ids from 0 in order. */
  connect(count: number): Promise<net.Socket[]>;
  stop(): Promise<void>;
}

/**
 * One front process driven as the server drives it (broker/fronts.ts): its IPC channel hands it
 * sockets, one link carries their bytes as frames. Here the link is not read for a while, as when
 * the server falls behind.
 */
async function startFront(): Promise<RunningFront> {
  const front = fork(entry, ['1'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc', 'pipe'], serialization: 'json' });
  const stats: RunningFront['stats'] = [];
  const ready = new Promise<void>((resolve) =>
    front.on('message', (message: FrontMessage) => {
      if (message[0] === 'ready') resolve();
      if (message[0] === 'stats') stats.push({ at: Date.now(), queued: message[2] });
    }),
  );
  await ready;
  const server = net.createServer({ pauseOnConnect: true });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const link = front.stdio[4] as net.Socket;
  link.pause();
  let handed = 0;
  server.on('connection', (socket) => front.send(['connection', handed++], socket));
  const clients: net.Socket[] = [];
  return {
    front,
    server,
    link,
    stats,
    async connect(count) {
      const { port } = server.address() as net.AddressInfo;
      const made: net.Socket[] = [];
      for (let i = 0; i < count; i++) {
        const client = net.connect(port, '127.0.0.1');
        await new Promise((resolve) => client.once('connect', resolve));
        made.push(client);
      }
      clients.push(...made);
      await waitFor(() => handed, (n) => n === clients.length, 10_000);
      return made;
    },
    async stop() {
      for (const client of clients) client.destroy();
      server.close();
      if (front.exitCode === null) {
        front.kill('SIGKILL');
        await new Promise((resolve) => front.once('exit', resolve));
      }
    },
  };
}

/** Frames read from a front's link, counted and kept by connection. */
function linkReader(connections: number) {
  const received = Array.from({ length: connections }, () => [] as Buffer[]);
  const counts = new Array<number>(connections).fill(0);
  const closed = new Set<number>();
  const reader = new FrameReader((kind, id, payload) => {
    if (kind === FrameKind.Close) closed.add(id);
    else {
      received[id].push(Buffer.from(payload));
      counts[id] += payload.length;
    }
  });
  return { received, counts, closed, push: (chunk: Buffer) => reader.push(chunk) };
}

beforeAll(() => {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', serverDir], { cwd: repoRoot, stdio: 'inherit' });
});

describe('a front process whose server stops reading', () => {
  // A front of its own for each case.
  let running: RunningFront;

  beforeEach(async () => {
    running = await startFront();
  });

  afterEach(() => running?.stop());

  it('stops reading its sockets while the link is backed up, then relays every byte in order and every close', async () => {
    const { link, stats, server } = running;
    const clients = await running.connect(SOCKETS);
    const floodAt = Date.now();
    clients.forEach((client, id) => client.write(streamOf(id)));

    // The front says what waits on its link every 5 s. Without its brake it would read all 40 MB
    // into that queue; with it, at most its 4 MB mark and one more read of each socket (64 KiB).
    const settled = await waitFor(() => stats.filter((s) => s.at > floodAt + 3_000), (later) => later.length >= 2, 20_000);
    for (const s of settled) expect(s.queued).toBeLessThan(8 * 1024 * 1024);
    expect(Math.max(...settled.map((s) => s.queued))).toBeGreaterThan(1024 * 1024);
    // (What it did not take waits in the sockets' kernel buffers, which on loopback hold it all.)

    // The server reads again: the brake lets go, and every socket's bytes arrive, in order.
    const { received, counts, closed: closedThere, push } = linkReader(SOCKETS);
    link.on('data', push);
    link.resume();
    await waitFor(() => counts, (c) => c.every((n) => n === BYTES_EACH), 60_000);
    received.forEach((chunks, id) => expect(Buffer.concat(chunks).equals(streamOf(id))).toBe(true));

    // The sockets close at the gateways' end: the front tells the server each one, and Node's own
    // count of the connections a server handed over (getConnections) follows them down to none.
    const connections = () => new Promise<number>((resolve, reject) => server.getConnections((error, n) => (error ? reject(error) : resolve(n))));
    expect(closedThere.size).toBe(0);
    expect(await connections()).toBe(SOCKETS);
    for (const client of clients) client.destroy();
    await waitFor(() => closedThere.size, (n) => n === SOCKETS, 10_000);
    await waitFor(connections, (n) => n === 0, 10_000);
  });

  it('lets many stopped sockets read again a batch at a time, and every one of them in the end', async () => {
    const { link, stats } = running;
    const queuedAfter = (at: number, count: number) =>
      waitFor(() => stats.filter((s) => s.at > at), (later) => later.length >= count, 20_000).then((later) => later.map((s) => s.queued));
    const [filler] = await running.connect(1);
    const gateways = await running.connect(GATEWAYS);
    const sent = gateways.map((_, i) => streamOf(i + 1, FIRST + LATER));
    const fill = streamOf(0, FILL_BYTES);

    // The link goes past its mark, and the brake goes on.
    let at = Date.now();
    filler.write(fill);
    expect(Math.max(...(await queuedAfter(at, 1)))).toBeGreaterThan(4 * MB);
    // Every gateway sends a little: each is read once more, and stopped.
    at = Date.now();
    gateways.forEach((gateway, i) => gateway.write(sent[i].subarray(0, FIRST)));
    expect(Math.max(...(await queuedAfter(at, 1)))).toBeGreaterThanOrEqual(4 * MB + GATEWAYS * (FIRST + 9));
    // Stopped, they go on sending, into their sockets' buffers.
    gateways.forEach((gateway, i) => gateway.write(sent[i].subarray(FIRST)));
    await waitFor(() => gateways.every((gateway) => gateway.writableLength === 0), Boolean, 10_000);

    // The server reads all that was queued, so the link drains and the brake lets go; then it
    // stops reading again.
    const { received, counts, push } = linkReader(GATEWAYS + 1);
    let caughtUp = false;
    link.on('data', (chunk: Buffer) => {
      push(chunk);
      if (!caughtUp && counts.every((n, id) => id === 0 || n >= FIRST)) {
        caughtUp = true;
        link.pause();
      }
    });
    link.resume();
    await waitFor(() => caughtUp, Boolean, 20_000);
    // Let go all at once, the gateways would read their 14 MB at once into the front's queue; a
    // batch of them reads its part, and the rest wait while the link is backed up.
    at = Date.now();
    const held = await queuedAfter(at, 2);
    expect(Math.max(...held)).toBeLessThan(8 * MB);
    expect(Math.min(...held)).toBeGreaterThan(1 * MB);

    // The server reads again: every stopped socket is let go in the end, its bytes whole and in order.
    link.resume();
    await waitFor(() => counts, (c) => c.every((n, id) => n === (id === 0 ? FILL_BYTES : FIRST + LATER)), 30_000);
    received.forEach((chunks, id) => expect(Buffer.concat(chunks).equals(id === 0 ? fill : sent[id - 1])).toBe(true));
  });
});

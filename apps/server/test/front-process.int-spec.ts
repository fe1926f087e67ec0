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

const SOCKETS = 20;
const BYTES_EACH = 2 * 1024 * 1024;

/** What connection `id` sends: a pattern of its own, so bytes out of order or from another connection show. */
function streamOf(id: number): Buffer {
  const buf = Buffer.allocUnsafe(BYTES_EACH);
  for (let i = 0; i < buf.length; i++) buf[i] = (i * 7 + id * 31 + (i >> 12)) & 0xff;
  return buf;
}

/**
 * One front process driven as the server drives it (broker/fronts.ts): its IPC channel hands it
 * sockets, one link carries their bytes as frames. Here the link is not read for a while, as when
 * the server falls behind.
 */
describe('a front process whose server stops reading', () => {
  let front: ChildProcess;
  let server: net.Server;
  const clients: net.Socket[] = [];
  const stats: { at: number; queued: number }[] = [];

  beforeAll(async () => {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', serverDir], { cwd: repoRoot, stdio: 'inherit' });
    front = fork(entry, ['1'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc', 'pipe'], serialization: 'json' });
    const ready = new Promise<void>((resolve) =>
      front.on('message', (message: FrontMessage) => {
        if (message[0] === 'ready') resolve();
        if (message[0] === 'stats') stats.push({ at: Date.now(), queued: message[2] });
      }),
    );
    await ready;
    server = net.createServer({ pauseOnConnect: true });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    for (const client of clients) client.destroy();
    server?.close();
    if (front && front.exitCode === null) {
      front.kill('SIGKILL');
      await new Promise((resolve) => front.once('exit', resolve));
    }
  });

  it('stops reading its sockets while the link is backed up, then relays every byte in order and every close', async () => {
    const link = front.stdio[4] as net.Socket;
    link.pause();
    const { port } = server.address() as net.AddressInfo;

    let nextId = 0;
    server.on('connection', (socket) => front.send(['connection', nextId++], socket));
    for (let i = 0; i < SOCKETS; i++) {
      const client = net.connect(port, '127.0.0.1');
      await new Promise((resolve) => client.once('connect', resolve));
      clients.push(client);
    }
    await waitFor(() => nextId, (n) => n === SOCKETS, 5_000);
    const floodAt = Date.now();
    clients.forEach((client, id) => client.write(streamOf(id)));

    // The front says what waits on its link every 5 s. Without its brake it would read all 40 MB
    // into that queue; with it, at most its 4 MB mark and one more read of each socket (64 KiB).
    const settled = await waitFor(() => stats.filter((s) => s.at > floodAt + 3_000), (later) => later.length >= 2, 20_000);
    for (const s of settled) expect(s.queued).toBeLessThan(8 * 1024 * 1024);
    expect(Math.max(...settled.map((s) => s.queued))).toBeGreaterThan(1024 * 1024);
    // (What it did not take waits in the sockets' kernel buffers, which on loopback hold it all.)

    // The server reads again: the brake lets go, and every socket's bytes arrive, in order.
    const received = Array.from({ length: SOCKETS }, () => [] as Buffer[]);
    const counts = new Array<number>(SOCKETS).fill(0);
    const closedThere = new Set<number>();
    const reader = new FrameReader((kind, id, payload) => {
      if (kind === FrameKind.Close) closedThere.add(id);
      else {
        received[id].push(Buffer.from(payload));
        counts[id] += payload.length;
      }
    });
    link.on('data', (chunk: Buffer) => reader.push(chunk));
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
});

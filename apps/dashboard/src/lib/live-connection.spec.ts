/** @jest-environment node */
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import type { ServerEvent } from '@clusterpulse/contracts';
import { backoffDelay, LiveConnection, parseServerEvent, type ConnectionStatus, type WebSocketLike } from './live-connection';

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

function listen(port = 0): Promise<WebSocketServer> {
  return new Promise((resolve, reject) => {
    const server = new WebSocketServer({ host: '127.0.0.1', port });
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}

async function shutDown(server: WebSocketServer): Promise<void> {
  for (const client of server.clients) client.terminate();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

const hello: ServerEvent = { event: 'hello', data: { cluster: 'huizhou-kids', serverTime: 1_577_836_800_000, pushIntervalMs: 250 } };

describe('backoffDelay', () => {
  it.each([
    [0, 0, 250],
    [0, 1, 500],
    [3, 0, 2000],
    [3, 1, 4000],
    [10, 1, 10_000],
  ])('after %i failed attempts with jitter %d waits %i ms', (attempt, jitter, expected) => {
    expect(backoffDelay(attempt, 500, 10_000, () => jitter)).toBe(expected);
  });
});

describe('parseServerEvent', () => {
  it('accepts a known event frame', () => {
    expect(parseServerEvent(JSON.stringify(hello))).toEqual(hello);
  });

  it.each([['not json'], ['[]'], ['{"event":"nope","data":{}}'], ['{"event":"kpis"}'], ['{"event":"kpis","data":3}']])('ignores %s', (raw) => {
    expect(parseServerEvent(raw)).toBeNull();
  });
});

describe('LiveConnection', () => {
  let server: WebSocketServer | undefined;
  let connection: LiveConnection | undefined;

  afterEach(async () => {
    connection?.stop();
    if (server) await shutDown(server);
    server = undefined;
  });

  it('goes live, delivers events, and recovers by itself after the server restarts', async () => {
    server = await listen();
    const port = (server.address() as AddressInfo).port;
    const statuses: ConnectionStatus[] = [];
    const opens: boolean[] = [];
    const events: ServerEvent[] = [];
    connection = new LiveConnection({
      url: `ws://127.0.0.1:${port}/ws`,
      createSocket: (url) => new WebSocket(url) as unknown as WebSocketLike,
      onEvent: (event) => events.push(event),
      onStatus: (status) => statuses.push(status),
      onOpen: (reconnected) => opens.push(reconnected),
      initialDelayMs: 20,
      maxDelayMs: 100,
    });
    server.on('connection', (socket) => {
      socket.send('{"event":"unknown","data":{}}');
      socket.send(JSON.stringify(hello));
    });

    connection.start();
    expect(connection.status).toBe('connecting');
    await waitFor(() => events.length === 1, 'the hello event');
    expect(connection.status).toBe('live');
    expect(opens).toEqual([false]);
    expect(events).toEqual([hello]);

    await shutDown(server);
    server = undefined;
    await waitFor(() => connection!.status === 'reconnecting', 'the reconnecting state');

    server = await listen(port);
    server.on('connection', (socket) => socket.send(JSON.stringify(hello)));
    await waitFor(() => connection!.status === 'live', 'the connection to come back');
    expect(opens).toEqual([false, true]);
    await waitFor(() => events.length === 2, 'the second hello');
    expect(statuses[0]).toBe('connecting');
    expect(statuses).toContain('reconnecting');
  });

  it('keeps trying while no server listens, and goes live once one does', async () => {
    const probe = await listen();
    const port = (probe.address() as AddressInfo).port;
    await shutDown(probe);
    const statuses: ConnectionStatus[] = [];
    connection = new LiveConnection({
      url: `ws://127.0.0.1:${port}/ws`,
      createSocket: (url) => new WebSocket(url) as unknown as WebSocketLike,
      onEvent: () => undefined,
      onStatus: (status) => statuses.push(status),
      initialDelayMs: 20,
      maxDelayMs: 50,
    });
    connection.start();
    await waitFor(() => statuses.length >= 6, 'several failed attempts');
    expect(connection.status).toBe('connecting');
    server = await listen(port);
    await waitFor(() => connection!.status === 'live', 'the connection');
  });

  it('stops reconnecting once stopped', async () => {
    server = await listen();
    const port = (server.address() as AddressInfo).port;
    let opens = 0;
    connection = new LiveConnection({
      url: `ws://127.0.0.1:${port}/ws`,
      createSocket: (url) => new WebSocket(url) as unknown as WebSocketLike,
      onEvent: () => undefined,
      onOpen: () => opens++,
      initialDelayMs: 10,
      maxDelayMs: 10,
    });
    connection.start();
    await waitFor(() => opens === 1, 'the first open');
    connection.stop();
    await waitFor(() => server!.clients.size === 0, 'the client to leave');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.clients.size).toBe(0);
    expect(opens).toBe(1);
  });
});

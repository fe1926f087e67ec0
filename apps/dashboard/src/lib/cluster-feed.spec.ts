/** @jest-environment node */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { ApiRoutes, WS_PATH, type Alarm, type ServerEvent } from '@clusterpulse/contracts';
import { alarmFixture, historyFixture, kpisFixture, parkAlarmFixture } from '../test/fixtures';
import { ApiClient } from './api-client';
import { ClusterFeed } from './cluster-feed';
import type { WebSocketLike } from './live-connection';

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** A stand-in for the server's HTTP side: the same routes and frames, served from fixtures. */
class FixtureServer {
  readonly requests: string[] = [];
  kpis = kpisFixture();
  history = historyFixture(10);
  alarms: Alarm[] = [];
  /** Alarms a park alarm took over since the page listed them: acknowledging one answers 409. */
  merged: string[] = [];
  private http: Server | null = null;
  private ws: WebSocketServer | null = null;

  async listen(port = 0): Promise<number> {
    this.http = createServer((req, res) => {
      this.requests.push(req.url ?? '');
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const merged = this.merged.find((id) => req.method === 'POST' && req.url === ApiRoutes.alarmAck(id));
      if (merged) return reply(409, { statusCode: 409, error: 'Conflict', message: `alarm ${merged} was merged into park alarm p1` });
      const acked = this.alarms.find((a) => req.method === 'POST' && req.url === ApiRoutes.alarmAck(a.id));
      if (acked) {
        if (req.headers.authorization !== 'Bearer op-token') return reply(403, { statusCode: 403, error: 'Forbidden', message: 'wrong trainer token' });
        acked.acknowledgedAt ??= 1234;
        return reply(200, { alarm: acked });
      }
      const body =
        req.url === ApiRoutes.kpis ? this.kpis : req.url === ApiRoutes.dailyHistory ? { cluster: this.kpis.cluster, days: this.history } : req.url === ApiRoutes.alarms ? { alarms: this.alarms } : null;
      reply(body ? 200 : 404, body ?? { statusCode: 404, error: 'Not Found', message: 'no such route' });
    });
    this.ws = new WebSocketServer({ server: this.http, path: WS_PATH });
    await new Promise<void>((resolve) => this.http!.listen(port, '127.0.0.1', resolve));
    return (this.http.address() as AddressInfo).port;
  }

  push(event: ServerEvent): void {
    for (const client of this.ws!.clients) client.send(JSON.stringify(event));
  }

  get clients(): number {
    return this.ws?.clients.size ?? 0;
  }

  async close(): Promise<void> {
    for (const client of this.ws?.clients ?? []) client.terminate();
    await new Promise<void>((resolve) => this.ws?.close(() => resolve()) ?? resolve());
    await new Promise<void>((resolve) => this.http?.close(() => resolve()) ?? resolve());
    this.http = null;
    this.ws = null;
  }
}

describe('ClusterFeed', () => {
  let server: FixtureServer;
  let feed: ClusterFeed | undefined;

  beforeEach(() => {
    server = new FixtureServer();
  });

  afterEach(async () => {
    feed?.stop();
    await server.close();
  });

  function startFeed(port: number, token = 'op-token', maxAlarms?: number): ClusterFeed {
    const created = new ClusterFeed({
      maxAlarms,
      token: () => token,
      wsUrl: `ws://127.0.0.1:${port}${WS_PATH}`,
      api: new ApiClient(`http://127.0.0.1:${port}`),
      createSocket: (url) => new WebSocket(url) as unknown as WebSocketLike,
      historyRefreshMs: 20,
      initialDelayMs: 20,
      maxDelayMs: 100,
    });
    created.start();
    return created;
  }

  it('loads current figures and history over REST once connected, then follows pushed snapshots', async () => {
    const port = await server.listen();
    feed = startFeed(port);
    await waitFor(() => feed!.getState().history.length === 10 && feed!.getState().kpis !== null, 'the REST load');
    expect(feed.getState().status).toBe('live');
    expect(feed.getState().kpis!.sales.yearToDateFen).toBe(server.kpis.sales.yearToDateFen);

    const later = kpisFixture({ asOf: server.kpis.asOf! + 60_000 });
    later.sales = { ...later.sales, yearToDateFen: later.sales.yearToDateFen + 123 };
    server.push({ event: 'kpis', data: later });
    await waitFor(() => feed!.getState().kpis!.sales.yearToDateFen === later.sales.yearToDateFen, 'the pushed snapshot');
  });

  it('re-reads history when the simulated day moves on', async () => {
    const port = await server.listen();
    feed = startFeed(port);
    await waitFor(() => feed!.getState().history.length === 10, 'the first history');
    server.history = historyFixture(11);
    server.push({ event: 'kpis', data: kpisFixture({ simDate: '2020-01-11' }) });
    await waitFor(() => feed!.getState().history.length === 11, 'the longer history');
    expect(feed.getState().history.at(-1)!.day).toBe('2020-01-11');
  });

  it('keeps each alarm once, the most recently changed on top with its latest count', async () => {
    const port = await server.listen();
    feed = startFeed(port);
    await waitFor(() => server.clients === 1 && feed!.getState().status === 'live', 'the socket');
    server.push({ event: 'alarm', data: alarmFixture({ id: 'a1' }) });
    server.push({ event: 'alarm', data: alarmFixture({ id: 'a2', kind: 'offline' }) });
    server.push({ event: 'alarm', data: alarmFixture({ id: 'a1', count: 2 }) });
    await waitFor(() => feed!.getState().alarms[0]?.count === 2, 'the repeat');
    expect(feed.getState().alarms.map((a) => [a.id, a.count])).toEqual([
      ['a1', 2],
      ['a2', 1],
    ]);
  });

  it('puts a park alarm in the place of the alarms it replaces', async () => {
    server.alarms = [alarmFixture({ id: 'a1-2' }), alarmFixture({ id: 'other', park: undefined }), alarmFixture({ id: 'a1-1' })];
    const port = await server.listen();
    feed = startFeed(port);
    await waitFor(() => feed!.getState().alarms.length === 3 && server.clients === 1 && feed!.getState().status === 'live', 'the kept alarms');
    server.push({ event: 'alarm', data: parkAlarmFixture({ replaces: ['a1-1', 'a1-2'] }) });
    await waitFor(() => feed!.getState().alarms.length === 2, 'the park alarm');
    expect(feed.getState().alarms.map((a) => [a.id, a.scope])).toEqual([
      [parkAlarmFixture().id, 'park'],
      ['other', 'condition'],
    ]);
  });

  it('holds no more alarms than the server keeps, however many arrive', async () => {
    const port = await server.listen();
    feed = startFeed(port, 'op-token', 20);
    await waitFor(() => server.clients === 1 && feed!.getState().status === 'live', 'the socket');
    for (let i = 0; i < 50; i++) server.push({ event: 'alarm', data: alarmFixture({ id: `f${i}` }) });
    await waitFor(() => feed!.getState().alarms[0]?.id === 'f49', 'the newest');
    expect(feed.getState().alarms).toHaveLength(20);
    expect(feed.getState().alarms.at(-1)!.id).toBe('f30');
  });

  it('acknowledges on the server with the operator token', async () => {
    server.alarms = [alarmFixture({ id: 'a7' })];
    const port = await server.listen();
    feed = startFeed(port);
    await waitFor(() => feed!.getState().alarms.length === 1, 'the kept alarm');
    expect(feed.getState().alarms[0].acknowledged).toBe(false);
    await feed.acknowledge('a7');
    expect(server.requests).toContain(ApiRoutes.alarmAck('a7'));
    expect(feed.getState().alarms[0]).toMatchObject({ acknowledged: true, acknowledgedAt: 1234 });
    expect(feed.getState().ackError).toBeNull();
  });

  it('acknowledges all, passing over one a park alarm took over meanwhile', async () => {
    server.alarms = [alarmFixture({ id: 'c3' }), alarmFixture({ id: 'c2' }), alarmFixture({ id: 'c1' })];
    const port = await server.listen();
    feed = startFeed(port);
    await waitFor(() => feed!.getState().alarms.length === 3, 'the kept alarms');
    server.merged = ['c2'];
    await feed.acknowledgeAll();
    expect(server.requests.filter((url) => url.endsWith('/ack'))).toEqual(['c3', 'c2', 'c1'].map((id) => ApiRoutes.alarmAck(id)));
    expect(feed.getState().alarms.map((a) => [a.id, a.acknowledged])).toEqual([
      ['c3', true],
      ['c2', false],
      ['c1', true],
    ]);
    expect(feed.getState().ackError).toBeNull();

    // Acknowledged on its own, the merged one says why it was not.
    await feed.acknowledge('c2');
    expect(feed.getState().ackError).toBe('409 alarm c2 was merged into park alarm p1');
  });

  it('says why when the token is missing or refused, and keeps the alarm open', async () => {
    server.alarms = [alarmFixture({ id: 'a8' })];
    const port = await server.listen();
    feed = startFeed(port, '');
    await waitFor(() => feed!.getState().alarms.length === 1, 'the kept alarm');
    await feed.acknowledge('a8');
    expect(feed.getState().ackError).toBe('token');
    expect(server.requests).not.toContain(ApiRoutes.alarmAck('a8'));
    feed.stop();
    feed = startFeed(port, 'wrong');
    await waitFor(() => feed!.getState().alarms.length === 1, 'the kept alarm again');
    await feed.acknowledge('a8');
    expect(feed.getState().ackError).toBe('403 wrong trainer token');
    expect(feed.getState().alarms[0].acknowledged).toBe(false);
  });

  it('loads kept alarms with their acknowledgement, and marks one acknowledged on another screen', async () => {
    server.alarms = [alarmFixture({ id: 'b2' }), alarmFixture({ id: 'b1', acknowledgedAt: 99 })];
    const port = await server.listen();
    feed = startFeed(port);
    await waitFor(() => feed!.getState().alarms.length === 2, 'the kept alarms');
    expect(feed.getState().alarms.map((a) => [a.id, a.acknowledged])).toEqual([
      ['b2', false],
      ['b1', true],
    ]);
    server.push({ event: 'alarm-ack', data: { id: 'b2', acknowledgedAt: 100 } });
    await waitFor(() => feed!.getState().alarms[0].acknowledged, 'the pushed acknowledgement');
  });

  it('drops the old run’s history at once when a snapshot names a new run', async () => {
    server.kpis = kpisFixture({ run: 'run-1' });
    const port = await server.listen();
    feed = startFeed(port);
    await waitFor(() => feed!.getState().history.length === 10, 'the first history');
    server.history = [];
    server.push({ event: 'kpis', data: kpisFixture({ run: 'run-2', asOf: null, simDate: null }) });
    await waitFor(() => feed!.getState().kpis?.run === 'run-2', 'the new run');
    expect(feed.getState().history).toEqual([]);
  });

  it('reconnects after a server restart and reloads what it missed', async () => {
    const port = await server.listen();
    feed = startFeed(port);
    await waitFor(() => feed!.getState().history.length === 10, 'the first load');
    await server.close();
    await waitFor(() => feed!.getState().status === 'reconnecting', 'the reconnecting state');

    server = new FixtureServer();
    server.history = historyFixture(30);
    server.kpis = kpisFixture({ asOf: Date.UTC(2020, 6, 1) });
    await server.listen(port);
    await waitFor(() => feed!.getState().status === 'live' && feed!.getState().history.length === 30, 'the reload after the restart');
    expect(server.requests).toEqual(expect.arrayContaining([ApiRoutes.kpis, ApiRoutes.dailyHistory]));
    expect(feed.getState().kpis!.asOf).toBe(Date.UTC(2020, 6, 1));
  });
});

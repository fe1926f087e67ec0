import * as net from 'node:net';
import { ApiRoutes, gatewayClientId, gatewayTopic, type ClusterKpisResponse, type IngestStats } from '@clusterpulse/contracts';
import type { Aedes } from 'aedes';
import type { MqttClient } from 'mqtt';
import type { RunningServer } from '../src/bootstrap';
import { BrokerService } from '../src/broker/broker.service';
import { MAX_HELD_PUBACKS, type PubackDelay } from '../src/broker/report-lane';
import { IngestService } from '../src/ingest/ingest.service';
import { FlushService } from '../src/persistence/flush.service';
import { CLUSTER, birth, closeClient, connect, connectGateway, freshDatabase, getJson, report, reportTopic, startServer, waitFor } from './harness';

// The report lane (src/broker/report-lane.ts) must be invisible: the same figures, the same
// acknowledgements and the same deliveries as Aedes' own path, whoever subscribes.
jest.setTimeout(30_000);

const ALL_REPORTS = `cp/v1/${CLUSTER}/+/+/report`;
const fenOf = (seqs: number[]) => seqs.map((seq) => report(seq).value.sales.reduce((sum, line) => sum + line.amountFen, 0)).reduce((a, b) => a + b, 0);

/** Reports of this gateway that went through Aedes' publish path (the lane emits no 'publish' event). */
function countAedesReports(server: RunningServer, topic: string): { count: number; stop(): void } {
  const aedes = server.app.get(BrokerService).aedes as Aedes;
  const counter = { count: 0, stop: () => aedes.off('publish', listener) };
  const listener = (packet: { topic: string }) => {
    if (packet.topic === topic) counter.count++;
  };
  aedes.on('publish', listener);
  return counter;
}

// MQTT 3.1.1 packets written by hand, so that several land on the server in one TCP segment.
function remainingLength(length: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = length % 128;
    length = Math.floor(length / 128);
    if (length > 0) byte |= 0x80;
    bytes.push(byte);
  } while (length > 0);
  return bytes;
}
function utf8(text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  return Buffer.concat([Buffer.from([body.length >> 8, body.length & 0xff]), body]);
}
function connectPacket(clientId: string): Buffer {
  const body = Buffer.concat([utf8('MQTT'), Buffer.from([4, 0x02, 0, 60]), utf8(clientId)]);
  return Buffer.concat([Buffer.from([0x10, ...remainingLength(body.length)]), body]);
}
/** MQTT packets in a byte stream: type (the high nibble) and body. */
function packetsOf(bytes: Buffer): Array<{ type: number; body: Buffer }> {
  const packets: Array<{ type: number; body: Buffer }> = [];
  let at = 0;
  while (at < bytes.length) {
    const type = bytes[at] >> 4;
    let length = 0;
    let multiplier = 1;
    let i = at + 1;
    for (;;) {
      const byte = bytes[i++];
      length += (byte & 0x7f) * multiplier;
      multiplier *= 128;
      if ((byte & 0x80) === 0) break;
    }
    packets.push({ type, body: bytes.subarray(i, i + length) });
    at = i + length;
  }
  return packets;
}

function publishPacket(topic: string, payload: string | Buffer, messageId: number): Buffer {
  const body = Buffer.concat([utf8(topic), Buffer.from([messageId >> 8, messageId & 0xff]), typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload]);
  return Buffer.concat([Buffer.from([0x32, ...remainingLength(body.length)]), body]);
}

/**
 * A gateway on a raw socket to `server`, its birth acknowledged. What it reads after that:
 * `chunks`, one entry per read, and `received(n)`, the first n packets in them.
 */
async function connectRawGateway(server: RunningServer, enterprise: string) {
  const address = { cluster: CLUSTER, enterprise, gateway: 'gw1' };
  const socket = net.connect(server.mqttPort, '127.0.0.1');
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(connectPacket(gatewayClientId(address)));
  await waitFor(() => Buffer.concat(chunks).length, (n) => n >= 4); // CONNACK
  socket.write(publishPacket(gatewayTopic(address, 'birth'), birth(0), 1));
  await waitFor(() => Buffer.concat(chunks).length, (n) => n >= 8); // the birth's PUBACK
  chunks.length = 0;
  const received = async (count: number) => (await waitFor(() => packetsOf(Buffer.concat(chunks)), (p) => p.length >= count, 5_000)).slice(0, count);
  const aedes = server.app.get(BrokerService).aedes as unknown as {
    clients: Record<string, { _parser: { packet: Record<string, unknown>; _list: { append(chunk: Buffer): unknown } } }>;
  };
  return { socket, address, chunks, received, parser: aedes.clients[gatewayClientId(address)]._parser };
}

describe('report lane', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let server: RunningServer | undefined;
  const clients: MqttClient[] = [];
  const kpis = () => getJson<ClusterKpisResponse>(server!, ApiRoutes.kpis);
  const stats = () => getJson<IngestStats>(server!, ApiRoutes.ingestStats);

  beforeEach(async () => {
    db = await freshDatabase('sqlite');
    server = await startServer(db.url);
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) await closeClient(client);
    await server?.close();
    await db?.drop();
  });

  async function gatewayWithBirth(enterprise: string): Promise<{ gateway: MqttClient; topic: string }> {
    const address = { cluster: CLUSTER, enterprise, gateway: 'gw1' };
    const gateway = await connectGateway(server!.mqttPort, address);
    clients.push(gateway);
    await gateway.publishAsync(gatewayTopic(address, 'birth'), birth(0), { qos: 1 });
    return { gateway, topic: reportTopic(address) };
  }

  it('applies and acknowledges reports without Aedes publish path while nobody subscribes to reports', async () => {
    const { gateway, topic } = await gatewayWithBirth('lane-a');
    const aedesPath = countAedesReports(server!, topic);
    for (const seq of [1, 2, 3]) await gateway.publishAsync(topic, report(seq).payload, { qos: 1 }); // resolves on PUBACK
    const k = await waitFor(kpis, (v) => v.ingest.accepted === 3);
    expect(k.sales.yearToDateFen).toBe(fenOf([1, 2, 3]));
    expect(aedesPath.count).toBe(0);
    aedesPath.stop();
  });

  it('delivers reports to a subscriber while it is there, and counts them once', async () => {
    const { gateway, topic } = await gatewayWithBirth('lane-b');
    const watcher = await connect(server!.mqttPort, { clientId: 'watcher' });
    clients.push(watcher);
    const received: string[] = [];
    watcher.on('message', (t, payload) => received.push(`${t} ${payload.length}`));
    await watcher.subscribeAsync(ALL_REPORTS, { qos: 1 });
    const aedesPath = countAedesReports(server!, topic);

    await gateway.publishAsync(topic, report(1).payload, { qos: 1 });
    await gateway.publishAsync(topic, report(2).payload, { qos: 1 });
    await waitFor(() => received.length, (n) => n === 2);
    expect(aedesPath.count).toBe(2);

    await watcher.unsubscribeAsync(ALL_REPORTS);
    await gateway.publishAsync(topic, report(3).payload, { qos: 1 });
    const k = await waitFor(kpis, (v) => v.ingest.accepted === 3);
    expect(k.sales.yearToDateFen).toBe(fenOf([1, 2, 3]));
    expect(aedesPath.count).toBe(2); // the third took the lane again
    expect(received).toHaveLength(2);
    expect((await stats()).duplicates).toBe(0);
    aedesPath.stop();
  });

  it('keeps reports for an offline persistent session that subscribed to them', async () => {
    const { gateway, topic } = await gatewayWithBirth('lane-c');
    const first = await connect(server!.mqttPort, { clientId: 'archiver', clean: false });
    await first.subscribeAsync(`cp/v1/${CLUSTER}/#`, { qos: 1 });
    await first.endAsync(true);

    await gateway.publishAsync(topic, report(1).payload, { qos: 1 });
    await gateway.publishAsync(topic, report(2).payload, { qos: 1 });

    const again = await connect(server!.mqttPort, { clientId: 'archiver', clean: false });
    clients.push(again);
    const received: string[] = [];
    again.on('message', (t) => {
      if (t === topic) received.push(t);
    });
    await waitFor(() => received.length, (n) => n === 2);
  });

  it('keeps a connection order: a report right behind its birth in one TCP segment is applied after it', async () => {
    const address = { cluster: CLUSTER, enterprise: 'lane-d', gateway: 'gw1' };
    const socket = net.connect(server!.mqttPort, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (chunk) => received.push(chunk));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(connectPacket(gatewayClientId(address)));
    await waitFor(() => Buffer.concat(received).length, (n) => n >= 4); // CONNACK
    // An unprovisioned gateway is known only from its birth: a report applied first would be refused.
    socket.write(Buffer.concat([publishPacket(gatewayTopic(address, 'birth'), birth(0), 1), publishPacket(reportTopic(address), report(1).payload, 2)]));
    try {
      // CONNACK (4 bytes) and two PUBACKs (4 bytes each).
      await waitFor(() => Buffer.concat(received).length, (n) => n >= 12);
      const s = await waitFor(stats, (x) => x.accepted + x.rejected >= 1);
      expect(s.rejected).toBe(0);
      expect(s.accepted).toBe(1);
    } finally {
      socket.destroy();
    }
  });
});

describe('report lane: PUBACKs held back to share a write (MQTT_PUBACK_DELAY_MS)', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let server: RunningServer | undefined;
  let socket: net.Socket | undefined;
  /** What the gateway's socket read, one entry per read. */
  let chunks: Buffer[] = [];

  afterEach(async () => {
    socket?.destroy();
    await server?.close();
    await db?.drop();
  });

  /** A gateway on a raw socket, its birth acknowledged, to a fresh server holding PUBACKs for `delayMs`; what it reads goes to `chunks`. */
  /** `holdAbove`: MQTT_PUBACK_HOLD_ABOVE; 0 (the tests' few reports could never reach a threshold) unless given. */
  async function rawGateway(
    delayMs: number,
    enterprise: string,
    holdAbove = 0,
  ): Promise<{ address: { cluster: string; enterprise: string; gateway: string }; write(packet: Buffer): void }> {
    db = await freshDatabase('sqlite');
    server = await startServer(db.url, { MQTT_PUBACK_DELAY_MS: String(delayMs), MQTT_PUBACK_HOLD_ABOVE: String(holdAbove) });
    const gateway = await connectRawGateway(server, enterprise);
    socket = gateway.socket;
    chunks = gateway.chunks;
    return { address: gateway.address, write: (packet) => gateway.socket.write(packet) };
  }

  /** Packet identifiers of the PUBACKs in one read. */
  const pubackIds = (chunk: Buffer) => {
    const ids: number[] = [];
    for (let at = 0; at + 4 <= chunk.length; at += 4) {
      expect([chunk[at], chunk[at + 1]]).toEqual([0x40, 0x02]);
      ids.push(chunk.readUInt16BE(at + 2));
    }
    return ids;
  };
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('answers reports sent apart with one write of their PUBACKs, in order, and applies each at once', async () => {
    const { address, write } = await rawGateway(600, 'held-a');
    for (const seq of [1, 2, 3]) {
      write(publishPacket(reportTopic(address), report(seq).payload, 10 + seq));
      await pause(40);
    }
    // Applied before any PUBACK left: the delay holds the answer, never the report.
    const s = await getJson<IngestStats>(server!, ApiRoutes.ingestStats);
    expect(s.accepted).toBe(3);
    await waitFor(() => Buffer.concat(chunks).length, (n) => n >= 12);
    expect(chunks.map(pubackIds)).toEqual([[11, 12, 13]]);
  });

  // Each PUBACK is awaited well before a held one could leave (a quiet second at the least).
  it.each([
    ['with MQTT_PUBACK_DELAY_MS=0', 0, 0, 'held-0'],
    ['while the server takes fewer reports a second than MQTT_PUBACK_HOLD_ABOVE', 10_000, 1000, 'held-low'],
  ])('answers each report at once %s', async (_when, delayMs, holdAbove, enterprise) => {
    const { address, write } = await rawGateway(delayMs, enterprise, holdAbove);
    for (const seq of [1, 2, 3]) {
      write(publishPacket(reportTopic(address), report(seq).payload, 10 + seq));
      await waitFor(() => chunks.length, (n) => n === seq, 700);
    }
    expect(chunks.map(pubackIds)).toEqual([[11], [12], [13]]);
  });

  it('holds PUBACKs past a quiet period while the gateway keeps publishing, up to the delay', async () => {
    const { address, write } = await rawGateway(3000, 'held-stream');
    // Six reports 400 ms apart: a look at the held PUBACKs every second always finds a newer one.
    for (let seq = 1; seq <= 6; seq++) {
      write(publishPacket(reportTopic(address), report(seq).payload, 50 + seq));
      await pause(400);
    }
    await waitFor(() => Buffer.concat(chunks).length, (n) => n >= 24, 5_000);
    expect(chunks.map(pubackIds)).toEqual([[51, 52, 53, 54, 55, 56]]);
  });

  it('sends the PUBACK of a gateway that publishes nothing more after a quiet period, long before the delay', async () => {
    const { address, write } = await rawGateway(10_000, 'held-quiet');
    write(publishPacket(reportTopic(address), report(1).payload, 61));
    await waitFor(() => Buffer.concat(chunks).length, (n) => n >= 4, 5_000);
    expect(chunks.map(pubackIds)).toEqual([[61]]);
  });


  it('sends PUBACKs still held when holding stops before the next one, in one write', async () => {
    const { address, write } = await rawGateway(10_000, 'held-stop');
    write(publishPacket(reportTopic(address), report(1).payload, 41));
    await pause(50);
    expect(chunks).toHaveLength(0);
    // As when the rate falls below half of MQTT_PUBACK_HOLD_ABOVE.
    (server!.app.get(IngestService) as unknown as { pubacks: PubackDelay }).pubacks.holding = false;
    write(publishPacket(reportTopic(address), report(2).payload, 42));
    await waitFor(() => Buffer.concat(chunks).length, (n) => n >= 8, 2_000);
    expect(chunks.map(pubackIds)).toEqual([[41, 42]]);
  });

  it('sends held PUBACKs before a later packet that takes Aedes path answers its own', async () => {
    // The delay is longer than the wait below: only the later packet can release the held PUBACK.
    const { address, write } = await rawGateway(10_000, 'held-b');
    write(publishPacket(reportTopic(address), report(1).payload, 21));
    await pause(50);
    write(publishPacket(gatewayTopic(address, 'birth'), birth(0), 22));
    await waitFor(() => Buffer.concat(chunks).length, (n) => n >= 8, 5_000);
    expect(pubackIds(Buffer.concat(chunks))).toEqual([21, 22]);
  });

  it(`lets no more than ${MAX_HELD_PUBACKS} wait, whatever the delay`, async () => {
    const { address, write } = await rawGateway(10_000, 'held-c');
    for (let seq = 1; seq <= MAX_HELD_PUBACKS; seq++) {
      write(publishPacket(reportTopic(address), report(seq).payload, 30 + seq));
      await pause(10);
    }
    await waitFor(() => Buffer.concat(chunks).length, (n) => n >= 4 * MAX_HELD_PUBACKS, 5_000);
    expect(pubackIds(Buffer.concat(chunks))).toEqual(Array.from({ length: MAX_HELD_PUBACKS }, (_, i) => 31 + i));
    expect(chunks).toHaveLength(1);
  });
});

describe('report lane: acknowledgements written straight to the gateway', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let server: RunningServer | undefined;
  const clients: MqttClient[] = [];
  let socket: net.Socket | undefined;

  afterEach(async () => {
    socket?.destroy();
    for (const client of clients.splice(0)) await closeClient(client);
    await server?.close();
    await db?.drop();
  });

  /** Publications on `topic` that went through Aedes' publish path (a direct write emits no 'publish' event). */
  function countAedesPublications(topic: string) {
    const aedes = server!.app.get(BrokerService).aedes as Aedes;
    const counter = { count: 0 };
    aedes.on('publish', (packet: { topic: string }) => {
      if (packet.topic === topic) counter.count++;
    });
    return counter;
  }

  it('sends a gateway that alone subscribes to its control topic its acknowledgements directly, and through Aedes once another client subscribes', async () => {
    db = await freshDatabase('sqlite');
    server = await startServer(db.url);
    const address = { cluster: CLUSTER, enterprise: 'ack-a', gateway: 'gw1' };
    const control = gatewayTopic(address, 'control');
    const gateway = await connectGateway(server.mqttPort, address);
    clients.push(gateway);
    const acks: unknown[] = [];
    gateway.on('message', (topic, payload) => {
      if (topic === control) acks.push(JSON.parse(payload.toString()));
    });
    await gateway.subscribeAsync(control, { qos: 1 });
    await gateway.publishAsync(gatewayTopic(address, 'birth'), birth(0), { qos: 1 });
    const aedesPath = countAedesPublications(control);
    await gateway.publishAsync(reportTopic(address), report(1).payload, { qos: 1 });
    await waitFor(() => acks, (a) => a.some((ack) => (ack as { seq: number }).seq === 1));
    expect(aedesPath.count).toBe(0);

    // Another receiver of the topic: the acknowledgement must reach it too, so it takes Aedes' path.
    const watcher = await connect(server.mqttPort, { clientId: 'ack-watcher' });
    clients.push(watcher);
    const seen: unknown[] = [];
    watcher.on('message', (_topic, payload) => seen.push(JSON.parse(payload.toString())));
    await watcher.subscribeAsync(`cp/v1/${CLUSTER}/+/+/control`, { qos: 0 });
    await gateway.publishAsync(reportTopic(address), report(2).payload, { qos: 1 });
    // A gateway hears its watermark at most every 3 s.
    await waitFor(() => acks, (a) => a.some((ack) => (ack as { seq: number }).seq === 2), 8_000);
    await waitFor(() => seen, (s) => s.some((ack) => (ack as { seq: number }).seq === 2));
    expect(aedesPath.count).toBeGreaterThan(0);
  });

  /**
   * A gateway on a raw socket, subscribed to its control topic and its birth acknowledged, to a
   * fresh server holding PUBACKs for `delayMs` at any rate and flushing every 0.1 s (so that an
   * acknowledgement is due at once); what it reads goes to `chunks`, one entry per read.
   */
  async function rawSubscribedGateway(delayMs: number, enterprise: string) {
    db = await freshDatabase('sqlite');
    server = await startServer(db.url, { MQTT_PUBACK_DELAY_MS: String(delayMs), MQTT_PUBACK_HOLD_ABOVE: '0', FLUSH_INTERVAL_MS: '100' });
    const address = { cluster: CLUSTER, enterprise, gateway: 'gw1' };
    const control = gatewayTopic(address, 'control');
    const s = (socket = net.connect(server.mqttPort, '127.0.0.1'));
    const chunks: Buffer[] = [];
    s.on('data', (chunk) => chunks.push(chunk));
    await new Promise<void>((resolve) => s.once('connect', () => resolve()));
    s.write(connectPacket(gatewayClientId(address)));
    // SUBSCRIBE (section 3.8) to its control topic at QoS 1.
    const body = Buffer.concat([Buffer.from([0, 1]), utf8(control), Buffer.from([1])]);
    s.write(Buffer.concat([Buffer.from([0x82, ...remainingLength(body.length)]), body]));
    s.write(publishPacket(gatewayTopic(address, 'birth'), birth(0), 2));
    // CONNACK, SUBACK and the birth's PUBACK (a birth moves no watermark: nothing to acknowledge).
    await waitFor(() => packetsOf(Buffer.concat(chunks)).map((p) => p.type).sort(), (types) => types.join() === '2,4,9');
    chunks.length = 0;
    return { address, control, s, chunks };
  }

  /** The packets of one read: the PUBACKs' packet identifiers, and the acknowledgements' watermarks after them. */
  function readOf(chunk: Buffer, control: string): { pubacks: number[]; acks: number[] } {
    const packets = packetsOf(chunk);
    const pubacks = packets.filter((p) => p.type === 4);
    const publications = packets.slice(pubacks.length);
    expect(publications.every((p) => p.type === 3)).toBe(true);
    return {
      pubacks: pubacks.map((p) => p.body.readUInt16BE(0)),
      acks: publications.map((p) => {
        const topicLength = p.body.readUInt16BE(0);
        expect(p.body.subarray(2, 2 + topicLength).toString()).toBe(control);
        return (JSON.parse(p.body.subarray(2 + topicLength).toString()) as { seq: number }).seq;
      }),
    };
  }

  it('sends an acknowledgement with the held PUBACKs, in the one write that ends their quiet second', async () => {
    // The acknowledgement is due long before the held PUBACK's quiet second ends.
    const { address, control, s, chunks } = await rawSubscribedGateway(10_000, 'ack-b');

    // A report every 300 ms: a gateway that keeps publishing would have its PUBACKs held on, until
    // MAX_HELD_PUBACKS or the 10 s delay; the acknowledgement waiting beside them lets them go at
    // the first look, a quiet second after the first report.
    const sent = performance.now();
    const reports = (async () => {
      for (let seq = 1; seq <= MAX_HELD_PUBACKS + 1; seq++) {
        s.write(publishPacket(reportTopic(address), report(seq).payload, 2 + seq));
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    })();
    await waitFor(() => chunks.length, (n) => n > 0, 5_000);
    expect(performance.now() - sent).toBeGreaterThanOrEqual(900);
    const { pubacks, acks } = readOf(chunks[0], control);
    expect(pubacks.length).toBeGreaterThan(0);
    expect(pubacks.length).toBeLessThan(MAX_HELD_PUBACKS);
    expect(pubacks).toEqual(pubacks.map((_, i) => 3 + i));
    // Acknowledged at the first flush after the first report (a gateway hears one at most every 3 s).
    expect(acks).toEqual([1]);
    await reports;
  });

  it('lets an acknowledgement due while no PUBACK is held wait for the next ones, and leave in their write', async () => {
    const { address, control, s, chunks } = await rawSubscribedGateway(1000, 'ack-c');
    const send = (seq: number) => s.write(publishPacket(reportTopic(address), report(seq).payload, 10 + seq));
    // Report 1: its PUBACK is held a quiet second, and the acknowledgement of the first flush rides along.
    send(1);
    await waitFor(() => chunks.length, (n) => n === 1, 5_000);
    expect(readOf(chunks[0], control)).toEqual({ pubacks: [11], acks: [1] });
    // Report 2: its PUBACK leaves alone a quiet second later, before its acknowledgement is due (3 s
    // after the last one).
    send(2);
    await waitFor(() => chunks.length, (n) => n === 2, 5_000);
    expect(readOf(chunks[1], control)).toEqual({ pubacks: [12], acks: [] });
    // Once that acknowledgement is sent, with nothing held to ride with, it waits for report 3's
    // PUBACK (a quiet second on), and both leave in one write.
    const flush = server!.app.get(FlushService) as unknown as { lastAckAt: Map<string, number> };
    const firstAckAt = flush.lastAckAt.get(gatewayClientId(address));
    await waitFor(() => flush.lastAckAt.get(gatewayClientId(address)), (at) => at !== firstAckAt, 5_000);
    send(3);
    await waitFor(() => chunks.length, (n) => n === 3, 5_000);
    expect(readOf(chunks[2], control)).toEqual({ pubacks: [13], acks: [2] });
  });
});

describe("report lane: the socket's chunks, the MQTT parser and its packet object", () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let server: RunningServer | undefined;
  let socket: net.Socket | undefined;

  afterEach(async () => {
    socket?.destroy();
    await server?.close();
    await db?.drop();
  });

  /** A gateway on a raw socket to a fresh server that answers every PUBACK at once. */
  async function rawGateway(enterprise: string) {
    db = await freshDatabase('sqlite');
    server = await startServer(db.url, { MQTT_PUBACK_DELAY_MS: '0' });
    const gateway = await connectRawGateway(server, enterprise);
    socket = gateway.socket;
    return gateway;
  }
  const pause = () => new Promise((resolve) => setTimeout(resolve, 100));

  it("becomes the parser's next, emptied, and serves every kind of packet after it", async () => {
    const { socket: s, address, received, parser } = await rawGateway('reuse');

    // Each report cut across two reads, as by a network with segments shorter than a report: the
    // parser reads it (a whole one in a chunk the lane reads itself, below).
    const writeCut = async (packet: Buffer) => {
      s.write(packet.subarray(0, 30));
      await pause();
      s.write(packet.subarray(30));
    };
    await writeCut(publishPacket(reportTopic(address), report(1).payload, 2));
    await received(1);
    const kept = parser.packet;
    expect(kept).toMatchObject({ cmd: null, retain: false, qos: 0, dup: false, length: -1, topic: null, payload: null });
    await writeCut(publishPacket(reportTopic(address), report(2).payload, 3));
    await received(2);
    expect(parser.packet).toBe(kept);

    // Through Aedes' path on the same object: SUBSCRIBE (id 4), PINGREQ, a QoS 1 birth (id 5), then a report (id 6).
    const control = gatewayTopic(address, 'control');
    const subscribe = Buffer.concat([Buffer.from([0, 4]), utf8(control), Buffer.from([0])]);
    s.write(Buffer.concat([Buffer.from([0x82, ...remainingLength(subscribe.length)]), subscribe]));
    s.write(Buffer.from([0xc0, 0x00]));
    s.write(publishPacket(gatewayTopic(address, 'birth'), birth(2), 5));
    s.write(publishPacket(reportTopic(address), report(3).payload, 6));
    const answers = (await received(6)).slice(2);
    expect(answers.map((p) => [p.type, p.body.length >= 2 ? p.body.readUInt16BE(0) : null])).toEqual([
      [9, 4], // SUBACK
      [13, null], // PINGRESP
      [4, 5], // PUBACK of the birth
      [4, 6], // PUBACK of the report
    ]);
    const stats = await getJson<IngestStats>(server!, ApiRoutes.ingestStats);
    expect(stats).toMatchObject({ accepted: 3, rejected: 0, duplicates: 0, gaps: 0 });
  });

  it('reads whole reports itself and leaves the parser a report cut across reads, and a chunk from its first other packet on, in order', async () => {
    const { socket: s, address, received, parser } = await rawGateway('chunks');
    const topic = reportTopic(address);
    // Chunks that reach the parser's buffer list.
    const list = parser._list;
    const append = list.append.bind(list);
    let parsed = 0;
    list.append = (chunk) => {
      parsed++;
      return append(chunk);
    };

    // Three whole reports in one chunk.
    s.write(Buffer.concat([publishPacket(topic, report(1).payload, 2), publishPacket(topic, report(2).payload, 3), publishPacket(topic, report(3).payload, 4)]));
    await received(3);
    expect(parsed).toBe(0);
    // A report cut across two reads; then a whole one again, the parser being back at a packet's start.
    const cut = publishPacket(topic, report(4).payload, 5);
    s.write(cut.subarray(0, 30));
    await pause();
    s.write(cut.subarray(30));
    await received(4);
    expect(parsed).toBe(2);
    s.write(publishPacket(topic, report(5).payload, 6));
    await received(5);
    expect(parsed).toBe(2);
    // A report, a birth (Aedes' path), a report behind it in one chunk: the parser reads from the birth on.
    s.write(Buffer.concat([publishPacket(topic, report(6).payload, 7), publishPacket(gatewayTopic(address, 'birth'), birth(6), 8), publishPacket(topic, report(7).payload, 9)]));
    const answers = await received(8);
    expect(parsed).toBe(3);
    expect(answers.map((p) => [p.type, p.body.readUInt16BE(0)])).toEqual([2, 3, 4, 5, 6, 7, 8, 9].map((id) => [4, id]));
    // A report whose payload is the bytes of another whole report, cut just before them: the second
    // read begins like a report of this gateway but is the rest of the first (which is no JSON).
    const inner = publishPacket(topic, report(8).payload, 11);
    const outer = publishPacket(topic, inner, 10);
    s.write(outer.subarray(0, outer.length - inner.length));
    await pause();
    s.write(outer.subarray(outer.length - inner.length));
    expect((await received(9))[8].body.readUInt16BE(0)).toBe(10);
    const stats = await getJson<IngestStats>(server!, ApiRoutes.ingestStats);
    expect(stats).toMatchObject({ accepted: 7, rejected: 1, duplicates: 0, gaps: 0 });
    expect((await getJson<ClusterKpisResponse>(server!, ApiRoutes.kpis)).sales.yearToDateFen).toBe(fenOf([1, 2, 3, 4, 5, 6, 7]));
  });
});

import * as net from 'node:net';
import type { Client } from 'aedes';
import bl from 'bl';
import { generate } from 'mqtt-packet';
import { BrokerService } from './broker.service';
import { keptBytes } from './kept-bytes';
import type { RetainedStore } from './exact-retained';

/** A buffer that is all of its memory, not a view of a larger one. */
const ownsItsBytes = (b: Buffer) => b.byteOffset === 0 && b.buffer.byteLength === b.length;

describe('keptBytes', () => {
  it('copies a view into a buffer of its own, and a string into its UTF-8 bytes', () => {
    const read = Buffer.from('....{"online":true}....');
    const view = read.subarray(4, 19);
    const kept = keptBytes(view);
    expect(ownsItsBytes(view)).toBe(false);
    expect(ownsItsBytes(kept)).toBe(true);
    expect(kept.toString()).toBe('{"online":true}');
    read.fill(0);
    expect(kept.toString()).toBe('{"online":true}');
    const topic = keptBytes('cp/v1/huizhou-kids/m00001/gw1/report·');
    expect(ownsItsBytes(topic)).toBe(true);
    expect(topic.toString('utf8')).toBe('cp/v1/huizhou-kids/m00001/gw1/report·');
  });
});

describe('what a connection keeps, over a real socket', () => {
  let broker: BrokerService;
  let port: number;
  let socket: net.Socket | null = null;

  beforeEach(async () => {
    broker = new BrokerService();
    port = await broker.listen(0, '127.0.0.1');
  });

  afterEach(async () => {
    socket?.destroy();
    await broker.close();
  });

  it('keeps its last will and its retained message in bytes of their own, and parses with a plain buffer list', async () => {
    const ready = new Promise<Client>((resolve) => broker.aedes.once('clientReady', resolve));
    const stored = new Promise<void>((resolve) => broker.aedes.on('publish', (packet) => packet.retain && packet.topic.endsWith('/state') && resolve()));
    socket = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => socket!.once('connect', resolve));
    // One write, so that the server reads the will and the retained message in one chunk with the rest.
    socket.write(
      Buffer.concat([
        generate({
          cmd: 'connect',
          protocolId: 'MQTT',
          protocolVersion: 4,
          clean: true,
          clientId: 'huizhou-kids.m00001.gw1',
          keepalive: 0,
          will: { topic: 'cp/v1/huizhou-kids/m00001/gw1/state', payload: Buffer.from('{"online":false}'), qos: 1, retain: true },
        }),
        generate({ cmd: 'publish', topic: 'cp/v1/huizhou-kids/m00001/gw1/state', payload: Buffer.from('{"online":true}'), qos: 0, retain: true, dup: false }),
      ]),
    );
    const client = await ready;
    await stored;
    const internals = client as unknown as { will: { payload: Buffer }; _parser: { _list: object } };
    expect(internals.will.payload.toString()).toBe('{"online":false}');
    expect(ownsItsBytes(internals.will.payload)).toBe(true);
    // A plain buffer list, not bl's duplex stream.
    expect(internals._parser._list).toBeInstanceOf(bl.BufferList);
    expect(internals._parser._list).not.toHaveProperty('_readableState');
    const retained: Buffer[] = [];
    for await (const p of (broker.persistence as RetainedStore).createRetainedStreamCombi(['cp/v1/huizhou-kids/m00001/gw1/state'])) retained.push((p as { payload: Buffer }).payload);
    expect(retained.map(String)).toEqual(['{"online":true}']);
    expect(ownsItsBytes(retained[0])).toBe(true);
  });
});

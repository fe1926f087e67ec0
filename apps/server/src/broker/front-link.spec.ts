import { FRAME_HEADER_BYTES, FrameKind, FrameReader, FrameWriter } from './front-link';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** `count` frames of 60 KB, frame i filled with i, each written on its own turn and a turn given to the link's callback. */
async function flushOneByOne(writer: FrameWriter, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    writer.frame(FrameKind.Data, i, Buffer.alloc(60 * 1024, i));
    await nextTurn();
    await nextTurn();
  }
}

describe('the front link', () => {
  it('writes the frames of one turn of the event loop as one buffer', async () => {
    const written: Buffer[] = [];
    const writer = new FrameWriter({ write: (chunk) => written.push(chunk) });
    writer.frame(FrameKind.Data, 7, Buffer.from('abc'));
    writer.frame(FrameKind.Pause, 8);
    writer.frame(FrameKind.Data, 0xfffffffe, Buffer.from('z'));
    expect(written).toHaveLength(0);
    await nextTurn();
    expect(written).toHaveLength(1);
    expect(written[0].length).toBe(3 * FRAME_HEADER_BYTES + 4);

    writer.frame(FrameKind.Close, 9);
    await nextTurn();
    expect(written).toHaveLength(2);
  });

  it('reads back every frame, whatever the chunks the stream cuts them into', async () => {
    const written: Buffer[] = [];
    const writer = new FrameWriter({ write: (chunk) => written.push(chunk) });
    const sent: [number, number, string][] = [];
    for (let i = 0; i < 200; i++) {
      const kind = i % 3 === 0 ? FrameKind.Resume : FrameKind.Data;
      const payload = kind === FrameKind.Data ? 'x'.repeat(i * 7) + String(i) : '';
      sent.push([kind, i * 1_000_003 >>> 0, payload]);
      writer.frame(kind, i * 1_000_003 >>> 0, kind === FrameKind.Data ? Buffer.from(payload) : undefined);
    }
    await nextTurn();
    const stream = Buffer.concat(written);

    for (const cut of [1, 2, 8, 9, 10, 333, stream.length]) {
      const got: [number, number, string][] = [];
      const reader = new FrameReader((kind, id, payload) => got.push([kind, id, payload.toString()]));
      for (let at = 0; at < stream.length; at += cut) reader.push(stream.subarray(at, at + cut));
      expect(got).toEqual(sent);
    }
  });

  it('refuses a frame no writer makes', () => {
    const reader = new FrameReader(() => undefined);
    const bad = Buffer.alloc(FRAME_HEADER_BYTES);
    bad[0] = 42;
    expect(() => reader.push(bad)).toThrow('unknown frame kind 42');

    const huge = Buffer.alloc(FRAME_HEADER_BYTES);
    huge[0] = FrameKind.Data;
    huge.writeUInt32BE(0xffffffff, 5);
    expect(() => new FrameReader(() => undefined).push(huge)).toThrow('frame of 4294967295 bytes');
  });

  it('copies a frame as it is gathered, so the caller may reuse its buffer at once', async () => {
    const written: Buffer[] = [];
    const writer = new FrameWriter({ write: (chunk) => written.push(chunk) });
    const shared = Buffer.alloc(32);
    const got: [number, number, string][] = [];
    const reader = new FrameReader((kind, id, payload) => got.push([kind, id, payload.toString()]));
    // More than the writer gathers to begin with, so it grows while holding frames.
    for (let i = 0; i < 2_000; i++) {
      const text = `report ${i}`;
      shared.write(text);
      writer.frame(FrameKind.Data, i, shared, Buffer.byteLength(text));
    }
    writer.frameParts(FrameKind.Data, 9, [Buffer.from('ab'), Buffer.from(''), Buffer.from('cde')]);
    await nextTurn();
    expect(written).toHaveLength(1);
    reader.push(written[0]);
    expect(got).toHaveLength(2_001);
    expect(got[0]).toEqual([FrameKind.Data, 0, 'report 0']);
    expect(got[1_999]).toEqual([FrameKind.Data, 1_999, 'report 1999']);
    expect(got[2_000]).toEqual([FrameKind.Data, 9, 'abcde']);

    // What was written is the link's own: the next frames do not overwrite it.
    const first = Buffer.from(written[0]);
    writer.frame(FrameKind.Data, 1, Buffer.from('x'.repeat(100)));
    await nextTurn();
    expect(written[0]).toEqual(first);
  });

  it('keeps the buffer it gathered a flush in up to 1 MiB, and lets a larger one go', async () => {
    const written: Buffer[] = [];
    const writer = new FrameWriter({ write: (chunk) => written.push(chunk) });
    const got: number[] = [];
    const reader = new FrameReader((_kind, _id, payload) => got.push(payload.length));
    writer.frame(FrameKind.Data, 1, Buffer.alloc(512 * 1024));
    await nextTurn();
    expect(writer.keptBytes).toBeGreaterThanOrEqual(512 * 1024);
    // A burst (a brake letting go of many sockets) that its pages should not stay resident for.
    writer.frame(FrameKind.Data, 2, Buffer.alloc(3 * 1024 * 1024));
    writer.frame(FrameKind.Data, 3, Buffer.alloc(1024 * 1024));
    await nextTurn();
    expect(writer.keptBytes).toBeLessThanOrEqual(1024 * 1024);
    writer.frame(FrameKind.Data, 4, Buffer.alloc(100));
    await nextTurn();
    for (const chunk of written) reader.push(chunk);
    expect(got).toEqual([512 * 1024, 3 * 1024 * 1024, 1024 * 1024, 100]);
  });

  it('writes what a burst gathers each time it passes 256 KB, not into one growing buffer', async () => {
    const written: Buffer[] = [];
    const writer = new FrameWriter({ write: (chunk) => written.push(Buffer.from(chunk)) });
    // A brake letting go of sockets, each with a QoS 1 window waiting: 1.3 MB in one turn.
    for (let i = 0; i < 64; i++) writer.frame(FrameKind.Data, i, Buffer.alloc(20 * 1024, i));
    expect(written.length).toBeGreaterThanOrEqual(4);
    for (const chunk of written) expect(chunk.length).toBeLessThanOrEqual(256 * 1024);
    expect(writer.keptBytes).toBeLessThanOrEqual(256 * 1024);
    await nextTurn();
    const got: [number, number, number][] = [];
    const reader = new FrameReader((_kind, id, payload) => got.push([id, payload.length, payload.every((b) => b === id) ? id : -1]));
    for (const chunk of written) reader.push(chunk);
    expect(got).toEqual(Array.from({ length: 64 }, (_, i) => [i, 20 * 1024, i]));
  });

  it('writes from slabs, and uses a slab again once the link has written all of it', async () => {
    const slabs = new Set<ArrayBufferLike>();
    const copies: Buffer[] = [];
    // As a socket does: the write is done on a later turn.
    const writer = new FrameWriter({
      write: (chunk, done) => {
        slabs.add(chunk.buffer);
        copies.push(Buffer.from(chunk));
        setImmediate(() => done?.());
      },
    });
    // 12 MB, 60 KB a flush.
    await flushOneByOne(writer, 200);
    expect(slabs.size).toBe(1);
    const got: number[] = [];
    const reader = new FrameReader((_kind, id, payload) => got.push(payload.length === 60 * 1024 && payload.every((b) => b === (id & 0xff)) ? id : -1));
    for (const chunk of copies) reader.push(chunk);
    expect(got).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it('never writes into a part of a slab the link has not written yet', async () => {
    // The link's chunks as it was given them (not copied); every fifth write is never done.
    const held: Buffer[] = [];
    const slabs = new Set<ArrayBufferLike>();
    let writes = 0;
    const writer = new FrameWriter({
      write: (chunk, done) => {
        slabs.add(chunk.buffer);
        if (writes++ % 5 === 0) held.push(chunk);
        else setImmediate(() => done?.());
      },
    });
    await flushOneByOne(writer, 200);
    // Every slab keeps a part not written: none serves twice.
    expect(slabs.size).toBeGreaterThanOrEqual(11);
    const got: number[] = [];
    const reader = new FrameReader((_kind, id, payload) => got.push(payload.every((b) => b === (id & 0xff)) ? id : -1));
    for (const chunk of held) reader.push(chunk);
    expect(got).toEqual(Array.from({ length: 40 }, (_, k) => k * 5));
  });

  it('does not use a slab again after a failed write', async () => {
    const slabs = new Set<ArrayBufferLike>();
    const writer = new FrameWriter({
      write: (chunk, done) => {
        slabs.add(chunk.buffer);
        setImmediate(() => done?.(new Error('EPIPE')));
      },
    });
    await flushOneByOne(writer, 40);
    expect(slabs.size).toBeGreaterThanOrEqual(3);
  });

  it('writes nothing once closed', async () => {
    const written: Buffer[] = [];
    const writer = new FrameWriter({ write: (chunk) => written.push(chunk) });
    writer.frame(FrameKind.Data, 1, Buffer.from('a'));
    writer.close();
    writer.frame(FrameKind.Data, 1, Buffer.from('b'));
    await nextTurn();
    expect(written).toHaveLength(0);
  });
});

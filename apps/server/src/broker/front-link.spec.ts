import { FRAME_HEADER_BYTES, FrameKind, FrameReader, FrameWriter } from './front-link';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

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

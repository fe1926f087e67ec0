import { FrameKind, FrameReader, FrameWriter } from './front-link';
import { FrontConnection, type FrontSide } from './fronts';

// A frame leaves on the turn after it was written (FrameWriter), and is read back then.
const nextTurn = () => new Promise((resolve) => setImmediate(() => setImmediate(resolve)));

/** A front side whose link frames are read back as [kind, id, payload]. */
function frontSide(): FrontSide & { frames: [number, number, string][] } {
  const frames: [number, number, string][] = [];
  const reader = new FrameReader((kind, id, payload) => frames.push([kind, id, payload.toString('latin1')]));
  const writer = new FrameWriter({ write: (chunk) => reader.push(chunk) });
  return { writerOf: () => writer, connections: new Map(), frames };
}

function open(front: FrontSide, id = 5): FrontConnection {
  const conn = new FrontConnection(front, id, '127.0.0.1', 50_000);
  front.connections.set(id, conn);
  return conn;
}

describe('a connection held by a front', () => {
  it('reads what the front received, and asks it to pause while its reader lags', async () => {
    const front = frontSide();
    const conn = open(front);
    const chunk = Buffer.alloc(conn.readableHighWaterMark, 1);
    conn.received(Buffer.from('hello '));
    conn.received(chunk);
    conn.received(chunk);
    await nextTurn();
    expect(front.frames).toEqual([[FrameKind.Pause, 5, '']]);

    const read: Buffer[] = [];
    conn.on('data', (data: Buffer) => read.push(data));
    await nextTurn();
    expect(Buffer.concat(read)).toEqual(Buffer.concat([Buffer.from('hello '), chunk, chunk]));
    expect(front.frames).toEqual([
      [FrameKind.Pause, 5, ''],
      [FrameKind.Resume, 5, ''],
    ]);
  });

  it('sends what is written, corked writes in one frame', async () => {
    const front = frontSide();
    const conn = open(front, 9);
    conn.write(Buffer.from('ab'));
    conn.cork();
    conn.write(Buffer.from([0x40, 2, 0, 1]));
    conn.write(Buffer.from([0x40, 2, 0, 2]));
    conn.uncork();
    await nextTurn();
    expect(front.frames).toEqual([
      [FrameKind.Data, 9, 'ab'],
      [FrameKind.Data, 9, '\x40\x02\x00\x01\x40\x02\x00\x02'],
    ]);
  });

  it('holds its writes while the front says the socket is full, as a socket does', async () => {
    const front = frontSide();
    const conn = open(front);
    conn.setFull(true);
    const big = Buffer.alloc(conn.writableHighWaterMark);
    expect(conn.write(big)).toBe(false);
    expect(conn.write(Buffer.from('x'))).toBe(false);
    expect(conn.writableLength).toBe(big.length + 1);
    const drained = new Promise((resolve) => conn.once('drain', resolve));
    conn.setFull(false);
    await drained;
    expect(conn.writableLength).toBe(0);
    await nextTurn();
    expect(front.frames.map(([kind, , payload]) => [kind, payload.length])).toEqual([
      [FrameKind.Data, big.length],
      [FrameKind.Data, 1],
    ]);
  });

  it('tells the front to close its socket once, and leaves its register', async () => {
    const front = frontSide();
    const conn = open(front);
    conn.destroy();
    conn.destroy();
    await nextTurn();
    expect(front.frames).toEqual([[FrameKind.Close, 5, '']]);
    expect(front.connections.size).toBe(0);

    const ended = open(front, 6);
    ended.resume();
    ended.end();
    await new Promise((resolve) => ended.once('close', resolve));
    await nextTurn();
    expect(front.frames).toEqual([
      [FrameKind.Close, 5, ''],
      [FrameKind.Close, 6, ''],
    ]);
    expect(front.connections.size).toBe(0);
  });

  it('closes without a word back when the socket closed at the front, releasing a held write', async () => {
    const front = frontSide();
    const conn = open(front);
    conn.on('error', () => undefined);
    conn.setFull(true);
    const released = new Promise((resolve) => conn.write(Buffer.from('late'), resolve));
    const closed = new Promise((resolve) => conn.once('close', resolve));
    conn.closedThere();
    await closed;
    await released;
    await nextTurn();
    expect(front.frames.filter(([kind]) => kind === FrameKind.Close)).toEqual([]);
    expect(front.connections.size).toBe(0);
  });
});

/**
 * The link between the server and one of its front processes (broker/fronts.ts): a byte stream
 * (a socket pair) carrying, for many gateway connections at once, what each one read and what
 * each one is to write, as frames of `[kind u8][connection u32][length u32][payload]`.
 *
 * Frames are gathered and leave in one write per turn of the event loop (or per millisecond), so a
 * read of a thousand gateways' reports crosses the link in one system call, and so do their
 * PUBACKs coming back.
 */

export const FRAME_HEADER_BYTES = 9;

export const FrameKind = {
  /** Bytes read from (front to server) or to be written to (server to front) a connection. */
  Data: 1,
  /** Front to server: the connection closed. Server to front: end it once what it holds is written. */
  Close: 2,
  /** Server to front: stop reading the connection (its reader is backed up). */
  Pause: 3,
  /** Server to front: read it again. */
  Resume: 4,
  /** Front to server: the connection's socket holds more unwritten bytes than its high-water mark. */
  Full: 5,
  /** Front to server: it wrote them all. */
  Drained: 6,
} as const;
export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind];

const KINDS = new Set<number>(Object.values(FrameKind));

/** Largest payload of one frame: more means the link is out of step, and it is closed. */
export const MAX_FRAME_PAYLOAD = 64 * 1024 * 1024;

export interface LinkSink {
  write(chunk: Buffer): unknown;
}

/** Where a writer gathers frames to begin with; it grows to hold what one flush needs. */
const INITIAL_GATHER_BYTES = 16 * 1024;

/** A gather buffer grown past this is let go after its flush (its pages would stay resident). */
const MAX_KEPT_GATHER_BYTES = 1024 * 1024;

/**
 * Gathers frames and writes them to the link as one buffer: once per turn of the event loop
 * (`setImmediate`), or with `flushDelayMs`, at most that long after the first frame gathered.
 *
 * A frame's bytes are copied as it is gathered, into one buffer the writer keeps, so the caller may
 * reuse its own at once (a front reads every socket into one buffer); each flush copies what is
 * gathered out into a buffer of its own size, which the link holds until it is written.
 */
export class FrameWriter {
  private gather = Buffer.allocUnsafe(INITIAL_GATHER_BYTES);
  private bytes = 0;
  private scheduled = false;
  private closed = false;

  constructor(
    private readonly sink: LinkSink,
    private readonly flushDelayMs = 0,
  ) {}

  /** Bytes gathered and not yet written. */
  get pendingBytes(): number {
    return this.bytes;
  }

  /** The size of the buffer it gathers in, which it keeps between flushes. */
  get keptBytes(): number {
    return this.gather.length;
  }

  /** A frame; of `payload`, its first `length` bytes (all by default). */
  frame(kind: FrameKind, connection: number, payload?: Uint8Array, length = payload?.length ?? 0): void {
    if (this.closed) return;
    const at = this.header(kind, connection, length);
    if (length > 0) this.gather.set(length === payload!.length ? payload! : payload!.subarray(0, length), at);
    this.bytes = at + length;
  }

  /** One frame of the parts' bytes in a row (a stream's gathered writes). */
  frameParts(kind: FrameKind, connection: number, parts: readonly Uint8Array[]): void {
    if (this.closed) return;
    let length = 0;
    for (const part of parts) length += part.length;
    let at = this.header(kind, connection, length);
    for (const part of parts) {
      this.gather.set(part, at);
      at += part.length;
    }
    this.bytes = at;
  }

  /** Writes a frame's header and makes room for its payload; returns where the payload goes. */
  private header(kind: FrameKind, connection: number, length: number): number {
    const need = this.bytes + FRAME_HEADER_BYTES + length;
    if (need > this.gather.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, this.gather.length * 2));
      this.gather.copy(grown, 0, 0, this.bytes);
      this.gather = grown;
    }
    const at = this.bytes;
    this.gather[at] = kind;
    this.gather.writeUInt32BE(connection, at + 1);
    this.gather.writeUInt32BE(length, at + 5);
    if (!this.scheduled) {
      this.scheduled = true;
      if (this.flushDelayMs > 0) setTimeout(this.flush, this.flushDelayMs);
      else setImmediate(this.flush);
    }
    return at + FRAME_HEADER_BYTES;
  }

  /** Writes what is gathered now (also run on its own once per turn). */
  readonly flush = (): void => {
    this.scheduled = false;
    if (this.bytes === 0 || this.closed) return;
    const out = Buffer.allocUnsafe(this.bytes);
    this.gather.copy(out, 0, 0, this.bytes);
    this.bytes = 0;
    if (this.gather.length > MAX_KEPT_GATHER_BYTES) this.gather = Buffer.allocUnsafe(INITIAL_GATHER_BYTES);
    this.sink.write(out);
  };

  /** Drops what is gathered and writes nothing more. */
  close(): void {
    this.closed = true;
    this.bytes = 0;
  }
}

export type FrameHandler = (kind: FrameKind, connection: number, payload: Buffer) => void;

/**
 * Cuts the link's byte stream back into frames. A payload is a view of the chunk it came in
 * (copied only when a frame spans chunks).
 */
export class FrameReader {
  private pending: Buffer | null = null;

  constructor(private readonly onFrame: FrameHandler) {}

  /** Throws on a frame no writer makes: an unknown kind or an oversized payload. */
  push(chunk: Buffer): void {
    let buf = chunk;
    if (this.pending) {
      buf = Buffer.concat([this.pending, chunk]);
      this.pending = null;
    }
    let at = 0;
    while (buf.length - at >= FRAME_HEADER_BYTES) {
      const kind = buf[at];
      const length = buf.readUInt32BE(at + 5);
      if (!KINDS.has(kind)) throw new Error(`front link: unknown frame kind ${kind}`);
      if (length > MAX_FRAME_PAYLOAD) throw new Error(`front link: frame of ${length} bytes`);
      const end = at + FRAME_HEADER_BYTES + length;
      if (end > buf.length) break;
      this.onFrame(kind as FrameKind, buf.readUInt32BE(at + 1), buf.subarray(at + FRAME_HEADER_BYTES, end));
      at = end;
    }
    if (at < buf.length) this.pending = Buffer.from(buf.subarray(at));
  }
}

/**
 * The link between the server and one of its front processes (broker/fronts.ts): a byte stream
 * (a socket pair) carrying, for many gateway connections at once, what each one read and what
 * each one is to write, as frames of `[kind u8][connection u32][length u32][payload]`.
 *
 * Frames are gathered and leave in one write per turn of the event loop, so a read of a thousand
 * gateways' reports crosses the link in one system call, and so do their PUBACKs coming back.
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

/**
 * Gathers frames and writes them to the link as one buffer: once per turn of the event loop
 * (`setImmediate`), or with `flushDelayMs`, at most that long after the first frame gathered.
 */
export class FrameWriter {
  private parts: Buffer[] = [];
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

  frame(kind: FrameKind, connection: number, payload?: Buffer): void {
    if (this.closed) return;
    const header = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
    header[0] = kind;
    header.writeUInt32BE(connection, 1);
    header.writeUInt32BE(payload?.length ?? 0, 5);
    this.parts.push(header);
    this.bytes += FRAME_HEADER_BYTES;
    if (payload && payload.length > 0) {
      this.parts.push(payload);
      this.bytes += payload.length;
    }
    if (!this.scheduled) {
      this.scheduled = true;
      if (this.flushDelayMs > 0) setTimeout(this.flush, this.flushDelayMs);
      else setImmediate(this.flush);
    }
  }

  /** Writes what is gathered now (also run on its own once per turn). */
  readonly flush = (): void => {
    this.scheduled = false;
    if (this.parts.length === 0 || this.closed) return;
    const out = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.bytes);
    this.parts = [];
    this.bytes = 0;
    this.sink.write(out);
  };

  /** Drops what is gathered and writes nothing more. */
  close(): void {
    this.closed = true;
    this.parts = [];
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

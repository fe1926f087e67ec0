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
  /** `done` once the chunk is written (a socket's write callback); a sink may leave it uncalled. */
  write(chunk: Buffer, done?: (error?: Error | null) => void): unknown;
}

/** Where a writer gathers frames to begin with; it grows to hold what one flush needs. */
const INITIAL_GATHER_BYTES = 16 * 1024;

/** A gather buffer grown past this is let go after its flush (its pages would stay resident). */
const MAX_KEPT_GATHER_BYTES = 1024 * 1024;

/** The memory a writer's flushes are written from comes in slabs of this size. */
const SLAB_BYTES = 1024 * 1024;

/** Slabs a writer keeps for later flushes once everything written from them is written. */
const MAX_SPARE_SLABS = 8;

/**
 * Gathered bytes past which the writer writes them at once, before the next frame, rather than
 * growing its gather buffer: a brake letting go of 256 sockets gathers their whole QoS 1 windows in
 * one turn, several megabytes.
 */
const MAX_GATHERED_BYTES = SLAB_BYTES / 4;

/** Part of a slab is handed to each flush, in order; `pending` of its parts are not written yet. */
interface Slab {
  buffer: Buffer;
  used: number;
  pending: number;
  /** A write from it failed: it is not used again. */
  failed: boolean;
}

/**
 * Gathers frames and writes them to the link as one buffer: once per turn of the event loop
 * (`setImmediate`), or with `flushDelayMs`, at most that long after the first frame gathered.
 *
 * A frame's bytes are copied as it is gathered, into one buffer the writer keeps, so the caller may
 * reuse its own at once (a front reads every socket into one buffer); past 256 KB, what is gathered
 * is written before the next frame. Each write copies what is gathered into the next part of a
 * slab, which the link holds until it is written; a slab whose parts are all written serves again.
 *
 * Buffers made for each write instead, and gather buffers grown for a brake's bursts and let go
 * after them, came to 23-47 MB a second per front at 20,000 gateways: memory outside the JavaScript
 * heap, which V8 counts toward the old generation's limit until its next full collection. Each
 * front ran a full collection every half second or so, for nothing (its heap stayed at 27 MB).
 */
export class FrameWriter {
  private gather = Buffer.allocUnsafe(INITIAL_GATHER_BYTES);
  private bytes = 0;
  private scheduled = false;
  private closed = false;
  /** The slab flushes are written from now, and slabs all written and kept for later. */
  private slab: Slab | null = null;
  private readonly spareSlabs: Slab[] = [];

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
    if (this.bytes > 0 && this.bytes + FRAME_HEADER_BYTES + length > MAX_GATHERED_BYTES) this.writeGathered();
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
    this.writeGathered();
  };

  /** Writes what is gathered: from a slab, or (one frame larger than a slab holds well) a buffer of its own. */
  private writeGathered(): void {
    const bytes = this.bytes;
    this.bytes = 0;
    if (bytes > MAX_GATHERED_BYTES) {
      const out = Buffer.allocUnsafe(bytes);
      this.gather.copy(out, 0, 0, bytes);
      if (this.gather.length > MAX_KEPT_GATHER_BYTES) this.gather = Buffer.allocUnsafe(INITIAL_GATHER_BYTES);
      this.sink.write(out);
      return;
    }
    const slab = this.slabFor(bytes);
    const out = slab.buffer.subarray(slab.used, slab.used + bytes);
    this.gather.copy(out, 0, 0, bytes);
    slab.used += bytes;
    slab.pending++;
    this.sink.write(out, (error) => this.written(slab, error));
  }

  /** The slab with room for `bytes` more. */
  private slabFor(bytes: number): Slab {
    const current = this.slab;
    if (current !== null && current.used + bytes <= SLAB_BYTES) return current;
    // Full: used again in place once all of it is written.
    if (current !== null && current.pending === 0) {
      current.used = 0;
      return current;
    }
    const next = this.spareSlabs.pop() ?? { buffer: Buffer.allocUnsafe(SLAB_BYTES), used: 0, pending: 0, failed: false };
    this.slab = next;
    return next;
  }

  /** A part of `slab` was written: once all of a full slab's parts are, it is a spare. */
  private written(slab: Slab, error: Error | null | undefined): void {
    slab.pending--;
    if (error) {
      // The link is done with; nothing says what it still holds of the slab.
      slab.failed = true;
      if (slab === this.slab) this.slab = null;
      return;
    }
    if (slab.failed || this.closed || slab.pending > 0 || slab === this.slab) return;
    slab.used = 0;
    if (this.spareSlabs.length < MAX_SPARE_SLABS) this.spareSlabs.push(slab);
  }

  /** Drops what is gathered and writes nothing more. */
  close(): void {
    this.closed = true;
    this.bytes = 0;
    this.slab = null;
    this.spareSlabs.length = 0;
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

import type { Aedes, Client } from 'aedes';
import { keptBytes } from './kept-bytes';

/**
 * The report lane: a gateway's QoS 1 reports on its own report topic go from the MQTT parser
 * straight to ingest, acknowledged with one 4-byte PUBACK write.
 *
 * Aedes runs every PUBLISH through its general path: the ACL callback, a PUBACK object written
 * field by field, a copy of the packet, a search of the offline subscriptions (a promise), the
 * emitter's topic match, the `published` hook and a `publish` event, with a `setImmediate` between
 * steps. For a report nobody subscribes to, all of it ends in the one call to ingest. The lane
 * takes that call directly, and only while it changes nothing anybody can observe:
 *
 * - the packet is a QoS 1, non-retained PUBLISH on exactly the topic the lane was opened for (the
 *   connection's own report topic, which the ACL allows it by construction);
 * - no subscription, live or stored for an offline session, could match a report topic (see
 *   {@link SubscriptionWatch}); otherwise reports must be delivered and take Aedes' path;
 * - no earlier packet of the connection is still on Aedes' path, so the order of a connection's
 *   messages (its birth before its first report) is kept;
 * - the socket is not backed up, so a client that stops reading gets Aedes' flow control.
 *
 * Anything else goes to Aedes unchanged.
 */

/** A topic's levels, `null` where any single level may stand (the report topic of any gateway). */
export type TopicShape = readonly (string | null)[];

/** Whether some topic of this shape could match the subscription filter. */
export function filterMayMatch(filter: string, shape: TopicShape): boolean {
  let levels = filter.split('/');
  // A shared subscription receives what its filter matches.
  if (levels[0] === '$share' && levels.length > 2) levels = levels.slice(2);
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i];
    // '#' matches its parent level and everything below it.
    if (level === '#') return i <= shape.length;
    if (i >= shape.length) return false;
    if (level === '+') continue;
    const fixed = shape[i];
    if (fixed !== null && fixed !== level) return false;
  }
  return levels.length === shape.length;
}

interface Emitter {
  on(topic: string, listener: unknown, done?: unknown): unknown;
  removeListener(topic: string, listener: unknown, done?: unknown): unknown;
}

interface StoredSubscriptions {
  addSubscriptions(client: { id: string }, subs: { topic: string }[]): unknown;
  removeSubscriptions(client: { id: string }, topics: string[]): unknown;
  cleanSubscriptions(client: { id: string }): unknown;
}

/**
 * Counts the subscriptions that could receive a message of the given shape: the broker's live
 * ones (its emitter's listeners, which every client subscription and every internal listener goes
 * through) and those kept for offline persistent sessions (the persistence's store, which Aedes
 * searches on every QoS 1 publication). It only needs to know whether there are none.
 */
export class SubscriptionWatch {
  private readonly live = new Map<string, number>();
  private readonly stored = new Map<string, Set<string>>();
  private storedCount = 0;

  constructor(private readonly shape: TopicShape) {}

  /** True when no subscription could match a topic of the shape. */
  get clear(): boolean {
    return this.live.size === 0 && this.storedCount === 0;
  }

  /** `persistence`: the store given to Aedes in its options (Aedes sets it up only when listening). */
  attach(aedes: Aedes, persistence: unknown): void {
    this.watchEmitter((aedes as unknown as { mq: Emitter }).mq);
    this.watchStore(persistence as StoredSubscriptions);
  }

  private mayMatch(filter: string): boolean {
    return typeof filter === 'string' && filterMayMatch(filter, this.shape);
  }

  private watchEmitter(mq: Emitter): void {
    const on = mq.on.bind(mq);
    const removeListener = mq.removeListener.bind(mq);
    mq.on = (topic, listener, done) => {
      if (this.mayMatch(topic)) this.live.set(topic, (this.live.get(topic) ?? 0) + 1);
      return on(topic, listener, done);
    };
    mq.removeListener = (topic, listener, done) => {
      const count = this.live.get(topic);
      if (count !== undefined) {
        if (count <= 1) this.live.delete(topic);
        else this.live.set(topic, count - 1);
      }
      return removeListener(topic, listener, done);
    };
  }

  private watchStore(store: StoredSubscriptions): void {
    const add = store.addSubscriptions.bind(store);
    const remove = store.removeSubscriptions.bind(store);
    const clean = store.cleanSubscriptions.bind(store);
    store.addSubscriptions = (client, subs) => {
      for (const sub of subs) if (this.mayMatch(sub.topic)) this.storeFilter(client.id, sub.topic);
      return add(client, subs);
    };
    store.removeSubscriptions = (client, topics) => {
      const kept = this.stored.get(client.id);
      if (kept) for (const topic of topics) if (kept.delete(topic)) this.storedCount--;
      if (kept?.size === 0) this.stored.delete(client.id);
      return remove(client, topics);
    };
    store.cleanSubscriptions = (client) => {
      const kept = this.stored.get(client.id);
      if (kept) {
        this.storedCount -= kept.size;
        this.stored.delete(client.id);
      }
      return clean(client);
    };
  }

  private storeFilter(clientId: string, filter: string): void {
    let kept = this.stored.get(clientId);
    if (!kept) this.stored.set(clientId, (kept = new Set()));
    if (!kept.has(filter)) {
      kept.add(filter);
      this.storedCount++;
    }
  }
}

/**
 * PUBACKs a connection holds back at most: a client with an in-flight window of this many QoS 1
 * messages or more never waits for the delay (mqtt.js has no window at all).
 */
export const MAX_HELD_PUBACKS = 8;

/** A connection that publishes nothing for this long gets its held PUBACKs (or sooner with a shorter delay). */
export const PUBACK_QUIET_MS = 1000;

/** A connection's held PUBACKs, queued for a sweep. */
export interface HeldPubacks {
  /**
   * Looks at them when a sweep finds them due: true to be looked at again a quiet period later,
   * having written nothing; false when done with them (written, or none left).
   */
  check(now: number): boolean;
}

/**
 * PUBACKs held back, so that one write carries several.
 *
 * On loopback and on a LAN alike, the system call that writes a 4-byte PUBACK is the single
 * largest cost of a report (a fifth of the server's main thread at ten thousand gateways: the
 * kernel runs the whole TCP path for each). A gateway reports about once a second, so no two of
 * its PUBACKs share a socket read and only a delay lets them share a write. A QoS 1 sender keeps a
 * message until its PUBACK and resends it on its next connection if that never came; the server
 * has applied the report before it holds the PUBACK back, and a resent report is a duplicate that
 * ingest discards by its `seq`. What the delay costs a gateway is the memory of the messages it
 * keeps in flight a little longer.
 *
 * How long: while the connection keeps publishing, up to `delayMs` from its first held PUBACK
 * (with 4 s, most leave with the server's next acknowledgement to the gateway, in its write);
 * once it has published nothing for `quietMs` (a second, or the delay if that is shorter), they
 * leave at the next sweep. A client that waits for each PUBACK before it sends on
 * (an in-flight window of one, as `mosquitto_pub -q 1` or a script waiting on every publish) thus
 * waits about a second, never the whole delay.
 *
 * Only under load, though: below `holdAbove` reports a second (measured over each second of
 * sweeps) every PUBACK leaves at once, so a client that sends now and then never waits at all,
 * and at such rates the writes cost nothing worth saving. Holding starts once a second's rate
 * reaches `holdAbove` and stops once one falls below half of it.
 *
 * Connections are queued in the order they are due to be looked at, so each sweep takes only the
 * due ones from the head.
 */
export class PubackDelay {
  readonly quietMs: number;
  // A ring of (due time, check), grown by doubling and otherwise kept: arrays made anew as
  // connections queued lived a second each, long enough to be promoted to the old generation.
  private due = new Float64Array(1024);
  private checks: Array<HeldPubacks | undefined> = new Array<HeldPubacks | undefined>(1024).fill(undefined);
  private head = 0;
  private count = 0;
  // Reports the lane took since `rateSince` (a sweep's clock), for the rate that switches holding.
  private taken = 0;
  private rateSince: number | null = null;
  /** Whether the lane holds PUBACKs back now; always with `holdAbove` 0. */
  holding: boolean;

  /** `holdAbove`: the reports a second from which PUBACKs are held back (0: at any rate). */
  constructor(
    readonly delayMs: number,
    readonly holdAbove = 0,
  ) {
    this.quietMs = Math.min(PUBACK_QUIET_MS, delayMs);
    this.holding = holdAbove === 0;
  }

  /** Counts one report the lane took, held back or not. */
  took(): void {
    this.taken++;
  }

  /** How often `sweep` should run: a quarter of the quiet period, between 10 and 250 ms. */
  get sweepMs(): number {
    return Math.min(250, Math.max(10, Math.floor(this.quietMs / 4)));
  }

  /** `held.check` runs at the first sweep at least `quietMs` from now, and again as it asks. */
  hold(check: HeldPubacks, now = performance.now()): void {
    if (this.count === this.due.length) this.grow();
    const at = (this.head + this.count) % this.due.length;
    this.due[at] = now + this.quietMs;
    this.checks[at] = check;
    this.count++;
  }

  /**
   * Whether PUBACKs first held at `heldSince` may wait another quiet period: only when the
   * connection published since it was last looked at, and only within `delayMs`.
   */
  mayHoldOn(heldSince: number, now: number, publishedSince: boolean): boolean {
    return publishedSince && now - heldSince + this.quietMs <= this.delayMs;
  }

  /** Runs every check that is due, and switches holding by the last second's rate; returns how many ran. */
  sweep(now = performance.now()): number {
    this.measure(now);
    let ran = 0;
    while (this.count > 0 && this.due[this.head] <= now) {
      const check = this.checks[this.head];
      this.checks[this.head] = undefined;
      this.head = (this.head + 1) % this.due.length;
      this.count--;
      ran++;
      // Queued again behind the others: each due a quiet period from now, so the ring stays in order.
      if (check?.check(now) === true) this.hold(check, now);
    }
    return ran;
  }

  /** Connections waiting for a sweep. */
  get waiting(): number {
    return this.count;
  }

  private measure(now: number): void {
    if (this.holdAbove === 0) return;
    if (this.rateSince === null) {
      this.rateSince = now;
      this.taken = 0;
      return;
    }
    const span = now - this.rateSince;
    if (span < 1000) return;
    const rate = (this.taken * 1000) / span;
    this.rateSince = now;
    this.taken = 0;
    if (rate >= this.holdAbove) this.holding = true;
    else if (rate < this.holdAbove / 2) this.holding = false;
  }

  private grow(): void {
    const size = this.due.length;
    const due = new Float64Array(size * 2);
    const checks = new Array<HeldPubacks | undefined>(size * 2).fill(undefined);
    for (let i = 0; i < this.count; i++) {
      const from = (this.head + i) % size;
      due[i] = this.due[from];
      checks[i] = this.checks[from];
    }
    this.due = due;
    this.checks = checks;
    this.head = 0;
  }
}

/** Bytes queued on a socket beyond which its reports take Aedes' path and its flow control. */
const MAX_QUEUED_BYTES = 64 * 1024;

/** The parts of an Aedes client the lane works with. (Aedes' typings omit them.) */
interface ClientInternals {
  id: string;
  /** The protocol level of its CONNECT: 3 (MQTT 3.1), 4 (3.1.1) or 5. */
  version: number | null;
  /** Its subscriptions by filter, with the listener each registered on the broker's emitter. */
  subscriptions: Record<string, { func: unknown } | undefined>;
  broker: { mq: { _matcher?: { match(topic: string): unknown[] } } };
  connected: boolean;
  closed: boolean;
  conn: { write(chunk: Buffer): boolean; writableLength: number; cork(): void; uncork(): void };
  _parser: {
    /** The packet being parsed, made by `_newPacket` after the previous one was emitted. */
    packet: LanePacket;
    /** Parses a chunk read from the socket (Aedes' `_nextBatch` calls it); returns the bytes it keeps. */
    parse(this: ClientInternals['_parser'], chunk: Buffer): number;
    /** Set by a malformed packet, until the next `parse`. */
    error: Error | null;
    /** The parser's step within the packet being parsed (0: at its first byte), and the bytes it holds. */
    _stateCounter: number;
    _list: { length: number };
    _newPacket(this: ClientInternals['_parser']): boolean;
    listeners(event: 'packet'): ((this: unknown, packet: LanePacket) => void)[];
    removeListener(event: 'packet', listener: (packet: LanePacket) => void): void;
    on(event: 'packet', listener: (this: never, packet: LanePacket) => void): void;
  };
  _nextBatch: (error?: Error | null) => void;
  _keepaliveInterval: number;
  _keepaliveTimer: { refresh(): void } | null;
}

/** mqtt-packet's Packet: what its constructor sets, and what a PUBLISH adds. */
interface LanePacket {
  cmd: string | null;
  qos: number;
  retain: boolean;
  dup: boolean;
  length: number;
  topic: string | null;
  payload: Buffer | null;
  messageId?: number;
  properties?: unknown;
}

export interface ReportLaneOptions<R> {
  /** The only topic the lane carries: the connection's own report topic. */
  topic: string;
  /** What the sink is handed with each report of this connection. */
  route: R;
  sink: ReportSink<R>;
  /** Where PUBACKs wait to share a write (while it is `holding`); without it each read's PUBACKs leave at once. */
  pubacks?: PubackDelay;
}

/** What the server may write to a connection whose lane is open, besides PUBACKs. */
export interface ReportLaneHandle {
  readonly client: Client;
  /**
   * Writes a QoS 0 publication straight to this connection, when its own subscription to exactly
   * `topic` is the only one on the broker that could receive it (a gateway's control topic); false,
   * having written nothing, otherwise. While the lane holds PUBACKs back, the publication leaves
   * in the write of the held ones, or of the next ones, within a quiet period; otherwise at once.
   */
  sendOwn(topic: string, payload: Buffer): boolean;
}

/**
 * Writes the PUBACKs (MQTT 3.1.1 section 3.4: type 4, remaining length 2, the packet identifier)
 * of the first `count` of `ids` one after the other from `at`; returns the offset after them.
 */
function putPubacks(into: Buffer, ids: readonly number[], count: number, at: number): number {
  for (let i = 0; i < count; i++) {
    const id = ids[i];
    into[at++] = 0x40;
    into[at++] = 0x02;
    into[at++] = id >> 8;
    into[at++] = id & 0xff;
  }
  return at;
}

/** The packet identifier and the payload's first byte of the report `wholeReport` found last. */
export const found = { id: 0, payloadStart: 0 };

/**
 * Where the report at `at` of `chunk` ends, when a whole one is there: a QoS 1 PUBLISH (MQTT
 * 3.1.1 section 3.3; DUP set or not, RETAIN not) on exactly `topic`, as the parser would read it.
 * Sets `found`. -1 for anything else: another packet, another topic, a report
 * cut short by the chunk's end.
 */
export function wholeReport(chunk: Buffer, at: number, topic: Buffer): number {
  const first = chunk[at];
  if (first !== 0x32 && first !== 0x3a) return -1;
  // The remaining length: 1-4 bytes, seven bits each, least significant first.
  let remaining = 0;
  let i = at + 1;
  for (let shift = 0; ; shift += 7) {
    if (i >= chunk.length || shift > 21) return -1;
    const byte = chunk[i++];
    remaining += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) break;
  }
  const end = i + remaining;
  const length = topic.length;
  // Topic length, topic, packet identifier: all inside the packet, and the packet inside the chunk.
  if (end > chunk.length || 2 + length + 2 > remaining) return -1;
  if (chunk[i] !== length >> 8 || chunk[i + 1] !== (length & 0xff)) return -1;
  i += 2;
  for (let k = 0; k < length; k++) if (chunk[i + k] !== topic[k]) return -1;
  i += length;
  found.id = (chunk[i] << 8) | chunk[i + 1];
  found.payloadStart = i + 2;
  return end;
}

/** The shared half of a lane: ingest's, one for every connection. */
export interface ReportSink<R> {
  /** False while a subscription could match a report topic. */
  open(): boolean;
  /** Ingest of one report of the connection `route` names; it must not throw. */
  deliver(route: R, payload: Buffer): void;
}

/** The parser's fields and methods the lane's hooks work with (see `ClientInternals`). */
type LaneParser = ClientInternals['_parser'] & { _lane?: ReportLane<unknown> };

/**
 * One connection's lane: its state in one object, its hooks on the parser shared by every
 * connection (each finds the lane through the parser). As eleven closures around their variables
 * it cost about 900 bytes a connection more (a heap snapshot at 20,000 gateways, docs/BENCHMARKS.md
 * item 43).
 */
class ReportLane<R> implements ReportLaneHandle, HeldPubacks {
  /** Packets handed to Aedes and not finished: it calls the client's `_nextBatch` for each. */
  onAedesPath = 0;
  /**
   * A packet object the lane emptied, to be the parser's next. The parser makes the object of the
   * next packet as soon as it has emitted one, and keeps it for a whole report interval, long
   * enough for it to be promoted to the old generation: one object a report that only a full
   * collection frees. A report the lane has taken leaves its object to be the next one instead
   * (the one just made dies young).
   */
  spare: LanePacket | null = null;
  /** PUBACKs not yet written: the first `heldCount` packet identifiers (the array is the connection's for its life). */
  readonly held: number[] = new Array<number>(MAX_HELD_PUBACKS).fill(0);
  heldCount = 0;
  /** Whether a sweep will release the held PUBACKs. */
  waiting = false;
  /** When the first of the held PUBACKs was held, and whether the client published since the sweep last looked at them. */
  heldSince = 0;
  publishedSince = false;
  /** A publication of the server's own (`sendOwn`) waiting to leave with the held PUBACKs. */
  rider: Buffer | null = null;
  /** Whether the socket is corked until the parser is through the chunk (the next tick). */
  corked = false;
  /** The report topic's bytes, which `parseChunk` matches reports against. */
  readonly topicBytes: Buffer;

  constructor(
    readonly client: Client,
    readonly c: ClientInternals,
    readonly topic: string,
    readonly route: R,
    readonly sink: ReportSink<R>,
    readonly pubacks: PubackDelay | undefined,
    /** The parser's own `_newPacket`, `parse` and Aedes' listener of its packets. */
    readonly makeNext: LaneParser['_newPacket'],
    readonly parse: LaneParser['parse'],
    readonly original: (this: unknown, packet: LanePacket) => void,
  ) {
    this.topicBytes = keptBytes(topic);
  }

  writeHeld(): void {
    if (this.heldCount === 0 && this.rider === null) return;
    const count = this.heldCount;
    const own = this.rider;
    this.heldCount = 0;
    this.rider = null;
    const c = this.c;
    // A closed connection's client resends these reports on its next one (duplicates to ingest).
    if (c.closed || !c.connected) return;
    // A publication alone goes out as it was made.
    if (count === 0) {
      c.conn.write(own!);
      return;
    }
    const packets = Buffer.allocUnsafe(4 * count + (own === null ? 0 : own.length));
    const at = putPubacks(packets, this.held, count, 0);
    if (own !== null) own.copy(packets, at);
    c.conn.write(packets);
  }

  check(now: number): boolean {
    // With a publication waiting beside them, the PUBACKs leave now.
    if (this.heldCount > 0 && this.rider === null && this.pubacks!.mayHoldOn(this.heldSince, now, this.publishedSince)) {
      this.publishedSince = false;
      return true;
    }
    this.waiting = false;
    this.writeHeld();
    return false;
  }

  /** Queues the connection for a sweep a quiet period on, which writes what it holds by then. */
  awaitSweep(): void {
    this.waiting = true;
    this.publishedSince = false;
    this.pubacks!.hold(this);
  }

  /** Whether the lane may take a report now (see the top of this file). */
  mayTake(): boolean {
    const c = this.c;
    return this.onAedesPath === 0 && c.connected && !c.closed && c.conn.writableLength < MAX_QUEUED_BYTES && this.sink.open();
  }

  /** A report the lane takes: applied at once, its PUBACK written now or held. */
  take(id: number, payload: Buffer): void {
    const pubacks = this.pubacks;
    pubacks?.took();
    const holding = pubacks?.holding === true;
    // Whole milliseconds: a small integer, which needs no heap number of its own.
    if (holding && this.heldCount === 0) this.heldSince = Math.floor(performance.now());
    this.held[this.heldCount++] = id;
    if (!holding) {
      // The PUBACKs of every report parsed from one read leave in one write: the socket is corked
      // at the first and uncorked once the parser is through the chunk (the next tick).
      if (!this.corked) {
        this.corked = true;
        this.c.conn.cork();
        process.nextTick(uncork, this);
      }
      // With any still held from before holding stopped, in order.
      this.writeHeld();
    } else if (this.heldCount >= MAX_HELD_PUBACKS) this.writeHeld();
    else if (!this.waiting) this.awaitSweep();
    else this.publishedSince = true;
    const c = this.c;
    if (c._keepaliveInterval > 0) c._keepaliveTimer?.refresh();
    this.sink.deliver(this.route, payload);
  }

  sendOwn(topic: string, payload: Buffer): boolean {
    const c = this.c;
    // MQTT 3.1 and 3.1.1 share the PUBLISH layout written below; 5 adds properties.
    if (!c.connected || c.closed || (c.version !== 4 && c.version !== 3) || c.conn.writableLength >= MAX_QUEUED_BYTES) return false;
    const own = c.subscriptions[topic];
    if (!own) return false;
    // The emitter's own trie of listeners (mqemitter): every live subscription and internal listener.
    const receivers = c.broker.mq._matcher?.match(topic);
    if (!receivers || receivers.length !== 1 || receivers[0] !== own.func) return false;
    const topicLength = Buffer.byteLength(topic);
    const remaining = 2 + topicLength + payload.length;
    if (topicLength > 0xffff || remaining > 0x1fffff) return false;
    const lengthBytes = remaining < 0x80 ? 1 : remaining < 0x4000 ? 2 : 3;
    const packets = Buffer.allocUnsafe(1 + lengthBytes + remaining);
    let at = 0;
    // PUBLISH (section 3.3): type 3, QoS 0, neither DUP nor RETAIN; no packet identifier at QoS 0.
    packets[at++] = 0x30;
    for (let rest = remaining; ; ) {
      const byte = rest % 0x80;
      rest = Math.floor(rest / 0x80);
      packets[at++] = rest > 0 ? byte | 0x80 : byte;
      if (rest === 0) break;
    }
    packets.writeUInt16BE(topicLength, at);
    at += 2;
    at += packets.write(topic, at, 'utf8');
    payload.copy(packets, at);
    // Held PUBACKs leave at a sweep within a quiet period. While the lane holds them, the
    // publication waits for that write, with the PUBACKs held now or those of the reports that
    // come meanwhile (a gateway reporting every second sends one), instead of a write of its
    // own. Otherwise it leaves now, with any still held.
    this.rider = this.rider === null ? packets : Buffer.concat([this.rider, packets]);
    // (Without a sweep to wait for, nothing is held: `take` queues one for the first it holds.)
    if (this.waiting) return true;
    if (this.pubacks?.holding === true) this.awaitSweep();
    else this.writeHeld();
    return true;
  }
}

function uncork(lane: ReportLane<unknown>): void {
  lane.corked = false;
  lane.c.conn.uncork();
}

/** The parser's `_newPacket` on a lane: the emptied packet of a report taken becomes the next one. */
function newPacket(this: LaneParser): boolean {
  const lane = this._lane!;
  const done = lane.makeNext.call(this);
  if (lane.spare !== null) {
    this.packet = lane.spare;
    lane.spare = null;
  }
  return done;
}

/** The parser's only listener of packets on a lane: a report it may take, or Aedes' way. */
function lanePacket(this: LaneParser, packet: LanePacket): void {
  const lane = this._lane!;
  if (packet.cmd === 'publish' && packet.qos === 1 && packet.retain !== true && packet.topic === lane.topic && lane.mayTake()) {
    lane.take(packet.messageId ?? 0, packet.payload ?? Buffer.alloc(0));
    // Nobody reads this packet again: back to the state Packet's constructor gives it, to be the
    // parser's next. (Left pointing at the payload and topic from the old generation, it would
    // make every scavenge keep those too, until they were promoted as well.)
    packet.cmd = null;
    packet.retain = false;
    packet.qos = 0;
    packet.dup = false;
    packet.length = -1;
    packet.topic = null;
    packet.payload = null;
    packet.messageId = undefined;
    // MQTT 5 properties would be one more field for the next packet to carry: not reused.
    if (packet.properties === undefined) lane.spare = packet;
    return;
  }
  // [MQTT-4.6.0-2] PUBACKs leave in the order of their PUBLISHes: Aedes answers this one at once.
  lane.writeHeld();
  lane.onAedesPath++;
  lane.original.call(this, packet);
}

/**
 * The parser's `parse` on a lane. A chunk read from the socket that begins with whole reports of
 * this connection, as a gateway's chunks do: the lane reads those itself, without the parser's
 * buffer list, packet object and topic string, and leaves the parser the rest of the chunk (from
 * its first other packet, or a report cut short), so the order of the connection's packets is
 * kept. Only while the parser holds nothing of an earlier chunk, and for MQTT 3.1 and 3.1.1 (5
 * adds properties).
 */
function parseChunk(this: LaneParser, chunk: Buffer): number {
  const lane = this._lane!;
  let at = 0;
  if (this.error === null && this._stateCounter === 0 && this._list.length === 0 && (lane.c.version === 4 || lane.c.version === 3)) {
    for (;;) {
      const end = wholeReport(chunk, at, lane.topicBytes);
      if (end < 0 || !lane.mayTake()) break;
      lane.take(found.id, chunk.subarray(found.payloadStart, end));
      at = end;
      if (at === chunk.length) return 0;
    }
  }
  return lane.parse.call(this, at === 0 ? chunk : chunk.subarray(at));
}

/**
 * Opens the lane on a connected client. Call it once the connection is authenticated and its
 * CONNACK is out (Aedes' `clientReady`); packets queued before that go Aedes' way.
 */
export function openReportLane<R>(client: Client, options: ReportLaneOptions<R>): ReportLaneHandle | null {
  const c = client as unknown as ClientInternals;
  // Aedes' own listener, and no other: the lane empties and reuses the packets it takes.
  const parser = c._parser as LaneParser;
  const listeners = parser.listeners('packet');
  if (listeners.length !== 1) return null;
  const [original] = listeners;
  const lane = new ReportLane<R>(client, c, options.topic, options.route, options.sink, options.pubacks, parser._newPacket, parser.parse, original);
  parser._lane = lane as ReportLane<unknown>;
  parser._newPacket = newPacket;
  parser.parse = parseChunk;
  const nextBatch = c._nextBatch;
  c._nextBatch = (error) => {
    if (lane.onAedesPath > 0) lane.onAedesPath--;
    nextBatch(error);
  };
  parser.removeListener('packet', original);
  parser.on('packet', lanePacket);
  return lane;
}

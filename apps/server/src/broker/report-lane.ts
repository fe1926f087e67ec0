import type { Aedes, Client } from 'aedes';

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

/** Bytes queued on a socket beyond which its reports take Aedes' path and its flow control. */
const MAX_QUEUED_BYTES = 64 * 1024;

/** The parts of an Aedes client the lane works with. (Aedes' typings omit them.) */
interface ClientInternals {
  connected: boolean;
  closed: boolean;
  conn: { write(chunk: Buffer): boolean; writableLength: number; cork(): void; uncork(): void };
  _parser: {
    listeners(event: 'packet'): ((this: unknown, packet: LanePacket) => void)[];
    removeListener(event: 'packet', listener: (packet: LanePacket) => void): void;
    on(event: 'packet', listener: (this: unknown, packet: LanePacket) => void): void;
  };
  _nextBatch: (error?: Error | null) => void;
  _keepaliveInterval: number;
  _keepaliveTimer: { refresh(): void } | null;
}

interface LanePacket {
  cmd: string;
  qos?: number;
  retain?: boolean;
  topic?: string;
  messageId?: number;
  payload?: Buffer;
}

export interface ReportLaneOptions {
  /** The only topic the lane carries: the connection's own report topic. */
  topic: string;
  /** False while a subscription could match the topic. */
  open(): boolean;
  /** Ingest of one report; it must not throw. */
  deliver(payload: Buffer): void;
}

/**
 * Opens the lane on a connected client. Call it once the connection is authenticated and its
 * CONNACK is out (Aedes' `clientReady`); packets queued before that go Aedes' way.
 */
export function openReportLane(client: Client, options: ReportLaneOptions): void {
  const c = client as unknown as ClientInternals;
  const [original] = c._parser.listeners('packet');
  if (!original) return;
  const { topic, open, deliver } = options;
  // Packets handed to Aedes and not finished: it calls the client's `_nextBatch` for each.
  let onAedesPath = 0;
  // The PUBACKs of every report parsed from one read leave in one write: the socket is corked at
  // the first and uncorked once the parser is through the chunk (the next tick).
  let corked = false;
  const uncork = () => {
    corked = false;
    c.conn.uncork();
  };
  const nextBatch = c._nextBatch;
  c._nextBatch = (error) => {
    if (onAedesPath > 0) onAedesPath--;
    nextBatch(error);
  };
  c._parser.removeListener('packet', original);
  c._parser.on('packet', function lane(this: unknown, packet: LanePacket) {
    if (
      packet.cmd === 'publish' &&
      packet.qos === 1 &&
      packet.retain !== true &&
      packet.topic === topic &&
      onAedesPath === 0 &&
      c.connected &&
      !c.closed &&
      c.conn.writableLength < MAX_QUEUED_BYTES &&
      open()
    ) {
      const id = packet.messageId ?? 0;
      // PUBACK (MQTT 3.1.1 section 3.4): type 4, remaining length 2, the packet identifier.
      if (!corked) {
        corked = true;
        c.conn.cork();
        process.nextTick(uncork);
      }
      // From Node's buffer pool: cheaper than a buffer made from an array, once per report.
      const puback = Buffer.allocUnsafe(4);
      puback[0] = 0x40;
      puback[1] = 0x02;
      puback[2] = id >> 8;
      puback[3] = id & 0xff;
      c.conn.write(puback);
      if (c._keepaliveInterval > 0) c._keepaliveTimer?.refresh();
      deliver(packet.payload ?? Buffer.alloc(0));
      return;
    }
    onAedesPath++;
    original.call(this, packet);
  });
}

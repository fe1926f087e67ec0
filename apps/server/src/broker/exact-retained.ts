import { Readable } from 'node:stream';
import { keptBytes } from './kept-bytes';

interface RetainedPacket {
  topic: string;
  payload: Buffer | string;
}

/** The two methods of an aedes persistence that retained messages go through. */
export interface RetainedStore {
  storeRetained(packet: RetainedPacket, callback?: (error: Error | null) => void): Promise<void> | void;
  createRetainedStreamCombi(patterns: string[]): Readable;
}

const hasWildcard = (pattern: string) => pattern.includes('+') || pattern.includes('#');

/**
 * Aedes' in-memory persistence answers each SUBSCRIBE by matching every retained message against
 * the subscription. Every gateway retains its state and subscribes to its own control topic, so
 * connecting N gateways costs N² matches: minutes at 20,000. Subscriptions without wildcards are
 * answered from an index by topic instead; any wildcard falls back to the full scan.
 */
export function withExactRetainedLookup<P extends RetainedStore>(persistence: P): P {
  const byTopic = new Map<string, RetainedPacket>();
  const store = persistence.storeRetained.bind(persistence);
  const scan = persistence.createRetainedStreamCombi.bind(persistence);
  persistence.storeRetained = (packet, callback) => {
    // [MQTT-3.3.1-10] a retained message with an empty payload removes the retained message.
    if (packet.payload.length === 0) {
      byTopic.delete(packet.topic);
      return store(packet, callback);
    }
    // Kept until it is replaced: its payload in bytes of its own, not a view of the read it came in.
    const kept = Buffer.isBuffer(packet.payload) ? { ...packet, payload: keptBytes(packet.payload) } : packet;
    byTopic.set(packet.topic, kept);
    return store(kept, callback);
  };
  persistence.createRetainedStreamCombi = (patterns) => {
    if (patterns.some(hasWildcard)) return scan(patterns);
    const found: RetainedPacket[] = [];
    for (const pattern of patterns) {
      const packet = byTopic.get(pattern);
      if (packet) found.push(packet);
    }
    return Readable.from(found, { objectMode: true });
  };
  return persistence;
}

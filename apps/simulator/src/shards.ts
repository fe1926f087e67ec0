import { readFileSync } from 'node:fs';

/**
 * Descriptors a simulator process keeps for what is not a gateway connection: stdio, the IPC
 * channel to its parent, the simulator's own MQTT client, the ledger and credentials files, libuv.
 */
export const NON_GATEWAY_DESCRIPTORS = 256;

/** This process's open-file limit (Node raises the soft limit to the hard one); null where unknown. */
export function openFileLimit(limitsText = readProcLimits()): number | null {
  const line = limitsText?.split('\n').find((l) => l.startsWith('Max open files'));
  const soft = line?.trim().split(/\s+/)[3];
  if (soft === undefined || soft === 'unlimited') return null;
  const n = Number(soft);
  return Number.isInteger(n) && n > 0 ? n : null;
}

function readProcLimits(): string | null {
  try {
    return readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return null;
  }
}

/**
 * How many processes the makers need so that each holds its gateways' connections under the
 * open-file limit (every process inherits the same limit). One where the limit is unknown.
 */
export function autoProcesses(makers: number, limit: number | null): number {
  if (limit === null) return 1;
  const perProcess = Math.max(1, limit - NON_GATEWAY_DESCRIPTORS);
  return Math.max(1, Math.ceil(makers / perProcess));
}

/** One of `count` simulator processes; `index` counts from 0. */
export interface Shard {
  index: number;
  count: number;
}

/** "K/N" (K from 1) as the --shard flag spells it. */
export function parseShard(text: string): Shard | null {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  if (!match) return null;
  const k = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || k < 1 || k > count) return null;
  return { index: k - 1, count };
}

export function formatShard(shard: Shard): string {
  return `${shard.index + 1}/${shard.count}`;
}

/**
 * The maker indices [from, to) a shard runs: contiguous blocks whose sizes differ by at most one,
 * together every maker exactly once.
 */
export function shardRange(makers: number, shard: Shard): { from: number; to: number } {
  return { from: Math.floor((shard.index * makers) / shard.count), to: Math.floor(((shard.index + 1) * makers) / shard.count) };
}

/**
 * The broker a maker's gateway connects to: maker index modulo the list, whatever process runs it,
 * so that N instances of a cluster each hold their share.
 */
export function brokerForMaker(brokers: readonly string[], makerIndex: number): string {
  return brokers[makerIndex % brokers.length];
}

/** A comma-separated list of broker URLs (each left to MQTT.js to check, as a single URL always was); null when an entry is empty. */
export function parseBrokerList(text: string): string[] | null {
  const urls = text.split(',').map((s) => s.trim());
  return urls.every((u) => u.length > 0) ? urls : null;
}

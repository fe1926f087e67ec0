import { readFileSync } from 'node:fs';

/**
 * Descriptors kept free for everything that is not a gateway: HTTP and WebSocket clients, the
 * database and its writer thread, Redis, log files. Without them a full broker makes the dashboard
 * and the database unreachable ("unable to open database file").
 */
export const NON_MQTT_DESCRIPTORS = 1024;

/** This process's open-file limit (Node raises the soft limit to the hard one); null where unknown. */
export function openFileLimit(limitsText = readProcLimits()): number | null {
  const line = limitsText?.split('\n').find((l) => l.startsWith('Max open files'));
  const soft = line?.trim().split(/\s+/)[3];
  if (soft === undefined || soft === 'unlimited') return null;
  const n = Number(soft);
  return Number.isInteger(n) && n > 0 ? n : null;
}

/** How many MQTT connections the broker may hold so that the rest of the server keeps working. */
export function mqttConnectionCap(limit: number | null): number | null {
  if (limit === null) return null;
  return Math.max(1, limit - NON_MQTT_DESCRIPTORS);
}

function readProcLimits(): string | null {
  try {
    return readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return null;
  }
}

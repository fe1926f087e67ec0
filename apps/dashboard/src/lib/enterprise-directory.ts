import { ApiRoutes, type EnterpriseListResponse, type EnterpriseSummary } from '@clusterpulse/contracts';
import type { ApiClient } from './api-client';

/** The server pages its list; this is its largest page. */
export const DIRECTORY_PAGE_SIZE = 1000;

/** Reads every maker, page by page, in a stable order (by name, then id). */
export async function fetchAllEnterprises(api: ApiClient, signal?: AbortSignal): Promise<EnterpriseSummary[]> {
  const all: EnterpriseSummary[] = [];
  for (let offset = 0; ; offset += DIRECTORY_PAGE_SIZE) {
    const page = await api.get<EnterpriseListResponse>(`${ApiRoutes.enterprises}?sort=name&order=asc&offset=${offset}&limit=${DIRECTORY_PAGE_SIZE}`, signal);
    all.push(...page.enterprises);
    if (page.enterprises.length < DIRECTORY_PAGE_SIZE || all.length >= page.total) return all;
  }
}

export type MakerStatus = 'running' | 'idle' | 'fault' | 'offline';

/** A maker's colour in the state view: the worst thing happening there wins. */
export function makerStatus(maker: Pick<EnterpriseSummary, 'online' | 'devices'>): MakerStatus {
  if (!maker.online) return 'offline';
  if (maker.devices.fault > 0) return 'fault';
  if (maker.devices.running > 0) return 'running';
  return 'idle';
}

/** The value at quantile q (0..1) of already sorted numbers, by linear interpolation. */
export function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
}

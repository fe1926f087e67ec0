import { useEffect, useState } from 'react';
import type { EnterpriseSummary } from '@clusterpulse/contracts';
import { ApiClient } from './api-client';
import { fetchAllEnterprises } from './enterprise-directory';

export interface DirectoryState {
  makers: EnterpriseSummary[] | null;
  error: string | null;
  loadedAt: number | null;
}

/** Every maker, re-read every `refreshMs` while a view that needs them is open. */
export function useEnterpriseDirectory(api: ApiClient, refreshMs = 15_000): DirectoryState {
  const [state, setState] = useState<DirectoryState>({ makers: null, error: null, loadedAt: null });
  useEffect(() => {
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const load = async () => {
      try {
        const makers = await fetchAllEnterprises(api, abort.signal);
        setState({ makers, error: null, loadedAt: Date.now() });
      } catch (error) {
        if (!abort.signal.aborted) setState((s) => ({ ...s, error: error instanceof Error ? error.message : String(error) }));
      }
      if (!abort.signal.aborted) timer = setTimeout(load, refreshMs);
    };
    void load();
    return () => {
      abort.abort();
      if (timer) clearTimeout(timer);
    };
  }, [api, refreshMs]);
  return state;
}

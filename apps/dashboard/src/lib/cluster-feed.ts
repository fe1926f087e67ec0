import type { AlarmEvent, ClusterKpisResponse, DailyHistoryPoint, ServerEvent } from '@clusterpulse/contracts';
import { ApiClient, ApiError } from './api-client';
import { readToken } from './operator-token';
import { LiveConnection, type ConnectionStatus, type WebSocketFactory } from './live-connection';

export interface AlarmEntry extends AlarmEvent {
  acknowledged: boolean;
}

export interface ClusterFeedState {
  status: ConnectionStatus;
  retryInMs: number | null;
  kpis: ClusterKpisResponse | null;
  history: DailyHistoryPoint[];
  /** Newest first, bounded so a long fair day cannot grow the page without limit. */
  alarms: AlarmEntry[];
  pushIntervalMs: number | null;
  error: string | null;
  /** Why the latest acknowledgement did not go through; null when it did. */
  ackError: string | null;
}

export interface ClusterFeedOptions {
  wsUrl: string;
  api?: ApiClient;
  createSocket?: WebSocketFactory;
  /** The operator token for acknowledgements; the one entered in the trainer panel by default. */
  token?: () => string;
  /** Simulated days pass in seconds during a demo: re-read history at most this often (ms). */
  historyRefreshMs?: number;
  maxAlarms?: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * The dashboard's view of the cluster: REST for what happened before this page was opened (so a
 * reload or a server restart loses nothing), the WebSocket for what happens now.
 */
export class ClusterFeed {
  private state: ClusterFeedState = { status: 'connecting', retryInMs: null, kpis: null, history: [], alarms: [], pushIntervalMs: null, error: null, ackError: null };
  private readonly listeners = new Set<() => void>();
  private readonly api: ApiClient;
  private readonly connection: LiveConnection;
  private historyTimer: ReturnType<typeof setTimeout> | null = null;
  private lastHistoryFetch = 0;
  private historyInFlight = false;
  private pushedSnapshots = 0;
  private abort = new AbortController();

  constructor(private readonly options: ClusterFeedOptions) {
    this.api = options.api ?? new ApiClient();
    this.connection = new LiveConnection({
      url: options.wsUrl,
      createSocket: options.createSocket,
      initialDelayMs: options.initialDelayMs,
      maxDelayMs: options.maxDelayMs,
      onStatus: (status, retryInMs) => this.update({ status, retryInMs }),
      onOpen: () => void this.reload(),
      onEvent: (event) => this.apply(event),
    });
  }

  getState = (): ClusterFeedState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  start(): void {
    this.abort = new AbortController();
    this.connection.start();
  }

  stop(): void {
    this.connection.stop();
    this.abort.abort();
    if (this.historyTimer) clearTimeout(this.historyTimer);
    this.historyTimer = null;
  }

  /**
   * Acknowledges on the server, which tells every dashboard (alarm-ack); this page marks it from the
   * answer at once. Without the operator token nothing is sent and the page says why.
   */
  async acknowledge(id: string): Promise<void> {
    const token = (this.options.token ?? readToken)().trim();
    if (!token) {
      this.update({ ackError: 'token' });
      return;
    }
    try {
      const { alarm } = await this.api.acknowledgeAlarm(id, token);
      this.markAcknowledged(alarm.id, alarm.acknowledgedAt ?? Date.now());
      this.update({ ackError: null });
    } catch (error) {
      this.update({ ackError: error instanceof ApiError ? `${error.status} ${error.message}` : error instanceof Error ? error.message : String(error) });
    }
  }

  async acknowledgeAll(): Promise<void> {
    for (const alarm of this.state.alarms.filter((a) => !a.acknowledged)) {
      await this.acknowledge(alarm.id);
      if (this.state.ackError) return;
    }
  }

  /** Reads the current figures, the whole history and the kept alarms; runs on every (re)connect. */
  async reload(): Promise<void> {
    await Promise.all([this.loadKpis(), this.loadHistory(), this.loadAlarms()]);
  }

  private async loadAlarms(): Promise<void> {
    try {
      const { alarms } = await this.api.alarms(this.abort.signal);
      const known = new Set(alarms.map((a) => a.id));
      // Alarms pushed while the list was read are newer than it; the server's list is the rest.
      const pushed = this.state.alarms.filter((a) => !known.has(a.id) && !a.acknowledged);
      const merged = [...pushed, ...alarms.map((a) => ({ ...a, acknowledged: a.acknowledgedAt !== undefined }))];
      this.update({ alarms: merged.slice(0, this.options.maxAlarms ?? 200) });
    } catch (error) {
      this.fail(error);
    }
  }

  private markAcknowledged(id: string, acknowledgedAt: number): void {
    if (!this.state.alarms.some((a) => a.id === id && !a.acknowledged)) return;
    this.update({ alarms: this.state.alarms.map((a) => (a.id === id ? { ...a, acknowledged: true, acknowledgedAt } : a)) });
  }

  private async loadKpis(): Promise<void> {
    const pushedBefore = this.pushedSnapshots;
    try {
      const kpis = await this.api.kpis(this.abort.signal);
      // A snapshot pushed while the request was in flight is newer than the response.
      if (this.pushedSnapshots === pushedBefore) this.update({ kpis, error: null });
    } catch (error) {
      this.fail(error);
    }
  }

  private async loadHistory(): Promise<void> {
    if (this.historyInFlight) return;
    this.historyInFlight = true;
    this.lastHistoryFetch = Date.now();
    try {
      const response = await this.api.dailyHistory(this.abort.signal);
      const history = [...response.days].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
      this.update({ history, error: null });
    } catch (error) {
      this.fail(error);
    } finally {
      this.historyInFlight = false;
    }
  }

  private apply(event: ServerEvent): void {
    switch (event.event) {
      case 'hello':
        this.update({ pushIntervalMs: event.data.pushIntervalMs });
        return;
      case 'kpis': {
        this.pushedSnapshots++;
        const previousRun = this.state.kpis?.run;
        this.update({ kpis: event.data });
        // A new run starts from zero: drop the old run's days now rather than at the next read.
        if (previousRun !== undefined && event.data.run !== previousRun) {
          this.update({ history: [] });
          void this.loadHistory();
          return;
        }
        // Today's bar grows with every snapshot and a new day adds one: keep history fresh, but
        // read it at most once per historyRefreshMs however fast the simulation runs.
        if (event.data.asOf !== null) this.scheduleHistory();
        return;
      }
      case 'alarm': {
        if (this.state.alarms.some((alarm) => alarm.id === event.data.id)) return;
        const alarms = [{ ...event.data, acknowledged: event.data.acknowledgedAt !== undefined }, ...this.state.alarms].slice(0, this.options.maxAlarms ?? 200);
        this.update({ alarms });
        return;
      }
      case 'alarm-ack':
        this.markAcknowledged(event.data.id, event.data.acknowledgedAt);
        return;
    }
  }

  private scheduleHistory(): void {
    if (this.historyTimer) return;
    const wait = Math.max(0, this.lastHistoryFetch + (this.options.historyRefreshMs ?? 2000) - Date.now());
    this.historyTimer = setTimeout(() => {
      this.historyTimer = null;
      void this.loadHistory();
    }, wait);
  }

  private fail(error: unknown): void {
    if (this.abort.signal.aborted) return;
    this.update({ error: error instanceof Error ? error.message : String(error) });
  }

  private update(patch: Partial<ClusterFeedState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }
}

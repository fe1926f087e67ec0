import { alarmEscalated, type Alarm, type ClusterKpisResponse, type DailyHistoryPoint, type ServerEvent } from '@clusterpulse/contracts';
import { ApiClient, ApiError } from './api-client';
import { readToken } from './operator-token';
import { LiveConnection, type ConnectionStatus, type WebSocketFactory } from './live-connection';

export interface AlarmEntry extends Alarm {
  acknowledged: boolean;
}

/** As many as the server keeps (`MAX_ALARMS_KEPT`): the page mirrors its list, the feed draws a few. */
export const MAX_ALARMS_HELD = 500;

const toEntry = (alarm: Alarm): AlarmEntry => ({ ...alarm, acknowledged: alarm.acknowledgedAt !== undefined });

/**
 * The list with `alarm` (new or changed) in it, in the server's order: new or escalated alarms on
 * top (`alarmEscalated`), other changes in place. A park alarm takes the place of the alarms it
 * `replaces`.
 */
export function upsertAlarm(alarms: AlarmEntry[], alarm: Alarm, max = MAX_ALARMS_HELD): AlarmEntry[] {
  const gone = new Set(alarm.replaces ?? []);
  const known = alarms.find((a) => a.id === alarm.id);
  // an acknowledgement already seen stands, whichever frame arrives last
  const entry = known?.acknowledged && alarm.acknowledgedAt === undefined ? { ...alarm, acknowledged: true, acknowledgedAt: known.acknowledgedAt } : toEntry(alarm);
  if (known && !alarmEscalated(known, alarm)) return alarms.flatMap((a) => (a === known ? [entry] : gone.has(a.id) ? [] : [a]));
  gone.add(alarm.id);
  return [entry, ...alarms.filter((a) => !gone.has(a.id))].slice(0, max);
}

interface PushedDuringLoad {
  alarms: Map<string, Alarm>;
  acks: Map<string, number>;
}

export interface ClusterFeedState {
  status: ConnectionStatus;
  retryInMs: number | null;
  kpis: ClusterKpisResponse | null;
  history: DailyHistoryPoint[];
  /** The server's kept alarms, most recently changed first, bounded (`MAX_ALARMS_HELD`). */
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
  private pushedDuringLoad: PushedDuringLoad | null = null;
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
    await this.acknowledgeOne(id);
  }

  /**
   * Every open alarm listed. One that a park alarm took over meanwhile (409: the park alarm comes
   * on the WebSocket) is passed over; any other refusal stops the round.
   */
  async acknowledgeAll(): Promise<void> {
    for (const alarm of this.state.alarms.filter((a) => !a.acknowledged)) {
      const outcome = await this.acknowledgeOne(alarm.id);
      if (outcome === 'merged') this.update({ ackError: null });
      else if (outcome !== 'done') return;
    }
  }

  private async acknowledgeOne(id: string): Promise<'done' | 'merged' | 'refused'> {
    const token = (this.options.token ?? readToken)().trim();
    if (!token) {
      this.update({ ackError: 'token' });
      return 'refused';
    }
    try {
      const { alarm } = await this.api.acknowledgeAlarm(id, token);
      this.markAcknowledged(alarm.id, alarm.acknowledgedAt ?? Date.now());
      this.update({ ackError: null });
      return 'done';
    } catch (error) {
      this.update({ ackError: error instanceof ApiError ? `${error.status} ${error.message}` : error instanceof Error ? error.message : String(error) });
      return error instanceof ApiError && error.status === 409 ? 'merged' : 'refused';
    }
  }

  /** Reads the current figures, the whole history and the kept alarms; runs on every (re)connect. */
  async reload(): Promise<void> {
    await Promise.all([this.loadKpis(), this.loadHistory(), this.loadAlarms()]);
  }

  private async loadAlarms(): Promise<void> {
    // Frames pushed while the list is read may be newer than it: they are applied again on top.
    const pushed: PushedDuringLoad = { alarms: new Map(), acks: new Map() };
    this.pushedDuringLoad = pushed;
    try {
      const { alarms } = await this.api.alarms(this.abort.signal);
      let merged = alarms.map(toEntry);
      const replaced = new Set(alarms.flatMap((a) => a.replaces ?? []));
      for (const alarm of pushed.alarms.values()) {
        const listed = merged.find((a) => a.id === alarm.id);
        if (replaced.has(alarm.id) || (listed && listed.count > alarm.count)) continue;
        merged = upsertAlarm(merged, alarm, this.maxAlarms);
      }
      for (const [id, acknowledgedAt] of pushed.acks) merged = merged.map((a) => (a.id === id && !a.acknowledged ? { ...a, acknowledged: true, acknowledgedAt } : a));
      this.update({ alarms: merged.slice(0, this.maxAlarms) });
    } catch (error) {
      this.fail(error);
    } finally {
      if (this.pushedDuringLoad === pushed) this.pushedDuringLoad = null;
    }
  }

  private get maxAlarms(): number {
    return this.options.maxAlarms ?? MAX_ALARMS_HELD;
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
      case 'alarm':
        this.pushedDuringLoad?.alarms.delete(event.data.id);
        this.pushedDuringLoad?.alarms.set(event.data.id, event.data);
        this.update({ alarms: upsertAlarm(this.state.alarms, event.data, this.maxAlarms) });
        return;
      case 'alarm-ack':
        this.pushedDuringLoad?.acks.set(event.data.id, event.data.acknowledgedAt);
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

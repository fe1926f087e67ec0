import { WS_PATH, type ServerEvent, type ServerEventName } from '@clusterpulse/contracts';

export type ConnectionStatus = 'connecting' | 'live' | 'reconnecting';

/** The part of the browser WebSocket this client uses; `ws` in Node offers the same. */
export interface WebSocketLike {
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  close(): void;
}

export type WebSocketFactory = (url: string) => WebSocketLike;

export interface LiveConnectionOptions {
  url: string;
  onEvent: (event: ServerEvent) => void;
  onStatus?: (status: ConnectionStatus, retryInMs: number | null) => void;
  /** Called on every successful open; `reconnected` is false only for the first. */
  onOpen?: (reconnected: boolean) => void;
  createSocket?: WebSocketFactory;
  initialDelayMs?: number;
  maxDelayMs?: number;
  random?: () => number;
}

const KNOWN_EVENTS: readonly ServerEventName[] = ['hello', 'kpis', 'alarm', 'alarm-ack'];

/**
 * Exponential backoff with jitter: a restarted server is not stampeded by every dashboard in the
 * hall at the same instant, and a long outage costs one attempt every maxDelayMs at most.
 */
export function backoffDelay(attempt: number, initialDelayMs: number, maxDelayMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** A frame from the server, or null for anything that is not a known `{event, data}` object. */
export function parseServerEvent(raw: unknown): ServerEvent | null {
  const text = typeof raw === 'string' ? raw : raw instanceof ArrayBuffer ? new TextDecoder().decode(raw) : String(raw);
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof frame !== 'object' || frame === null) return null;
  const { event, data } = frame as { event?: unknown; data?: unknown };
  if (typeof event !== 'string' || !(KNOWN_EVENTS as readonly string[]).includes(event)) return null;
  if (typeof data !== 'object' || data === null) return null;
  return frame as ServerEvent;
}

export function defaultWebSocketUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${WS_PATH}`;
}

/** One WebSocket to the server that keeps itself connected until stopped. */
export class LiveConnection {
  private socket: WebSocketLike | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  private opened = false;
  private stopped = true;
  private current: ConnectionStatus = 'connecting';

  constructor(private readonly options: LiveConnectionOptions) {}

  get status(): ConnectionStatus {
    return this.current;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onerror = socket.onclose = null;
      socket.close();
    }
  }

  private setStatus(status: ConnectionStatus, retryInMs: number | null): void {
    this.current = status;
    this.options.onStatus?.(status, retryInMs);
  }

  private connect(): void {
    this.setStatus(this.opened ? 'reconnecting' : 'connecting', null);
    const create = this.options.createSocket ?? ((url: string) => new WebSocket(url) as unknown as WebSocketLike);
    let socket: WebSocketLike;
    try {
      socket = create(this.options.url);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      const reconnected = this.opened;
      this.opened = true;
      this.attempt = 0;
      this.setStatus('live', null);
      this.options.onOpen?.(reconnected);
    };
    socket.onmessage = (message) => {
      const event = parseServerEvent(message.data);
      if (event) this.options.onEvent(event);
    };
    // Browsers follow every error with a close; the close alone drives the retry.
    socket.onerror = () => undefined;
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.scheduleRetry();
    };
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    const delay = backoffDelay(this.attempt, this.options.initialDelayMs ?? 500, this.options.maxDelayMs ?? 10_000, this.options.random);
    this.attempt += 1;
    this.setStatus(this.opened ? 'reconnecting' : 'connecting', delay);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }
}

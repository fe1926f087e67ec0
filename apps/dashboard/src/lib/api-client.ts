import {
  ApiRoutes,
  type AlarmAckResponse,
  type AlarmListResponse,
  type ClusterKpisResponse,
  type DailyHistoryResponse,
  type EnterpriseDetailResponse,
  type EnterpriseHistoryResponse,
  type EnterpriseListResponse,
} from '@clusterpulse/contracts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Typed reads of the server's REST API; `baseUrl` is empty in the browser (same origin). */
export class ApiClient {
  constructor(
    private readonly baseUrl = '',
    private readonly fetchImpl: typeof fetch = (...args) => fetch(...args),
  ) {}

  async get<T>(path: string, signal?: AbortSignal): Promise<T> {
    const response = await this.fetchImpl(`${this.baseUrl}${path}`, { signal, headers: { accept: 'application/json' } });
    if (!response.ok) {
      let message = `${response.status} ${response.statusText}`;
      try {
        const body = (await response.json()) as { message?: unknown };
        if (typeof body.message === 'string') message = body.message;
      } catch {
        // keep the status line
      }
      throw new ApiError(response.status, message);
    }
    return (await response.json()) as T;
  }

  async post<T>(path: string, body: unknown, headers: Record<string, string> = {}): Promise<T> {
    const response = await this.fetchImpl(`${this.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    if (!response.ok) {
      const message = parsed && typeof (parsed as { message?: unknown }).message === 'string' ? (parsed as { message: string }).message : `${response.status} ${response.statusText}`;
      throw new ApiError(response.status, message);
    }
    return parsed as T;
  }

  kpis(signal?: AbortSignal): Promise<ClusterKpisResponse> {
    return this.get(ApiRoutes.kpis, signal);
  }

  dailyHistory(signal?: AbortSignal): Promise<DailyHistoryResponse> {
    return this.get(ApiRoutes.dailyHistory, signal);
  }

  enterprises(signal?: AbortSignal): Promise<EnterpriseListResponse> {
    return this.get(ApiRoutes.enterprises, signal);
  }

  enterprise(id: string, signal?: AbortSignal): Promise<EnterpriseDetailResponse> {
    return this.get(ApiRoutes.enterprise(id), signal);
  }

  enterpriseHistory(id: string, signal?: AbortSignal): Promise<EnterpriseHistoryResponse> {
    return this.get(ApiRoutes.enterpriseHistory(id), signal);
  }

  alarms(signal?: AbortSignal): Promise<AlarmListResponse> {
    return this.get(ApiRoutes.alarms, signal);
  }

  acknowledgeAlarm(id: string, token: string): Promise<AlarmAckResponse> {
    return this.post(ApiRoutes.alarmAck(id), {}, { authorization: `Bearer ${token}` });
  }
}

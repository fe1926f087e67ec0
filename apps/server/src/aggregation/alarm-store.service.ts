import type { AlarmAckEvent, AlarmEvent } from '@clusterpulse/contracts';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { AggregationService } from './aggregation.service';

/** Enough for a fair day's incidents; a park-wide power cut must not grow memory without bound. */
export const MAX_ALARMS_KEPT = 500;

type AckListener = (ack: AlarmAckEvent) => void;

/**
 * The alarms every dashboard shares: kept on the server (newest first, bounded) so a reloaded page
 * sees the same list, and an acknowledgement made on one screen shows on all. In memory only: a
 * server restart starts an empty list (the conditions that still hold raise their alarms again).
 */
@Injectable()
export class AlarmStoreService implements OnModuleDestroy {
  private readonly alarms: AlarmEvent[] = [];
  private readonly byId = new Map<string, AlarmEvent>();
  private readonly ackListeners: AckListener[] = [];
  private readonly unsubscribe: () => void;

  constructor(agg: AggregationService) {
    this.unsubscribe = agg.onAlarm((alarm) => this.add(alarm));
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  onAck(listener: AckListener): void {
    this.ackListeners.push(listener);
  }

  list(): AlarmEvent[] {
    return this.alarms.map((a) => ({ ...a }));
  }

  /** Marks the alarm acknowledged (once: the first time stands); null when no such alarm is kept. */
  acknowledge(id: string, now = Date.now()): AlarmEvent | null {
    const alarm = this.byId.get(id);
    if (!alarm) return null;
    if (alarm.acknowledgedAt === undefined) {
      alarm.acknowledgedAt = now;
      for (const listener of this.ackListeners) listener({ id, acknowledgedAt: now });
    }
    return { ...alarm };
  }

  private add(alarm: AlarmEvent): void {
    const kept = { ...alarm };
    this.alarms.unshift(kept);
    this.byId.set(kept.id, kept);
    while (this.alarms.length > MAX_ALARMS_KEPT) this.byId.delete(this.alarms.pop()!.id);
  }
}

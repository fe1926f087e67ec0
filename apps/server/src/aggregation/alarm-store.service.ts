import { PARK_ALARM_AFTER, alarmEscalated, type Alarm, type AlarmAckEvent, type AlarmEvent, type AlarmSeverity } from '@clusterpulse/contracts';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { AggregationService } from './aggregation.service';

/**
 * Alarms kept, open or acknowledged. Open condition alarms are bounded by `PARK_ALARM_AFTER` per
 * park and kind, so this is reached only after a long unattended day; then the oldest acknowledged
 * alarms go first, and only when none is left are open ones summarised by park (never dropped
 * while a summary can take them).
 */
export const MAX_ALARMS_KEPT = 500;

const PARK_ID_PREFIX = 'park:';
const SEVERITY_RANK: Record<AlarmSeverity, number> = { info: 0, warning: 1, critical: 2 };

type AckListener = (ack: AlarmAckEvent) => void;
type ChangeListener = (id: string) => void;

interface Kept {
  alarm: Alarm;
  /** Condition alarms: what a repeat must match (kind, maker, device, code). */
  condition: string;
  bucket: string;
  /** Park alarms while open: the makers among their occurrences. */
  makers?: Set<string>;
}

/** The open alarms of one kind in one park: either a few condition alarms, or one park alarm. */
interface Bucket {
  kind: Alarm['kind'];
  park: string;
  town: string;
  conditions: Set<string>;
  parkAlarm: string | null;
}

const conditionKey = (o: AlarmEvent): string => [o.kind, o.enterprise, o.device ?? '', o.code ?? ''].join('\u0000');
const bucketKey = (kind: string, park: string): string => `${kind}\u0000${park}`;

function copy(alarm: Alarm): Alarm {
  return alarm.replaces ? { ...alarm, replaces: [...alarm.replaces] } : { ...alarm };
}

/**
 * The alarms every dashboard shares: kept on the server, newest news first and bounded,
 * so a reloaded page sees the same list and an acknowledgement made on one screen shows on all.
 *
 * Occurrences raised by the aggregator are grouped (see `Alarm` in libs/contracts): a condition
 * that repeats while its alarm is open counts up instead of adding a row, and once a park has
 * `PARK_ALARM_AFTER` open alarms of one kind (a power cut faults every device there) they become
 * one park alarm until it is acknowledged. In memory only: a server restart starts an empty list
 * (the conditions that still hold raise their alarms again).
 */
@Injectable()
export class AlarmStoreService implements OnModuleDestroy {
  private readonly logger = new Logger(AlarmStoreService.name);
  /** Oldest first by when they opened or last escalated (a Map keeps insertion order; escalating re-inserts). */
  private readonly kept = new Map<string, Kept>();
  private readonly openConditions = new Map<string, string>();
  private readonly buckets = new Map<string, Bucket>();
  private readonly ackListeners: AckListener[] = [];
  private readonly changeListeners: ChangeListener[] = [];
  private readonly unsubscribe: () => void;
  /** Open park alarms dropped because even summaries overflowed the bound (not expected in a cluster of 17 parks). */
  droppedOpen = 0;

  constructor(private readonly agg: AggregationService) {
    this.unsubscribe = agg.onAlarm((occurrence) => this.add(occurrence));
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  onAck(listener: AckListener): void {
    this.ackListeners.push(listener);
  }

  /** Told the id of every alarm opened or changed (read it with `get`, e.g. once per push). */
  onChange(listener: ChangeListener): () => void {
    this.changeListeners.push(listener);
    return () => {
      const i = this.changeListeners.indexOf(listener);
      if (i >= 0) this.changeListeners.splice(i, 1);
    };
  }

  /** Most recently opened or escalated first. */
  list(): Alarm[] {
    return [...this.kept.values()].reverse().map((k) => copy(k.alarm));
  }

  get(id: string): Alarm | null {
    const kept = this.kept.get(id);
    return kept ? copy(kept.alarm) : null;
  }

  get size(): number {
    return this.kept.size;
  }

  /** Marks the alarm acknowledged (once: the first time stands); null when no such alarm is kept. */
  acknowledge(id: string, now = Date.now()): Alarm | null {
    const kept = this.kept.get(id) ?? this.openParkAlarmNamed(id);
    if (!kept) return null;
    if (kept.alarm.acknowledgedAt === undefined) {
      kept.alarm.acknowledgedAt = now;
      this.close(kept);
      for (const listener of this.ackListeners) listener({ id: kept.alarm.id, acknowledgedAt: now });
    }
    return copy(kept.alarm);
  }

  /**
   * The kept park alarm that took over alarm `id` (it lists `id` in `replaces`), or null: an
   * acknowledgement of a condition alarm that a park alarm absorbed meanwhile is not lost silently.
   */
  replacedBy(id: string): Alarm | null {
    for (const kept of this.kept.values()) if (kept.alarm.replaces?.includes(id)) return copy(kept.alarm);
    return null;
  }

  private add(occurrence: AlarmEvent): void {
    const condition = conditionKey(occurrence);
    const repeated = this.kept.get(this.openConditions.get(condition) ?? '');
    if (repeated) {
      this.record(repeated, occurrence);
      return;
    }
    const { park, town } = this.whereIs(occurrence);
    const key = bucketKey(occurrence.kind, park);
    let bucket = this.buckets.get(key);
    const parkAlarm = bucket?.parkAlarm ? this.kept.get(bucket.parkAlarm) : undefined;
    if (parkAlarm) {
      this.record(parkAlarm, occurrence);
      return;
    }
    if (!bucket) {
      bucket = { kind: occurrence.kind, park, town, conditions: new Set(), parkAlarm: null };
      this.buckets.set(key, bucket);
    }
    const alarm: Alarm = {
      id: occurrence.id,
      scope: 'condition',
      severity: occurrence.severity,
      kind: occurrence.kind,
      enterprise: occurrence.enterprise,
      ...(occurrence.device !== undefined && { device: occurrence.device }),
      ...(occurrence.code !== undefined && { code: occurrence.code }),
      message: occurrence.message,
      count: 1,
      makers: 1,
      firstAt: occurrence.ts,
      lastAt: occurrence.ts,
    };
    this.kept.set(alarm.id, { alarm, condition, bucket: key });
    this.openConditions.set(condition, alarm.id);
    bucket.conditions.add(alarm.id);
    if (bucket.conditions.size >= PARK_ALARM_AFTER) this.summarise(key);
    else this.changed(alarm.id);
    this.trim();
  }

  /** A repeat of an open alarm: counted in place, and moved to the top when that is news. */
  private record(kept: Kept, occurrence: AlarmEvent): void {
    const alarm = kept.alarm;
    const before = { scope: alarm.scope, count: alarm.count, makers: alarm.makers };
    alarm.count++;
    alarm.lastAt = occurrence.ts;
    alarm.message = occurrence.message;
    if (SEVERITY_RANK[occurrence.severity] > SEVERITY_RANK[alarm.severity]) alarm.severity = occurrence.severity;
    if (kept.makers) {
      alarm.enterprise = occurrence.enterprise;
      if (occurrence.device !== undefined) alarm.device = occurrence.device;
      else delete alarm.device;
      kept.makers.add(occurrence.enterprise);
      alarm.makers = kept.makers.size;
    }
    if (alarmEscalated(before, alarm)) this.touch(kept);
    this.changed(alarm.id);
  }

  /** Turns the bucket's open condition alarms into one park alarm, named after the newest of them. */
  private summarise(key: string): void {
    const bucket = this.buckets.get(key)!;
    // In the list's order (simulated times restart with a new run): the last one is the newest.
    const members = [...this.kept.values()].filter((k) => bucket.conditions.has(k.alarm.id));
    const newest = members.at(-1)!.alarm;
    const makers = new Set(members.map((m) => m.alarm.enterprise));
    const alarm: Alarm = {
      id: `${PARK_ID_PREFIX}${bucket.kind}:${bucket.park}:${newest.id}`,
      scope: 'park',
      severity: members.reduce<AlarmSeverity>((worst, m) => (SEVERITY_RANK[m.alarm.severity] > SEVERITY_RANK[worst] ? m.alarm.severity : worst), 'info'),
      kind: bucket.kind,
      enterprise: newest.enterprise,
      ...(newest.device !== undefined && { device: newest.device }),
      park: bucket.park,
      town: bucket.town,
      message: newest.message,
      count: members.reduce((sum, m) => sum + m.alarm.count, 0),
      makers: makers.size,
      firstAt: Math.min(...members.map((m) => m.alarm.firstAt)),
      lastAt: newest.lastAt,
      replaces: members.map((m) => m.alarm.id),
    };
    for (const member of members) {
      this.kept.delete(member.alarm.id);
      this.openConditions.delete(member.condition);
    }
    bucket.conditions.clear();
    bucket.parkAlarm = alarm.id;
    this.kept.set(alarm.id, { alarm, condition: '', bucket: key, makers });
    this.changed(alarm.id);
  }

  private trim(): void {
    while (this.kept.size > MAX_ALARMS_KEPT) {
      let oldestAcked: Kept | undefined;
      let oldestCondition: Kept | undefined;
      for (const kept of this.kept.values()) {
        if (kept.alarm.acknowledgedAt !== undefined) {
          oldestAcked = kept;
          break;
        }
        if (!oldestCondition && kept.alarm.scope === 'condition') oldestCondition = kept;
      }
      if (oldestAcked) {
        this.kept.delete(oldestAcked.alarm.id);
      } else if (oldestCondition) {
        this.summarise(oldestCondition.bucket);
      } else {
        const [oldest] = this.kept.values();
        this.close(oldest);
        this.kept.delete(oldest.alarm.id);
        this.droppedOpen++;
        this.logger.warn(`dropped open alarm ${oldest.alarm.id}: more than ${MAX_ALARMS_KEPT} park alarms open`);
      }
    }
  }

  /** No longer open: a new occurrence of the same condition opens a new alarm. */
  private close(kept: Kept): void {
    const bucket = this.buckets.get(kept.bucket);
    if (kept.alarm.scope === 'condition') {
      this.openConditions.delete(kept.condition);
      bucket?.conditions.delete(kept.alarm.id);
    } else if (bucket?.parkAlarm === kept.alarm.id) {
      bucket.parkAlarm = null;
    }
    delete kept.makers;
    if (bucket && bucket.conditions.size === 0 && bucket.parkAlarm === null) this.buckets.delete(kept.bucket);
  }

  /**
   * Cluster mode: each instance summarises the occurrences it hears on its own, so a park alarm
   * acknowledged on another instance may carry another id here; it names the same park and kind.
   */
  private openParkAlarmNamed(id: string): Kept | undefined {
    if (!id.startsWith(PARK_ID_PREFIX)) return undefined;
    const rest = id.slice(PARK_ID_PREFIX.length);
    const first = rest.indexOf(':');
    const last = rest.lastIndexOf(':');
    if (first < 0 || last === first) return undefined;
    const kind = rest.slice(0, first);
    const park = rest.slice(first + 1, last);
    const open = this.buckets.get(bucketKey(kind, park))?.parkAlarm;
    return open ? this.kept.get(open) : undefined;
  }

  private whereIs(occurrence: AlarmEvent): { park: string; town: string } {
    const info = this.agg.enterprises.get(occurrence.enterprise)?.info;
    return { park: occurrence.park ?? info?.park ?? '', town: occurrence.town ?? info?.town ?? '' };
  }

  private touch(kept: Kept): void {
    this.kept.delete(kept.alarm.id);
    this.kept.set(kept.alarm.id, kept);
  }

  private changed(id: string): void {
    for (const listener of this.changeListeners) listener(id);
  }
}

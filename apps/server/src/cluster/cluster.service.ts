import * as os from 'node:os';
import { randomBytes } from 'node:crypto';
import { parseGatewayClientId } from '@clusterpulse/contracts';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { AlarmAckEvent, AlarmEvent } from '@clusterpulse/contracts';
import { AggregationService } from '../aggregation/aggregation.service';
import { AlarmStoreService } from '../aggregation/alarm-store.service';
import type { FlushBatch } from '../aggregation/ledger';
import { BrokerService } from '../broker/broker.service';
import { LoopTimers } from '../common/loop-timers';
import { APP_CONFIG } from '../config/app-config.module';
import type { AppConfig } from '../config/config.schema';
import { FlushService } from '../persistence/flush.service';
import { LedgerRepository } from '../persistence/ledger.repository';
import { CommitLogRepository, SLOT_LOST, type CommitRow } from './commit-log.repository';
import { slotOf, slotsOwnedBy } from './rendezvous';

/** Commit-log rows older than this are pruned; a live instance reads them within a second or two. */
const COMMIT_RETENTION_MS = 15 * 60_000;
const PRUNE_INTERVAL_MS = 60_000;
/** Polls that found the same hole in a source's commits (rows pruned unread) before it is reported once. */
const GAP_REPORT_AFTER_POLLS = 20;

/** Releases a lease only if this process still holds it (a lease that expired may be someone else's). */
const RELEASE_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
/** Extends every lease of the list this process holds; returns the indexes of the ones it lost. */
const RENEW_SCRIPT = `local lost = {}
for i, key in ipairs(KEYS) do
  if redis.call('get', key) == ARGV[1] then redis.call('pexpire', key, ARGV[2]) else table.insert(lost, i - 1) end
end
return lost`;

/**
 * Cluster mode (CLUSTER_MODE=redis). Instances find each other through Redis (a membership key
 * per process, renewed every quarter lease); makers are split into CLUSTER_SLOTS slots and each
 * slot belongs to the live member that wins it by rendezvous hashing. An instance applies a
 * maker's reports only while it holds the slot's lease in Redis and has loaded the slot's
 * watermarks from PostgreSQL after taking it; it gives a slot up by closing the gate, flushing,
 * and only then deleting the lease, so two instances never apply the same gateway's reports.
 * A dead instance's leases simply expire. After taking a slot the instance asks every instance to
 * drop that slot's gateway connections: the gateways reconnect, announce themselves and replay
 * whatever is not acknowledged, which the new owner applies from the stored watermark on. The
 * database has the last word on ownership ("ClusterSlot"): a flush commits only the slots this
 * process still owns there, so one that stalled past its lease cannot double anything.
 *
 * Figures of the other instances arrive through the commit log (CommitLogRepository), so every
 * instance's REST API and dashboard show the whole cluster.
 */
@Injectable()
export class ClusterService {
  private readonly logger = new Logger(ClusterService.name);
  readonly enabled: boolean;
  /** This process: the instance id plus a per-start suffix, so a restarted instance never inherits its predecessor's leases. */
  readonly source: string;
  private readonly slots: number;
  private readonly leaseMs: number;
  private readonly prefix: string;
  private redis: Redis | null = null;
  private subscriber: Redis | null = null;
  private members: string[] = [];
  /** Slots whose lease this process holds in Redis (applying, taking over or handing over). */
  private readonly held = new Set<number>();
  /**
   * Slots "ClusterSlot" names this process for, as far as it knows: it writes their makers' rows,
   * figures and watermarks together, until it has stored everything it applied for them.
   */
  private readonly owned = new Set<number>();
  /** Slots whose reports this process applies. */
  private readonly active = new Set<number>();
  /** Last commit number applied per other source. */
  private seen = new Map<string, number>();
  private nextCommit = 1;
  private readonly gapPolls = new Map<string, number>();
  /** Slots whose lease was lost while figures applied for them may still wait for a flush. */
  private readonly unstored = new Set<number>();
  private cancelTimers: Array<() => void> = [];
  private rebalancing: Promise<void> | null = null;
  private polling: Promise<void> | null = null;
  private stopped = false;
  private lastRound = 0;
  private lastRoundEnded = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly agg: AggregationService,
    private readonly flush: FlushService,
    private readonly broker: BrokerService,
    private readonly ledger: LedgerRepository,
    private readonly commits: CommitLogRepository,
    private readonly alarms: AlarmStoreService,
    private readonly loopTimers: LoopTimers,
  ) {
    this.enabled = config.CLUSTER_MODE === 'redis';
    const instance = config.INSTANCE_ID ?? `${os.hostname().replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 40)}-${process.pid}`;
    this.source = `${instance}/${randomBytes(4).toString('hex')}`;
    this.slots = config.CLUSTER_SLOTS;
    this.leaseMs = config.CLUSTER_LEASE_MS;
    this.prefix = `clusterpulse:${config.CLUSTER_ID}`;
  }

  /** Whether this process applies the maker's messages now (always, outside cluster mode). */
  applies(enterpriseId: string): boolean {
    return !this.enabled || this.active.has(slotOf(enterpriseId, this.slots));
  }

  /**
   * Whether this process writes the maker's rows: from its claim of the slot until everything it
   * applied there is stored (after a handover, or after losing the lease), never the rows of a
   * maker it knows only from the others' commits.
   */
  writes(enterpriseId: string): boolean {
    return !this.enabled || this.owned.has(slotOf(enterpriseId, this.slots));
  }

  /**
   * Cluster mode's replacement for the plain restore: the state is read while no instance can
   * commit, so it holds exactly the commits counted in `seen`, and the commit log carries on
   * from there without a gap or an overlap.
   */
  async restore(): Promise<void> {
    await this.commits.ensureTables(this.slots);
    const { value: state, seen } = await this.commits.snapshot(() => this.ledger.load());
    this.agg.restore(state);
    this.seen = seen;
    this.agg.writeFilter = (enterpriseId) => this.writes(enterpriseId);
    this.agg.persistDeviceStates = true;
    this.flush.commitLog = {
      // Called as the batch is cut, so run and dataStart are those of exactly the reports in it.
      statements: (batch) => this.commits.statements(this.source, this.nextCommit, batch, { run: this.agg.run, dataStart: this.agg.dataStart }, this.slotsWritten(batch)),
      committed: () => {
        this.nextCommit++;
      },
      failed: (error) => {
        if (error.message.includes(SLOT_LOST)) this.failStop(`a flush was refused: ${SLOT_LOST}`);
      },
    };
    this.logger.log(`restored ${state.gateways.length} gateways as ${this.source}; commit log at ${seen.size} sources`);
  }

  /** Slots of every maker a batch writes: each report adds to its maker's day, so these cover the merged cells too. */
  private slotsWritten(batch: FlushBatch): number[] {
    const slots = new Set<number>();
    for (const key of batch.enterpriseDays.keys()) slots.add(slotOf(key.split('|')[1], this.slots));
    for (const row of batch.gateways) slots.add(slotOf(row.enterpriseId, this.slots));
    for (const row of batch.enterprises) slots.add(slotOf(row.id, this.slots));
    return [...slots].sort((a, b) => a - b);
  }

  /**
   * Another instance owns a slot whose figures this process holds unflushed: they can be neither
   * committed (the new owner applies the same reports again when they are replayed) nor told apart
   * from the other slots' figures they are merged with. The one safe move is to stop, as after a
   * crash: nothing of it was acknowledged, the gateways replay it to the owners.
   */
  private failStop(reason: string): void {
    this.logger.fatal(`${reason}; stopping this instance so its gateways replay to the current owners`);
    this.onFatal(reason);
  }

  /** What a fail-stop does; the process exits unless a test says otherwise. */
  onFatal: (reason: string) => void = () => process.exit(70);

  /** Joins the cluster and takes the slots this process wins; call before the broker listens. */
  async start(): Promise<void> {
    if (!this.enabled) return;
    this.redis = new Redis(this.config.REDIS_URL, { maxRetriesPerRequest: 2 });
    // No ready check on a subscriber connection (see BrokerService).
    this.subscriber = new Redis(this.config.REDIS_URL, { enableReadyCheck: false });
    await this.subscriber.subscribe(this.kickChannel, this.alarmChannel);
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.kickChannel) this.dropConnections(message);
      else this.alarmHeard(message);
    });
    this.shareAlarms();
    await this.rebalance();
    const beat = Math.max(100, Math.floor(this.leaseMs / 4));
    // The heartbeat renews this instance's leases: a late one would hand its makers to another.
    this.cancelTimers.push(this.loopTimers.every('cluster-heartbeat', beat, () => void this.rebalance(), { unref: true }));
    this.cancelTimers.push(this.loopTimers.every('cluster-poll', Math.min(500, this.config.FLUSH_INTERVAL_MS), () => void this.poll(), { unref: true }));
    const prune = setInterval(() => void this.commits.prune(COMMIT_RETENTION_MS).catch(() => undefined), PRUNE_INTERVAL_MS);
    prune.unref();
    this.cancelTimers.push(() => clearInterval(prune));
  }

  /**
   * Leaves the cluster after the final flush: leases are deleted rather than left to expire, so
   * the others take the slots at their next beat.
   */
  async stop(): Promise<void> {
    if (!this.enabled || this.stopped) return;
    this.stopped = true;
    for (const cancel of this.cancelTimers) cancel();
    this.cancelTimers = [];
    this.unsubscribeAlarms?.();
    await this.rebalancing;
    await this.polling;
    this.active.clear();
    this.owned.clear();
    const redis = this.redis;
    if (redis) {
      await Promise.all([...this.held].map((slot) => redis.eval(RELEASE_SCRIPT, 1, this.slotKey(slot), this.source))).catch(() => undefined);
      await redis.del(this.memberKey(this.source)).catch(() => undefined);
      await redis.quit().catch(() => undefined);
    }
    this.held.clear();
    await this.subscriber?.quit().catch(() => undefined);
    this.redis = null;
    this.subscriber = null;
  }

  /** Applies the other instances' commits not applied yet. Serialised; never throws. */
  poll(): Promise<void> {
    if (this.polling) return this.polling;
    this.polling = this.pollOnce()
      .catch((error: Error) => this.logger.warn(`commit log poll failed: ${error.message}`))
      .finally(() => {
        this.polling = null;
      });
    return this.polling;
  }

  private async pollOnce(): Promise<void> {
    for (;;) {
      const rows = inCommitOrder(await this.commits.after(this.source, this.seen));
      const blocked = new Set<string>();
      for (const row of rows) {
        const expected = (this.seen.get(row.source) ?? 0) + 1;
        if (blocked.has(row.source) || row.n !== expected) {
          // Rows before it were pruned before this instance read them (it fell far behind).
          if (!blocked.has(row.source)) this.noteGap(row.source, expected, row.n);
          blocked.add(row.source);
          continue;
        }
        this.agg.applyCommitted(row.batch, (enterpriseId) => this.writes(enterpriseId), row.origin);
        this.seen.set(row.source, row.n);
        this.gapPolls.delete(row.source);
      }
      if (rows.length < 200 || blocked.size > 0) return;
    }
  }

  private noteGap(source: string, expected: number, found: number): void {
    const polls = (this.gapPolls.get(source) ?? 0) + 1;
    this.gapPolls.set(source, polls);
    if (polls === GAP_REPORT_AFTER_POLLS) {
      this.logger.error(`commit log of ${source} jumps from ${expected - 1} to ${found}: its figures in between are missing from this instance's view until it restarts`);
    }
  }

  /**
   * Alarms are raised where a maker's reports are applied; every dashboard, whichever instance it
   * is connected to, lists them all and sees an acknowledgement made anywhere. Relayed alarms
   * keep the id their instance gave them, so an acknowledgement names the same alarm everywhere.
   */
  private readonly relayed = new Set<string>();

  private shareAlarms(): void {
    const publish = (message: { alarm?: AlarmEvent; ack?: AlarmAckEvent }) => {
      void this.redis?.publish(this.alarmChannel, JSON.stringify({ from: this.source, ...message })).catch(() => undefined);
    };
    this.unsubscribeAlarms = this.agg.onAlarm((alarm) => {
      if (!this.relayed.has(alarm.id)) publish({ alarm });
    });
    this.alarms.onAck((ack) => {
      if (!this.relayed.has(`ack:${ack.id}`)) publish({ ack });
    });
  }

  private unsubscribeAlarms: (() => void) | null = null;

  private alarmHeard(message: string): void {
    let parsed: { from: string; alarm?: AlarmEvent; ack?: AlarmAckEvent };
    try {
      parsed = JSON.parse(message) as typeof parsed;
    } catch {
      return;
    }
    if (parsed.from === this.source) return;
    // Bounded: an id only needs remembering while its own echo could still arrive.
    if (this.relayed.size > 10_000) this.relayed.clear();
    if (parsed.alarm) {
      this.relayed.add(parsed.alarm.id);
      this.agg.relayAlarm(parsed.alarm);
    } else if (parsed.ack) {
      this.relayed.add(`ack:${parsed.ack.id}`);
      this.alarms.acknowledge(parsed.ack.id, parsed.ack.acknowledgedAt);
    }
  }

  private get alarmChannel(): string {
    return `${this.prefix}:alarms`;
  }

  private get kickChannel(): string {
    return `${this.prefix}:kick`;
  }

  private memberKey(member: string): string {
    return `${this.prefix}:member:${member}`;
  }

  private slotKey(slot: number): string {
    return `${this.prefix}:slot:${slot}`;
  }

  /** One membership round. Serialised; never throws (a failed round is retried at the next beat). */
  rebalance(): Promise<void> {
    if (this.rebalancing) return this.rebalancing;
    this.rebalancing = this.rebalanceOnce()
      .catch((error: Error) => this.logger.warn(`cluster round failed: ${error.message}`))
      .finally(() => {
        this.rebalancing = null;
      });
    return this.rebalancing;
  }

  private async rebalanceOnce(): Promise<void> {
    const redis = this.redis;
    if (!redis || this.stopped) return;
    const began = Date.now();
    const late = began - this.lastRound;
    this.lastRound = began;
    // A late round is how a lease gets lost: say so before it happens.
    if (this.lastRoundEnded > 0 && late > this.leaseMs / 2) this.logger.warn(`cluster heartbeat ${late} ms after the previous one (lease ${this.leaseMs} ms): this process is starved`);
    await redis.set(this.memberKey(this.source), String(Date.now()), 'PX', this.leaseMs);
    const members = new Set<string>([this.source]);
    // SCAN walks every key of the database (aedes' persistence keeps keys per client: 20,070 with
    // 20,000 gateways), 100 per round trip by default: about 200 trips, each waiting its turn on a
    // busy event loop, while heartbeats took 2.5-7.7 s in such a run (lease 10 s). Ten thousand
    // per trip makes it a few trips.
    for await (const keys of redis.scanStream({ match: this.memberKey('*'), count: 10_000 }) as AsyncIterable<string[]>) {
      for (const key of keys) members.add(key.slice(this.memberKey('').length));
    }
    const sorted = [...members].sort();
    if (sorted.join(' ') !== this.members.join(' ')) this.logger.log(`cluster members: ${sorted.join(', ')}`);
    this.members = sorted;
    const wanted = slotsOwnedBy(this.source, sorted, this.slots);
    const took = Date.now() - began;
    if (took > this.leaseMs / 4) this.logger.warn(`cluster heartbeat took ${took} ms to reach Redis (lease ${this.leaseMs} ms)`);
    this.lastRoundEnded = Date.now();

    // Keep what is held; a lease found in other hands means this process stalled past its lease.
    const heldList = [...this.held];
    if (heldList.length > 0) {
      const lost = (await redis.eval(RENEW_SCRIPT, heldList.length, ...heldList.map((s) => this.slotKey(s)), this.source, String(this.leaseMs))) as number[];
      for (const i of lost) {
        const slot = heldList[i];
        this.logger.error(`lease of slot ${slot} was lost (this process stalled longer than CLUSTER_LEASE_MS); no longer applying it`);
        this.active.delete(slot);
        this.held.delete(slot);
        this.unstored.add(slot);
      }
    }
    // What was applied for a lost slot is stored (the fence refuses it if another instance has
    // claimed the slot meanwhile, and this process stops); then its rows are no longer ours.
    if (this.unstored.size > 0) {
      const failures = this.flush.stats.failures;
      await this.flush.flush();
      if (this.flush.stats.failures === failures) {
        for (const slot of this.unstored) if (!this.held.has(slot)) this.owned.delete(slot);
        this.unstored.clear();
      }
    }

    // Hand over: close the gate, make everything applied durable, then let go.
    const leaving = [...this.held].filter((slot) => !wanted.has(slot));
    if (leaving.length > 0) {
      for (const slot of leaving) this.active.delete(slot);
      const failures = this.flush.stats.failures;
      await this.flush.flush();
      if (this.flush.stats.failures === failures) {
        for (const slot of leaving) this.owned.delete(slot);
        await Promise.all(leaving.map((slot) => redis.eval(RELEASE_SCRIPT, 1, this.slotKey(slot), this.source)));
        for (const slot of leaving) this.held.delete(slot);
        this.logger.log(`handed over ${leaving.length} slots`);
      }
    }

    // Take over: the lease first, then the claim, then the stored watermarks, then open the gate.
    for (const slot of wanted) {
      if (this.held.has(slot)) continue;
      const ok = await redis.set(this.slotKey(slot), this.source, 'PX', this.leaseMs, 'NX');
      if (ok === 'OK') this.held.add(slot);
    }
    const taken = [...this.held].filter((slot) => wanted.has(slot) && !this.active.has(slot));
    if (taken.length === 0) return;
    const takenSet = new Set(taken);
    await this.commits.claimSlots(this.source, taken);
    // Figures this process applied for these slots before it lost their lease without handing
    // over (Redis unreachable, say) are stored first, so the watermarks read next cover them.
    // Rows of the others' makers it merely knows of stay out of this flush: not owned yet.
    const failures = this.flush.stats.failures;
    await this.flush.flush();
    if (this.flush.stats.failures !== failures) return;
    for (const slot of taken) this.owned.add(slot);
    const inTaken = (enterpriseId: string) => takenSet.has(slotOf(enterpriseId, this.slots));
    const rows = (await this.commits.watermarks()).filter((row) => inTaken(row.enterpriseId));
    this.agg.adoptGateways(rows, inTaken);
    for (const slot of taken) this.active.add(slot);
    this.logger.log(`took over ${taken.length} slots (${this.active.size}/${this.slots} applied here)`);
    // Gateways of these slots may have published while no one applied them: make them replay.
    await redis.publish(this.kickChannel, JSON.stringify({ slots: taken, by: this.source }));
  }

  /** Drops this instance's connections of gateways in the given slots; they reconnect and replay. */
  private dropConnections(message: string): void {
    let slots: Set<number>;
    try {
      slots = new Set((JSON.parse(message) as { slots: number[] }).slots);
    } catch {
      return;
    }
    const clients = this.broker.localClients() as unknown as Record<string, { close(cb?: () => void): void; _disconnected?: boolean }>;
    let dropped = 0;
    for (const [clientId, client] of Object.entries(clients)) {
      const address = parseGatewayClientId(clientId);
      if (!address || !slots.has(slotOf(address.enterprise, this.slots))) continue;
      // A handover is not an outage: close as if the gateway had sent DISCONNECT, so aedes drops
      // its last will instead of publishing it (the gateway is back within a reconnect period).
      client._disconnected = true;
      client.close();
      dropped++;
    }
    if (dropped > 0) this.logger.log(`dropped ${dropped} gateway connections of slots taken over, so they replay`);
  }
}

/**
 * Each source's commits in their own order (by number: a clock stepping back must not reorder
 * them), and the sources interleaved by commit time, so that when a maker moved, the rows its
 * earlier owner wrote are applied before the new owner's.
 */
export function inCommitOrder(rows: CommitRow[]): CommitRow[] {
  const bySource = new Map<string, CommitRow[]>();
  for (const row of rows) bySource.set(row.source, [...(bySource.get(row.source) ?? []), row]);
  const keyed: Array<{ row: CommitRow; t: number }> = [];
  for (const list of bySource.values()) {
    let t = -Infinity;
    for (const row of list.sort((a, b) => a.n - b.n)) {
      t = Math.max(t, row.at);
      keyed.push({ row, t });
    }
  }
  keyed.sort((a, b) => a.t - b.t || (a.row.source < b.row.source ? -1 : a.row.source > b.row.source ? 1 : a.row.n - b.row.n));
  return keyed.map((k) => k.row);
}

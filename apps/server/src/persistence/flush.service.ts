import { encodePayload, gatewayControlSchema, gatewayTopic, parseGatewayClientId } from '@clusterpulse/contracts';
import { Injectable, Logger } from '@nestjs/common';
import { AggregationService } from '../aggregation/aggregation.service';
import { isEmptyBatch, type FlushBatch } from '../aggregation/ledger';
import { BrokerService } from '../broker/broker.service';
import { LoopTimers } from '../common/loop-timers';
import { LedgerRepository } from './ledger.repository';

/** Rows written in the flush's own transaction, told when it committed (cluster mode's commit log). */
export interface CommitParticipant {
  statements(batch: FlushBatch): Array<{ sql: string; params: Array<string | number | boolean | null> }>;
  committed(): void;
  /** The transaction failed (its statements may be why: cluster mode's ownership check). */
  failed?(error: Error): void;
}

/**
 * A gateway hears its watermark at most this often. Every acknowledgement is one more socket write
 * per gateway, as many as its reports at one report per flush; the watermark is cumulative, so a
 * later one covers everything an earlier one would have said, and a gateway keeps far more
 * unacknowledged reports than it sends in this time.
 */
export const ACK_MIN_INTERVAL_MS = 3_000;

/**
 * Acknowledgements the server writes per second at most, over all gateways (a budget refilled at
 * this rate, holding at most one second's worth): each is a socket write and a trip through the
 * broker. Watermarks beyond the budget wait for a later flush, those waiting longest first, so
 * with more gateways reporting than this rate covers each hears its watermark less often (about
 * every 10 s at 10,000 gateways reporting every second) and holds that much more unacknowledged
 * (a simulator gateway keeps up to 1,000 by default).
 */
export const ACKS_PER_SECOND = 1_000;

/**
 * Acknowledgements sent in one turn of the event loop; the rest go out in the next turns. Gateways
 * that connected together fall due together: ten thousand at once held the loop for 0.1 s.
 */
export const ACKS_PER_TURN = 250;

export interface FlushStats {
  flushes: number;
  failures: number;
  lastDurationMs: number;
  lastRows: number;
}

/**
 * Writes the aggregator's deltas and watermarks every FLUSH_INTERVAL_MS in one transaction, then
 * acknowledges the committed watermarks on each gateway's control topic.
 */
@Injectable()
export class FlushService {
  private readonly logger = new Logger(FlushService.name);
  private cancelTimer: (() => void) | null = null;
  private running: Promise<void> | null = null;
  readonly stats: FlushStats = { flushes: 0, failures: 0, lastDurationMs: 0, lastRows: 0 };
  private readonly durationListeners: Array<(seconds: number) => void> = [];
  /**
   * Committed watermarks not yet sent, the newest per gateway client id: a number, not an object,
   * since every gateway's entry is replaced at every flush and may wait seconds to be sent.
   */
  private readonly unsentAcks = new Map<string, number>();
  private readonly lastAckAt = new Map<string, number>();
  /** A turn of acknowledgements is scheduled. */
  private acksScheduled = false;
  /** Acknowledgements that may be sent now (see ACKS_PER_SECOND), and when it was last refilled. */
  private ackBudget = ACKS_PER_SECOND;
  private ackBudgetAt = Date.now();
  commitLog: CommitParticipant | null = null;

  constructor(
    private readonly agg: AggregationService,
    private readonly ledger: LedgerRepository,
    private readonly broker: BrokerService,
    private readonly timers: LoopTimers,
  ) {}

  onDuration(listener: (seconds: number) => void): void {
    this.durationListeners.push(listener);
  }

  /** Restores the in-memory state from the database; must run before the broker accepts clients. */
  async restore(): Promise<void> {
    const state = await this.ledger.load();
    this.agg.restore(state);
    this.logger.log(`restored ${state.gateways.length} gateways, ${state.enterprises.length} makers, ${state.clusterDays.length} days`);
  }

  start(intervalMs: number): void {
    this.stop();
    // A flush still running (a slow database) is not queued behind: the next turn takes what came since.
    this.cancelTimer = this.timers.every('flush', intervalMs, () => {
      if (!this.running) void this.flush();
    });
  }

  stop(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
  }

  /** Runs one flush, or waits for the one in progress and then runs another. Never throws. */
  async flush(): Promise<void> {
    while (this.running) await this.running;
    this.running = this.flushOnce().finally(() => {
      this.running = null;
    });
    await this.running;
  }

  private async flushOnce(): Promise<void> {
    const pending = this.agg.takeFlush();
    if (isEmptyBatch(pending.batch)) {
      this.sendDueAcks();
      return;
    }
    const started = performance.now();
    try {
      this.stats.lastRows = await this.ledger.flush(pending.batch, this.commitLog?.statements(pending.batch));
    } catch (error) {
      this.commitLog?.failed?.(error as Error);
      this.stats.failures++;
      this.agg.flushFailed(pending);
      this.logger.error(`flush failed, will retry: ${(error as Error).message}`);
      return;
    }
    const seconds = (performance.now() - started) / 1000;
    this.stats.flushes++;
    this.stats.lastDurationMs = seconds * 1000;
    for (const l of this.durationListeners) l(seconds);
    this.commitLog?.committed();
    this.agg.flushCommitted(pending);
    for (const [gatewayId, seq] of pending.acks) this.unsentAcks.set(gatewayId, seq);
    this.sendDueAcks();
  }

  private sendDueAcks(): void {
    if (this.acksScheduled || !this.broker.listening || this.unsentAcks.size === 0) return;
    const now = Date.now();
    this.ackBudget = Math.min(ACKS_PER_SECOND, this.ackBudget + ((now - this.ackBudgetAt) / 1000) * ACKS_PER_SECOND);
    this.ackBudgetAt = now;
    let sent = 0;
    // In the order they first waited: a watermark replaced by a newer one keeps its place.
    for (const [gatewayId, seq] of this.unsentAcks) {
      if (now - (this.lastAckAt.get(gatewayId) ?? -Infinity) < ACK_MIN_INTERVAL_MS) continue;
      if (this.ackBudget < 1) return;
      if (sent++ === ACKS_PER_TURN) {
        this.acksScheduled = true;
        void this.timers.nextTurn().then(() => {
          this.acksScheduled = false;
          this.sendDueAcks();
        });
        return;
      }
      this.unsentAcks.delete(gatewayId);
      this.lastAckAt.set(gatewayId, now);
      this.ackBudget -= 1;
      // The aggregator knows gateways by client id only, which the broker has checked.
      const address = parseGatewayClientId(gatewayId);
      if (!address) continue;
      // QoS 0 is enough: acknowledgements are cumulative and a duplicate report earns a new one.
      this.broker
        .publishTo(gatewayId, gatewayTopic(address, 'control'), encodePayload(gatewayControlSchema, { v: 1, cmd: 'ack', seq }))
        .catch((error: Error) => this.logger.warn(`ack to ${gatewayId} failed: ${error.message}`));
    }
  }
}

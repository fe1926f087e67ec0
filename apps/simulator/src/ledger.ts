import type { ReportPayload } from '@clusterpulse/contracts';

/** What one report carried, as the simulator recorded it when it first published it. */
export interface LedgerEntry {
  seq: number;
  ts: number;
  salesFen: number;
  salesPieces: number;
  orders: number;
  good: number;
  defective: number;
  energyWh: number;
}

export interface LedgerTotals {
  reports: number;
  salesFen: number;
  salesPieces: number;
  orders: number;
  good: number;
  defective: number;
  energyWh: number;
}

/** A ledger as a file or another process sees it: totals, and per gateway its totals and highest seq. */
export interface LedgerJSON {
  totals: LedgerTotals;
  gateways: Record<string, LedgerTotals & { lastSeq: number }>;
}

function emptyTotals(): LedgerTotals {
  return { reports: 0, salesFen: 0, salesPieces: 0, orders: 0, good: 0, defective: 0, energyWh: 0 };
}

/** Sums a report the way a server should: every sales line and production line once. */
export function summarizeReport(report: ReportPayload): LedgerEntry {
  const entry: LedgerEntry = { seq: report.seq, ts: report.ts, salesFen: 0, salesPieces: 0, orders: 0, good: 0, defective: 0, energyWh: report.energyWh };
  for (const line of report.sales) {
    entry.salesFen += line.amountFen;
    entry.salesPieces += line.pieces;
    entry.orders += line.orders;
  }
  for (const line of report.production) {
    entry.good += line.good;
    entry.defective += line.defective;
  }
  return entry;
}

/**
 * Everything the simulator has published, per gateway and sequence number. A report sent again
 * (replay after a reconnect, an injected duplicate) has the same seq and is recorded once, so the
 * ledger is what a server applying each report exactly once must end up with.
 */
export class Ledger {
  private readonly gateways = new Map<string, Map<number, LedgerEntry>>();
  private readonly sum = emptyTotals();

  record(clientId: string, report: ReportPayload): void {
    let bySeq = this.gateways.get(clientId);
    if (!bySeq) {
      bySeq = new Map();
      this.gateways.set(clientId, bySeq);
    }
    if (bySeq.has(report.seq)) return;
    const entry = summarizeReport(report);
    bySeq.set(report.seq, entry);
    add(this.sum, entry);
  }

  /** Forgets everything: a new run starts, and the server's figures start from zero with it. */
  reset(): void {
    this.gateways.clear();
    Object.assign(this.sum, emptyTotals());
  }

  totals(): LedgerTotals {
    return { ...this.sum };
  }

  gatewayTotals(clientId: string): LedgerTotals {
    const t = emptyTotals();
    for (const entry of this.gateways.get(clientId)?.values() ?? []) add(t, entry);
    return t;
  }

  entries(clientId: string): LedgerEntry[] {
    return [...(this.gateways.get(clientId)?.values() ?? [])].sort((a, b) => a.seq - b.seq);
  }

  clientIds(): string[] {
    return [...this.gateways.keys()];
  }

  /** Plain JSON for a file other processes (a reconciliation test) can read. */
  toJSON(): LedgerJSON {
    const gateways: Record<string, LedgerTotals & { lastSeq: number }> = {};
    for (const [id, bySeq] of this.gateways) {
      let lastSeq = 0;
      for (const seq of bySeq.keys()) lastSeq = Math.max(lastSeq, seq);
      gateways[id] = { ...this.gatewayTotals(id), lastSeq };
    }
    return { totals: this.totals(), gateways };
  }
}

function add(t: LedgerTotals, e: LedgerEntry): void {
  t.reports++;
  t.salesFen += e.salesFen;
  t.salesPieces += e.salesPieces;
  t.orders += e.orders;
  t.good += e.good;
  t.defective += e.defective;
  t.energyWh += e.energyWh;
}

/**
 * One ledger of the ledgers of several processes, each running its own gateways: the gateways
 * side by side, the totals summed. A gateway in two parts is a mistake of the caller's.
 */
export function mergeLedgers(parts: readonly LedgerJSON[]): LedgerJSON {
  const totals = emptyTotals();
  const gateways: LedgerJSON['gateways'] = {};
  for (const part of parts) {
    for (const key of Object.keys(totals) as Array<keyof LedgerTotals>) totals[key] += part.totals[key];
    for (const [id, g] of Object.entries(part.gateways)) {
      if (id in gateways) throw new Error(`gateway ${id} is in two ledgers`);
      gateways[id] = g;
    }
  }
  return { totals, gateways };
}

import type { EnterpriseHistoryResponse } from '@clusterpulse/contracts';
import { oeeFromTotals } from '@clusterpulse/kpi';
import { Injectable } from '@nestjs/common';
import { AggregationService } from '../aggregation/aggregation.service';
import { LedgerRepository } from '../persistence/ledger.repository';

/**
 * A maker's days come from the database rather than memory: 20,000 makers times a year of days is
 * too much to hold live, and one maker's rows are one indexed read. Today's row is as of the last flush.
 */
@Injectable()
export class EnterpriseHistoryService {
  constructor(
    private readonly agg: AggregationService,
    private readonly ledger: LedgerRepository,
  ) {}

  knows(id: string): boolean {
    return this.agg.enterprises.has(id);
  }

  async history(id: string): Promise<EnterpriseHistoryResponse> {
    const run = this.agg.run;
    const rows = await this.ledger.enterpriseDays(id, run);
    return {
      enterprise: id,
      run,
      days: rows.map((r) => ({ day: r.day, salesFen: r.salesFen, good: r.good, defective: r.defective, energyWh: r.energyWh, oee: oeeFromTotals(r.oee)?.oee ?? null })),
    };
  }
}

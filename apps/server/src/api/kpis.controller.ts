import { API_PREFIX, ApiRoutes, type ClusterKpisResponse, type DailyHistoryResponse, type IngestStats } from '@clusterpulse/contracts';
import { Controller, Get, Query } from '@nestjs/common';
import { z } from 'zod';
import { KpiViewService } from '../aggregation/kpi-view.service';
import { ZodQueryPipe } from './zod-query.pipe';

const strip = (route: string) => route.slice(API_PREFIX.length + 2);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const historyQuery = z.strictObject({ from: day.optional(), to: day.optional() });

@Controller(API_PREFIX)
export class KpisController {
  constructor(private readonly view: KpiViewService) {}

  @Get(strip(ApiRoutes.kpis))
  kpis(): ClusterKpisResponse {
    return this.view.kpis();
  }

  @Get(strip(ApiRoutes.dailyHistory))
  history(@Query(new ZodQueryPipe(historyQuery)) query: z.infer<typeof historyQuery>): DailyHistoryResponse {
    return this.view.history(query.from, query.to);
  }

  @Get(strip(ApiRoutes.ingestStats))
  ingestStats(): IngestStats {
    return this.view.ingestStats();
  }
}

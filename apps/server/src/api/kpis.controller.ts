import { API_PREFIX, ApiRoutes, type ClusterKpisResponse, type DailyHistoryResponse, type IngestStats } from '@clusterpulse/contracts';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DailyHistoryDto } from './dto/history.dto';
import { ClusterKpisDto, IngestStatsDto } from './dto/kpis.dto';
import { ApiErrorDto } from './dto/trainer.dto';
import { z } from 'zod';
import { KpiViewService } from '../aggregation/kpi-view.service';
import { ZodQueryPipe } from './zod-query.pipe';

const strip = (route: string) => route.slice(API_PREFIX.length + 2);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const historyQuery = z.strictObject({ from: day.optional(), to: day.optional() });

@ApiTags('kpis')
@Controller(API_PREFIX)
export class KpisController {
  constructor(private readonly view: KpiViewService) {}

  @Get(strip(ApiRoutes.kpis))
  @ApiOkResponse({ type: ClusterKpisDto, description: 'the cluster now: sales toward the target, production, OEE, energy, devices, ingest' })
  kpis(): ClusterKpisResponse {
    return this.view.kpis();
  }

  @Get(strip(ApiRoutes.dailyHistory))
  @ApiQuery({ name: 'from', required: false, description: 'first China calendar day, YYYY-MM-DD' })
  @ApiQuery({ name: 'to', required: false, description: 'last China calendar day, YYYY-MM-DD' })
  @ApiOkResponse({ type: DailyHistoryDto })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  history(@Query(new ZodQueryPipe(historyQuery)) query: z.infer<typeof historyQuery>): DailyHistoryResponse {
    return this.view.history(query.from, query.to);
  }

  @Get(strip(ApiRoutes.ingestStats))
  @ApiOkResponse({ type: IngestStatsDto })
  ingestStats(): IngestStats {
    return this.view.ingestStats();
  }
}

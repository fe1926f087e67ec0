import { API_PREFIX, ApiRoutes, ID_PATTERN, type EnterpriseDetailResponse, type EnterpriseHistoryResponse, type EnterpriseListResponse } from '@clusterpulse/contracts';
import { Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { EnterpriseDetailDto, EnterpriseHistoryDto, EnterpriseListDto } from './dto/enterprises.dto';
import { EnterpriseHistoryService } from './enterprise-history.service';
import { ApiErrorDto } from './dto/trainer.dto';
import { z } from 'zod';
import { KpiViewService } from '../aggregation/kpi-view.service';
import { ZodQueryPipe } from './zod-query.pipe';

const listQuery = z.strictObject({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  sort: z.enum(['sales', 'oee', 'name']).default('sales'),
  order: z.enum(['asc', 'desc']).default('desc'),
  year: z.coerce.number().int().min(2000).max(2100).optional(),
});

const base = ApiRoutes.enterprises.slice(API_PREFIX.length + 2);

@ApiTags('enterprises')
@Controller(API_PREFIX)
export class EnterprisesController {
  constructor(
    private readonly view: KpiViewService,
    private readonly histories: EnterpriseHistoryService,
  ) {}

  /** Paged and sorted, e.g. `?sort=sales&order=desc&limit=10` for a leaderboard. */
  @Get(base)
  @ApiQuery({ name: 'offset', required: false, type: 'integer' })
  @ApiQuery({ name: 'limit', required: false, type: 'integer', description: '1..1000, default 50' })
  @ApiQuery({ name: 'sort', required: false, enum: ['sales', 'oee', 'name'] })
  @ApiQuery({ name: 'order', required: false, enum: ['asc', 'desc'] })
  @ApiQuery({ name: 'year', required: false, type: 'integer', description: 'calendar year of the figures; default the current simulated year' })
  @ApiOkResponse({ type: EnterpriseListDto })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  list(@Query(new ZodQueryPipe(listQuery)) query: z.infer<typeof listQuery>): EnterpriseListResponse {
    return this.view.enterprises(query);
  }

  @Get(`${base}/:id`)
  @ApiOkResponse({ type: EnterpriseDetailDto, description: 'the maker with each of its devices' })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  one(@Param('id') id: string): EnterpriseDetailResponse {
    const found = ID_PATTERN.test(id) ? this.view.enterprise(id) : null;
    if (!found) throw new NotFoundException(`no enterprise ${id}`);
    return found;
  }

  @Get(`${base}/:id/history`)
  @ApiOkResponse({ type: EnterpriseHistoryDto, description: "the maker's days in the current run" })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  history(@Param('id') id: string): Promise<EnterpriseHistoryResponse> {
    if (!ID_PATTERN.test(id) || !this.histories.knows(id)) throw new NotFoundException(`no enterprise ${id}`);
    return this.histories.history(id);
  }
}

import {
  AS_OF_SOURCES,
  DEVICE_STATE_GROUPS,
  PRODUCT_CATEGORIES,
  REJECT_REASONS,
  SALES_CHANNELS,
  simStatusSchema,
  type AsOfSource,
  type CategoryProduction,
  type ChannelSales,
  type ClusterKpisResponse,
  type DeviceStateGroup,
  type IngestStats,
  type OeeFigures,
  type ProductCategory,
  type RejectReason,
  type SalesChannel,
  type SalesKpis,
  type SimStatus,
} from '@clusterpulse/contracts';
import { ApiProperty } from '@nestjs/swagger';
import { dtoFromZod, integerRecordDto } from './openapi-schema';

const RejectsByReasonDto = integerRecordDto('RejectsByReason', REJECT_REASONS);
const DeviceCountsDto = integerRecordDto('DeviceCounts', [...DEVICE_STATE_GROUPS, 'total']);
export const SimStatusDto = dtoFromZod('SimStatus', simStatusSchema);

/*
 * OpenAPI descriptions of the contracts' response types. Each class `implements` its contracts
 * interface, so a field added there and forgotten here fails the build.
 */

const fen = (description: string) => ({ type: 'integer' as const, description: `${description} (integer fen; 100 fen = 1 RMB)` });

export class ChannelSalesDto implements ChannelSales {
  @ApiProperty({ enum: SALES_CHANNELS }) channel!: SalesChannel;
  @ApiProperty(fen('sales today')) todayFen!: number;
  @ApiProperty(fen('sales year to date')) yearToDateFen!: number;
}

export class SalesKpisDto implements SalesKpis {
  @ApiProperty({ type: 'integer', description: 'simulated calendar year the figures belong to' }) year!: number;
  @ApiProperty(fen('sales today')) todayFen!: number;
  @ApiProperty(fen('sales year to date')) yearToDateFen!: number;
  @ApiProperty(fen('annualized from the trailing window of daily sales')) runRateFen!: number;
  @ApiProperty(fen('projected year-end sales')) projectedYearEndFen!: number;
  @ApiProperty(fen('the target: 100 bn RMB a year')) targetFen!: number;
  @ApiProperty(fen('sales before the platform: 63 bn RMB a year')) baselineFen!: number;
  @ApiProperty(fen('target minus year to date; 0 once reached')) gapToTargetFen!: number;
  @ApiProperty(fen('daily sales needed from tomorrow to reach the target; 0 once reached')) neededDailyFen!: number;
  @ApiProperty({ type: 'string', format: 'date', nullable: true, description: 'day the target is reached at the current rate; null if never' })
  targetReachedDate!: string | null;
  @ApiProperty({ type: () => [ChannelSalesDto] }) byChannel!: ChannelSalesDto[];
}

export class CategoryProductionDto implements CategoryProduction {
  @ApiProperty({ enum: PRODUCT_CATEGORIES }) category!: ProductCategory;
  @ApiProperty({ type: 'integer', description: 'good pieces year to date' }) good!: number;
  @ApiProperty({ type: 'integer' }) defective!: number;
  @ApiProperty({ type: 'number', description: 'good pieces per simulated hour over the latest simulated day' }) piecesPerHour!: number;
}

export class ProductionDto {
  @ApiProperty({ type: () => [CategoryProductionDto] }) byCategory!: CategoryProductionDto[];
  @ApiProperty({ type: 'integer' }) totalGood!: number;
  @ApiProperty({ type: 'integer' }) totalDefective!: number;
}

export class OeeFiguresDto implements OeeFigures {
  @ApiProperty({ type: 'number', minimum: 0, maximum: 1 }) availability!: number;
  @ApiProperty({ type: 'number', minimum: 0, maximum: 1 }) performance!: number;
  @ApiProperty({ type: 'number', minimum: 0, maximum: 1 }) quality!: number;
  @ApiProperty({ type: 'number', minimum: 0, maximum: 1 }) oee!: number;
}

export class IngestStatsDto implements IngestStats {
  @ApiProperty({ type: 'integer' }) accepted!: number;
  @ApiProperty({ type: 'integer' }) rejected!: number;
  @ApiProperty({ type: 'integer' }) duplicates!: number;
  @ApiProperty({ type: 'integer' }) gaps!: number;
  @ApiProperty({ type: () => RejectsByReasonDto, description: 'refused messages by reason' })
  rejectsByReason!: Record<RejectReason, number>;
}

export class EnterpriseCountsDto {
  @ApiProperty({ type: 'integer' }) total!: number;
  @ApiProperty({ type: 'integer' }) online!: number;
}

export class ClusterKpisDto implements ClusterKpisResponse {
  @ApiProperty() cluster!: string;
  @ApiProperty({ type: 'integer', nullable: true, description: 'simulated time (epoch ms) of the newest applied report; null before the first' })
  asOf!: number | null;
  @ApiProperty({ enum: AS_OF_SOURCES, description: "what the year and 'today' are taken from" }) asOfSource!: AsOfSource;
  @ApiProperty({ type: 'string', format: 'date', nullable: true, description: 'China calendar day of asOf' }) simDate!: string | null;
  @ApiProperty({ type: () => SalesKpisDto }) sales!: SalesKpisDto;
  @ApiProperty({ type: () => ProductionDto }) production!: ProductionDto;
  @ApiProperty({ type: () => OeeFiguresDto, nullable: true }) oee!: OeeFiguresDto | null;
  @ApiProperty({ type: 'number', nullable: true, description: 'kWh per 1,000 good pieces year to date' }) kwhPer1000Pieces!: number | null;
  @ApiProperty({ type: () => DeviceCountsDto, description: 'devices by state group, and all of them' })
  devices!: Record<DeviceStateGroup, number> & { total: number };
  @ApiProperty({ type: () => EnterpriseCountsDto }) enterprises!: EnterpriseCountsDto;
  @ApiProperty({ type: () => IngestStatsDto }) ingest!: IngestStatsDto;
  @ApiProperty({ type: () => SimStatusDto, nullable: true, description: "the simulator's last status (sim/status); null if none seen" })
  sim!: SimStatus | null;
  @ApiProperty({ type: 'string', description: "the simulator run the figures belong to ('' for reports that name none)" }) run?: string;
}

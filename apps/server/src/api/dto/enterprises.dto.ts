import {
  DEVICE_KINDS,
  DEVICE_STATE_GROUPS,
  DEVICE_STATES,
  PRODUCT_CATEGORIES,
  type DeviceDetail,
  type DeviceKind,
  type DeviceState,
  type DeviceStateGroup,
  type EnterpriseDetailResponse,
  type EnterpriseHistoryDay,
  type EnterpriseHistoryResponse,
  type EnterpriseListResponse,
  type EnterpriseSummary,
  type ProductCategory,
} from '@clusterpulse/contracts';
import { OeeFiguresDto } from './kpis.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { integerRecordDto } from './openapi-schema';

const DeviceGroupsDto = integerRecordDto('DeviceStateGroups', DEVICE_STATE_GROUPS);

export class EnterpriseSummaryDto implements EnterpriseSummary {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() town!: string;
  @ApiProperty() park!: string;
  @ApiProperty({ enum: PRODUCT_CATEGORIES }) category!: ProductCategory;
  @ApiProperty({ type: 'number', minimum: 0, maximum: 1 }) digitization!: number;
  @ApiProperty() online!: boolean;
  @ApiProperty({ type: 'integer', description: 'integer fen' }) yearToDateFen!: number;
  @ApiProperty({ type: 'integer' }) good!: number;
  @ApiProperty({ type: 'integer' }) defective!: number;
  @ApiProperty({ type: 'number', nullable: true }) oee!: number | null;
  @ApiPropertyOptional({ type: 'number', nullable: true }) kwhPer1000Pieces?: number | null;
  @ApiProperty({ type: () => DeviceGroupsDto, description: 'devices by state group' }) devices!: Record<DeviceStateGroup, number>;
}

export class EnterpriseListDto implements EnterpriseListResponse {
  @ApiProperty({ type: 'integer' }) total!: number;
  @ApiProperty({ type: () => [EnterpriseSummaryDto] }) enterprises!: EnterpriseSummaryDto[];
}

export class DeviceDetailDto implements DeviceDetail {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: DEVICE_KINDS }) kind!: DeviceKind;
  @ApiProperty({ type: 'string', nullable: true, description: 'line or area inside the workshop' }) line!: string | null;
  @ApiProperty({ enum: DEVICE_STATES, description: "as reported; 'offline' while the maker's gateway is" }) state!: DeviceState;
  @ApiProperty({ enum: DEVICE_STATE_GROUPS }) group!: DeviceStateGroup;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, description: 'sensor values of the latest report' }) readings!: Record<string, number>;
  @ApiProperty({ type: () => OeeFiguresDto, nullable: true, description: 'OEE over the latest report interval' }) oee!: OeeFiguresDto | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Wh drawn in the latest report interval' }) energyWh!: number | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'simulated end of the latest report interval' }) lastTs!: number | null;
}

export class EnterpriseDetailDto extends EnterpriseSummaryDto implements EnterpriseDetailResponse {
  @ApiProperty({ type: () => [DeviceDetailDto] }) deviceList!: DeviceDetailDto[];
}

export class EnterpriseHistoryDayDto implements EnterpriseHistoryDay {
  @ApiProperty({ type: 'string', format: 'date', description: 'China calendar day' }) day!: string;
  @ApiProperty({ type: 'integer', description: 'integer fen' }) salesFen!: number;
  @ApiProperty({ type: 'integer' }) good!: number;
  @ApiProperty({ type: 'integer' }) defective!: number;
  @ApiProperty({ type: 'integer' }) energyWh!: number;
  @ApiProperty({ type: 'number', nullable: true }) oee!: number | null;
}

export class EnterpriseHistoryDto implements EnterpriseHistoryResponse {
  @ApiProperty() enterprise!: string;
  @ApiProperty({ description: "the run the days belong to ('' for reports that name none)" }) run!: string;
  @ApiProperty({ type: () => [EnterpriseHistoryDayDto] }) days!: EnterpriseHistoryDayDto[];
}

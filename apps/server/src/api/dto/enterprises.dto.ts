import { DEVICE_STATE_GROUPS, PRODUCT_CATEGORIES, type DeviceStateGroup, type EnterpriseListResponse, type EnterpriseSummary, type ProductCategory } from '@clusterpulse/contracts';
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

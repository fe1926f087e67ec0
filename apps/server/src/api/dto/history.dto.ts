import { PRODUCT_CATEGORIES, SALES_CHANNELS, type DailyHistoryPoint, type DailyHistoryResponse, type ProductCategory, type SalesChannel } from '@clusterpulse/contracts';
import { ApiProperty } from '@nestjs/swagger';
import { integerRecordDto } from './openapi-schema';

const SalesByChannelDto = integerRecordDto('SalesByChannel', SALES_CHANNELS);
const GoodByCategoryDto = integerRecordDto('GoodByCategory', PRODUCT_CATEGORIES);

export class DailyHistoryPointDto implements DailyHistoryPoint {
  @ApiProperty({ type: 'string', format: 'date', description: 'China calendar day' }) day!: string;
  @ApiProperty({ type: 'integer', description: 'integer fen' }) salesFen!: number;
  @ApiProperty({ type: 'integer' }) good!: number;
  @ApiProperty({ type: 'integer' }) defective!: number;
  @ApiProperty({ type: 'integer' }) energyWh!: number;
  @ApiProperty({ type: () => SalesByChannelDto, description: 'sales by channel, integer fen' }) byChannel!: Record<SalesChannel, number>;
  @ApiProperty({ type: () => GoodByCategoryDto, description: 'good pieces by category' }) byCategory!: Record<ProductCategory, number>;
}

export class DailyHistoryDto implements DailyHistoryResponse {
  @ApiProperty() cluster!: string;
  @ApiProperty({ type: () => [DailyHistoryPointDto] }) days!: DailyHistoryPointDto[];
}

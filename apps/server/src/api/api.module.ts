import { Module } from '@nestjs/common';
import { AggregationModule } from '../aggregation/aggregation.module';
import { EnterprisesController } from './enterprises.controller';
import { KpisController } from './kpis.controller';

@Module({ imports: [AggregationModule], controllers: [KpisController, EnterprisesController] })
export class ApiModule {}

import { Module } from '@nestjs/common';
import { AggregationModule } from '../aggregation/aggregation.module';
import { PersistenceModule } from '../persistence/persistence.module';
import { EnterpriseHistoryService } from './enterprise-history.service';
import { EnterprisesController } from './enterprises.controller';
import { KpisController } from './kpis.controller';

@Module({ imports: [AggregationModule, PersistenceModule], controllers: [KpisController, EnterprisesController], providers: [EnterpriseHistoryService] })
export class ApiModule {}

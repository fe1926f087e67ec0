import { Module } from '@nestjs/common';
import { AggregationModule } from '../aggregation/aggregation.module';
import { PersistenceModule } from '../persistence/persistence.module';
import { TrainerTokenGuard } from '../trainer/trainer-token.guard';
import { AlarmsController } from './alarms.controller';
import { EnterpriseHistoryService } from './enterprise-history.service';
import { EnterprisesController } from './enterprises.controller';
import { KpisController } from './kpis.controller';

@Module({ imports: [AggregationModule, PersistenceModule], controllers: [KpisController, EnterprisesController, AlarmsController], providers: [EnterpriseHistoryService, TrainerTokenGuard] })
export class ApiModule {}

import { Module } from '@nestjs/common';
import { AggregationModule } from '../aggregation/aggregation.module';
import { BrokerModule } from '../broker/broker.module';
import { TrainerController } from './trainer.controller';
import { TrainerService } from './trainer.service';
import { TrainerTokenGuard } from './trainer-token.guard';

@Module({ imports: [BrokerModule, AggregationModule], controllers: [TrainerController], providers: [TrainerService, TrainerTokenGuard] })
export class TrainerModule {}

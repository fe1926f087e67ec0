import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AggregationModule } from '../aggregation/aggregation.module';
import { BrokerModule } from '../broker/broker.module';
import { IngestModule } from '../ingest/ingest.module';
import { PersistenceModule } from '../persistence/persistence.module';
import { RealtimeModule } from '../realtime/realtime.module';
import { OpsController } from './ops.controller';
import { MetricsService } from './metrics.service';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), AggregationModule, BrokerModule, IngestModule, PersistenceModule, RealtimeModule],
  controllers: [OpsController],
  providers: [MetricsService],
})
export class OpsModule {}

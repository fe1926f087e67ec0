import { Module } from '@nestjs/common';
import { AggregationModule } from '../aggregation/aggregation.module';
import { BrokerModule } from '../broker/broker.module';
import { IngestModule } from '../ingest/ingest.module';
import { PersistenceModule } from '../persistence/persistence.module';
import { AccessService } from './access.service';

@Module({ imports: [BrokerModule, AggregationModule, IngestModule, PersistenceModule], providers: [AccessService], exports: [AccessService] })
export class AccessModule {}

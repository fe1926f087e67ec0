import { Module } from '@nestjs/common';
import { AggregationModule } from '../aggregation/aggregation.module';
import { BrokerModule } from '../broker/broker.module';
import { IngestService } from './ingest.service';

@Module({ imports: [BrokerModule, AggregationModule], providers: [IngestService], exports: [IngestService] })
export class IngestModule {}

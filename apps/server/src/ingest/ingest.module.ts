import { Module } from '@nestjs/common';
import { AggregationModule } from '../aggregation/aggregation.module';
import { BrokerModule } from '../broker/broker.module';
import { ClusterModule } from '../cluster/cluster.module';
import { IngestService } from './ingest.service';

@Module({ imports: [BrokerModule, AggregationModule, ClusterModule], providers: [IngestService], exports: [IngestService] })
export class IngestModule {}

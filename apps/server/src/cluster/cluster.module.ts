import { Module } from '@nestjs/common';
import { AggregationModule } from '../aggregation/aggregation.module';
import { BrokerModule } from '../broker/broker.module';
import { PersistenceModule } from '../persistence/persistence.module';
import { ClusterService } from './cluster.service';
import { CommitLogRepository } from './commit-log.repository';

@Module({ imports: [AggregationModule, BrokerModule, PersistenceModule], providers: [ClusterService, CommitLogRepository], exports: [ClusterService] })
export class ClusterModule {}

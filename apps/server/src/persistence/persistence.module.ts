import { Module } from '@nestjs/common';
import { AggregationModule } from '../aggregation/aggregation.module';
import { BrokerModule } from '../broker/broker.module';
import { FlushService } from './flush.service';
import { LedgerRepository } from './ledger.repository';
import { PrismaModule } from './prisma.module';

@Module({
  imports: [PrismaModule, AggregationModule, BrokerModule],
  providers: [LedgerRepository, FlushService],
  exports: [LedgerRepository, FlushService, PrismaModule],
})
export class PersistenceModule {}

import { Module } from '@nestjs/common';
import { AggregationModule } from '../aggregation/aggregation.module';
import { BrokerModule } from '../broker/broker.module';
import { CredentialsRepository } from './credentials.repository';
import { FlushService } from './flush.service';
import { LedgerRepository } from './ledger.repository';
import { PrismaModule } from './prisma.module';

@Module({
  imports: [PrismaModule, AggregationModule, BrokerModule],
  providers: [LedgerRepository, CredentialsRepository, FlushService],
  exports: [LedgerRepository, CredentialsRepository, FlushService, PrismaModule],
})
export class PersistenceModule {}

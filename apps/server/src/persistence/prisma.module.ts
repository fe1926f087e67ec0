import { Module } from '@nestjs/common';
import { APP_CONFIG } from '../config/app-config.module';
import type { AppConfig } from '../config/config.schema';
import { PrismaService } from './prisma.service';

@Module({
  providers: [{ provide: PrismaService, useFactory: (config: AppConfig) => new PrismaService(config.DATABASE_URL), inject: [APP_CONFIG] }],
  exports: [PrismaService],
})
export class PrismaModule {}

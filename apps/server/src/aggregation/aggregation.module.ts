import { Module } from '@nestjs/common';
import { APP_CONFIG } from '../config/app-config.module';
import type { AppConfig } from '../config/config.schema';
import { AggregationService } from './aggregation.service';
import { AlarmStoreService } from './alarm-store.service';
import { KpiViewService } from './kpi-view.service';

@Module({
  providers: [{ provide: AggregationService, useFactory: (config: AppConfig) => new AggregationService(config.CLUSTER_ID), inject: [APP_CONFIG] }, KpiViewService, AlarmStoreService],
  exports: [AggregationService, KpiViewService, AlarmStoreService],
})
export class AggregationModule {}

import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AccessModule } from './access/access.module';
import { AggregationModule } from './aggregation/aggregation.module';
import { ApiModule } from './api/api.module';
import { BrokerModule } from './broker/broker.module';
import { ClusterModule } from './cluster/cluster.module';
import { LoopTimersModule } from './common/loop-timers';
import { AppConfigModule } from './config/app-config.module';
import type { AppConfig } from './config/config.schema';
import { DashboardModule } from './dashboard/dashboard.module';
import { IngestModule } from './ingest/ingest.module';
import { OpsModule } from './ops/ops.module';
import { LifecycleService } from './lifecycle.service';
import { PersistenceModule } from './persistence/persistence.module';
import { RealtimeModule } from './realtime/realtime.module';
import { TrainerModule } from './trainer/trainer.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.LOG_LEVEL,
            // One line per HTTP request only at debug: dashboards poll, and info must stay readable.
            customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'debug'),
          },
        }),
        LoopTimersModule,
        BrokerModule,
        AggregationModule,
        PersistenceModule,
        ClusterModule,
        IngestModule,
        AccessModule,
        ApiModule,
        RealtimeModule,
        OpsModule,
        TrainerModule,
        DashboardModule.forRoot(config.DASHBOARD_DIR),
      ],
      providers: [LifecycleService],
    };
  }
}

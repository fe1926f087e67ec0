import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { BrokerService } from './broker/broker.service';
import { ClusterService } from './cluster/cluster.service';
import { APP_CONFIG } from './config/app-config.module';
import type { AppConfig } from './config/config.schema';
import { FlushService } from './persistence/flush.service';
import { PrismaService } from './persistence/prisma.service';

/**
 * Start and stop in the order exactly-once needs: the database and the restored state come before
 * the broker takes a single message; on shutdown the broker stops taking messages before the
 * final flush, so nothing arrives after the last write.
 */
@Injectable()
export class LifecycleService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(LifecycleService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly prisma: PrismaService,
    private readonly flush: FlushService,
    private readonly broker: BrokerService,
    private readonly cluster: ClusterService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.prisma.connect();
    if (this.cluster.enabled) await this.cluster.restore();
    else await this.flush.restore();
    this.flush.start(this.config.FLUSH_INTERVAL_MS);
    // In cluster mode: join and take this instance's slots before the first gateway connects here.
    await this.cluster.start();
    await this.broker.listen(this.config.MQTT_PORT);
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    if (signal) this.logger.log(`received ${signal}: closing the broker and flushing`);
    await this.broker.close();
    this.flush.stop();
    await this.flush.flush();
    // After the final flush: the slots are handed over with everything applied here durable.
    await this.cluster.stop();
  }
}

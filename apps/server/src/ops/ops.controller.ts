import { OpsRoutes } from '@clusterpulse/contracts';
import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { BrokerService } from '../broker/broker.service';
import { LedgerRepository } from '../persistence/ledger.repository';
import { MetricsService } from './metrics.service';

/** Liveness and readiness: the database answers and the broker listens. */
@ApiExcludeController()
@Controller()
export class OpsController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly ledger: LedgerRepository,
    private readonly broker: BrokerService,
    private readonly metrics: MetricsService,
  ) {}

  @Get(OpsRoutes.health.slice(1))
  @HealthCheck()
  check() {
    return this.health.check([
      async () => {
        const db = this.indicator.check('database');
        try {
          await this.ledger.ping();
          return db.up();
        } catch (error) {
          return db.down({ message: (error as Error).message.slice(0, 200) });
        }
      },
      () => {
        const broker = this.indicator.check('broker');
        return this.broker.listening ? broker.up({ port: this.broker.port, clients: this.broker.connectedClients }) : broker.down();
      },
    ]);
  }

  @Get(OpsRoutes.metrics.slice(1))
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.text();
  }
}

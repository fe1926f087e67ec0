import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WsAdapter } from '@nestjs/platform-ws';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { OpsRoutes } from '@clusterpulse/contracts';
import type { AddressInfo } from 'node:net';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { PortInUseError } from './broker/broker.service';
import { BrokerService } from './broker/broker.service';
import { loadConfig, type AppConfig } from './config/config.schema';

export interface RunningServer {
  app: INestApplication;
  config: AppConfig;
  httpPort: number;
  mqttPort: number;
  close(): Promise<void>;
}

/**
 * Starts the whole server in this process. `overrides` take precedence over the environment, so
 * tests and scripts can run it on ephemeral ports (`PORT: '0', MQTT_PORT: '0'`) with their own database.
 */
export async function bootstrap(overrides: Record<string, string | undefined> = {}, env: NodeJS.ProcessEnv = process.env): Promise<RunningServer> {
  const config = loadConfig({ ...env, ...overrides });
  const app = await NestFactory.create(AppModule.forRoot(config), { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(Logger));
  app.useWebSocketAdapter(new WsAdapter(app));
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle('ClusterPulse API').setDescription('Live KPIs of the manufacturing cluster; response types are those of libs/contracts').setVersion('1').addBearerAuth({ type: 'http', scheme: 'bearer', description: 'TRAINER_TOKEN' }).build(),
  );
  SwaggerModule.setup(OpsRoutes.apiDocs.slice(1), app, document);
  try {
    await app.listen(config.PORT);
  } catch (error) {
    await app.close().catch(() => undefined);
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError('PORT', config.PORT);
    throw error;
  }
  const httpPort = (app.getHttpServer().address() as AddressInfo).port;
  const mqttPort = app.get(BrokerService).port ?? config.MQTT_PORT;
  let closing: Promise<void> | null = null;
  return {
    app,
    config,
    httpPort,
    mqttPort,
    close: () => (closing ??= app.close()),
  };
}

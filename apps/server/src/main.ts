import { Logger } from '@nestjs/common';
import { bootstrap } from './bootstrap';
import { PortInUseError } from './broker/broker.service';
import { applyHeapGrowingPercent } from './common/heap-growth';
import { ConfigError } from './config/config.schema';

/** A shutdown that takes longer than this is abandoned: unflushed reports are replayed by the gateways. */
const SHUTDOWN_TIMEOUT_MS = 10_000;

bootstrap().then(
  (server) => {
    new Logger('Main').log(applyHeapGrowingPercent(server.config.HEAP_GROWING_PERCENT));
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      console.error(`clusterpulse server: ${signal}: closing the broker, flushing, exiting`);
      setTimeout(() => {
        console.error(`clusterpulse server: shutdown took over ${SHUTDOWN_TIMEOUT_MS} ms, exiting anyway`);
        process.exit(1);
      }, SHUTDOWN_TIMEOUT_MS).unref();
      server.close().then(
        () => process.exit(0),
        (error: unknown) => {
          console.error('clusterpulse server: shutdown failed', error);
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  },
  (error: unknown) => {
    // Configuration and port problems are the operator's to fix: say what, without a stack trace.
    const known = error instanceof ConfigError || error instanceof PortInUseError;
    console.error(known ? `clusterpulse server: ${(error as Error).message}` : error);
    process.exit(1);
  },
);

import { bootstrap } from './bootstrap';
import { ConfigError } from './config/config.schema';
import { PortInUseError } from './broker/broker.service';

bootstrap().catch((error: unknown) => {
  // Configuration and port problems are the operator's to fix: say what, without a stack trace.
  const known = error instanceof ConfigError || error instanceof PortInUseError;
  console.error(known ? `clusterpulse server: ${(error as Error).message}` : error);
  process.exit(1);
});

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface RunningStack {
  baseUrl: string;
  httpPort: number;
  mqttPort: number;
  dataDir: string;
  /** Stops the server; the data directory is removed unless kept for a restart. */
  close(options?: { keepData?: boolean }): Promise<void>;
}

export const DASHBOARD_DIST = path.resolve(__dirname, '../../../apps/dashboard/dist');

/** The browser tests need the built dashboard; say how to get it instead of failing on a 404. */
export function assertDashboardBuilt(): void {
  if (!fs.existsSync(path.join(DASHBOARD_DIST, 'index.html'))) {
    throw new Error(`${DASHBOARD_DIST}/index.html is missing: run "npm run build -w @clusterpulse/dashboard" (npm test does it)`);
  }
}

/**
 * Starts the server in this process on ephemeral ports with a fresh SQLite file, or on the database
 * of an earlier run when `dataDir` is given (a restart).
 */
export async function startServer(extraEnv: Record<string, string> = {}, existingDataDir?: string): Promise<RunningStack> {
  assertDashboardBuilt();
  const dataDir = existingDataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'clusterpulse-browser-'));
  // Imported here so a missing server build fails this test with a clear stack, not the whole file.
  const { bootstrap } = await import('../../../apps/server/src/bootstrap');
  const server = await bootstrap({
    PORT: '0',
    MQTT_PORT: '0',
    DATABASE_URL: `file:${path.join(dataDir, 'clusterpulse.db')}`,
    DASHBOARD_DIR: DASHBOARD_DIST,
    LOG_LEVEL: 'warn',
    ...extraEnv,
  });
  return {
    baseUrl: `http://127.0.0.1:${server.httpPort}`,
    httpPort: server.httpPort,
    mqttPort: server.mqttPort,
    dataDir,
    close: async (options = {}) => {
      await server.close();
      if (!options.keepData) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

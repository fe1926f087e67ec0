import * as net from 'node:net';
import { Aedes } from 'aedes';

/**
 * The raw broker ceiling: stock Aedes with default options on a TCP port, no hooks, no
 * ClusterPulse logic. The bench compares the full server against this process.
 */
async function main(): Promise<void> {
  // Stock options but two: gateway client ids are longer than MQTT 3.1's 23 characters, and
  // --raw-concurrency (mqemitter's deliveries in flight) to show how much that one setting limits.
  const concurrency = process.env.BENCH_RAW_CONCURRENCY ? Number(process.env.BENCH_RAW_CONCURRENCY) : undefined;
  const aedes = await Aedes.createBroker({ maxClientsIdLength: 200, ...(concurrency ? { concurrency } : {}) });
  const server = net.createServer(aedes.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  process.send?.({ type: 'listening', port });
  const timer = setInterval(() => process.send?.({ type: 'clients', connected: aedes.connectedClients }), 500);
  const shutdown = () => {
    clearInterval(timer);
    server.close();
    aedes.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 5_000).unref();
  };
  process.on('SIGTERM', shutdown);
  process.on('disconnect', shutdown);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

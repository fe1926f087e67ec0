import * as net from 'node:net';
import { Aedes } from 'aedes';

/**
 * The raw broker ceiling: stock Aedes with default options on a TCP port, no hooks, no
 * ClusterPulse logic. The bench compares the full server against this process.
 */
async function main(): Promise<void> {
  const aedes = await Aedes.createBroker({ maxClientsIdLength: 200 });
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

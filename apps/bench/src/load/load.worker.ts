import { parentPort, workerData } from 'node:worker_threads';
import { GatewayShard } from './gateway-shard';
import type { LoadCommand, LoadEvent, LoadShard } from './load-protocol';

/** A worker thread holding one shard of gateway connections. */
const { shard, worker, statsIntervalMs } = workerData as { shard: LoadShard; worker: number; statsIntervalMs: number };
const port = parentPort!;
const gateways = new GatewayShard(shard);
const post = (event: LoadEvent) => port.postMessage(event);

const statsTimer = setInterval(() => post({ type: 'stats', worker, stats: gateways.snapshot() }), statsIntervalMs);

port.on('message', (command: LoadCommand) => {
  const run = async () => {
    switch (command.type) {
      case 'publish':
        gateways.startPublishing(command.startAt);
        return;
      case 'stop':
        await gateways.stopPublishing(command.drainTimeoutMs);
        post({ type: 'stopped', worker, stats: gateways.snapshot() });
        return;
      case 'disconnect':
        await gateways.disconnect();
        clearInterval(statsTimer);
        post({ type: 'closed', worker, stats: gateways.snapshot() });
        port.close();
        return;
    }
  };
  run().catch((error: unknown) => post({ type: 'error', worker, message: (error as Error).stack ?? String(error) }));
});

gateways.connectAll();

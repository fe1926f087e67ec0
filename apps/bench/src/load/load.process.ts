import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LoadCommand, LoadEvent, LoadShard } from './load-protocol';

/**
 * A load process: splits its gateways over worker threads and relays their figures to the parent
 * over IPC. Several of these run side by side when one process may not hold enough sockets
 * (file descriptors are per process, threads share them).
 */
export interface LoadProcessConfig {
  shard: LoadShard;
  threads: number;
  statsIntervalMs: number;
}

function splitShard(shard: LoadShard, parts: number): LoadShard[] {
  const shards: LoadShard[] = [];
  let first = shard.first;
  for (let i = 0; i < parts; i++) {
    const count = Math.floor(shard.count / parts) + (i < shard.count % parts ? 1 : 0);
    if (count === 0) continue;
    shards.push({ ...shard, first, count, connectRate: shard.connectRate / parts, maxPendingConnects: Math.max(1, Math.floor(shard.maxPendingConnects / parts)) });
    first += count;
  }
  return shards;
}

function main(): void {
  const send = (event: LoadEvent | { type: 'ready'; workers: number }) => process.send?.(event);
  let workers: Worker[] = [];
  let closed = 0;
  process.once('message', (config: LoadProcessConfig) => {
    const shards = splitShard(config.shard, config.threads);
    workers = shards.map(
      (shard, worker) =>
        new Worker(path.join(__dirname, 'load.worker.js'), { workerData: { shard, worker, statsIntervalMs: config.statsIntervalMs } }),
    );
    workers.forEach((w, i) => {
      w.on('message', (event: LoadEvent) => {
        send(event);
        if (event.type === 'closed' && ++closed === workers.length) setTimeout(() => process.exit(0), 50);
      });
      w.on('error', (error) => send({ type: 'error', worker: i, message: error.stack ?? String(error) }));
    });
    send({ type: 'ready', workers: workers.length });
    process.on('message', (command: LoadCommand) => {
      for (const w of workers) w.postMessage(command);
    });
  });
  // The bench that started us is gone: nothing should keep hammering the broker.
  process.on('disconnect', () => process.exit(0));
  // The bench stops us with SIGTERM: leave through exit, which writes what node flags such as
  // --cpu-prof keep until then (the signal's default action would drop it).
  process.once('SIGTERM', () => process.exit(143));
}

main();

#!/usr/bin/env node
// Connects the whole simulated cluster to one real Aedes broker in this process, over in-memory
// stream pairs (one process here may not hold 20,000 sockets), and reports how long it took until
// every gateway was connected and had announced its maker.
//   node apps/simulator/scripts/connect-all.mjs [--makers 20000] [--exact-retained]
// --exact-retained looks retained messages up by topic for subscriptions without wildcards,
// instead of aedes' default in-memory persistence, which scans every retained message per
// subscription (quadratic in the number of gateways, each of which retains its state).
import { Readable, duplexPair } from 'node:stream';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const { values } = parseArgs({ options: { makers: { type: 'string', default: '20000' }, 'exact-retained': { type: 'boolean', default: false } } });
const { Aedes } = await import('aedes');
const memory = (await import('aedes-persistence')).default;
const { startSimulation } = require('../dist/simulation.js');

function exactRetained(persistence) {
  const byTopic = new Map();
  const store = persistence.storeRetained.bind(persistence);
  const combi = persistence.createRetainedStreamCombi.bind(persistence);
  persistence.storeRetained = (packet) => {
    if (packet.payload.length === 0) byTopic.delete(packet.topic);
    else byTopic.set(packet.topic, packet);
    return store(packet);
  };
  persistence.createRetainedStreamCombi = (patterns) => {
    if (patterns.some((p) => p.includes('+') || p.includes('#'))) return combi(patterns);
    return Readable.from(patterns.map((p) => byTopic.get(p)).filter(Boolean), { objectMode: true });
  };
  return persistence;
}

const makers = Number(values.makers);
const persistence = values['exact-retained'] ? exactRetained(memory()) : memory();
const broker = await Aedes.createBroker({ persistence });
let births = 0;
broker.on('publish', (packet, client) => {
  if (client && packet.topic.endsWith('/birth')) births++;
});
const t0 = Date.now();
const sim = startSimulation({
  brokerUrl: 'mqtt://in-memory',
  transport: () => {
    const [client, server] = duplexPair();
    broker.handle(server);
    return client;
  },
  makers,
  paused: true,
  connectBatch: 1000,
  connectBatchIntervalMs: 50,
  control: false,
});
const progress = setInterval(() => console.error(`${((Date.now() - t0) / 1000).toFixed(0)} s: ${sim.status().gatewaysConnected} connected, ${births} births`), 5000);
await sim.allConnected;
while (births < makers) await new Promise((r) => setTimeout(r, 50));
clearInterval(progress);
console.log(`${makers} gateways connected and announced in ${((Date.now() - t0) / 1000).toFixed(1)} s; broker clients ${broker.connectedClients}; rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
await sim.stop();
await new Promise((r) => broker.close(r));
process.exit(0);

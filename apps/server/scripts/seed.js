#!/usr/bin/env node
// Provisions a cluster: a secret per maker gateway and one for the simulator, hashed into
// DATABASE_URL, in clear into the credentials file the simulator reads. The gateways are those
// libs/cluster-model generates for the same --makers and --seed the simulator runs with.
//   node scripts/seed.js [--makers 20000] [--seed 2019] [--out data/credentials.json]
// Uses the built server (npm run build).
'use strict';
const path = require('node:path');
const { parseArgs } = require('node:util');
const { loadConfig } = require('../dist/config/config.schema.js');
const { provision, writeCredentialsFile } = require('../dist/access/provisioning.js');
const { DEFAULT_MAKERS, DEFAULT_SEED, clusterAddresses } = require('../dist/access/cluster-addresses.js');

const { values } = parseArgs({
  options: {
    makers: { type: 'string', default: String(DEFAULT_MAKERS) },
    seed: { type: 'string', default: String(DEFAULT_SEED) },
    out: { type: 'string', default: 'data/credentials.json' },
  },
});
const makers = Number(values.makers);
const seed = Number(values.seed);
if (!Number.isInteger(makers) || makers < 1 || makers > 99_999) {
  console.error('--makers must be an integer 1..99999');
  process.exit(1);
}
if (!Number.isInteger(seed) || seed < 0) {
  console.error('--seed must be a non-negative integer');
  process.exit(1);
}
const config = loadConfig(process.env);
const out = path.resolve(values.out);
provision(config.DATABASE_URL, config.CLUSTER_ID, clusterAddresses(config.CLUSTER_ID, makers, seed)).then(
  (file) => {
    writeCredentialsFile(file, out);
    console.log(`provisioned ${file.gateways.length} gateways (seed ${seed}) and the simulator of cluster ${file.cluster}; credentials in ${out}`);
  },
  (error) => {
    console.error(`seed failed: ${error.message}`);
    process.exit(1);
  },
);

#!/usr/bin/env node
// Provisions a cluster: a secret per maker gateway and one for the simulator, hashed into
// DATABASE_URL, in clear into the credentials file the simulator reads.
//   node scripts/seed.js [--makers 20000] [--out data/credentials.json]
// Uses the built server (npm run build).
'use strict';
const path = require('node:path');
const { parseArgs } = require('node:util');
const { loadConfig } = require('../dist/config/config.schema.js');
const { makerAddresses, provision, writeCredentialsFile } = require('../dist/access/provisioning.js');

const { values } = parseArgs({ options: { makers: { type: 'string', default: '20000' }, out: { type: 'string', default: 'data/credentials.json' } } });
const makers = Number(values.makers);
if (!Number.isInteger(makers) || makers < 1 || makers > 99_999) {
  console.error('--makers must be an integer 1..99999');
  process.exit(1);
}
const config = loadConfig(process.env);
const out = path.resolve(values.out);
provision(config.DATABASE_URL, config.CLUSTER_ID, makerAddresses(config.CLUSTER_ID, makers)).then(
  (file) => {
    writeCredentialsFile(file, out);
    console.log(`provisioned ${file.gateways.length} gateways and the simulator of cluster ${file.cluster}; credentials in ${out}`);
  },
  (error) => {
    console.error(`seed failed: ${error.message}`);
    process.exit(1);
  },
);

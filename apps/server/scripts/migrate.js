#!/usr/bin/env node
// Applies the committed migrations to DATABASE_URL (default: the SQLite file under ./data) and exits.
// Uses the built server (npm run build) so the migration logic is the one the server runs on start.
'use strict';
const { migrate } = require('../dist/persistence/prisma.service.js');
const { parseDatabaseUrl } = require('../dist/persistence/database-url.js');
const { loadConfig } = require('../dist/config/config.schema.js');

const config = loadConfig(process.env);
migrate(parseDatabaseUrl(config.DATABASE_URL)).then(
  (applied) => console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date'),
  (error) => {
    console.error(`migration failed: ${error.message}`);
    process.exit(1);
  },
);

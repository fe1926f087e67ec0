#!/usr/bin/env node
// Generates the SQLite and PostgreSQL Prisma clients from the one schema, offline and idempotently.
// `prisma generate` only needs a schema engine to exist, not to run: a stub that exits 1 keeps the
// CLI from trying to download one (see docs/ARCHITECTURE.md, "Persistence and migrations").
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const serverDir = path.resolve(__dirname, '..');
const repoRoot = path.resolve(serverDir, '../..');
const source = fs.readFileSync(path.join(repoRoot, 'prisma/schema.prisma'), 'utf8');
const prismaCli = require.resolve('prisma/build/index.js', { paths: [serverDir] });

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'clusterpulse-prisma-'));
const stub = path.join(work, 'schema-engine-stub.sh');
fs.writeFileSync(stub, '#!/bin/sh\nexit 1\n', { mode: 0o755 });

try {
  for (const provider of ['sqlite', 'postgresql']) {
    const output = path.join(serverDir, 'src/generated', provider);
    const schema = source
      .replace(/provider\s*=\s*"sqlite"/, `provider = "${provider}"`)
      .replace(/output\s*=\s*"[^"]*"/, `output       = ${JSON.stringify(output)}`);
    const schemaFile = path.join(work, `schema.${provider}.prisma`);
    fs.writeFileSync(schemaFile, schema);
    execFileSync(process.execPath, [prismaCli, 'generate', '--schema', schemaFile], {
      cwd: serverDir,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: stub, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' },
    });
    console.log(`prisma client (${provider}) -> ${path.relative(repoRoot, output)}`);
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}

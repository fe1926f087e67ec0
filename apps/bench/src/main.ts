import * as fs from 'node:fs';
import { BenchRunner, type PhaseResult } from './bench-runner';
import { USAGE, parseBenchArgs } from './bench-options';
import { resultsTable } from './results-table';

async function main(): Promise<number> {
  const options = parseBenchArgs(process.argv.slice(2));
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }
  const started = new Date();
  const runner = new BenchRunner(options);
  const results: PhaseResult[] = await runner.run();
  console.log(`\n${resultsTable(results)}`);
  console.log(`\nmeasured ${started.toISOString()}; flags: ${process.argv.slice(2).join(' ') || '(defaults)'}`);
  if (options.json) fs.writeFileSync(options.json, JSON.stringify({ started: started.toISOString(), options, results, failures: runner.failures }, null, 2));
  for (const failure of runner.failures) console.error(`failed: ${failure}`);
  const bad = results.filter((r) => !r.counts.addsUp);
  if (bad.length > 0) {
    console.error(`counts do not add up in: ${bad.map((r) => `${r.phase}@${r.gateways}`).join(', ')}`);
    return 1;
  }
  return runner.failures.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);

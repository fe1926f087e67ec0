// Microseconds per report for parsing and applying the bench's model reports of 2,000 makers in
// one process (no broker, no database), before and after the simulator starts a new run, which
// resets every device's latest values. Run after `npm run build && npx tsc -b apps/bench`:
//   node apps/bench/scripts/run-reset.js [path to a server's dist folder]
'use strict';
const path = require('node:path');
const root = path.resolve(__dirname, '../../..');
const serverDist = path.resolve(process.argv[2] ?? path.join(root, 'apps/server/dist'));
const { Logger } = require('@nestjs/common');
const { AggregationService } = require(path.join(serverDist, 'aggregation/aggregation.service.js'));
const { benchAddress, gatewayScript, reportText } = require(path.join(root, 'apps/bench/dist/load/report-source.js'));

Logger.overrideLogger(false);
const MAKERS = 2000;
const agg = new AggregationService('c1');
const makers = Array.from({ length: MAKERS }, (_, i) => ({ address: benchAddress('c1', i), script: gatewayScript('c1', i, 2019) }));
for (const m of makers) agg.provisionGateway(m.address, null);

let seq = 0;
/** µs per report over `rounds` reports of every maker, each flush cut and committed. */
function measure(run, rounds) {
  const started = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) {
    seq++;
    for (const m of makers) {
      const report = JSON.parse(reportText(m.script, seq));
      report.run = run;
      agg.applyReport(m.address, report);
    }
    agg.flushCommitted(agg.takeFlush());
  }
  return Number(process.hrtime.bigint() - started) / 1000 / (rounds * MAKERS);
}

measure('r1', 80); // warm-up
const before = measure('r1', 60);
const after = measure('r2', 60); // the first report of run r2 starts it
const later = measure('r2', 60);
console.log(`µs per report (parse and apply), ${MAKERS} makers: run 1 ${before.toFixed(2)}; after the new run ${after.toFixed(2)}, then ${later.toFixed(2)}`);

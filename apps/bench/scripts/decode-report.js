// Microseconds per report for `decodeReport` (the server's decoding and check of a report) over
// the bench's model reports of 2,000 makers, four each, in one process. With a second contracts
// dist folder, the two are measured in turns, ten rounds each, and the median and best are
// printed for both. Run after `npm run build && npx tsc -b apps/bench`:
//   node apps/bench/scripts/decode-report.js [contracts dist folder] [another contracts dist folder]
'use strict';
const path = require('node:path');
const root = path.resolve(__dirname, '../../..');
const dists = (process.argv.length > 2 ? process.argv.slice(2) : [path.join(root, 'libs/contracts/dist')]).map((d) => path.resolve(d));
const { gatewayScript, reportText } = require(path.join(root, 'apps/bench/dist/load/report-source.js'));

const MAKERS = 2000;
const payloads = [];
for (let i = 0; i < MAKERS; i++) {
  const script = gatewayScript('c1', i, 1);
  for (let seq = 1; seq <= 4; seq++) payloads.push(Buffer.from(reportText(script, seq)));
}
const bytes = payloads.reduce((sum, p) => sum + p.length, 0) / payloads.length;

const decoders = dists.map((dist) => ({ dist, decodeReport: require(path.join(dist, 'report-fast-path.js')).decodeReport, times: [] }));
for (const d of decoders) {
  for (const p of payloads) if (!d.decodeReport(p).ok) throw new Error(`${d.dist} refuses a bench report`);
}

let devices = 0;
for (let round = 0; round < 12; round++) {
  const order = round % 2 === 0 ? decoders : [...decoders].reverse();
  for (const d of order) {
    const started = process.hrtime.bigint();
    for (let pass = 0; pass < 3; pass++) for (const p of payloads) devices += d.decodeReport(p).value.devices.length;
    const us = Number(process.hrtime.bigint() - started) / 1000 / (3 * payloads.length);
    if (round >= 2) d.times.push(us); // the first two rounds warm up
  }
}
console.log(`decodeReport, ${payloads.length} reports of ${bytes.toFixed(0)} bytes on average (${devices} devices read)`);
for (const d of decoders) {
  const sorted = [...d.times].sort((a, b) => a - b);
  console.log(`  ${d.dist}: median ${sorted[sorted.length >> 1].toFixed(2)} µs, best ${sorted[0].toFixed(2)} µs per report`);
}

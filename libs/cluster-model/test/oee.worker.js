// Runs one month of a seed's cluster without MQTT in a worker thread (see calibration.worker.js)
// and rolls its device readings up the way the server does: every report's readings through
// libs/kpi's addOeeSample, per maker, then merged into the cluster. It also collects the stations'
// own counters and the consistency checks oee.spec.ts asserts.
require('./ts-worker-register');
const { parentPort, workerData } = require('node:worker_threads');
const { chinaDayStart } = require('@clusterpulse/contracts');
const { MakerSimulation, STEP_MS, Station, createScenario, generateCluster } = require('@clusterpulse/cluster-model');
const { addOeeSample, emptyOeeTotals, mergeOeeTotals } = require('@clusterpulse/kpi');

const { seed, makers: makerCount, scenario: scenarioId, from, days } = workerData;
const cluster = generateCluster({ seed, makers: makerCount });
const scenario = createScenario(scenarioId);
const start = chinaDayStart(from);
const end = start + days * 24 * STEP_MS;

const byDigitization = [...cluster.makers].sort((a, b) => a.digitization - b.digitization);
const quarter = Math.floor(byDigitization.length / 4);
const leastDigitized = new Set(byDigitization.slice(0, quarter).map((m) => m.id));
const mostDigitized = new Set(byDigitization.slice(-quarter).map((m) => m.id));

const PASS_THROUGH_KINDS = new Set(['cutting-table', 'sewing-line', 'embroidery-machine', 'printing-machine', 'qc-station', 'packing-station']);

const cluster_ = emptyOeeTotals();
const fromCounters = emptyOeeTotals();
const byKind = {};
const quartiles = { least: emptyOeeTotals(), most: emptyOeeTotals() };
const checks = {
  reports: 0,
  readings: 0,
  runAbovePlanned: 0,
  plannedAboveInterval: 0,
  fasterThanRated: 0,
  productionNotDevices: 0,
  notConserved: 0,
  countersNotTime: 0,
  countersNotReports: 0,
  ratedNonStations: 0,
};

for (const maker of cluster.makers) {
  const sim = new MakerSimulation(maker, scenario, cluster.registry, start);
  const makerTotals = emptyOeeTotals();
  /** Per device: the sums of its reported readings over the month. */
  const reported = new Map();
  // gateways report at different cadences; none of them divides a day evenly for most makers
  const stepsPerReport = 1 + (maker.index % 7);
  while (sim.now < end) {
    sim.advanceTo(Math.min(end, sim.now + stepsPerReport * STEP_MS));
    const report = sim.takeReport();
    checks.reports++;
    let packedGood = 0;
    let rejected = 0;
    for (const d of report.devices) {
      checks.readings++;
      if (d.runMs > d.plannedMs) checks.runAbovePlanned++;
      if (d.plannedMs > report.intervalMs) checks.plannedAboveInterval++;
      if (d.idealCycleMs * (d.good + d.defective) > d.runMs) checks.fasterThanRated++;
      if (d.kind === 'packing-station') packedGood += d.good;
      if (PASS_THROUGH_KINDS.has(d.kind)) rejected += d.defective;
      addOeeSample(makerTotals, d);
      if (d.idealCycleMs > 0) addOeeSample((byKind[d.kind] ??= emptyOeeTotals()), d);
      if (leastDigitized.has(maker.id)) addOeeSample(quartiles.least, d);
      if (mostDigitized.has(maker.id)) addOeeSample(quartiles.most, d);
      const sum = reported.get(d.id) ?? { plannedMs: 0, runMs: 0, good: 0, defective: 0 };
      sum.plannedMs += d.plannedMs;
      sum.runMs += d.runMs;
      sum.good += d.good;
      sum.defective += d.defective;
      reported.set(d.id, sum);
    }
    const line = report.production[0];
    if (line.good !== packedGood || line.defective !== rejected) checks.productionNotDevices++;
  }
  mergeOeeTotals(cluster_, makerTotals);

  // nothing made from nothing, nothing lost: every released piece is packed, rejected or still in work
  const t = sim.totals;
  if (t.released !== t.good + t.defective + sim.workInProgress) checks.notConserved++;

  for (const device of sim.devices) {
    if (!(device instanceof Station)) {
      if (device.idealCycleMs > 0) checks.ratedNonStations++;
      continue;
    }
    const c = device.counters;
    const plannedMs = c.runMs + c.downMs + c.changeoverMs + c.blockedMs;
    if (plannedMs + c.noOrdersMs + c.unplannedMs !== days * 24 * STEP_MS) checks.countersNotTime++;
    const r = reported.get(device.id);
    if (r.plannedMs !== plannedMs || r.runMs !== c.runMs || r.good !== c.good || r.defective !== c.defective) checks.countersNotReports++;
    addOeeSample(fromCounters, { plannedMs, runMs: c.runMs, idealCycleMs: device.idealCycleMs, good: c.good, defective: c.defective });
  }
}

parentPort.postMessage({ makers: cluster.makers.length, cluster: cluster_, fromCounters, byKind, quartiles, checks });

// Runs one seed's calibration years in a worker thread; see ts-worker-register.js for why.
require('./ts-worker-register');
const { parentPort, workerData } = require('node:worker_threads');
const { chinaDayStart, chinaYearStart } = require('@clusterpulse/contracts');
const { clusterDailySales, createScenario, forEachDayBook, generateCluster } = require('@clusterpulse/cluster-model');

const { seed } = workerData;
const cluster = generateCluster({ seed });
const makers = [...cluster.makers].sort((a, b) => a.digitization - b.digitization);
const quarter = Math.floor(makers.length / 4);

function groupSales(group, scenarioId, from, to) {
  let sum = 0;
  forEachDayBook(group, createScenario(scenarioId), chinaDayStart(from), chinaDayStart(to), (_m, _d, book) => {
    for (const line of book) sum += line.amountFen;
  });
  return sum;
}

parentPort.postMessage({
  makers: cluster.makers.length,
  baseline2019: clusterDailySales(cluster, createScenario('baseline-2019'), chinaYearStart(2019), chinaYearStart(2020)),
  lockdown2020: clusterDailySales(cluster, createScenario('lockdown-2020'), chinaYearStart(2020), chinaDayStart('2020-06-01')),
  // the run-rate on 31 December looks back 30 days; earlier days cannot change it
  digitalDecember: clusterDailySales(cluster, createScenario('digital-2020'), chinaDayStart('2020-11-20'), chinaYearStart(2021)),
  march: {
    leastDigitized: {
      y2020: groupSales(makers.slice(0, quarter), 'lockdown-2020', '2020-03-01', '2020-04-01'),
      y2019: groupSales(makers.slice(0, quarter), 'baseline-2019', '2019-03-01', '2019-04-01'),
    },
    mostDigitized: {
      y2020: groupSales(makers.slice(-quarter), 'lockdown-2020', '2020-03-01', '2020-04-01'),
      y2019: groupSales(makers.slice(-quarter), 'baseline-2019', '2019-03-01', '2019-04-01'),
    },
  },
});

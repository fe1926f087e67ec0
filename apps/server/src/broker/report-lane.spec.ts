import { filterMayMatch, type TopicShape } from './report-lane';

// The shape of every report topic of cluster 'c': cp/v1/c/<enterprise>/<gateway>/report.
const REPORTS: TopicShape = ['cp', 'v1', 'c', null, null, 'report'];

describe('filterMayMatch: could a subscription receive some report?', () => {
  it.each([
    ['#'],
    ['cp/#'],
    ['cp/v1/c/#'],
    ['cp/v1/c/+/+/report'],
    ['cp/v1/c/sprout/gw1/report'],
    ['cp/v1/c/sprout/+/report'],
    ['cp/v1/+/+/+/+'],
    ['+/+/+/+/+/report'],
    ['cp/v1/c/+/+/report/#'],
    ['$share/watchers/cp/v1/c/+/+/report'],
  ])('%s may match', (filter) => {
    expect(filterMayMatch(filter, REPORTS)).toBe(true);
  });

  it.each([
    ['cp/v1/c/sprout/gw1/control'],
    ['cp/v1/c/+/+/birth'],
    ['cp/v1/c/sim/control'],
    ['cp/v1/other/+/+/report'],
    ['cp/v2/#'],
    ['cp/v1/c/+/+'],
    ['cp/v1/c/+/+/report/extra'],
    ['$SYS/#'],
    ['$SYS/+/heartbeat'],
    ['+/+/+/+/+'],
  ])('%s cannot match', (filter) => {
    expect(filterMayMatch(filter, REPORTS)).toBe(false);
  });
});

import { NON_GATEWAY_DESCRIPTORS, autoProcesses, brokerForMaker, openFileLimit, parseBrokerList, parseShard, shardRange } from './shards';

const limits = (soft: string) => `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            ${soft}                20000                files
`;

describe('openFileLimit', () => {
  it.each([
    ['20000', 20_000],
    ['1024', 1024],
    ['unlimited', null],
  ])('reads a soft limit of %s', (soft, expected) => {
    expect(openFileLimit(limits(soft))).toBe(expected);
  });

  it('knows nothing where /proc is missing', () => {
    expect(openFileLimit(null)).toBeNull();
  });
});

describe('autoProcesses', () => {
  it.each([
    // makers, limit, processes
    [20_000, 20_000, 2],
    [20_000 - NON_GATEWAY_DESCRIPTORS, 20_000, 1],
    [20_000 - NON_GATEWAY_DESCRIPTORS + 1, 20_000, 2],
    [20_000, 1_048_576, 1],
    [20_000, 1024, 27],
    [500, null, 1],
    [20_000, null, 1],
  ])('%i makers under a limit of %s need %i processes', (makers, limit, processes) => {
    expect(autoProcesses(makers, limit)).toBe(processes);
  });
});

describe('shardRange', () => {
  it.each([
    [300, 2],
    [20_000, 2],
    [20_000, 3],
    [7, 7],
    [10, 4],
  ])('splits %i makers over %i processes into contiguous blocks, each maker once', (makers, count) => {
    const ranges = Array.from({ length: count }, (_v, index) => shardRange(makers, { index, count }));
    expect(ranges[0].from).toBe(0);
    expect(ranges.at(-1)!.to).toBe(makers);
    for (let i = 1; i < count; i++) expect(ranges[i].from).toBe(ranges[i - 1].to);
    const sizes = ranges.map((r) => r.to - r.from);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });
});

describe('parseShard', () => {
  it.each([
    ['1/2', { index: 0, count: 2 }],
    ['2/2', { index: 1, count: 2 }],
    ['3/2', null],
    ['0/2', null],
    ['1/0', null],
    ['a/b', null],
  ])('reads %s', (text, expected) => {
    expect(parseShard(text)).toEqual(expected);
  });
});

describe('brokers', () => {
  it('connects maker i to the (i mod n)-th broker', () => {
    const brokers = ['mqtt://a:1884', 'mqtt://b:1885'];
    expect([0, 1, 2, 3, 19_999].map((i) => brokerForMaker(brokers, i))).toEqual([brokers[0], brokers[1], brokers[0], brokers[1], brokers[1]]);
    expect(brokerForMaker(['mqtt://only:1883'], 12_345)).toBe('mqtt://only:1883');
  });

  it('reads a comma-separated list and refuses an empty entry', () => {
    expect(parseBrokerList('mqtt://a:1884, mqtt://b:1885')).toEqual(['mqtt://a:1884', 'mqtt://b:1885']);
    expect(parseBrokerList('mqtt://localhost:1883')).toEqual(['mqtt://localhost:1883']);
    expect(parseBrokerList('mqtt://a:1884,')).toBeNull();
  });
});

import { DEFAULT_OPTIONS, parseBenchArgs } from './bench-options';
import { frontsFor } from './bench-runner';

describe('bench flags', () => {
  it('defaults to 2,000 and 20,000 gateways at one QoS 1 report a second on SQLite', () => {
    expect(parseBenchArgs([])).toEqual(DEFAULT_OPTIONS);
    expect(DEFAULT_OPTIONS).toMatchObject({ gateways: [2_000, 20_000], ratePerGateway: 1, qos: 1, pg: false });
  });

  it('reads gateways, rate, duration, QoS and pg', () => {
    expect(parseBenchArgs(['--gateways', '50,500', '--rate', '2.5', '--duration', '3', '--qos', '0', '--pg'])).toMatchObject({
      gateways: [50, 500],
      ratePerGateway: 2.5,
      durationSeconds: 3,
      qos: 0,
      pg: true,
    });
  });

  it('runs the pipeline on two cluster-mode instances only on PostgreSQL', () => {
    expect(parseBenchArgs(['--instances', '2', '--pg'])).toMatchObject({ instances: 2, pg: true });
    expect(() => parseBenchArgs(['--instances', '2'])).toThrow(/--instances 2 needs --pg/);
    expect(DEFAULT_OPTIONS.instances).toBe(1);
  });

  it('gives node flags to the server, its fronts and the load processes, each flag repeatable', () => {
    const o = parseBenchArgs(['--server-node-arg', '--trace-gc', '--front-node-arg', '--cpu-prof', '--front-node-arg', '--cpu-prof-dir=/tmp/f', '--load-node-arg', '--stack-size=900']);
    expect(o).toMatchObject({ serverNodeArgs: ['--trace-gc'], frontNodeArgs: ['--cpu-prof', '--cpu-prof-dir=/tmp/f'], loadNodeArgs: ['--stack-size=900'] });
    expect(DEFAULT_OPTIONS).toMatchObject({ serverNodeArgs: [], frontNodeArgs: [], loadNodeArgs: [] });
  });

  it.each([
    [['--front-node-arg', 'front.js']],
    [['--front-node-arg', '--cpu-prof --inspect']],
    [['--load-node-arg']],
    [['--server-node-arg', '-e']],
    [['--instances', '3', '--pg']],
    [['--gateways', '0']],
    [['--qos', '2']],
    [['--phases', 'mosquitto']],
    [['--frobnicate']],
  ])('refuses %j', (argv) => {
    expect(() => parseBenchArgs(argv)).toThrow(RangeError);
  });
});

describe('front processes of the pipeline', () => {
  it('reads --fronts as a count or auto, auto by default', () => {
    expect(DEFAULT_OPTIONS.fronts).toBe('auto');
    expect(parseBenchArgs(['--fronts', '3']).fronts).toBe(3);
    expect(parseBenchArgs(['--fronts', '0']).fronts).toBe(0);
    expect(parseBenchArgs(['--fronts', 'auto']).fronts).toBe('auto');
    expect(() => parseBenchArgs(['--fronts', '17'])).toThrow('--fronts expects 0-16');
    expect(() => parseBenchArgs(['--fronts', 'two'])).toThrow('--fronts expects 0-16');
    expect(() => parseBenchArgs(['--pg', '--instances', '2', '--fronts', '2'])).toThrow('--fronts runs with one instance');
  });

  it('uses fronts only for more gateways than the server can hold itself, as many as they fill', () => {
    // Open-file limit 20,000: the server keeps 1,024 for itself, a front 64.
    expect(frontsFor('auto', 2_000, 20_000, 1_024)).toBe(0);
    expect(frontsFor('auto', 18_976, 20_000, 1_024)).toBe(0);
    expect(frontsFor('auto', 18_977, 20_000, 1_024)).toBe(1);
    expect(frontsFor('auto', 20_000, 20_000, 1_024)).toBe(2);
    expect(frontsFor('auto', 40_000, 20_000, 1_024)).toBe(3);
    expect(frontsFor('auto', 1_000_000, null, 1_024)).toBe(0);
    expect(frontsFor(2, 100, 20_000, 1_024)).toBe(2);
  });
});

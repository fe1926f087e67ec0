import { DEFAULT_OPTIONS, parseBenchArgs } from './bench-options';

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

  it.each([
    [['--instances', '3', '--pg']],
    [['--gateways', '0']],
    [['--qos', '2']],
    [['--phases', 'mosquitto']],
    [['--frobnicate']],
  ])('refuses %j', (argv) => {
    expect(() => parseBenchArgs(argv)).toThrow(RangeError);
  });
});

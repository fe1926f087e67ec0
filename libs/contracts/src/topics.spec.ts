import { clusterFilter, gatewayClientId, gatewayKindFilter, gatewayTopic, parseGatewayClientId, parseTopic, simTopic } from './topics';

const address = { cluster: 'huizhou-kids', enterprise: 'm00042', gateway: 'gw1' };

describe('topics', () => {
  it.each(['birth', 'report', 'state', 'control'] as const)('round-trips a gateway %s topic', (kind) => {
    const topic = gatewayTopic(address, kind);
    expect(topic).toBe(`cp/v1/huizhou-kids/m00042/gw1/${kind}`);
    expect(parseTopic(topic)).toEqual({ scope: 'gateway', kind, ...address });
  });

  it.each(['control', 'status'] as const)('round-trips the simulator %s topic', (kind) => {
    expect(parseTopic(simTopic('huizhou-kids', kind))).toEqual({ scope: 'sim', kind, cluster: 'huizhou-kids' });
  });

  it.each([
    ['another root', 'xx/v1/huizhou-kids/m1/gw1/report'],
    ['another version', 'cp/v2/huizhou-kids/m1/gw1/report'],
    ['an unknown kind', 'cp/v1/huizhou-kids/m1/gw1/telemetry'],
    ['too few levels', 'cp/v1/huizhou-kids/m1/report'],
    ['too many levels', 'cp/v1/huizhou-kids/m1/gw1/report/x'],
    ['an empty level', 'cp/v1/huizhou-kids//gw1/report'],
    ['a wildcard', 'cp/v1/huizhou-kids/+/gw1/report'],
    ['the reserved sim level as an enterprise', 'cp/v1/huizhou-kids/sim/gw1/report'],
    ['an unknown sim kind', 'cp/v1/huizhou-kids/sim/report'],
    ['a leading slash', '/cp/v1/huizhou-kids/m1/gw1/report'],
  ])('rejects %s', (_what, topic) => {
    expect(parseTopic(topic)).toBeNull();
  });

  it('refuses to build a topic from an id that is not one topic level', () => {
    expect(() => gatewayTopic({ ...address, enterprise: 'a/b' }, 'report')).toThrow(RangeError);
    expect(() => gatewayTopic({ ...address, gateway: '#' }, 'report')).toThrow(RangeError);
    expect(() => gatewayTopic({ ...address, enterprise: 'sim' }, 'report')).toThrow(RangeError);
  });

  it('builds wildcard filters for the ingest subscriptions', () => {
    expect(gatewayKindFilter('huizhou-kids', 'report')).toBe('cp/v1/huizhou-kids/+/+/report');
    expect(clusterFilter('huizhou-kids')).toBe('cp/v1/huizhou-kids/#');
  });

  it('round-trips a gateway client id and rejects others', () => {
    expect(parseGatewayClientId(gatewayClientId(address))).toEqual(address);
    expect(parseGatewayClientId('mqttjs_1234')).toBeNull();
    expect(parseGatewayClientId('a.sim.b')).toBeNull();
  });
});

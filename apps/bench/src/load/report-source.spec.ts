import { decodePayload, reportPayloadSchema, birthPayloadSchema, parseTopic, encodePayload } from '@clusterpulse/contracts';
import { BODY_VARIANTS, gatewayScript, reportText, reportTime } from './report-source';

describe.each(['model', 'synthetic'] as const)('bench report source (%s figures)', (source) => {
  it.each([0, 1, 7, 19_999])('gives gateway %i reports the contracts accept, with its own seq and ts', (index) => {
    const script = gatewayScript('huizhou-kids', index, 1, source);
    for (let seq = 1; seq <= BODY_VARIANTS * 2; seq++) {
      const decoded = decodePayload(reportPayloadSchema, reportText(script, seq));
      if (!decoded.ok) throw new Error(decoded.message);
      expect(decoded.value.seq).toBe(seq);
      expect(decoded.value.ts).toBe(reportTime(script, seq));
      expect(decoded.value.ts - decoded.value.intervalMs).toBe(reportTime(script, seq - 1));
    }
  });

  it('gives every gateway a birth the contracts accept, naming the devices its reports carry', () => {
    const script = gatewayScript('huizhou-kids', 42, 3, source);
    const birth = birthPayloadSchema.parse(JSON.parse(encodePayload(birthPayloadSchema, script.birth(0))));
    const report = reportPayloadSchema.parse(JSON.parse(reportText(script, 1)));
    expect(report.devices.map((d) => d.id).sort()).toEqual(birth.devices.map((d) => d.id).sort());
  });

  it('draws the same figures from the same seed', () => {
    expect(gatewayScript('huizhou-kids', 9, 4, source).bodies).toEqual(gatewayScript('huizhou-kids', 9, 4, source).bodies);
  });

  it('addresses each gateway on its own topics and client id', () => {
    const a = gatewayScript('huizhou-kids', 1, 1, source);
    const b = gatewayScript('huizhou-kids', 2, 1, source);
    expect(a.clientId).not.toBe(b.clientId);
    expect(parseTopic(a.reportTopic)).toMatchObject({ scope: 'gateway', kind: 'report', enterprise: a.address.enterprise });
    expect(parseTopic(a.controlTopic)).toMatchObject({ kind: 'control', gateway: a.address.gateway });
  });

  it('varies the figures between consecutive reports', () => {
    const script = gatewayScript('huizhou-kids', 5, 1, source);
    expect(new Set(script.bodies).size).toBeGreaterThan(1);
  });
});

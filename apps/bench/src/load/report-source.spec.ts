import { decodePayload, reportPayloadSchema, birthPayloadSchema, parseTopic, encodePayload } from '@clusterpulse/contracts';
import { BODY_VARIANTS, gatewayScript, reportText, reportTime } from './report-source';

describe('bench report source', () => {
  it.each([0, 1, 7, 19_999])('gives gateway %i reports the contracts accept, with its own seq and ts', (index) => {
    const script = gatewayScript('huizhou-kids', index, 1);
    for (let seq = 1; seq <= BODY_VARIANTS * 2; seq++) {
      const decoded = decodePayload(reportPayloadSchema, reportText(script, seq));
      if (!decoded.ok) throw new Error(decoded.message);
      expect(decoded.value.seq).toBe(seq);
      expect(decoded.value.ts).toBe(reportTime(seq));
    }
  });

  it('gives every gateway a birth the contracts accept', () => {
    const script = gatewayScript('huizhou-kids', 42, 3);
    expect(() => encodePayload(birthPayloadSchema, script.birth(0))).not.toThrow();
  });

  it('addresses each gateway on its own topics and client id', () => {
    const a = gatewayScript('huizhou-kids', 1);
    const b = gatewayScript('huizhou-kids', 2);
    expect(a.clientId).not.toBe(b.clientId);
    expect(parseTopic(a.reportTopic)).toMatchObject({ scope: 'gateway', kind: 'report', enterprise: a.address.enterprise });
    expect(parseTopic(a.controlTopic)).toMatchObject({ kind: 'control', gateway: a.address.gateway });
  });

  it('varies the figures between consecutive reports', () => {
    const script = gatewayScript('huizhou-kids', 5);
    expect(new Set(script.bodies).size).toBeGreaterThan(1);
  });

  it('draws the same figures from the same seed', () => {
    expect(gatewayScript('huizhou-kids', 9, 4).bodies).toEqual(gatewayScript('huizhou-kids', 9, 4).bodies);
  });
});

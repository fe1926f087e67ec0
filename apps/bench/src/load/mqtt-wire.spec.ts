import { createParser, encodePublish, encodePuback, type Packet } from './mqtt-wire';

function parseAll(buf: Buffer): Packet[] {
  const packets: Packet[] = [];
  const parser = createParser();
  parser.on('packet', (p: Packet) => packets.push(p));
  parser.parse(buf);
  return packets;
}

describe('lean MQTT encoding', () => {
  it.each([
    [0, 10],
    [1, 10],
    [1, 200],
    [1, 20_000],
    [1, 3_000_000],
  ] as const)('writes a QoS %i PUBLISH of %i payload bytes that a standard parser reads back', (qos, size) => {
    const payload = 'x'.repeat(size);
    const [packet] = parseAll(encodePublish(Buffer.from('cp/v1/c/e/g/report'), payload, qos, 4242));
    expect(packet).toMatchObject({ cmd: 'publish', topic: 'cp/v1/c/e/g/report', qos, retain: false });
    expect((packet as { payload: Buffer }).payload.toString()).toBe(payload);
    if (qos === 1) expect(packet.messageId).toBe(4242);
  });

  it('writes a PUBACK carrying the packet id', () => {
    expect(parseAll(encodePuback(65_000))).toEqual([expect.objectContaining({ cmd: 'puback', messageId: 65_000 })]);
  });

  it('carries multi-byte UTF-8 payload text intact', () => {
    const [packet] = parseAll(encodePublish(Buffer.from('t'), '{"name":"童装 ☕"}', 1, 1));
    expect((packet as { payload: Buffer }).payload.toString('utf8')).toBe('{"name":"童装 ☕"}');
  });
});

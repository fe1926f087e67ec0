import * as mqttPacket from 'mqtt-packet';

/**
 * Lean MQTT 3.1.1 encoding for the load generator's hot path. Control packets (CONNECT,
 * SUBSCRIBE) are rare and go through mqtt-packet; PUBLISH and PUBACK are written by hand into one
 * buffer, since the generator sends tens of thousands of them a second.
 */

export type QoS = 0 | 1;

/** Bytes of the MQTT variable-length "remaining length" field [MQTT-2.2.3]. */
function varintLength(n: number): number {
  if (n < 128) return 1;
  if (n < 16_384) return 2;
  if (n < 2_097_152) return 3;
  if (n < 268_435_456) return 4;
  throw new RangeError(`remaining length ${n} exceeds the MQTT maximum`);
}

function writeVarint(buf: Buffer, offset: number, n: number): number {
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    buf[offset++] = byte;
  } while (n > 0);
  return offset;
}

/** A PUBLISH packet [MQTT-3.3], written into a single buffer. `topic` is pre-encoded UTF-8. */
export function encodePublish(topic: Buffer, payload: string, qos: QoS, packetId: number, retain = false): Buffer {
  const payloadLength = Buffer.byteLength(payload);
  const remaining = 2 + topic.length + (qos > 0 ? 2 : 0) + payloadLength;
  const buf = Buffer.allocUnsafe(1 + varintLength(remaining) + remaining);
  buf[0] = 0x30 | (qos << 1) | (retain ? 1 : 0);
  let offset = writeVarint(buf, 1, remaining);
  buf.writeUInt16BE(topic.length, offset);
  offset += 2;
  offset += topic.copy(buf, offset);
  if (qos > 0) {
    // [MQTT-2.3.1-1] a QoS 1 PUBLISH carries a non-zero packet identifier
    buf.writeUInt16BE(packetId, offset);
    offset += 2;
  }
  buf.write(payload, offset, 'utf8');
  return buf;
}

export function encodePuback(packetId: number): Buffer {
  const buf = Buffer.allocUnsafe(4);
  buf[0] = 0x40;
  buf[1] = 2;
  buf.writeUInt16BE(packetId, 2);
  return buf;
}

export const DISCONNECT = Buffer.from([0xe0, 0x00]);
export const PINGREQ = Buffer.from([0xc0, 0x00]);

export interface ConnectOptions {
  clientId: string;
  keepalive: number;
  username?: string;
  password?: string;
  will?: { topic: string; payload: string; qos: QoS; retain: boolean };
}

export function encodeConnect(options: ConnectOptions): Buffer {
  return mqttPacket.generate({
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 4,
    clean: true,
    clientId: options.clientId,
    keepalive: options.keepalive,
    username: options.username,
    password: options.password === undefined ? undefined : Buffer.from(options.password),
    will: options.will ? { topic: options.will.topic, payload: Buffer.from(options.will.payload), qos: options.will.qos, retain: options.will.retain } : undefined,
  });
}

export function encodeSubscribe(messageId: number, topic: string, qos: QoS): Buffer {
  return mqttPacket.generate({ cmd: 'subscribe', messageId, subscriptions: [{ topic, qos }] });
}

export function createParser(): mqttPacket.Parser {
  return mqttPacket.parser({ protocolVersion: 4 });
}

export type Packet = mqttPacket.Packet;

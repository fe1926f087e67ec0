import mqttPacket from 'mqtt-packet';
import { filterMayMatch, found, PubackDelay, wholeReport, type TopicShape } from './report-lane';

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

describe('PubackDelay', () => {
  it('looks at each connection a quiet period after it started waiting, in that order', () => {
    const delay = new PubackDelay(1000);
    const released: string[] = [];
    const release = (name: string) => ({ check: () => (released.push(name), false) });
    delay.hold(release('a'), 0);
    delay.hold(release('b'), 300);
    delay.hold(release('c'), 900);
    expect(delay.sweep(999)).toBe(0);
    expect(delay.sweep(1300)).toBe(2);
    expect(released).toEqual(['a', 'b']);
    expect(delay.waiting).toBe(1);
    delay.hold(release('d'), 1400);
    expect(delay.sweep(2400)).toBe(2);
    expect(released).toEqual(['a', 'b', 'c', 'd']);
    expect(delay.waiting).toBe(0);
  });

  it('keeps every waiting connection, in order, as its ring wraps around and grows', () => {
    const delay = new PubackDelay(10);
    const looked: number[] = [];
    let next = 0;
    const holdMore = (n: number, now: number) => {
      for (let i = 0; i < n; i++) {
        const id = next++;
        delay.hold({ check: () => (looked.push(id), false) }, now);
      }
    };
    // Some taken from the head first, so that the ring wraps and then grows with its head inside.
    holdMore(700, 0);
    expect(delay.sweep(10)).toBe(700);
    holdMore(5_000, 20);
    expect(delay.waiting).toBe(5_000);
    holdMore(3_000, 25);
    expect(delay.sweep(30)).toBe(5_000);
    holdMore(1_000, 40);
    expect(delay.sweep(50)).toBe(4_000);
    expect(looked).toEqual(Array.from({ length: 9_700 }, (_, i) => i));
  });

  it('looks again a quiet period later at a connection that asks, behind the others', () => {
    const delay = new PubackDelay(4000);
    expect(delay.quietMs).toBe(1000);
    const looked: string[] = [];
    let again = 2;
    delay.hold({ check: (now) => (looked.push(`a@${now}`), again-- > 0) }, 0);
    delay.hold({ check: (now) => (looked.push(`b@${now}`), false) }, 500);
    expect(delay.sweep(1000)).toBe(1);
    expect(delay.sweep(1500)).toBe(1);
    expect(delay.sweep(1900)).toBe(0);
    expect(delay.sweep(2000)).toBe(1);
    expect(delay.sweep(3000)).toBe(1);
    expect(delay.waiting).toBe(0);
    expect(looked).toEqual(['a@1000', 'b@1500', 'a@2000', 'a@3000']);
  });

  it('lets PUBACKs wait on only while their connection keeps publishing, and never beyond the delay', () => {
    const delay = new PubackDelay(4000);
    expect(delay.mayHoldOn(0, 1000, true)).toBe(true);
    expect(delay.mayHoldOn(0, 3000, true)).toBe(true); // the next look, at 4000, is within the delay
    expect(delay.mayHoldOn(0, 3100, true)).toBe(false);
    expect(delay.mayHoldOn(0, 1000, false)).toBe(false); // a quiet client gets them now
    // With a delay of a second or less the quiet period is the delay: no second look.
    const short = new PubackDelay(600);
    expect(short.quietMs).toBe(600);
    expect(short.mayHoldOn(0, 600, true)).toBe(false);
  });

  it('holds at any rate with holdAbove 0', () => {
    expect(new PubackDelay(1000).holding).toBe(true);
    expect(new PubackDelay(1000, 0).holding).toBe(true);
  });

  it('holds from a second of holdAbove reports on, until a second falls below half of it', () => {
    const delay = new PubackDelay(1000, 100);
    const second = (reports: number, end: number) => {
      for (let i = 0; i < reports; i++) delay.took();
      delay.sweep(end);
      return delay.holding;
    };
    expect(delay.holding).toBe(false);
    delay.sweep(0); // the first sweep starts the first second
    expect(second(99, 1000)).toBe(false);
    expect(second(120, 1500)).toBe(false); // half a second: not measured yet
    expect(second(0, 2000)).toBe(true); // 120 reports over 1 s
    expect(second(60, 3000)).toBe(true); // above half: stays on
    expect(second(49, 4000)).toBe(false);
    expect(second(60, 5000)).toBe(false); // below holdAbove: stays off
    expect(second(200, 6000)).toBe(true);
  });

  it('sweeps a quarter of the quiet period apart, between 10 and 250 ms', () => {
    expect(new PubackDelay(1000).sweepMs).toBe(250);
    expect(new PubackDelay(4000).sweepMs).toBe(250);
    expect(new PubackDelay(100).sweepMs).toBe(25);
    expect(new PubackDelay(20).sweepMs).toBe(10);
  });
});

describe('wholeReport: a gateway\'s report read from a chunk without the MQTT parser', () => {
  const topic = 'cp/v1/c/m00042/gw00042/report';
  const topicBytes = Buffer.from(topic);
  /** A PUBLISH as mqtt-packet writes it (MQTT 3.1.1). */
  const publish = (payload: Buffer, options: { qos?: 0 | 1 | 2; dup?: boolean; retain?: boolean; topic?: string; messageId?: number } = {}) =>
    mqttPacket.generate({ cmd: 'publish', topic: options.topic ?? topic, payload, qos: options.qos ?? 1, dup: options.dup ?? false, retain: options.retain ?? false, messageId: options.messageId ?? 513 });

  // Remaining lengths of one, two and three bytes.
  it.each([0, 1, 90, 200, 16_400, 70_000])('reads a QoS 1 report of %d payload bytes as mqtt-packet does', (size) => {
    const payload = Buffer.alloc(size, 0x61);
    const bytes = publish(payload);
    const parsed = mqttPacket.parser({ protocolVersion: 4 });
    const packets: Array<{ messageId?: number; payload: Buffer }> = [];
    parsed.on('packet', (packet) => packets.push(packet as never));
    parsed.parse(bytes);
    expect(wholeReport(bytes, 0, topicBytes)).toBe(bytes.length);
    expect(found.id).toBe(packets[0].messageId);
    expect(bytes.subarray(found.payloadStart).equals(packets[0].payload)).toBe(true);
  });

  it('reads the reports of one chunk one after the other, a resent one (DUP) too', () => {
    const first = publish(Buffer.from('{"a":1}'), { messageId: 7 });
    const second = publish(Buffer.from('{"b":2}'), { messageId: 8, dup: true });
    const chunk = Buffer.concat([first, second]);
    expect(wholeReport(chunk, 0, topicBytes)).toBe(first.length);
    expect(found).toEqual({ id: 7, payloadStart: first.length - 7 });
    expect(wholeReport(chunk, first.length, topicBytes)).toBe(chunk.length);
    expect(found).toEqual({ id: 8, payloadStart: chunk.length - 7 });
  });

  it.each([
    ['QoS 0', publish(Buffer.from('x'), { qos: 0 })],
    ['QoS 2', publish(Buffer.from('x'), { qos: 2 })],
    ['RETAIN', publish(Buffer.from('x'), { retain: true })],
    ['another gateway of the same topic length', publish(Buffer.from('x'), { topic: 'cp/v1/c/m00043/gw00043/report' })],
    ['a longer topic', publish(Buffer.from('x'), { topic: `${topic}s` })],
    ['a shorter topic', publish(Buffer.from('x'), { topic: topic.slice(0, -1) })],
    ['a birth', publish(Buffer.from('x'), { topic: topic.replace(/report$/, 'birth') })],
    ['a PINGREQ', Buffer.from([0xc0, 0x00])],
    ['a remaining length too short for the topic and packet identifier', Buffer.from([0x32, 3, 0, topic.length, 0x63])],
    ['a remaining length of five bytes', Buffer.from([0x32, 0xff, 0xff, 0xff, 0xff, 0x01])],
  ])('leaves %s to the parser', (_what, bytes) => {
    expect(wholeReport(bytes, 0, topicBytes)).toBe(-1);
  });

  it('leaves a report cut short anywhere to the parser', () => {
    const bytes = publish(Buffer.from('{"seq":1}'));
    for (let cut = 0; cut < bytes.length; cut++) expect(wholeReport(bytes.subarray(0, cut), 0, topicBytes)).toBe(-1);
  });
});

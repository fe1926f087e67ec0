import type { AedesPublishPacket } from 'aedes';
import { BrokerService } from './broker.service';

const packet = (topic: string): AedesPublishPacket =>
  ({ cmd: 'publish', topic, payload: Buffer.from('{}'), qos: 0, retain: false, dup: false }) as AedesPublishPacket;

describe('BrokerService', () => {
  let broker: BrokerService;

  beforeEach(() => {
    broker = new BrokerService();
  });

  afterEach(async () => {
    await broker.close();
  });

  it('survives a burst of messages while slow deliveries are outstanding', async () => {
    // Deliveries that have not finished (a gateway socket waiting to drain) hold mqemitter slots.
    // With a bounded slot count, later messages queue and are drained by synchronous recursion
    // once a slot frees: tens of thousands queued overflowed the stack and killed the server.
    const held: Array<() => void> = [];
    broker.aedes.mq.on('slow/topic', (_message: unknown, callback: () => void) => held.push(callback));
    await new Promise((resolve) => setImmediate(resolve));
    const errors: unknown[] = [];
    let completed = 0;
    const slow = 200;
    const burst = 50_000;
    for (let i = 0; i < slow; i++) broker.aedes.mq.emit(packet('slow/topic'), () => completed++);
    for (let i = 0; i < burst; i++) {
      broker.aedes.mq.emit(packet('cp/v1/c/m1/gw1/report'), (error?: Error) => (error ? errors.push(error) : completed++));
    }
    expect(() => {
      while (held.length > 0) held.shift()!();
    }).not.toThrow();
    expect(errors).toEqual([]);
    expect(completed).toBe(slow + burst);
  });
});

import memory from 'aedes-persistence';
import { withExactRetainedLookup, type RetainedStore } from './exact-retained';

type Packet = { topic: string; payload: Buffer; retain: boolean; qos: 0; cmd: 'publish' };
const packet = (topic: string, payload: string): Packet => ({ cmd: 'publish', topic, payload: Buffer.from(payload), retain: true, qos: 0 });

async function retained(store: RetainedStore, patterns: string[]): Promise<string[]> {
  const found: string[] = [];
  for await (const p of store.createRetainedStreamCombi(patterns)) found.push(`${(p as Packet).topic}=${(p as Packet).payload.toString()}`);
  return found.sort();
}

describe('withExactRetainedLookup', () => {
  let plain: RetainedStore;
  let indexed: RetainedStore;

  beforeEach(async () => {
    plain = memory() as unknown as RetainedStore;
    indexed = withExactRetainedLookup(memory() as unknown as RetainedStore);
    for (const store of [plain, indexed]) {
      for (const p of [packet('cp/v1/c/m1/gw1/state', 'on-1'), packet('cp/v1/c/m2/gw1/state', 'on-2'), packet('cp/v1/c/sim/status', 's')]) await store.storeRetained(p);
    }
  });

  it.each([
    [['cp/v1/c/m1/gw1/state']],
    [['cp/v1/c/m2/gw1/state', 'cp/v1/c/m1/gw1/state']],
    [['cp/v1/c/m3/gw1/state']],
    [['cp/v1/c/m1/gw1/state', 'cp/v1/c/m1/gw1/state']],
    [['cp/v1/c/+/gw1/state']],
    [['cp/v1/c/#']],
    [['cp/v1/c/m1/gw1/state', 'cp/v1/c/sim/+']],
  ])('answers %j exactly as the full scan does', async (patterns) => {
    expect(await retained(indexed, patterns)).toEqual(await retained(plain, patterns));
  });

  it('answers an exact subscription from the index', async () => {
    expect(await retained(indexed, ['cp/v1/c/m2/gw1/state'])).toEqual(['cp/v1/c/m2/gw1/state=on-2']);
  });

  it('forgets a retained message cleared by an empty payload, and keeps the newest of a topic', async () => {
    for (const store of [plain, indexed]) {
      await store.storeRetained(packet('cp/v1/c/m1/gw1/state', ''));
      await store.storeRetained(packet('cp/v1/c/m2/gw1/state', 'off-2'));
    }
    const patterns = ['cp/v1/c/m1/gw1/state', 'cp/v1/c/m2/gw1/state'];
    expect(await retained(indexed, patterns)).toEqual(['cp/v1/c/m2/gw1/state=off-2']);
    expect(await retained(indexed, patterns)).toEqual(await retained(plain, patterns));
  });
});

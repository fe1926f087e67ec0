import { ownerOf, slotOf, slotsOwnedBy } from './rendezvous';

const SLOTS = 64;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('rendezvous ownership', () => {
  it('puts a maker in the same slot on every call', () => {
    expect(slotOf('m00042', SLOTS)).toBe(slotOf('m00042', SLOTS));
    expect(range(2000).map((i) => slotOf(`m${String(i).padStart(5, '0')}`, SLOTS)).every((s) => s >= 0 && s < SLOTS)).toBe(true);
  });

  it('spreads 20,000 makers over the slots within a fifth of the mean', () => {
    const counts = new Array<number>(SLOTS).fill(0);
    for (let i = 1; i <= 20_000; i++) counts[slotOf(`m${String(i).padStart(5, '0')}`, SLOTS)]++;
    const mean = 20_000 / SLOTS;
    expect(Math.min(...counts)).toBeGreaterThan(mean * 0.8);
    expect(Math.max(...counts)).toBeLessThan(mean * 1.2);
  });

  it('gives every slot exactly one owner whatever the order of the member list', () => {
    const members = ['server-1', 'server-2', 'server-3'];
    for (const slot of range(SLOTS)) {
      expect(ownerOf(slot, members)).toBe(ownerOf(slot, [...members].reverse()));
    }
    const owned = members.map((m) => slotsOwnedBy(m, members, SLOTS));
    expect(owned.reduce((n, s) => n + s.size, 0)).toBe(SLOTS);
    for (const s of owned) expect(s.size).toBeGreaterThan(0);
  });

  it('moves only the slots of a member that leaves', () => {
    const before = ['a', 'b', 'c'];
    const after = ['a', 'c'];
    for (const slot of range(SLOTS)) {
      const was = ownerOf(slot, before);
      if (was !== 'b') expect(ownerOf(slot, after)).toBe(was);
      else expect(after).toContain(ownerOf(slot, after));
    }
  });

  it('moves to a member that joins only the slots it wins', () => {
    const before = ['a', 'b'];
    const after = ['a', 'b', 'c'];
    let moved = 0;
    for (const slot of range(SLOTS)) {
      const now = ownerOf(slot, after);
      if (now !== ownerOf(slot, before)) {
        expect(now).toBe('c');
        moved++;
      }
    }
    expect(moved).toBeGreaterThan(SLOTS / 6);
    expect(moved).toBeLessThan(SLOTS / 2);
  });

  it('has no owner without members', () => {
    expect(ownerOf(0, [])).toBeNull();
  });
});

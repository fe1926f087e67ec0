/**
 * Which instance owns which makers. Makers fall into a fixed number of slots by a hash of their id;
 * each slot goes to the live instance with the highest rendezvous score for it. Every instance
 * computes the same answer from the same member list, and when one joins or leaves only the
 * slots it wins or held move (about 1/N of them), so a change disturbs few gateways.
 */

/** 32-bit FNV-1a: stable across processes and platforms, unlike anything seeded per process. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A final avalanche (murmur3's fmix32), so scores of neighbouring slot numbers are unrelated. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function slotOf(enterpriseId: string, slots: number): number {
  return fnv1a(enterpriseId) % slots;
}

/** The member with the highest score for the slot; ties (practically never) go to the smaller id. */
export function ownerOf(slot: number, members: readonly string[]): string | null {
  let best: string | null = null;
  let bestScore = -1;
  for (const member of members) {
    const score = mix(fnv1a(`${member}#${slot}`));
    if (score > bestScore || (score === bestScore && best !== null && member < best)) {
      best = member;
      bestScore = score;
    }
  }
  return best;
}

/** The slots the member owns among `members` (which must include it). */
export function slotsOwnedBy(member: string, members: readonly string[], slots: number): Set<number> {
  const owned = new Set<number>();
  for (let slot = 0; slot < slots; slot++) if (ownerOf(slot, members) === member) owned.add(slot);
  return owned;
}

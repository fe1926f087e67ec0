import type { EnterpriseSummary } from '@clusterpulse/contracts';

export interface LayoutGroup {
  town: string;
  park: string;
  x: number;
  y: number;
  width: number;
  height: number;
  columns: number;
  /** Index into `order` of this group's first maker. */
  first: number;
  count: number;
}

export interface ClusterLayout {
  cell: number;
  width: number;
  height: number;
  groups: LayoutGroup[];
  /** Maker indices (into the input array) in drawing order: group by group, row by row. */
  order: Int32Array;
}

export const LABEL_HEIGHT = 18;
const GROUP_GAP = 10;

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Places every maker as a square cell, grouped by town then park: each park is a near-square block
 * under its label, and blocks fill the width shelf by shelf. The largest cell that lets everything
 * fit in `maxHeight` is chosen, so 200 makers get big squares and 20,000 still fit one screen.
 */
export function layoutCluster(makers: Pick<EnterpriseSummary, 'town' | 'park' | 'id'>[], width: number, maxHeight: number): ClusterLayout {
  const byGroup = new Map<string, number[]>();
  makers.forEach((maker, i) => {
    const key = `${maker.town}\u0000${maker.park}`;
    let list = byGroup.get(key);
    if (!list) byGroup.set(key, (list = []));
    list.push(i);
  });
  const keys = [...byGroup.keys()].sort(compare);
  for (const key of keys) byGroup.get(key)!.sort((a, b) => compare(makers[a].id, makers[b].id));

  const place = (cell: number) => {
    const groups: LayoutGroup[] = [];
    let x = 0;
    let y = 0;
    let shelf = 0;
    let first = 0;
    for (const key of keys) {
      const members = byGroup.get(key)!;
      const [town, park] = key.split('\u0000');
      const maxColumns = Math.max(1, Math.floor(width / cell));
      const columns = Math.min(maxColumns, Math.max(Math.ceil(Math.sqrt(members.length * 1.6)), Math.ceil((park.length + town.length + 3) * 7 / cell)), members.length);
      const rows = Math.ceil(members.length / columns);
      const blockWidth = columns * cell;
      const blockHeight = LABEL_HEIGHT + rows * cell;
      if (x > 0 && x + blockWidth > width) {
        x = 0;
        y += shelf + GROUP_GAP;
        shelf = 0;
      }
      groups.push({ town, park, x, y, width: blockWidth, height: blockHeight, columns, first, count: members.length });
      first += members.length;
      x += blockWidth + GROUP_GAP;
      shelf = Math.max(shelf, blockHeight);
    }
    return { groups, height: y + shelf };
  };

  let cell = 28;
  let placed = place(cell);
  while (placed.height > maxHeight && cell > 3) {
    cell -= 1;
    placed = place(cell);
  }
  const order = new Int32Array(makers.length);
  let k = 0;
  for (const key of keys) for (const index of byGroup.get(key)!) order[k++] = index;
  return { cell, width, height: placed.height, groups: placed.groups, order };
}

/** The maker (index into the input array) drawn at a point, or null. */
export function makerAt(layout: ClusterLayout, x: number, y: number): number | null {
  for (const group of layout.groups) {
    if (x < group.x || x >= group.x + group.width || y < group.y + LABEL_HEIGHT || y >= group.y + group.height) continue;
    const column = Math.floor((x - group.x) / layout.cell);
    const row = Math.floor((y - group.y - LABEL_HEIGHT) / layout.cell);
    const slot = row * group.columns + column;
    return slot < group.count ? layout.order[group.first + slot] : null;
  }
  return null;
}

/** Where a maker's cell is drawn (top-left corner), for drawing and for tests that click it. */
export function cellOf(layout: ClusterLayout, slotInOrder: number): { x: number; y: number } {
  const group = layout.groups.find((g) => slotInOrder >= g.first && slotInOrder < g.first + g.count)!;
  const slot = slotInOrder - group.first;
  return { x: group.x + (slot % group.columns) * layout.cell, y: group.y + LABEL_HEIGHT + Math.floor(slot / group.columns) * layout.cell };
}

import { cellOf, layoutCluster, makerAt } from './cluster-layout';

function makers(n: number, towns = 4, parksPerTown = 5) {
  return Array.from({ length: n }, (_, i) => ({ id: `m${String(i).padStart(5, '0')}`, town: `Town ${i % towns}`, park: `Park ${(i >> 2) % parksPerTown}` }));
}

describe('layoutCluster', () => {
  it('fits 20,000 makers into a 1080p map area, every maker exactly once', () => {
    const all = makers(20_000);
    const layout = layoutCluster(all, 1800, 820);
    expect(layout.height).toBeLessThanOrEqual(820);
    expect(layout.cell).toBeGreaterThanOrEqual(3);
    expect(new Set(layout.order).size).toBe(20_000);
    expect(layout.groups.reduce((sum, g) => sum + g.count, 0)).toBe(20_000);
    expect(layout.groups.every((g) => g.x + g.width <= 1800)).toBe(true);
  });

  it('gives a small cluster large cells', () => {
    expect(layoutCluster(makers(200), 1800, 820).cell).toBeGreaterThanOrEqual(20);
  });

  it('groups makers by town and park, in name order', () => {
    const layout = layoutCluster(makers(400), 1200, 800);
    const names = layout.groups.map((g) => `${g.town}/${g.park}`);
    expect(names).toEqual([...names].sort());
    for (const group of layout.groups) {
      for (let k = group.first; k < group.first + group.count; k++) {
        const maker = makers(400)[layout.order[k]];
        expect([maker.town, maker.park]).toEqual([group.town, group.park]);
      }
    }
  });

  it('finds the maker under the pointer at the centre of each cell, and none between blocks', () => {
    const all = makers(1000);
    const layout = layoutCluster(all, 1000, 700);
    for (const k of [0, 1, 57, 999]) {
      const { x, y } = cellOf(layout, k);
      expect(makerAt(layout, x + layout.cell / 2, y + layout.cell / 2)).toBe(layout.order[k]);
    }
    const first = layout.groups[0];
    expect(makerAt(layout, first.x + 2, first.y + 2)).toBeNull();
  });
});

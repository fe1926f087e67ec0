import { PRODUCT_CATEGORIES, birthPayloadSchema, isId } from '@clusterpulse/contracts';
import { TOWNS, generateCluster } from './cluster-generator';

describe('generateCluster', () => {
  const cluster = generateCluster({ seed: 2019, makers: 3000 });

  it('generates the same cluster from the same seed', () => {
    expect(generateCluster({ seed: 2019, makers: 3000 }).makers).toEqual(cluster.makers);
  });

  it('generates a different cluster from a different seed', () => {
    const other = generateCluster({ seed: 2020, makers: 3000 }).makers;
    expect(other.map((m) => m.employees)).not.toEqual(cluster.makers.map((m) => m.employees));
  });

  it('gives maker n the same identity whatever the cluster size', () => {
    expect(generateCluster({ seed: 2019, makers: 50 }).makers).toEqual(cluster.makers.slice(0, 50));
  });

  it('has a long-tailed size distribution: most makers small, a few large', () => {
    const sizes = cluster.makers.map((m) => m.employees).sort((a, b) => a - b);
    const median = sizes[Math.floor(sizes.length / 2)];
    const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
    expect(median).toBeLessThan(mean);
    expect(sizes.filter((s) => s <= 50).length / sizes.length).toBeGreaterThan(0.75);
    expect(sizes[sizes.length - 1]).toBeGreaterThan(10 * median);
  });

  it('places every maker in a park of its town and covers every category', () => {
    for (const m of cluster.makers) {
      const town = TOWNS.find((t) => t.name === m.town);
      expect(town?.parks).toContain(m.park);
    }
    expect(new Set(cluster.makers.map((m) => m.category))).toEqual(new Set(PRODUCT_CATEGORIES));
  });

  it('makes every maker announceable: ids fit topics and the birth schema accepts it', () => {
    const ids = new Set<string>();
    for (const m of cluster.makers.slice(0, 500)) {
      expect(isId(m.id) && isId(m.gatewayId)).toBe(true);
      ids.add(m.id);
      const birth = {
        v: 1,
        seq: 0,
        ts: Date.UTC(2019, 0, 1),
        enterprise: { name: m.name, town: m.town, park: m.park, category: m.category, digitization: m.digitization, employees: m.employees },
        devices: m.devices,
      };
      expect(birthPayloadSchema.safeParse(birth).success).toBe(true);
    }
    expect(ids.size).toBe(500);
  });

  it('equips every maker with lines, inspection, packing, a warehouse and a meter; digitization in 0..1', () => {
    for (const m of cluster.makers) {
      const kinds = new Set(m.devices.map((d) => d.kind));
      for (const k of ['cutting-table', 'sewing-line', 'qc-station', 'packing-station', 'warehouse', 'energy-meter'] as const) expect(kinds.has(k)).toBe(true);
      expect(m.digitization).toBeGreaterThan(0);
      expect(m.digitization).toBeLessThan(1);
      expect(m.channelShare.ecommerce + m.channelShare.wholesale + m.channelShare.export).toBeCloseTo(1);
    }
  });
});

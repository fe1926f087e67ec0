import { chinaDayStart } from '@clusterpulse/contracts';
import { dayOf } from './calendar';
import { generateCluster } from './cluster-generator';
import { clusterDailySales } from './cluster-sales';
import { createScenario } from './scenarios';
import { SCENARIOS } from '@clusterpulse/contracts';

const cluster = generateCluster({ seed: 31, makers: 300 });

describe('scenarios', () => {
  it.each(SCENARIOS)('%s starts on a day of its year and names itself', (id) => {
    const s = createScenario(id);
    expect(s.id).toBe(id);
    expect(s.startDay).toMatch(/^20(19|20)-\d\d-\d\d$/);
  });

  it('double-11 shows the Singles\u2019 Day peak in e-commerce', () => {
    const days = clusterDailySales(cluster, createScenario('double-11'), chinaDayStart('2020-10-20'), chinaDayStart('2020-11-16'));
    const byDay = new Map(days.map((d) => [d.day, d.byChannel.ecommerce]));
    const ordinary = ['2020-10-20', '2020-10-21', '2020-10-22', '2020-10-23'].reduce((s, d) => s + byDay.get(d)!, 0) / 4;
    expect(byDay.get('2020-11-11')!).toBeGreaterThan(4 * ordinary);
  });

  it('digital-2020 raises each maker\u2019s digitization over the year and never lowers it', () => {
    const s = createScenario('digital-2020');
    for (const m of cluster.makers) {
      const jan = s.digitization(m, dayOf('2020-01-01'));
      const dec = s.digitization(m, dayOf('2020-12-31'));
      expect(jan).toBeCloseTo(m.digitization);
      expect(dec).toBeGreaterThanOrEqual(m.digitization);
      if (m.digitization < 0.85) expect(dec).toBeGreaterThan(m.digitization);
      expect(dec).toBeLessThanOrEqual(Math.max(0.9, m.digitization));
    }
  });

  it('lockdown-2020 closes workshops from 23 January, the least digitized longest', () => {
    const s = createScenario('lockdown-2020');
    const sorted = [...cluster.makers].sort((a, b) => a.digitization - b.digitization);
    const reopening = (m: (typeof sorted)[number]): number => {
      let d = dayOf('2020-01-23');
      while (!s.workshopOpen(m, d)) d++;
      return d;
    };
    expect(s.workshopOpen(sorted[0], dayOf('2020-01-22'))).toBe(true);
    expect(s.workshopOpen(sorted[0], dayOf('2020-01-23'))).toBe(false);
    expect(reopening(sorted[0])).toBeGreaterThan(reopening(sorted[sorted.length - 1]));
  });

  it('gives identical daily sales for the same seed and different ones for another seed', () => {
    const from = chinaDayStart('2019-06-01');
    const to = chinaDayStart('2019-06-08');
    const a = clusterDailySales(cluster, createScenario('baseline-2019'), from, to);
    expect(clusterDailySales(generateCluster({ seed: 31, makers: 300 }), createScenario('baseline-2019'), from, to)).toEqual(a);
    expect(clusterDailySales(generateCluster({ seed: 32, makers: 300 }), createScenario('baseline-2019'), from, to)).not.toEqual(a);
  });
});

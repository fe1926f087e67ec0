import { deviceStateGroup, encodePayload, readReport, reportPayloadSchema } from '@clusterpulse/contracts';
import { dayOf, dayStart } from './calendar';
import { generateCluster } from './cluster-generator';
import type { Maker } from './maker';
import { MakerSimulation, STEP_MS, type ReportBody } from './maker-simulation';
import { createDeviceRegistry } from './registry';
import { dayBook } from './sales-model';
import { createScenario } from './scenarios';

const registry = createDeviceRegistry();
const makers = generateCluster({ seed: 99, makers: 12, registry }).makers;
const scenario = createScenario('baseline-2019');
const start = dayStart(dayOf('2019-03-04'));

function runReports(makerIndex: number, days: number, stepsPerReport: number): ReportBody[] {
  return reportsOf(makers[makerIndex], days, stepsPerReport);
}

/** The reports of `maker` over `days` from the start, one every `stepsPerReport` simulated hours. */
function reportsOf(maker: Maker, days: number, stepsPerReport: number): ReportBody[] {
  const sim = new MakerSimulation(maker, scenario, registry, start);
  const reports: ReportBody[] = [];
  for (let s = 0; s < days * 24; s += stepsPerReport) {
    sim.advanceTo(start + (s + stepsPerReport) * STEP_MS);
    const r = sim.takeReport();
    if (r) reports.push(r);
  }
  return reports;
}

function totals(reports: ReportBody[]): { fen: number; pieces: number; good: number; defective: number; energyWh: number } {
  const t = { fen: 0, pieces: 0, good: 0, defective: 0, energyWh: 0 };
  for (const r of reports) {
    for (const l of r.sales) {
      t.fen += l.amountFen;
      t.pieces += l.pieces;
    }
    for (const l of r.production) {
      t.good += l.good;
      t.defective += l.defective;
    }
    t.energyWh += r.energyWh;
  }
  return t;
}

describe('MakerSimulation', () => {
  it('ships exactly the day books of the fast sales path over whole days', () => {
    for (const index of [0, 5, 11]) {
      let expected = 0;
      for (let d = 0; d < 10; d++) for (const line of dayBook(makers[index], dayOf('2019-03-04') + d, scenario)) expected += line.amountFen;
      expect(totals(runReports(index, 10, 5)).fen).toBe(expected);
    }
  });

  it('gives the same totals whatever the report cadence', () => {
    const hourly = totals(runReports(3, 14, 1));
    expect(totals(runReports(3, 14, 24))).toEqual(hourly);
    expect(totals(runReports(3, 14, 7))).toEqual(hourly);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    expect(runReports(2, 5, 6)).toEqual(runReports(2, 5, 6));
    const other = generateCluster({ seed: 100, makers: 3, registry }).makers[2];
    const sim = new MakerSimulation(other, scenario, registry, start);
    sim.advanceTo(start + 5 * 24 * STEP_MS);
    expect(totals([sim.takeReport()!])).not.toEqual(totals(runReports(2, 5, 120)));
  });

  it('produces reports the contracts accept, with OEE inputs inside their bounds', () => {
    for (const r of runReports(7, 7, 12)) {
      expect(reportPayloadSchema.safeParse({ v: 1, seq: 1, ...r }).success).toBe(true);
      for (const d of r.devices) {
        expect(d.runMs).toBeLessThanOrEqual(d.plannedMs);
        expect((d.good + d.defective) * d.idealCycleMs).toBeLessThanOrEqual(d.runMs);
        expect(['running', 'idle', 'fault', 'offline']).toContain(deviceStateGroup(d.state));
      }
    }
  });

  it('writes reports in the plain form the server reads straight from their bytes', () => {
    // Sixty makers (every built-in device kind: the first dozen have no dye vat), a report an hour
    // over two days of shifts and nights and one a day over a week, encoded as a gateway does.
    const cluster = generateCluster({ seed: 99, makers: 60, registry }).makers;
    expect(new Set(cluster.flatMap((m) => m.devices.map((d) => d.kind)))).toEqual(new Set(registry.models().map((m) => m.kind)));
    let reports = 0;
    for (const maker of cluster) {
      for (const r of [...reportsOf(maker, 2, 1), ...reportsOf(maker, 7, 24)]) {
        const payload = Buffer.from(encodePayload(reportPayloadSchema, { v: 1, seq: 1, run: 'run-1', ...r }));
        expect(readReport(payload)).toStrictEqual(JSON.parse(payload.toString()));
        reports++;
      }
    }
    expect(reports).toBeGreaterThan(3_000);
  });

  it('turns out roughly what it sells over a month, from stock and production', () => {
    const t = totals(runReports(4, 30, 24));
    expect(t.good).toBeGreaterThan(0.6 * t.pieces);
    expect(t.good).toBeLessThan(1.6 * t.pieces);
    expect(t.defective).toBeLessThan(0.1 * t.good);
  });

  it('stops every machine during a power cut', () => {
    const sim = new MakerSimulation(makers[1], scenario, registry, start);
    sim.advanceTo(start + 8 * STEP_MS);
    sim.takeReport();
    sim.powerCut(start + 16 * STEP_MS);
    sim.advanceTo(start + 16 * STEP_MS);
    const r = sim.takeReport()!;
    expect(r.production[0].good).toBe(0);
    for (const d of r.devices) expect(d.runMs).toBe(0);
    expect(r.devices.filter((d) => d.kind === 'sewing-line').every((d) => d.state === 'fault')).toBe(true);
  });

  it('breaks down a named device on request', () => {
    const sim = new MakerSimulation(makers[1], scenario, registry, start);
    expect(sim.injectFault({ kind: 'breakdown', until: start + 48 * STEP_MS }, 'sew-1')).toBe(true);
    sim.advanceTo(start + 12 * STEP_MS);
    const sew = sim.takeReport()!.devices.find((d) => d.id === 'sew-1')!;
    expect(sew.state).toBe('fault');
    expect(sew.runMs).toBe(0);
  });
});

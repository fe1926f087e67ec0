import type { ReportPayload } from './payloads';

/** A valid report for tests: one sewing line and one dye vat of a babywear maker, for one hour. */
export function reportFixture(overrides: Partial<ReportPayload> = {}): ReportPayload {
  return {
    v: 1,
    seq: 7,
    ts: Date.UTC(2020, 0, 10, 4),
    intervalMs: 3_600_000,
    sales: [
      { channel: 'ecommerce', category: 'babywear', orders: 12, pieces: 30, amountFen: 1_234_500 },
      { channel: 'wholesale', category: 'babywear', orders: 1, pieces: 400, amountFen: 8_000_000 },
    ],
    production: [{ category: 'babywear', good: 410, defective: 9 }],
    energyWh: 52_000,
    devices: [
      { id: 'sew-1', kind: 'sewing-line', state: 'running', plannedMs: 3_600_000, runMs: 3_100_000, good: 410, defective: 9, idealCycleMs: 6_000, energyWh: 12_000 },
      { id: 'vat-1', kind: 'dye-vat', state: 'running', plannedMs: 3_600_000, runMs: 3_600_000, good: 0, defective: 0, idealCycleMs: 0, energyWh: 30_000, readings: { tempC: 92.5 } },
    ],
    ...overrides,
  };
}

import type { BirthPayload, DeviceReading, ReportPayload } from '@clusterpulse/contracts';

/** A birth for tests: a maker of park P in town T, making tops, described with these devices. */
export function birthFixture(name: string, employees: number, devices: BirthPayload['devices'], seq = 0, ts = Date.UTC(2020, 5, 1, 1)): BirthPayload {
  return { v: 1, seq, ts, enterprise: { name, town: 'T', park: 'P', category: 'tops', digitization: 0.5, employees }, devices };
}

/** A report for tests of one device alone, the `seq`-th ten minutes after the fixture's birth; no sales or production. */
export function deviceReportFixture(seq: number, device: DeviceReading): ReportPayload {
  return { v: 1, seq, ts: Date.UTC(2020, 5, 1, 2) + seq * 600_000, intervalMs: 600_000, sales: [], production: [], energyWh: 0, devices: [device] };
}

import type { ReportPayload } from '@clusterpulse/contracts';
import { AggregationService } from './aggregation.service';
import { birthFixture, deviceReportFixture } from './maker.fixture';

const address = { cluster: 'c1', enterprise: 'stock', gateway: 'gw1' };

/** A report of the maker's one warehouse with these readings (none: `undefined`). */
function warehouseReport(seq: number, readings: Record<string, number> | undefined): ReportPayload {
  return deviceReportFixture(seq, { id: 'wh-1', kind: 'warehouse', state: 'running', plannedMs: 0, runMs: 0, good: 0, defective: 0, idealCycleMs: 0, energyWh: 400, ...(readings ? { readings } : {}) });
}

describe("a device's latest readings", () => {
  let agg: AggregationService;
  let seq: number;
  const send = (readings: Record<string, number> | undefined) => agg.applyReport(address, warehouseReport(++seq, readings));
  const readings = () => agg.enterprises.get('stock')!.devices.get('wh-1')!.readings;

  beforeEach(() => {
    agg = new AggregationService('c1');
    seq = 0;
    agg.applyBirth(address, birthFixture('Stock', 20, [{ id: 'wh-1', kind: 'warehouse' }]));
  });

  it('are those of the last report, kept in one object while the device names the same readings', () => {
    send({ stock: 100, backorder: 0 });
    const kept = readings();
    send({ stock: 90, backorder: 3 });
    expect(readings()).toEqual({ stock: 90, backorder: 3 });
    expect(readings()).toBe(kept);
    // The same names in another order are the same readings.
    send({ backorder: 1, stock: 80 });
    expect(readings()).toEqual({ stock: 80, backorder: 1 });
  });

  it('never keep a reading the last report left out, nor miss one it added', () => {
    send({ stock: 100, backorder: 0 });
    send({ stock: 90 });
    expect(readings()).toEqual({ stock: 90 });
    send({ stock: 80, stockIn: 5 });
    expect(readings()).toEqual({ stock: 80, stockIn: 5 });
    send({ kw: 7.5, stockIn: 6 });
    expect(readings()).toEqual({ kw: 7.5, stockIn: 6 });
  });

  it('are empty after a report without readings, and a later report with some does not write into that', () => {
    send({ stock: 100 });
    send(undefined);
    expect(readings()).toEqual({});
    send({ stock: 70 });
    expect(readings()).toEqual({ stock: 70 });
    send(undefined);
    // The shared empty object of devices without readings is still empty.
    expect(readings()).toEqual({});
  });
});

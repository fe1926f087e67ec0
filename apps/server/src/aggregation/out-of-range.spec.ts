import { DYE_TOLERANCE_C, type AlarmEvent, type ReportPayload } from '@clusterpulse/contracts';
import { AggregationService } from './aggregation.service';
import { birthFixture, deviceReportFixture } from './maker.fixture';

const address = { cluster: 'c1', enterprise: 'dyer', gateway: 'gw1' };

/** One report per bath temperature; `holding` as the dye vat reports it. */
function vatReport(seq: number, tempC: number, holding = 1, setpointC = 80): ReportPayload {
  return deviceReportFixture(seq, {
    id: 'dye-1',
    kind: 'dye-vat',
    state: 'running',
    plannedMs: 600_000,
    runMs: 600_000,
    good: 0,
    defective: 0,
    idealCycleMs: 0,
    energyWh: 2_000,
    readings: { tempC, setpointC, toleranceC: DYE_TOLERANCE_C, holding, batches: 0 },
  });
}

describe('out-of-range alarms', () => {
  let agg: AggregationService;
  let alarms: AlarmEvent[];
  let seq: number;
  const send = (tempC: number, holding = 1) => agg.applyReport(address, vatReport(++seq, tempC, holding));

  beforeEach(() => {
    agg = new AggregationService('c1');
    alarms = [];
    seq = 0;
    agg.onAlarm((alarm) => alarms.push(alarm));
    agg.applyBirth(address, birthFixture('Dyer', 80, [{ id: 'dye-1', kind: 'dye-vat' }]));
  });

  it('raises one alarm when the dye bath leaves its band, naming device, value and range', () => {
    send(80);
    send(80 + DYE_TOLERANCE_C + 2);
    expect(alarms).toEqual([
      // The reading is its condition (code); the maker's park and town travel with the alarm.
      expect.objectContaining({ kind: 'out-of-range', severity: 'warning', enterprise: 'dyer', device: 'dye-1', code: 'tempC', park: 'P', town: 'T', ts: vatReport(2, 0).ts }),
    ]);
    expect(alarms[0].message).toContain(`tempC ${80 + DYE_TOLERANCE_C + 2} °C outside ${80 - DYE_TOLERANCE_C}..${80 + DYE_TOLERANCE_C} °C`);
  });

  it('raises once per excursion, not once per report, and again for the next excursion', () => {
    send(85);
    send(86);
    send(84.5);
    expect(alarms).toHaveLength(1);
    send(80.5);
    send(76);
    expect(alarms).toHaveLength(2);
  });

  it('ignores a bath far from its set point while it is not holding', () => {
    send(45, 0);
    send(30, 0);
    expect(alarms).toEqual([]);
  });

  it('does not raise again for a duplicate of the report that raised it', () => {
    send(90);
    send(80);
    // A redelivery of the first report after the bath came back: applying it would raise anew.
    expect(agg.applyReport(address, vatReport(1, 90))).toBe('duplicate');
    expect(alarms).toHaveLength(1);
  });

  it('keeps an excursion across a reconnect: a new birth of the same devices does not raise it again', () => {
    send(90);
    agg.applyBirth(address, {
      v: 1,
      seq,
      ts: vatReport(seq, 90).ts,
      enterprise: { name: 'Dyer', town: 'T', park: 'P', category: 'tops', digitization: 0.5, employees: 80 },
      devices: [{ id: 'dye-1', kind: 'dye-vat' }],
    });
    send(91);
    expect(alarms).toHaveLength(1);
    send(80);
    send(90);
    expect(alarms).toHaveLength(2);
  });
});

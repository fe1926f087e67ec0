import { BASELINE_ANNUAL_SALES_FEN, TARGET_ANNUAL_SALES_FEN } from '@clusterpulse/contracts';
import { historyFixture } from '../test/fixtures';
import { cumulativeSales } from './history-charts';

describe('cumulativeSales', () => {
  it('adds up daily sales of the year and puts the target pace at 100 bn on 31 December', () => {
    const history = [...historyFixture(2, '2019-12-30', 1000), ...historyFixture(366, '2020-01-01', 500)];
    const points = cumulativeSales(history, 2020, TARGET_ANNUAL_SALES_FEN, BASELINE_ANNUAL_SALES_FEN);
    expect(points).toHaveLength(366);
    expect(points[0]).toEqual({ day: '2020-01-01', cumulativeFen: 500, targetPaceFen: Math.round(TARGET_ANNUAL_SALES_FEN / 366), baselinePaceFen: Math.round(BASELINE_ANNUAL_SALES_FEN / 366) });
    expect(points.at(-1)).toEqual({ day: '2020-12-31', cumulativeFen: 366 * 500, targetPaceFen: TARGET_ANNUAL_SALES_FEN, baselinePaceFen: BASELINE_ANNUAL_SALES_FEN });
  });

  it('places a pace point by calendar day even when days are missing from the history', () => {
    const history = historyFixture(1, '2020-03-01', 700);
    const [point] = cumulativeSales(history, 2020, 366_000, 0);
    expect(point.targetPaceFen).toBe(61_000);
  });

  it('ends the line at the live year-to-date figure, replacing the history’s partial day', () => {
    const history = historyFixture(3, '2020-01-01', 100);
    const replaced = cumulativeSales(history, 2020, 0, 0, { day: '2020-01-03', yearToDateFen: 450 });
    expect(replaced.map((p) => [p.day, p.cumulativeFen])).toEqual([['2020-01-01', 100], ['2020-01-02', 200], ['2020-01-03', 450]]);
    const extended = cumulativeSales(history, 2020, 0, 0, { day: '2020-01-04', yearToDateFen: 999 });
    expect(extended.map((p) => [p.day, p.cumulativeFen])).toEqual([['2020-01-01', 100], ['2020-01-02', 200], ['2020-01-03', 300], ['2020-01-04', 999]]);
  });
});

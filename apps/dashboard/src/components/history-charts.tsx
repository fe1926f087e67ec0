import { useMemo } from 'react';
import { chinaDayStart, DAY_MS, daysInYear, PRODUCT_CATEGORIES, type DailyHistoryPoint, type Fen } from '@clusterpulse/contracts';
import { useI18n } from '../i18n/i18n';
import { EChart, type ChartOption } from './echart';

export const CATEGORY_COLOURS = ['#4cc9f0', '#f72585', '#ffd166', '#06d6a0', '#b388ff', '#ff9f1c', '#90be6d'];
const AXIS = { axisLine: { lineStyle: { color: '#5b6b8c' } }, axisLabel: { color: '#c5d0e6', fontSize: 14 }, splitLine: { lineStyle: { color: '#1f2a44' } } };

export interface CumulativePoint {
  day: string;
  cumulativeFen: Fen;
  targetPaceFen: Fen;
  baselinePaceFen: Fen;
}

/** The live year-to-date figure of a snapshot, which is newer than the history's last day. */
export interface LiveYearToDate {
  day: string;
  yearToDateFen: Fen;
}

/**
 * Year-to-date sales day by day, beside the straight lines that reach the target and the baseline
 * on 31 December. The snapshot's figure, when given, replaces or extends the history's last day so
 * the line moves with every push rather than with every history read.
 */
export function cumulativeSales(history: DailyHistoryPoint[], year: number, targetFen: Fen, baselineFen: Fen, live?: LiveYearToDate): CumulativePoint[] {
  const days = daysInYear(year);
  const start = chinaDayStart(`${year}-01-01`);
  const point = (day: string, cumulativeFen: Fen): CumulativePoint => {
    const elapsed = Math.round((chinaDayStart(day) - start) / DAY_MS) + 1;
    return { day, cumulativeFen, targetPaceFen: Math.round((targetFen * elapsed) / days), baselinePaceFen: Math.round((baselineFen * elapsed) / days) };
  };
  let cumulative = 0;
  const points: CumulativePoint[] = [];
  for (const entry of history) {
    if (!entry.day.startsWith(`${year}-`)) continue;
    if (live && entry.day > live.day) break;
    cumulative += entry.salesFen;
    points.push(point(entry.day, cumulative));
  }
  if (live && live.day.startsWith(`${year}-`)) {
    if (points.at(-1)?.day === live.day) points.pop();
    points.push(point(live.day, live.yearToDateFen));
  }
  return points;
}

export function CumulativeSalesChart({ history, year, targetFen, baselineFen, live }: { history: DailyHistoryPoint[]; year: number; targetFen: Fen; baselineFen: Fen; live?: LiveYearToDate }) {
  const { t, money, day } = useI18n();
  const liveDay = live?.day;
  const liveFen = live?.yearToDateFen;
  const option = useMemo<ChartOption>(() => {
    const points = cumulativeSales(history, year, targetFen, baselineFen, liveDay !== undefined && liveFen !== undefined ? { day: liveDay, yearToDateFen: liveFen } : undefined);
    return {
      grid: { left: 100, right: 24, top: 48, bottom: 36 },
      legend: { top: 0, textStyle: { color: '#e8eefc', fontSize: 15 } },
      tooltip: { trigger: 'axis', valueFormatter: (value) => money(Number(value)) },
      xAxis: { type: 'category', data: points.map((p) => day(p.day, 'short')), ...AXIS },
      yAxis: { type: 'value', ...AXIS, axisLabel: { ...AXIS.axisLabel, formatter: (value: number) => money(value, 0) } },
      series: [
        { type: 'line', name: t('chart.cumulative.actual'), data: points.map((p) => p.cumulativeFen), showSymbol: points.length < 2, lineStyle: { width: 4, color: '#4cc9f0' }, itemStyle: { color: '#4cc9f0' }, areaStyle: { color: 'rgba(76,201,240,0.15)' } },
        { type: 'line', name: t('chart.cumulative.targetPace'), data: points.map((p) => p.targetPaceFen), showSymbol: false, lineStyle: { width: 2, type: 'dashed', color: '#06d6a0' }, itemStyle: { color: '#06d6a0' } },
        { type: 'line', name: t('chart.cumulative.baselinePace'), data: points.map((p) => p.baselinePaceFen), showSymbol: false, lineStyle: { width: 2, type: 'dotted', color: '#8d99ae' }, itemStyle: { color: '#8d99ae' } },
      ],
    };
  }, [history, year, targetFen, baselineFen, liveDay, liveFen, t, money, day]);
  return (
    <section className="panel" aria-labelledby="cumulative-title">
      <h2 id="cumulative-title" className="panel__title">
        {t('chart.cumulative')}
      </h2>
      <EChart option={option} height={330} testId="chart-cumulative" label={t('chart.cumulative')} />
    </section>
  );
}

/** At most this many days are drawn as bars; older days stay in the cumulative chart. */
export const PRODUCTION_DAYS_SHOWN = 60;

export function CategoryProductionChart({ history }: { history: DailyHistoryPoint[] }) {
  const { t, count, day, category } = useI18n();
  const option = useMemo<ChartOption>(() => {
    const recent = history.slice(-PRODUCTION_DAYS_SHOWN);
    return {
      color: CATEGORY_COLOURS,
      grid: { left: 80, right: 24, top: 56, bottom: 36 },
      legend: { top: 0, textStyle: { color: '#e8eefc', fontSize: 14 } },
      tooltip: { trigger: 'axis', valueFormatter: (value) => count(Number(value)) },
      xAxis: { type: 'category', data: recent.map((p) => day(p.day, 'short')), ...AXIS },
      yAxis: { type: 'value', ...AXIS, axisLabel: { ...AXIS.axisLabel, formatter: (value: number) => count(value) } },
      series: PRODUCT_CATEGORIES.map((c) => ({ type: 'bar' as const, stack: 'good', name: category(c), data: recent.map((p) => p.byCategory[c] ?? 0) })),
    };
  }, [history, count, day, category]);
  return (
    <section className="panel" aria-labelledby="production-title">
      <h2 id="production-title" className="panel__title">
        {t('chart.production')}
      </h2>
      <EChart option={option} height={330} testId="chart-production" label={t('chart.production')} />
    </section>
  );
}

import type { SalesKpis } from '@clusterpulse/contracts';
import { useI18n } from '../i18n/i18n';

function Figure({ label, value, testId, emphasis }: { label: string; value: string; testId: string; emphasis?: boolean }) {
  return (
    <div className={emphasis ? 'figure figure--hero' : 'figure'}>
      <div className="figure__label">{label}</div>
      <div className="figure__value" data-testid={testId}>
        {value}
      </div>
    </div>
  );
}

/** The one question the cluster asks: will this year reach 100 bn RMB, and when? */
export function TargetProgress({ sales }: { sales: SalesKpis }) {
  const i18n = useI18n();
  const { t, money, percent, day } = i18n;
  const scale = Math.max(sales.targetFen, sales.projectedYearEndFen, sales.yearToDateFen) * 1.05;
  const at = (fen: number) => `${Math.min(100, (fen / scale) * 100)}%`;
  const share = sales.targetFen > 0 ? sales.yearToDateFen / sales.targetFen : 0;
  const reached = sales.targetReachedDate ? day(sales.targetReachedDate) : t('target.reachedNever');
  return (
    <section className="panel target" aria-labelledby="target-title">
      <h2 id="target-title" className="panel__title">
        {t('target.title', { target: money(sales.targetFen, 0) })}
        <span className="target__share" data-testid="target-share">
          {t('target.ofTarget', { percent: percent(share) })}
        </span>
      </h2>
      <div className="target__bar" role="meter" aria-valuemin={0} aria-valuemax={sales.targetFen} aria-valuenow={sales.yearToDateFen} aria-label={t('target.yearToDate')}>
        <div className="target__projected" style={{ width: at(sales.projectedYearEndFen) }} />
        <div className="target__fill" style={{ width: at(sales.yearToDateFen) }} />
        <div className="target__mark target__mark--baseline" style={{ left: at(sales.baselineFen) }}>
          <span>{t('target.baseline', { amount: money(sales.baselineFen, 0) })}</span>
        </div>
        <div className="target__mark target__mark--target" style={{ left: at(sales.targetFen) }}>
          <span>{t('target.target', { amount: money(sales.targetFen, 0) })}</span>
        </div>
      </div>
      <div className="target__figures">
        <Figure emphasis label={t('target.yearToDate')} value={money(sales.yearToDateFen)} testId="sales-ytd" />
        <Figure emphasis label={t('target.today')} value={money(sales.todayFen)} testId="sales-today" />
        <Figure emphasis label={t('target.projected')} value={money(sales.projectedYearEndFen)} testId="projected-year-end" />
        <Figure emphasis label={t('target.reachedOn')} value={reached} testId="target-reached-date" />
        <Figure label={t('target.runRate')} value={money(sales.runRateFen)} testId="run-rate" />
        <Figure label={t('target.gap')} value={money(sales.gapToTargetFen)} testId="gap-to-target" />
        <Figure label={t('target.neededDaily')} value={money(sales.neededDailyFen)} testId="needed-daily" />
      </div>
    </section>
  );
}

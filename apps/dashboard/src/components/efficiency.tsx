import type { ClusterKpisResponse } from '@clusterpulse/contracts';
import { useI18n } from '../i18n/i18n';

export function EfficiencyPanel({ oee, kwhPer1000Pieces, production }: Pick<ClusterKpisResponse, 'oee' | 'kwhPer1000Pieces' | 'production'>) {
  const { t, percent, decimal, count } = useI18n();
  const perHour = production.byCategory.reduce((sum, c) => sum + c.piecesPerHour, 0);
  return (
    <section className="panel efficiency" aria-labelledby="efficiency-title">
      <h2 id="efficiency-title" className="visually-hidden">
        {t('oee.title')}
      </h2>
      <div className="figure">
        <div className="figure__label">{t('oee.title')}</div>
        <div className="figure__value" data-testid="oee">
          {oee ? percent(oee.oee) : t('none')}
        </div>
        {oee && (
          <div className="figure__detail">
            {t('oee.availability')} {percent(oee.availability)} · {t('oee.performance')} {percent(oee.performance)} · {t('oee.quality')} {percent(oee.quality)}
          </div>
        )}
      </div>
      <div className="figure">
        <div className="figure__label">{t('energy.title')}</div>
        <div className="figure__value">
          <span data-testid="energy-per-1000">{kwhPer1000Pieces === null ? t('none') : decimal(kwhPer1000Pieces, 1)}</span> <span className="figure__unit">{t('energy.unit')}</span>
        </div>
      </div>
      <div className="figure">
        <div className="figure__label">{t('production.good')}</div>
        <div className="figure__value" data-testid="production-good">
          {count(production.totalGood)}
        </div>
        <div className="figure__detail">
          {t('production.defective')} {count(production.totalDefective)} · {t('production.perHour')} <span data-testid="pieces-per-hour">{count(Math.round(perHour))}</span>
        </div>
      </div>
    </section>
  );
}

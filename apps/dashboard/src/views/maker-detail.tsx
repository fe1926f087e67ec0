import { useEffect, useState } from 'react';
import { DEVICE_STATE_GROUPS, type EnterpriseDetailResponse, type EnterpriseHistoryResponse } from '@clusterpulse/contracts';
import type { ApiClient } from '../lib/api-client';
import { DeviceList, MakerHistoryChart } from '../components/maker-devices';
import { makerStatus } from '../lib/enterprise-directory';
import { useI18n } from '../i18n/i18n';

/** One maker, re-read while open so its figures stay live. */
export function MakerDetail({ api, id, onClose, refreshMs = 3000 }: { api: ApiClient; id: string; onClose: () => void; refreshMs?: number }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [maker, setMaker] = useState<EnterpriseDetailResponse | null>(null);
  const [history, setHistory] = useState<EnterpriseHistoryResponse | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | null = null;
    setMaker(null);
    setHistory(null);
    setError(null);
    const load = async () => {
      try {
        const [detail, days] = await Promise.all([api.enterprise(id, abort.signal), api.enterpriseHistory(id, abort.signal)]);
        setMaker(detail);
        setHistory(days);
        setError(null);
      } catch (e) {
        if (abort.signal.aborted) return;
        setError(e instanceof Error ? e.message : String(e));
      }
      if (!abort.signal.aborted) timer = setTimeout(load, refreshMs);
    };
    void load();
    return () => {
      abort.abort();
      if (timer) clearTimeout(timer);
    };
  }, [api, id, refreshMs]);

  return (
    <section className="panel maker" aria-labelledby="maker-title" data-testid="maker-detail" data-maker-id={id}>
      <h2 id="maker-title" className="panel__title">
        {t('maker.title')} <span className="maker__name" data-testid="maker-name">{maker?.name ?? id}</span>
        <button type="button" className="button button--small maker__close" onClick={onClose}>
          {t('maker.close')}
        </button>
      </h2>
      {error && !maker && <p className="muted">{error}</p>}
      {maker && (
        <>
          <dl className="maker__facts">
            <div>
              <dt>ID</dt>
              <dd data-testid="maker-id">{maker.id}</dd>
            </div>
            <div>
              <dt>{t('maker.location')}</dt>
              <dd>
                {maker.town} / {maker.park}
              </dd>
            </div>
            <div>
              <dt>{t('maker.category')}</dt>
              <dd>{i18n.category(maker.category)}</dd>
            </div>
            <div>
              <dt>{t('maker.digitization')}</dt>
              <dd>{i18n.percent(maker.digitization, 0)}</dd>
            </div>
            <div>
              <dt>{t('maker.status')}</dt>
              <dd data-testid="maker-status">
                {maker.online ? t('maker.online') : t('maker.offline')} · {i18n.state(makerStatus(maker))}
              </dd>
            </div>
          </dl>
          <div className="maker__figures">
            <div className="figure">
              <div className="figure__label">{t('target.yearToDate')}</div>
              <div className="figure__value" data-testid="maker-sales">
                {i18n.money(maker.yearToDateFen)}
              </div>
            </div>
            <div className="figure">
              <div className="figure__label">{t('production.good')}</div>
              <div className="figure__value">{i18n.count(maker.good)}</div>
              <div className="figure__detail">
                {t('production.defective')} {i18n.count(maker.defective)}
              </div>
            </div>
            <div className="figure">
              <div className="figure__label">{t('oee.title')}</div>
              <div className="figure__value" data-testid="maker-oee">
                {maker.oee === null ? t('none') : i18n.percent(maker.oee)}
              </div>
            </div>
            <div className="figure">
              <div className="figure__label">{t('maker.energy')}</div>
              <div className="figure__value" data-testid="maker-energy">
                {maker.kwhPer1000Pieces === null || maker.kwhPer1000Pieces === undefined ? t('none') : `${i18n.decimal(maker.kwhPer1000Pieces, 1)} kWh`}
              </div>
            </div>
          </div>
          <div className="states">
            {DEVICE_STATE_GROUPS.map((group) => (
              <div key={group} className={`states__item state-text--${group}`}>
                <div className="figure__label">{i18n.state(group)}</div>
                <div className="figure__value" data-testid={`maker-devices-${group}`}>
                  {i18n.integer(maker.devices[group])}
                </div>
              </div>
            ))}
          </div>
          <DeviceList devices={maker.deviceList ?? []} />
          {history && <MakerHistoryChart days={history.days} />}
        </>
      )}
    </section>
  );
}

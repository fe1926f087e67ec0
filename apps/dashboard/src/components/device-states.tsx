import { DEVICE_STATE_GROUPS, type ClusterKpisResponse } from '@clusterpulse/contracts';
import { useI18n } from '../i18n/i18n';

export function DeviceStatesPanel({ devices, enterprises }: { devices: ClusterKpisResponse['devices']; enterprises: ClusterKpisResponse['enterprises'] }) {
  const { t, integer, percent, state } = useI18n();
  const share = enterprises.total > 0 ? enterprises.online / enterprises.total : 0;
  return (
    <section className="panel" aria-labelledby="devices-title">
      <h2 id="devices-title" className="panel__title">
        {t('devices.title')} <span className="panel__aside" data-testid="devices-total">{t('devices.total', { count: integer(devices.total) })}</span>
      </h2>
      <div className="states__bar" aria-hidden="true">
        {DEVICE_STATE_GROUPS.map((group) => (
          <div key={group} className={`state--${group}`} style={{ flexGrow: devices[group] }} />
        ))}
      </div>
      <div className="states">
        {DEVICE_STATE_GROUPS.map((group) => (
          <div key={group} className={`states__item state-text--${group}`}>
            <div className="figure__label">{state(group)}</div>
            <div className="figure__value" data-testid={`devices-${group}`}>
              {integer(devices[group])}
            </div>
          </div>
        ))}
      </div>
      <div className="online">
        <div className="figure__label">{t('enterprises.title')}</div>
        <div className="figure__value">
          <span data-testid="enterprises-online">{integer(enterprises.online)}</span>{' '}
          <span className="figure__unit">{t('enterprises.of', { total: integer(enterprises.total) })}</span>{' '}
          <span className="figure__unit" data-testid="enterprises-online-share">
            ({percent(share)})
          </span>
        </div>
      </div>
    </section>
  );
}

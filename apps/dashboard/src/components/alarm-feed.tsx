import type { AlarmEntry } from '../lib/cluster-feed';
import { useI18n } from '../i18n/i18n';

function simClock(ts: number, locale: string): string {
  // Simulated time is shown on the cluster's own (China) calendar, whatever the viewer's zone.
  return new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Shanghai' }).format(ts);
}

export function AlarmFeed({
  alarms,
  onAcknowledge,
  onAcknowledgeAll,
  ackError = null,
  limit = 30,
}: {
  alarms: AlarmEntry[];
  onAcknowledge: (id: string) => void;
  onAcknowledgeAll: () => void;
  /** 'token' when no operator token is set, else the server's refusal. */
  ackError?: string | null;
  limit?: number;
}) {
  const { t, locale, integer } = useI18n();
  const open = alarms.filter((alarm) => !alarm.acknowledged).length;
  return (
    <section className="panel alarms" aria-labelledby="alarms-title" data-testid="alarm-feed">
      <h2 id="alarms-title" className="panel__title">
        {t('alarms.title')}{' '}
        <span className={open > 0 ? 'badge badge--alert' : 'badge'} data-testid="alarms-open">
          {t('alarms.unacked', { count: integer(open) })}
        </span>
        {open > 0 && (
          <button type="button" className="button button--small" onClick={onAcknowledgeAll}>
            {t('alarms.ackAll')}
          </button>
        )}
      </h2>
      {ackError && (
        <p className="alarms__error" role="alert" data-testid="alarms-ack-error">
          {ackError === 'token' ? t('alarms.needToken') : t('alarms.ackFailed', { message: ackError })}
        </p>
      )}
      {alarms.length === 0 ? (
        <p className="muted">{t('alarms.none')}</p>
      ) : (
        <ol className="alarms__list">
          {alarms.slice(0, limit).map((alarm) => (
            <li key={alarm.id} className={`alarm alarm--${alarm.severity}${alarm.acknowledged ? ' alarm--acked' : ''}`} data-testid="alarm-item" data-alarm-kind={alarm.kind}>
              <div className="alarm__head">
                <time className="alarm__time">{simClock(alarm.ts, locale)}</time>
                <span className="alarm__where">
                  {alarm.enterprise}
                  {alarm.device ? ` · ${alarm.device}` : ''}
                </span>
              </div>
              <div className="alarm__message">{alarm.message}</div>
              {alarm.acknowledged ? (
                <span className="alarm__acked">{t('alarms.acked')}</span>
              ) : (
                <button type="button" className="button button--small" onClick={() => onAcknowledge(alarm.id)}>
                  {t('alarms.ack')}
                </button>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

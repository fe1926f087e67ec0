import type { AlarmEntry } from '../lib/cluster-feed';
import { useI18n } from '../i18n/i18n';

/**
 * Rows the feed draws, whatever arrives: a hall screen must stay readable for hours, and the page
 * must not grow. Open alarms come first; the rest is counted in one line below.
 */
export const ALARM_ROWS = 12;

function simClock(ts: number, locale: string): string {
  // Simulated time is shown on the cluster's own (China) calendar, whatever the viewer's zone.
  return new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Shanghai' }).format(ts);
}

/** The rows to draw: the newest open alarms, then the newest acknowledged ones if room is left. */
export function alarmRows(alarms: AlarmEntry[], limit: number): { rows: AlarmEntry[]; open: number; hidden: number; hiddenOpen: number } {
  const open = alarms.filter((alarm) => !alarm.acknowledged);
  const rows = open.length >= limit ? open.slice(0, limit) : [...open, ...alarms.filter((alarm) => alarm.acknowledged).slice(0, limit - open.length)];
  return { rows, open: open.length, hidden: alarms.length - rows.length, hiddenOpen: Math.max(0, open.length - limit) };
}

function AlarmRow({ alarm, onAcknowledge }: { alarm: AlarmEntry; onAcknowledge: (id: string) => void }) {
  const { t, locale, integer } = useI18n();
  const park = alarm.scope === 'park';
  const where = alarm.device ? `${alarm.enterprise} · ${alarm.device}` : alarm.enterprise;
  const place = park ? [alarm.park || t('alarms.parkUnknown'), alarm.town].filter(Boolean).join(' · ') : where;
  return (
    <li
      className={`alarm alarm--${alarm.severity}${park ? ' alarm--park' : ''}${alarm.acknowledged ? ' alarm--acked' : ''}`}
      data-testid="alarm-item"
      data-alarm-kind={alarm.kind}
      data-alarm-scope={alarm.scope}
    >
      <div className="alarm__head">
        <span className="alarm__kind">{t(`alarms.kind.${alarm.kind}`)}</span>
        <span className="alarm__where">{place}</span>
        {!park && alarm.count > 1 && (
          <span className="alarm__count" data-testid="alarm-count" title={t('alarms.repeats', { count: integer(alarm.count) })}>
            ×{integer(alarm.count)}
          </span>
        )}
      </div>
      {park && (
        <div className="alarm__summary" data-testid="alarm-park-summary">
          {t('alarms.parkSummary', { makers: integer(alarm.makers), count: integer(alarm.count) })}
        </div>
      )}
      <div className="alarm__message">{park ? t('alarms.latest', { where, message: alarm.message }) : alarm.message}</div>
      <div className="alarm__time">
        <time>{simClock(alarm.lastAt, locale)}</time>
        {alarm.count > 1 && alarm.firstAt !== alarm.lastAt && <span> · {t('alarms.since', { time: simClock(alarm.firstAt, locale) })}</span>}
      </div>
      {alarm.acknowledged ? (
        <span className="alarm__acked">{t('alarms.acked')}</span>
      ) : (
        <button type="button" className="button button--small" onClick={() => onAcknowledge(alarm.id)}>
          {t('alarms.ack')}
        </button>
      )}
    </li>
  );
}

export function AlarmFeed({
  alarms,
  onAcknowledge,
  onAcknowledgeAll,
  ackError = null,
  limit = ALARM_ROWS,
}: {
  alarms: AlarmEntry[];
  onAcknowledge: (id: string) => void;
  onAcknowledgeAll: () => void;
  /** 'token' when no operator token is set, else the server's refusal. */
  ackError?: string | null;
  limit?: number;
}) {
  const { t, integer } = useI18n();
  const { rows, open, hidden, hiddenOpen } = alarmRows(alarms, limit);
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
          {rows.map((alarm) => (
            <AlarmRow key={alarm.id} alarm={alarm} onAcknowledge={onAcknowledge} />
          ))}
        </ol>
      )}
      {hidden > 0 && (
        <p className="alarms__more" data-testid="alarms-more">
          {hiddenOpen > 0 ? t('alarms.more', { count: integer(hidden), open: integer(hiddenOpen) }) : t('alarms.moreAcked', { count: integer(hidden) })}
        </p>
      )}
    </section>
  );
}

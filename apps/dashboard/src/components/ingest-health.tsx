import { REJECT_REASONS, type IngestStats } from '@clusterpulse/contracts';
import { useI18n } from '../i18n/i18n';

export function IngestHealthPanel({ ingest }: { ingest: IngestStats }) {
  const { t, integer } = useI18n();
  const reasons = REJECT_REASONS.filter((reason) => (ingest.rejectsByReason[reason] ?? 0) > 0);
  return (
    <section className="panel" aria-labelledby="ingest-title">
      <h2 id="ingest-title" className="panel__title">
        {t('ingest.title')}
      </h2>
      <dl className="ingest">
        <div>
          <dt>{t('ingest.accepted')}</dt>
          <dd data-testid="ingest-accepted">{integer(ingest.accepted)}</dd>
        </div>
        <div className={ingest.rejected > 0 ? 'ingest--bad' : undefined}>
          <dt>{t('ingest.rejected')}</dt>
          <dd data-testid="ingest-rejected">{integer(ingest.rejected)}</dd>
        </div>
        <div>
          <dt>{t('ingest.duplicates')}</dt>
          <dd data-testid="ingest-duplicates">{integer(ingest.duplicates)}</dd>
        </div>
        <div>
          <dt>{t('ingest.gaps')}</dt>
          <dd data-testid="ingest-gaps">{integer(ingest.gaps)}</dd>
        </div>
      </dl>
      {reasons.length === 0 ? (
        <p className="muted">{t('ingest.noRejects')}</p>
      ) : (
        <ul className="ingest__reasons" data-testid="reject-reasons">
          {reasons.map((reason) => (
            <li key={reason}>
              <code>{reason}</code> {integer(ingest.rejectsByReason[reason])}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

import type { ConnectionStatus } from '../lib/live-connection';
import { useI18n } from '../i18n/i18n';

export function ConnectionIndicator({ status, retryInMs }: { status: ConnectionStatus; retryInMs: number | null }) {
  const { t } = useI18n();
  return (
    <div className={`connection connection--${status}`} data-testid="connection-status" data-status={status} role="status" aria-live="polite">
      <span className="connection__dot" aria-hidden="true" />
      <span>{t(`conn.${status}`)}</span>
      {status !== 'live' && retryInMs !== null && <span className="connection__retry">{t('conn.retryIn', { seconds: Math.max(1, Math.ceil(retryInMs / 1000)) })}</span>}
    </div>
  );
}

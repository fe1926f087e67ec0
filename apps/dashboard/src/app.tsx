import { useState } from 'react';
import { LOCALES } from './lib/format';
import type { ClusterFeed } from './lib/cluster-feed';
import { useClusterFeed } from './lib/use-cluster-feed';
import { useI18n } from './i18n/i18n';
import { ConnectionIndicator } from './components/connection-indicator';
import { OverviewView } from './views/overview-view';

export function LanguageSwitch() {
  const { locale, setLocale, t } = useI18n();
  return (
    <div className="language" role="group" aria-label={t('app.language')}>
      {LOCALES.map((option) => (
        <button key={option} type="button" className={option === locale ? 'button button--on' : 'button'} aria-pressed={option === locale} data-testid={`lang-${option}`} onClick={() => setLocale(option)}>
          {option === 'en' ? 'EN' : '中文'}
        </button>
      ))}
    </div>
  );
}

export function App({ feed }: { feed: ClusterFeed }) {
  const state = useClusterFeed(feed);
  const { t, day } = useI18n();
  const [view] = useState<'overview'>('overview');
  return (
    <div className="app">
      <header className="header">
        <div className="header__title">
          <h1>{t('app.title')}</h1>
          <span className="header__subtitle">{t('app.subtitle')}</span>
        </div>
        <div className="header__date">
          <span className="figure__label">{t('app.simDate')}</span>
          <span data-testid="sim-date">{state.kpis?.simDate ? day(state.kpis.simDate) : t('none')}</span>
        </div>
        <LanguageSwitch />
        <ConnectionIndicator status={state.status} retryInMs={state.retryInMs} />
      </header>
      {state.error && state.status !== 'live' && (
        <div className="banner" role="alert">
          {state.error}
        </div>
      )}
      {view === 'overview' && (
        <OverviewView kpis={state.kpis} history={state.history} alarms={state.alarms} onAcknowledge={(id) => feed.acknowledge(id)} onAcknowledgeAll={() => feed.acknowledgeAll()} />
      )}
    </div>
  );
}

import { LOCALES } from './lib/format';
import type { ApiClient } from './lib/api-client';
import type { ClusterFeed } from './lib/cluster-feed';
import { useClusterFeed } from './lib/use-cluster-feed';
import { useEnterpriseDirectory } from './lib/use-enterprise-directory';
import { useRoute, type Route } from './lib/route';
import { useI18n } from './i18n/i18n';
import type { MessageKey } from './i18n/messages';
import { AlarmFeed } from './components/alarm-feed';
import { ConnectionIndicator } from './components/connection-indicator';
import { SimStatusLine } from './components/sim-status';
import { ClusterView } from './views/cluster-view';
import { LeaderboardsView } from './views/leaderboards-view';
import { OverviewView } from './views/overview-view';
import { TrainerView } from './views/trainer-view';

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

const NAV: { view: Route['view']; label: MessageKey }[] = [
  { view: 'overview', label: 'nav.overview' },
  { view: 'cluster', label: 'nav.cluster' },
  { view: 'leaders', label: 'nav.leaders' },
  { view: 'trainer', label: 'nav.trainer' },
];

/** Makers are read only while a view that shows them is open. */
function DirectoryViews({ api, route, navigate }: { api: ApiClient; route: Route; navigate: (route: Route) => void }) {
  const directory = useEnterpriseDirectory(api);
  if (route.view === 'cluster') {
    return <ClusterView api={api} directory={directory} selectedId={route.maker} onSelect={(maker) => navigate({ view: 'cluster', maker })} />;
  }
  return <LeaderboardsView directory={directory} onSelect={(maker) => navigate({ view: 'cluster', maker })} />;
}

export function App({ feed, api }: { feed: ClusterFeed; api: ApiClient }) {
  const state = useClusterFeed(feed);
  const { t, day } = useI18n();
  const [route, navigate] = useRoute();
  const openAlarms = state.alarms.filter((alarm) => !alarm.acknowledged).length;
  const acknowledge = (id: string) => void feed.acknowledge(id);
  const acknowledgeAll = () => void feed.acknowledgeAll();
  const alarmFeed = <AlarmFeed alarms={state.alarms} onAcknowledge={acknowledge} onAcknowledgeAll={acknowledgeAll} ackError={state.ackError} />;
  return (
    <div className="app">
      <header className="header">
        <div className="header__title">
          <h1>{t('app.title')}</h1>
          <span className="header__subtitle">{t('app.subtitle')}</span>
        </div>
        <nav className="nav">
          {NAV.map((item) => (
            <button
              key={item.view}
              type="button"
              className={item.view === route.view ? 'button button--on' : 'button'}
              aria-current={item.view === route.view ? 'page' : undefined}
              onClick={() => navigate(item.view === 'cluster' ? { view: 'cluster', maker: null } : ({ view: item.view } as Route))}
              data-testid={`nav-${item.view}`}
            >
              {t(item.label)}
              {item.view === 'overview' && openAlarms > 0 && <span className="badge badge--alert nav__badge">{openAlarms}</span>}
            </button>
          ))}
        </nav>
        <div className="header__date">
          <span className="figure__label">{t('app.simDate')}</span>
          <span data-testid="sim-date">{state.kpis?.simDate ? day(state.kpis.simDate) : t('none')}</span>
          <SimStatusLine sim={state.kpis?.sim ?? null} />
        </div>
        <LanguageSwitch />
        <ConnectionIndicator status={state.status} retryInMs={state.retryInMs} />
      </header>
      {state.error && state.status !== 'live' && (
        <div className="banner" role="alert">
          {state.error}
        </div>
      )}
      {route.view === 'overview' && (
        <OverviewView kpis={state.kpis} history={state.history} alarms={state.alarms} onAcknowledge={acknowledge} onAcknowledgeAll={acknowledgeAll} ackError={state.ackError} />
      )}
      {(route.view === 'cluster' || route.view === 'leaders') && <DirectoryViews api={api} route={route} navigate={navigate} />}
      {route.view === 'trainer' && (
        <div className="trainer-layout">
          <TrainerView api={api} sim={state.kpis?.sim ?? null} />
          {alarmFeed}
        </div>
      )}
    </div>
  );
}

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { I18nProvider } from './i18n/i18n';
import { ApiClient } from './lib/api-client';
import { ClusterFeed } from './lib/cluster-feed';
import { defaultWebSocketUrl } from './lib/live-connection';
import './styles.css';

const api = new ApiClient();
const feed = new ClusterFeed({ wsUrl: defaultWebSocketUrl(window.location), api });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nProvider>
      <App feed={feed} api={api} />
    </I18nProvider>
  </StrictMode>,
);

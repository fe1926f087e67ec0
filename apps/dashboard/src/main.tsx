import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { I18nProvider } from './i18n/i18n';
import { createBrowserFeed } from './lib/use-cluster-feed';
import './styles.css';

const feed = createBrowserFeed();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nProvider>
      <App feed={feed} />
    </I18nProvider>
  </StrictMode>,
);

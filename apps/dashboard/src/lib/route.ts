import { useEffect, useState } from 'react';

export type Route = { view: 'overview' } | { view: 'cluster'; maker: string | null } | { view: 'leaders' } | { view: 'trainer' };

/** Views live in the address hash so a reload, a bookmark or a test lands on the same screen. */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  switch (parts[0]) {
    case 'cluster':
      return { view: 'cluster', maker: parts[1] ?? null };
    case 'leaders':
      return { view: 'leaders' };
    case 'trainer':
      return { view: 'trainer' };
    default:
      return { view: 'overview' };
  }
}

export function routeHash(route: Route): string {
  switch (route.view) {
    case 'cluster':
      return route.maker ? `#/cluster/${encodeURIComponent(route.maker)}` : '#/cluster';
    case 'overview':
      return '#/';
    default:
      return `#/${route.view}`;
  }
}

export function useRoute(): [Route, (route: Route) => void] {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  const navigate = (next: Route) => {
    window.location.hash = routeHash(next);
  };
  return [route, navigate];
}

import { useEffect, useState, useSyncExternalStore } from 'react';
import { ClusterFeed, type ClusterFeedState } from './cluster-feed';
import { defaultWebSocketUrl } from './live-connection';

export function createBrowserFeed(): ClusterFeed {
  return new ClusterFeed({ wsUrl: defaultWebSocketUrl(window.location) });
}

/** Starts the feed for as long as the component is mounted. */
export function useClusterFeed(feed: ClusterFeed): ClusterFeedState {
  useEffect(() => {
    feed.start();
    return () => feed.stop();
  }, [feed]);
  return useSyncExternalStore(feed.subscribe, feed.getState);
}

export function useFeedSingleton(): ClusterFeed {
  const [feed] = useState(createBrowserFeed);
  return feed;
}

import { useEffect, useSyncExternalStore } from 'react';
import type { ClusterFeed, ClusterFeedState } from './cluster-feed';

/** Starts the feed for as long as the component is mounted. */
export function useClusterFeed(feed: ClusterFeed): ClusterFeedState {
  useEffect(() => {
    feed.start();
    return () => feed.stop();
  }, [feed]);
  return useSyncExternalStore(feed.subscribe, feed.getState);
}

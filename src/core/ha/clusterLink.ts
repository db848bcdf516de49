// Whether a node of a standby cluster reaches the cluster's Redis, for GET /health and `status`:
// first the connection itself (down: the error it last failed with, ECONNREFUSED, ENOTFOUND),
// then the node's own lease requests (the connection is up but they fail or go unanswered: a
// Redis that hangs, or refuses them). Without it a node fires nothing and knows no leader.

export interface ClusterLink {
  connected: boolean;
  /** Why not connected, naming the cluster's Redis and the error; null when connected. */
  reason: string | null;
  /** Not connected because something failed (not merely a first connection still on its way): worth a warning. */
  failing: boolean;
}

/** `url` without its password; `trouble`: why the node's last lease request got no good answer, or null. */
export function clusterLink(url: string, connection: { up: boolean; error: string | null }, trouble: string | null): ClusterLink {
  if (!connection.up) {
    return connection.error
      ? { connected: false, reason: `cluster Redis unreachable at ${url}: ${connection.error}`, failing: true }
      : { connected: false, reason: `connecting to the cluster Redis at ${url}`, failing: false };
  }
  if (trouble) return { connected: false, reason: `cluster Redis at ${url} fails the lease requests: ${trouble}`, failing: true };
  return { connected: true, reason: null, failing: false };
}

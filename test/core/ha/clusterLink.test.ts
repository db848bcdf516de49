import { describe, expect, it } from 'vitest';
import { clusterLink } from '../../../src/core/ha/clusterLink.js';

const URL = 'redis://:***@10.0.0.5:6379/0';

describe("clusterLink: whether a node reaches the cluster's Redis", () => {
  it.each([
    [{ up: true, error: null }, null, { connected: true, reason: null, failing: false }],
    [
      { up: false, error: 'connect ECONNREFUSED 10.0.0.5:6379' },
      null,
      { connected: false, reason: `cluster Redis unreachable at ${URL}: connect ECONNREFUSED 10.0.0.5:6379`, failing: true },
    ],
    [
      { up: false, error: 'getaddrinfo ENOTFOUND redis.invalid' },
      'no answer from Redis within 2000 ms',
      { connected: false, reason: `cluster Redis unreachable at ${URL}: getaddrinfo ENOTFOUND redis.invalid`, failing: true },
    ],
    // The first connection still on its way: not connected, but nothing failed yet.
    [{ up: false, error: null }, null, { connected: false, reason: `connecting to the cluster Redis at ${URL}`, failing: false }],
    // Connected, but the lease requests go unanswered (a Redis that hangs).
    [
      { up: true, error: null },
      'no answer from Redis within 2000 ms',
      { connected: false, reason: `cluster Redis at ${URL} fails the lease requests: no answer from Redis within 2000 ms`, failing: true },
    ],
  ] as const)('connection %o, lease trouble %o: %o', (connection, trouble, expected) => {
    expect(clusterLink(URL, connection, trouble)).toEqual(expected);
  });
});

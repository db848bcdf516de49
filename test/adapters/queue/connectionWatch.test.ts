// What the log says of a Redis connection that fails, on a fake clock: at once with the cause,
// not again for the same cause within 30 s, again after that or for a new cause, and one line
// when it connects (again).
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { watchConnection, WARN_EVERY_MS } from '../../../src/adapters/queue/connectionWatch.js';
import type { Logger } from '../../../src/ports/logger.js';

function watched() {
  const lines: string[] = [];
  const logger: Logger = {
    debug: () => {},
    info: (_fields, message) => lines.push(`info: ${message}`),
    warn: (_fields, message) => lines.push(`warn: ${message}`),
    error: (_fields, message) => lines.push(`error: ${message}`),
    flush: () => {},
  };
  let now = 1_000_000;
  const client = new EventEmitter();
  watchConnection(client, { url: 'redis://:***@10.0.0.5:6379/0', who: 'worker w1', meanwhile: 'it takes no job until then', logger, now: () => now });
  const refused = () => client.emit('error', new Error('connect ECONNREFUSED 10.0.0.5:6379'));
  return { lines, client, refused, later: (ms: number) => (now += ms) };
}

describe('when the connection to Redis cannot be made', () => {
  it('warns at the first failure, naming the URL and the cause', () => {
    const { lines, refused } = watched();
    refused();
    expect(lines).toEqual([
      'warn: worker w1: cannot connect to Redis at redis://:***@10.0.0.5:6379/0: connect ECONNREFUSED 10.0.0.5:6379; retrying (it takes no job until then)',
    ]);
  });

  it('says it again every 30 s while it keeps failing, with how long, not at every retry', () => {
    const { lines, refused, later } = watched();
    refused();
    for (let i = 0; i < 29; i++) {
      later(1000);
      refused();
    }
    expect(lines).toHaveLength(1);
    later(WARN_EVERY_MS - 29_000);
    refused();
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe(
      'warn: worker w1: cannot connect to Redis at redis://:***@10.0.0.5:6379/0 for 30 s: connect ECONNREFUSED 10.0.0.5:6379; retrying (it takes no job until then)',
    );
  });

  it('says a new cause at once', () => {
    const { lines, client, refused, later } = watched();
    refused();
    later(1000);
    client.emit('error', new Error('getaddrinfo ENOTFOUND redis.invalid'));
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('getaddrinfo ENOTFOUND redis.invalid');
  });
});

describe('when it connects', () => {
  it('says so once, and says again when a lost connection cannot be made again, then is back', () => {
    const { lines, client, refused, later } = watched();
    refused();
    client.emit('ready');
    expect(lines.at(-1)).toBe('info: worker w1: connected to Redis at redis://:***@10.0.0.5:6379/0');
    // An error on a live connection precedes its close: the reconnection says why it fails.
    client.emit('error', new Error('read ECONNRESET'));
    client.emit('close');
    later(100);
    refused();
    client.emit('ready');
    expect(lines.slice(1)).toEqual([
      'info: worker w1: connected to Redis at redis://:***@10.0.0.5:6379/0',
      'warn: worker w1: cannot reconnect to Redis at redis://:***@10.0.0.5:6379/0: connect ECONNREFUSED 10.0.0.5:6379; retrying (it takes no job until then)',
      'info: worker w1: connected to Redis at redis://:***@10.0.0.5:6379/0 again',
    ]);
  });
});

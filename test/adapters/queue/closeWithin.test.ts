// A BullMQ object's RedisConnection closed while it still initializes emits the failure of its
// init after its close removed every listener; an EventEmitter throws an 'error' nobody listens
// to, and that unhandled rejection stopped a daemon told to stop just after Redis came back
// (exit 1, about one stop in five in a loop). Once quieted, such an 'error' is dropped, while
// one somebody listens to is still delivered.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { closeWithin, quietAfterClose } from '../../../src/adapters/queue/closeWithin.js';

function bullmqLike() {
  const connection = new EventEmitter();
  const blockingConnection = new EventEmitter();
  return { connection, blockingConnection, close: async () => [connection, blockingConnection].forEach((c) => c.removeAllListeners()) };
}

describe('a BullMQ connection that reports an error after its close removed its listeners', () => {
  it('throws it without the guard (what stopped the daemon)', () => {
    const object = bullmqLike();
    expect(() => object.connection.emit('error', new Error('Connection is closed.'))).toThrow('Connection is closed.');
  });

  it('drops it once closed through closeWithin, on both its connections', async () => {
    const object = bullmqLike();
    await closeWithin(object);
    expect(object.connection.emit('error', new Error('Connection is closed.'))).toBe(false);
    expect(object.blockingConnection.emit('error', new Error('Connection is closed.'))).toBe(false);
  });

  it('still delivers an error somebody listens to, and every other event', () => {
    const object = bullmqLike();
    quietAfterClose(object);
    const heard: string[] = [];
    object.connection.on('error', (error: Error) => heard.push(error.message));
    object.connection.on('ready', () => heard.push('ready'));
    object.connection.emit('error', new Error('ECONNREFUSED'));
    object.connection.emit('ready');
    expect(heard).toEqual(['ECONNREFUSED', 'ready']);
  });
});

import { describe, expect, it } from 'vitest';
import { StopController } from '../../src/core/stopSignal.js';

describe('a stop signal', () => {
  it('tells each listener once, in order, and says it was aborted; a removed listener is not told', () => {
    const stop = new StopController();
    const heard: string[] = [];
    const a = () => heard.push('a');
    const b = () => heard.push('b');
    const c = () => heard.push('c');
    stop.signal.addEventListener('abort', a);
    stop.signal.addEventListener('abort', a); // the same listener twice counts once, as with an AbortSignal
    stop.signal.addEventListener('abort', b);
    stop.signal.addEventListener('abort', c);
    stop.signal.removeEventListener('abort', b);
    expect(stop.signal.aborted).toBe(false);
    stop.abort();
    stop.abort();
    expect(stop.signal.aborted).toBe(true);
    expect(heard).toEqual(['a', 'c']);
  });
});

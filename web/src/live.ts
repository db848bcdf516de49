// The live stream: one EventSource on /api/v1/events (the token as ?token=, the one route that
// takes it so), fanned out to the views. Views refresh on the events they care for, at most about
// once a second each, so a burst of runs costs a few requests, not one per event. When the stream
// comes back after it broke (the daemon restarted, the network dropped) the events in between are
// lost: every view then reloads what it shows (a resync), as it does after an event.
import { useEffect, useState } from 'preact/hooks';

export interface LiveEvent {
  kind: 'run' | 'task' | 'session' | 'config';
  data: { run_id?: string; task?: string; status?: string; type?: string };
}

type Listener = (event: LiveEvent) => void;
const listeners = new Set<Listener>();
const stateListeners = new Set<(state: LiveState) => void>();
const resyncListeners = new Set<() => void>();
export type LiveState = 'connecting' | 'live' | 'reconnecting';
let source: EventSource | null = null;
let state: LiveState = 'connecting';
/** The stream broke since it last opened: its next open is a resync. */
let broken = false;

function setState(next: LiveState): void {
  state = next;
  for (const listener of [...stateListeners]) listener(next);
}

export function connectLive(token: string): void {
  disconnectLive();
  setState('connecting');
  broken = false;
  const stream = new EventSource(`/api/v1/events?token=${encodeURIComponent(token)}`);
  source = stream;
  stream.addEventListener('open', () => {
    if (!broken) return;
    broken = false;
    for (const listener of [...resyncListeners]) listener();
  });
  stream.addEventListener('heartbeat', () => setState('live'));
  stream.addEventListener('error', () => {
    broken = true;
    setState('reconnecting');
  });
  for (const kind of ['run', 'task', 'session', 'config'] as const) {
    stream.addEventListener(kind, (message) => {
      const event: LiveEvent = { kind, data: JSON.parse((message as MessageEvent<string>).data) as LiveEvent['data'] };
      for (const listener of [...listeners]) listener(event);
    });
  }
}

export function disconnectLive(): void {
  source?.close();
  source = null;
}

export function onLive(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function liveState(): LiveState {
  return state;
}

export function onLiveState(listener: (state: LiveState) => void): () => void {
  stateListeners.add(listener);
  return () => stateListeners.delete(listener);
}

/** Called when the stream opens again after it broke: what was shown may be stale. */
export function onResync(listener: () => void): () => void {
  resyncListeners.add(listener);
  return () => resyncListeners.delete(listener);
}

/** A number that grows at every resync: a dependency for effects that must start again (a followed log). */
export function useResyncs(): number {
  const [count, setCount] = useState(0);
  useEffect(() => onResync(() => setCount((n) => n + 1)), []);
  return count;
}

/**
 * Calls `refresh` after matching events, and after a resync: once `wait` ms after the first of
 * a burst, and never sooner than `gap` ms after the previous call. Returns the unsubscribe.
 */
export function refreshOnLive(match: (event: LiveEvent) => boolean, refresh: () => void, wait = 150, gap = 1000): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let last = 0;
  const soon = () => {
    if (timer !== null) return;
    const delay = Math.max(wait, last + gap - Date.now());
    timer = setTimeout(() => {
      timer = null;
      last = Date.now();
      refresh();
    }, delay);
  };
  const off = onLive((event) => match(event) && soon());
  const offResync = onResync(soon);
  return () => {
    off();
    offResync();
    if (timer !== null) clearTimeout(timer);
  };
}

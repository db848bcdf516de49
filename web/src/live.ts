// The live stream: one EventSource on /api/v1/events (the token as ?token=, the one route that
// takes it so), fanned out to the views. Views refresh on the events they care for, at most about
// once a second each, so a burst of runs costs a few requests, not one per event.

export interface LiveEvent {
  kind: 'run' | 'task' | 'session';
  data: { run_id?: string; task?: string; status?: string; type?: string };
}

type Listener = (event: LiveEvent) => void;
const listeners = new Set<Listener>();
const stateListeners = new Set<(state: LiveState) => void>();
export type LiveState = 'connecting' | 'live' | 'reconnecting';
let source: EventSource | null = null;
let state: LiveState = 'connecting';

function setState(next: LiveState): void {
  state = next;
  for (const listener of [...stateListeners]) listener(next);
}

export function connectLive(token: string): void {
  disconnectLive();
  setState('connecting');
  source = new EventSource(`/api/v1/events?token=${encodeURIComponent(token)}`);
  source.addEventListener('heartbeat', () => setState('live'));
  source.addEventListener('error', () => setState('reconnecting'));
  for (const kind of ['run', 'task', 'session'] as const) {
    source.addEventListener(kind, (message) => {
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

/**
 * Calls `refresh` after matching events: once `wait` ms after the first of a burst, and never
 * sooner than `gap` ms after the previous call. Returns the unsubscribe.
 */
export function refreshOnLive(match: (event: LiveEvent) => boolean, refresh: () => void, wait = 150, gap = 1000): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let last = 0;
  const off = onLive((event) => {
    if (timer !== null || !match(event)) return;
    const delay = Math.max(wait, last + gap - Date.now());
    timer = setTimeout(() => {
      timer = null;
      last = Date.now();
      refresh();
    }, delay);
  });
  return () => {
    off();
    if (timer !== null) clearTimeout(timer);
  };
}

// The live stream: one EventSource on /api/v1/events (the token as ?token=, the one route that
// takes it so), fanned out to the views. Views refresh on the events they care for, at most about
// once a second each, so a burst of runs costs a few requests, not one per event. When the stream
// comes back after it broke (the daemon restarted, the network dropped) the events in between are
// lost: every view then reloads what it shows (a resync), as it does after an event.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, getJson } from './api.js';

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
/** Counts connects and disconnects: a probe or retry of an older connection does nothing. */
let generation = 0;
/** The stream closed for good (a refusal): when it is asked for again. */
let retry: ReturnType<typeof setTimeout> | null = null;
const RETRY_MIN_MS = 3000; // as the server's `retry:` field tells the EventSource
const RETRY_MAX_MS = 30_000;
let retryMs = RETRY_MIN_MS;

function setState(next: LiveState): void {
  state = next;
  for (const listener of [...stateListeners]) listener(next);
}

export function connectLive(token: string): void {
  disconnectLive();
  setState('connecting');
  broken = false;
  openStream(token, ++generation);
}

function openStream(token: string, mine: number): void {
  const stream = new EventSource(`/api/v1/events?token=${encodeURIComponent(token)}`);
  source = stream;
  stream.addEventListener('open', () => {
    retryMs = RETRY_MIN_MS;
    if (!broken) return;
    broken = false;
    for (const listener of [...resyncListeners]) listener();
  });
  stream.addEventListener('heartbeat', () => setState('live'));
  stream.addEventListener('error', () => {
    broken = true;
    setState('reconnecting');
    // A network error: the EventSource tries again by itself. A refusal (401 when the token
    // changed, 503 from a daemon that is closing) closes it for good: ask why, then reopen.
    if (stream.readyState === EventSource.CLOSED && source === stream) {
      source = null;
      probeLater(token, mine);
    }
  });
  for (const kind of ['run', 'task', 'session', 'config'] as const) {
    stream.addEventListener(kind, (message) => {
      const event: LiveEvent = { kind, data: JSON.parse((message as MessageEvent<string>).data) as LiveEvent['data'] };
      for (const listener of [...listeners]) listener(event);
    });
  }
}

/**
 * After `retryMs`, asks for the status through api.ts: a 401 there forgets the token (the page
 * then asks for it, and disconnects this stream); any other answer, or none, opens the stream
 * again, or asks again later (twice as late each time, up to RETRY_MAX_MS).
 */
function probeLater(token: string, mine: number): void {
  retry = setTimeout(() => {
    retry = null;
    getJson('/api/v1/status').then(
      () => mine === generation && openStream(token, mine),
      (error: unknown) => {
        if (mine !== generation || (error instanceof ApiError && error.status === 401)) return;
        retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
        probeLater(token, mine);
      },
    );
  }, retryMs);
}

export function disconnectLive(): void {
  generation++;
  source?.close();
  source = null;
  if (retry !== null) clearTimeout(retry);
  retry = null;
  retryMs = RETRY_MIN_MS;
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

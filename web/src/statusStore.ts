// The daemon's status (GET /api/v1/status: tasks, their last runs, health, pauses, the runs
// awaiting approval), fetched once and kept fresh from the live stream, shared by the tasks,
// DAG and approvals views and the header's count.
import { useEffect, useState } from 'preact/hooks';
import { getJson } from './api.js';
import { refreshOnLive } from './live.js';
import type { Status } from './types.js';

export interface StatusState {
  status: Status | null;
  error: string | null;
}

let current: StatusState = { status: null, error: null };
const subscribers = new Set<(state: StatusState) => void>();
let inFlight: Promise<void> | null = null;
let again = false;
let stopLive: (() => void) | null = null;

function publish(next: StatusState): void {
  current = next;
  for (const subscriber of [...subscribers]) subscriber(next);
}

/** Fetches the status now (one request at a time; a call during one makes one more after it). */
export function refreshStatus(): Promise<void> {
  if (inFlight) {
    again = true;
    return inFlight;
  }
  inFlight = getJson<Status>('/api/v1/status')
    .then((status) => publish({ status, error: null }))
    .catch((error: Error) => publish({ status: current.status, error: error.message }))
    .finally(() => {
      inFlight = null;
      if (again) {
        again = false;
        void refreshStatus();
      }
    });
  return inFlight;
}

/** Starts following the live stream (every run and task event can change the status). */
export function followStatus(): void {
  stopLive ??= refreshOnLive(() => true, () => void refreshStatus());
}

export function forgetStatus(): void {
  stopLive?.();
  stopLive = null;
  current = { status: null, error: null };
}

export function useStatus(): StatusState {
  const [state, setState] = useState(current);
  useEffect(() => {
    subscribers.add(setState);
    if (current.status === null && !inFlight) void refreshStatus();
    else setState(current);
    return () => void subscribers.delete(setState);
  }, []);
  return state;
}

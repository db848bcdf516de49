// Who fires in a cluster of schedulers sharing a Redis (settings.ha): the lease, as a pure state
// machine over the monotonic clock (a wall-clock step changes nothing here). A leader trusts its
// lease only until `lease - margin` after the *sending* of the request that last confirmed it
// (Redis set the expiry no earlier than that), so it stops firing before any standby can take
// the lease over, even if Redis never answers again; a reply to a request given up on, or one
// that comes after the lease ran out locally, never revives it. Fencing (the claims' check of
// the lease value in Redis) covers what this cannot: a process frozen between check and act.

/** The lease's rhythm, all in ms of monotonic time. */
export interface LeaseTiming {
  /** How long Redis keeps the lease after an acquisition or a renewal. */
  leaseMs: number;
  /** A leader renews this often. */
  renewMs: number;
  /** A standby tries to acquire (and so learns who leads) this often. */
  pollMs: number;
  /** A leader stops firing this long before its lease could expire in Redis. */
  marginMs: number;
  /** A request unanswered for this long is given up on; its late reply is ignored. */
  requestMs: number;
}

/** The rhythm for a lease of `seconds`: renewals every fifth of it, a standby polling every tenth. */
export function leaseTiming(seconds: number): LeaseTiming {
  const leaseMs = seconds * 1000;
  return { leaseMs, renewMs: leaseMs / 5, pollMs: leaseMs / 10, marginMs: leaseMs / 5, requestMs: leaseMs / 5 };
}

export type LeaseRole = 'leader' | 'standby';

export interface LeaseState {
  role: LeaseRole;
  /** The lease value held while leader (its fencing token first); claims are checked against it. */
  lease: string | null;
  /** When the request that last confirmed the lease was sent. */
  confirmedAt: number | null;
  /** The request in flight, known by when it was sent. */
  pending: { kind: 'acquire' | 'renew'; sentAt: number } | null;
  /** When the latest request was sent (paces the next one). */
  lastSentAt: number | null;
  /**
   * The node Redis last named as the holder, or null when none or not known: a standby whose last
   * request got no answer does not know (the name it heard before may be stale by now).
   */
  leader: string | null;
  /** Why the last request got no good answer, or null. */
  trouble: string | null;
}

export const INITIAL_LEASE_STATE: LeaseState = {
  role: 'standby',
  lease: null,
  confirmedAt: null,
  pending: null,
  lastSentAt: null,
  leader: null,
  trouble: null,
};

export type LeaseEvent =
  /** The shell's timer; `eligible`: this node may lead (its history caught up with the cluster's). */
  | { kind: 'tick'; now: number; eligible: boolean }
  /** The acquire request took the lease: `lease` is the new value, `holder` this node. */
  | { kind: 'acquired'; now: number; sentAt: number; lease: string; holder: string }
  /** The acquire request found the lease held by `holder`. */
  | { kind: 'held'; now: number; sentAt: number; holder: string }
  /** The renewal extended the lease (the value was still ours). */
  | { kind: 'renewed'; now: number; sentAt: number }
  /** The renewal found the lease gone or held by another. */
  | { kind: 'lost'; now: number; sentAt: number; holder: string | null }
  /** The request failed (Redis unreachable, an error, a timeout). */
  | { kind: 'failed'; now: number; sentAt: number; error: string }
  /** The daemon stops: give the lease back so a standby need not wait for it to expire. */
  | { kind: 'release'; now: number };

export type LeaseAction =
  | { kind: 'acquire' }
  | { kind: 'renew'; lease: string }
  | { kind: 'lead'; lease: string }
  | { kind: 'step_down'; reason: string }
  | { kind: 'release'; lease: string };

export interface LeaseStep {
  state: LeaseState;
  actions: LeaseAction[];
}

/** May this node fire now: it leads, and its lease is confirmed recently enough. */
export function holdsLease(state: LeaseState, now: number, timing: LeaseTiming): boolean {
  return state.role === 'leader' && state.confirmedAt !== null && now - state.confirmedAt < timing.leaseMs - timing.marginMs;
}

/** The next state, and what the shell must do (send a request, start or stop firing). */
export function decideLease(state: LeaseState, event: LeaseEvent, timing: LeaseTiming): LeaseStep {
  switch (event.kind) {
    case 'tick':
      return tick(state, event.now, event.eligible, timing);
    case 'release':
      if (state.role !== 'leader' || state.lease === null) return { state, actions: [] };
      return {
        state: { ...standby(state), leader: null },
        actions: [{ kind: 'step_down', reason: 'the daemon is stopping' }, { kind: 'release', lease: state.lease }],
      };
    default:
      return reply(state, event, timing);
  }
}

function tick(state: LeaseState, now: number, eligible: boolean, timing: LeaseTiming): LeaseStep {
  const actions: LeaseAction[] = [];
  let next = state;
  if (next.pending && now - next.pending.sentAt >= timing.requestMs) {
    next = { ...next, pending: null, trouble: `no answer from Redis within ${timing.requestMs} ms` };
    if (next.role === 'standby') next = { ...next, leader: null };
  }
  if (next.role === 'leader' && !holdsLease(next, now, timing)) {
    const silent = next.confirmedAt === null ? 'never' : `for ${Math.round(now - next.confirmedAt)} ms`;
    actions.push({ kind: 'step_down', reason: `the lease was not confirmed ${silent}${next.trouble ? ` (${next.trouble})` : ''}` });
    next = { ...standby(next), leader: null };
  }
  if (next.pending) return { state: next, actions };
  const due = (every: number) => next.lastSentAt === null || now - next.lastSentAt >= every;
  if (next.role === 'leader' && next.lease !== null && due(timing.renewMs)) {
    actions.push({ kind: 'renew', lease: next.lease });
    next = { ...next, pending: { kind: 'renew', sentAt: now }, lastSentAt: now };
  } else if (next.role === 'standby' && eligible && due(timing.pollMs)) {
    actions.push({ kind: 'acquire' });
    next = { ...next, pending: { kind: 'acquire', sentAt: now }, lastSentAt: now };
  }
  return { state: next, actions };
}

type Reply = Exclude<LeaseEvent, { kind: 'tick' } | { kind: 'release' }>;

function reply(state: LeaseState, event: Reply, timing: LeaseTiming): LeaseStep {
  // Only the answer to the request in flight counts; one given up on is ignored (the next request decides).
  if (!state.pending || state.pending.sentAt !== event.sentAt) return { state, actions: [] };
  const answered = { ...state, pending: null, trouble: null };
  switch (event.kind) {
    case 'failed':
      // A leader knows it still leads until its lease runs out locally; a standby no longer knows who does.
      return { state: { ...answered, trouble: event.error, ...(state.role === 'standby' ? { leader: null } : {}) }, actions: [] };
    case 'held':
      return { state: { ...answered, leader: event.holder }, actions: [] };
    case 'acquired':
      // Taken, but the answer came too late to trust: stay standby; Redis holds our node's value,
      // which the next acquire takes back at once.
      if (state.role === 'leader' || event.now - event.sentAt >= timing.leaseMs - timing.marginMs) return { state: answered, actions: [] };
      return {
        state: { ...answered, role: 'leader', lease: event.lease, confirmedAt: event.sentAt, leader: event.holder },
        actions: [{ kind: 'lead', lease: event.lease }],
      };
    case 'renewed':
      if (state.role !== 'leader') return { state: answered, actions: [] };
      return { state: { ...answered, confirmedAt: Math.max(state.confirmedAt ?? event.sentAt, event.sentAt) }, actions: [] };
    case 'lost':
      if (state.role !== 'leader') return { state: { ...answered, leader: event.holder }, actions: [] };
      return {
        state: { ...standby(answered), leader: event.holder },
        actions: [{ kind: 'step_down', reason: event.holder ? `the lease is now held by ${event.holder}` : 'the lease expired in Redis' }],
      };
  }
}

function standby(state: LeaseState): LeaseState {
  return { ...state, role: 'standby', lease: null, confirmedAt: null };
}

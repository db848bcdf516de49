// The runs awaiting an operator's decision (workflow.md), from the status: approve or reject,
// with an optional comment that goes to the audit log (and a rejection's reason).
import { useState } from 'preact/hooks';
import { enc, postJson } from '../api.js';
import { clockTime, relative } from '../format.js';
import { act } from '../parts/notice.js';
import { useNow } from '../parts/useNow.js';
import { runHref } from '../route.js';
import { refreshStatus, useStatus } from '../statusStore.js';
import type { Awaiting } from '../types.js';

export function ApprovalsView() {
  const { status, error } = useStatus();
  const now = useNow();
  const waiting = status?.awaiting_approval ?? [];
  return (
    <section aria-labelledby="approvals-title">
      <div class="bar">
        <h1 id="approvals-title">
          Approvals <span class="count">{status ? waiting.length : ''}</span>
        </h1>
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      {status && waiting.length === 0 && <p class="muted">No run is awaiting approval.</p>}
      <ul class="cards">
        {waiting.map((run) => (
          <ApprovalCard key={run.run_id} run={run} now={now} />
        ))}
      </ul>
    </section>
  );
}

function ApprovalCard({ run, now }: { run: Awaiting; now: number }) {
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const decide = async (decision: 'approve' | 'reject') => {
    setBusy(true);
    const body = comment.trim() ? { comment: comment.trim() } : {};
    await act(
      () => postJson<{ status: string }>(`/api/v1/runs/${enc(run.run_id)}/${decision}`, body),
      (a) => `${run.task}: run ${run.run_id} ${decision === 'approve' ? 'approved' : 'rejected'} (${a.status})`,
      () => runHref(run.run_id),
    );
    setBusy(false);
    void refreshStatus();
  };
  const id = `comment-${run.run_id}`;
  return (
    <li class="card" data-run={run.run_id}>
      <h2>
        {run.task} <a href={runHref(run.run_id)} class="small">{run.run_id}</a>
      </h2>
      {run.message && <p class="message">{run.message}</p>}
      <p class="small muted">
        waiting since <span title={run.since}>{clockTime(run.since)}</span> ({relative(run.since, now, 'past')})
        {run.expires_at && (
          <>
            {' '}
            · gives up <span title={run.expires_at}>{relative(run.expires_at, now)}</span>
          </>
        )}
      </p>
      <label for={id} class="small">
        Comment (optional)
      </label>
      <input id={id} type="text" maxLength={2000} value={comment} onInput={(e) => setComment((e.target as HTMLInputElement).value)} />
      <div class="row">
        <button type="button" class="primary" disabled={busy} onClick={() => void decide('approve')} aria-label={`Approve run ${run.run_id} of ${run.task}`}>
          Approve
        </button>
        <button type="button" class="danger" disabled={busy} onClick={() => void decide('reject')} aria-label={`Reject run ${run.run_id} of ${run.task}`}>
          Reject
        </button>
      </div>
    </li>
  );
}

// One run: its status, its attempts, its log (followed live while it runs), and what can be done
// to it now: cancel while it has not ended, approve or reject while it awaits approval.
import { useEffect, useRef, useState } from 'preact/hooks';
import { enc, getJson, postJson, streamText } from '../api.js';
import { refreshOnLive, useResyncs } from '../live.js';
import { Badge } from '../parts/Badge.js';
import { act } from '../parts/notice.js';
import { runsHref } from '../route.js';
import { refreshStatus } from '../statusStore.js';
import { OPEN_STATUSES, type RunDetail } from '../types.js';
import { RunTable } from './Runs.js';

/** The log shown is the last 512 KB: a run that printed more has the rest in its log file. */
const MAX_LOG = 512 * 1024;

export function RunDetailView({ runId }: { runId: string }) {
  const [run, setRun] = useState<RunDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const load = () =>
    getJson<RunDetail>(`/api/v1/runs/${enc(runId)}`)
      .then((detail) => {
        setRun(detail);
        setError(null);
      })
      .catch((e: Error) => setError(e.message));
  useEffect(() => {
    setRun(null);
    void load();
    return refreshOnLive((e) => e.data.run_id === runId, load, 50, 300);
  }, [runId]);

  const open = run !== null && OPEN_STATUSES.has(run.status);
  const action = async (verb: 'cancel' | 'approve' | 'reject') => {
    setBusy(true);
    await act(() => postJson<{ status?: string; state?: string }>(`/api/v1/runs/${enc(runId)}/${verb}`), () => `run ${runId}: ${verb === 'cancel' ? 'cancel asked' : `${verb}d`}`);
    setBusy(false);
    void load();
    void refreshStatus();
  };
  return (
    <section aria-labelledby="run-title">
      <div class="bar">
        <h1 id="run-title">
          Run <code>{runId}</code>
        </h1>
        {run && <Badge status={run.status} />}
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      {run && (
        <>
          <p>
            Task <a href={runsHref({ task: run.task })}>{run.task}</a> · trigger {run.trigger}
            {run.reason && <> · {run.reason}</>}
          </p>
          <div class="row">
            {open && (
              <button type="button" class="danger" disabled={busy} onClick={() => void action('cancel')}>
                Cancel run
              </button>
            )}
            {run.status === 'awaiting_approval' && (
              <>
                <button type="button" class="primary" disabled={busy} onClick={() => void action('approve')}>
                  Approve
                </button>
                <button type="button" class="danger" disabled={busy} onClick={() => void action('reject')}>
                  Reject
                </button>
              </>
            )}
          </div>
          <h2>Attempts</h2>
          <RunTable rows={[...run.attempts].reverse()} showTask={false} />
          <h2>
            Log {open && <span class="small live-tag">following live</span>}
          </h2>
          <LogView runId={runId} follow={open} />
        </>
      )}
    </section>
  );
}

function LogView({ runId, follow }: { runId: string; follow: boolean }) {
  const [text, setText] = useState('');
  const [cut, setCut] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const pre = useRef<HTMLPreElement>(null);
  // A followed log ends with the stream that brought it (the daemon stopped): read again from the
  // start when the event stream is back (the run may still be running, or have ended meanwhile).
  const resyncs = useResyncs();
  useEffect(() => {
    const controller = new AbortController();
    let buffer = '';
    let frame = 0;
    setText('');
    setCut(false);
    const flush = () => {
      frame = 0;
      const element = pre.current;
      const atBottom = !element || element.scrollHeight - element.scrollTop - element.clientHeight < 40;
      setText(buffer);
      if (atBottom) requestAnimationFrame(() => element && (element.scrollTop = element.scrollHeight));
    };
    streamText(
      `/api/v1/runs/${enc(runId)}/log${follow ? '?follow=1' : ''}`,
      (chunk) => {
        buffer += chunk;
        if (buffer.length > MAX_LOG) {
          buffer = buffer.slice(buffer.length - MAX_LOG);
          setCut(true);
        }
        frame ||= requestAnimationFrame(flush);
      },
      controller.signal,
    )
      .then(() => setError(null))
      .catch((e: Error) => e.name !== 'AbortError' && setError(e.message));
    return () => {
      controller.abort();
      cancelAnimationFrame(frame);
    };
  }, [runId, follow, resyncs]);
  return (
    <>
      {cut && <p class="small muted">The first part is not shown: only the last 512 KB (see `logs --run {runId}`).</p>}
      {error && <p class="error">{error}</p>}
      <pre class="log" ref={pre} tabIndex={0} aria-label={`Output of run ${runId}`}>
        {text || (follow ? 'waiting for output…' : '(no output)')}
      </pre>
    </>
  );
}

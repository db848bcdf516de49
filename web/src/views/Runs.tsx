// The history: attempts newest first, filtered by task, status and trigger (kept in the link),
// paged 50 at a time with `before` = the last row's start (the page never asks for more; the
// server ends a page at the end of a millisecond, so it may bring more), a timeline of the last
// 24 h, and live: the first page follows the event stream.
import { useEffect, useState } from 'preact/hooks';
import { getJson, runsPath, type RunFilters } from '../api.js';
import { clockTime, duration } from '../format.js';
import { refreshOnLive } from '../live.js';
import { Badge } from '../parts/Badge.js';
import { runHref, runsHref } from '../route.js';
import { useStatus } from '../statusStore.js';
import type { RunRow } from '../types.js';
import { Timeline } from './Timeline.js';

const PAGE = 50;
const STATUSES = ['queued', 'awaiting_approval', 'running', 'success', 'failed', 'timeout', 'skipped', 'interrupted', 'cancelled'];
const TRIGGERS = ['schedule', 'dependency', 'catch_up', 'manual', 'once', 'watch', 'webhook', 'api'];

export function RunsView({ query }: { query: URLSearchParams }) {
  const filters: RunFilters = { task: query.get('task') ?? undefined, status: query.get('status') ?? undefined, trigger: query.get('trigger') ?? undefined };
  const key = runsHref({ ...filters });
  // `before` of each page after the first, for these filters (new filters start at the newest).
  const [paging, setPaging] = useState<{ key: string; cursors: string[] }>({ key, cursors: [] });
  const cursors = paging.key === key ? paging.cursors : [];
  const setCursors = (next: string[]) => setPaging({ key, cursors: next });
  const [rows, setRows] = useState<RunRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const before = cursors.at(-1);

  useEffect(() => {
    const controller = new AbortController();
    const load = () =>
      getJson<RunRow[]>(runsPath(filters, PAGE, before), controller.signal)
        .then((page) => {
          setRows(page);
          setError(null);
        })
        .catch((e: Error) => e.name !== 'AbortError' && setError(e.message));
    void load();
    // Live on the first page only: an older page stays as it is while the operator reads it.
    const off = before ? () => {} : refreshOnLive((e) => e.kind === 'run' && (!filters.task || e.data.task === filters.task), load);
    return () => {
      off();
      controller.abort();
    };
  }, [key, before]);

  const go = (next: RunFilters) => (location.hash = runsHref({ ...filters, ...next }));
  return (
    <section aria-labelledby="runs-title">
      <div class="bar">
        <h1 id="runs-title">Runs</h1>
        <RunFilterForm filters={filters} onChange={go} />
      </div>
      <Timeline task={filters.task} />
      {error && <p class="error" role="alert">{error}</p>}
      {rows && rows.length === 0 && <p class="muted">No runs{filters.task || filters.status || filters.trigger ? ' match these filters' : ' yet'}.</p>}
      {rows && rows.length > 0 && <RunTable rows={rows} />}
      <nav class="pager" aria-label="Pages of runs">
        <button type="button" disabled={cursors.length === 0} onClick={() => setCursors([])}>
          ⇤ Newest
        </button>
        <button type="button" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
          ← Newer
        </button>
        <span class="small muted">page {cursors.length + 1}</span>
        <button type="button" disabled={!rows || rows.length < PAGE} onClick={() => rows && setCursors([...cursors, (rows.at(-1) as RunRow).started_at])}>
          Older →
        </button>
      </nav>
    </section>
  );
}

function RunFilterForm({ filters, onChange }: { filters: RunFilters; onChange: (next: RunFilters) => void }) {
  const { status } = useStatus();
  const [task, setTask] = useState(filters.task ?? '');
  useEffect(() => setTask(filters.task ?? ''), [filters.task]);
  return (
    <form
      class="filters"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        onChange({ task: task.trim() || undefined });
      }}
    >
      <input type="search" list="task-names" placeholder="Task" aria-label="Filter runs by task" value={task} onInput={(e) => setTask((e.target as HTMLInputElement).value)} onChange={(e) => onChange({ task: (e.target as HTMLInputElement).value.trim() || undefined })} />
      <datalist id="task-names">{status?.tasks.slice(0, 2000).map((t) => <option key={t.name} value={t.name} />)}</datalist>
      <select aria-label="Filter runs by status" value={filters.status ?? ''} onChange={(e) => onChange({ status: (e.target as HTMLSelectElement).value || undefined })}>
        <option value="">any status</option>
        {STATUSES.map((s) => (
          <option key={s} value={s}>
            {s.replace('_', ' ')}
          </option>
        ))}
      </select>
      <select aria-label="Filter runs by trigger" value={filters.trigger ?? ''} onChange={(e) => onChange({ trigger: (e.target as HTMLSelectElement).value || undefined })}>
        <option value="">any trigger</option>
        {TRIGGERS.map((t) => (
          <option key={t} value={t}>
            {t.replace('_', ' ')}
          </option>
        ))}
      </select>
    </form>
  );
}

/** An attempt that ran (not skipped, nor still waiting): with no worker, it ran here. */
const ranHere = (row: RunRow) => !['skipped', 'queued', 'awaiting_approval'].includes(row.status);

export function RunTable({ rows, showTask = true }: { rows: RunRow[]; showTask?: boolean }) {
  // Which worker ran each attempt (spec/scale-out.md): a column once any attempt shown ran on one.
  const showWorker = rows.some((row) => row.worker);
  return (
    <table class="runs stack">
      <thead>
        <tr>
          <th scope="col">Started</th>
          {showTask && <th scope="col">Task</th>}
          <th scope="col">Run</th>
          <th scope="col">Status</th>
          <th scope="col">Trigger</th>
          {showWorker && <th scope="col">Worker</th>}
          <th scope="col">Duration</th>
          <th scope="col">Exit</th>
          <th scope="col">Reason</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={`${row.run_id}:${row.attempt}`} data-run={row.run_id}>
            <td data-label="Started" title={row.started_at}>
              {clockTime(row.started_at)}
            </td>
            {showTask && (
              <td data-label="Task">
                <a href={runsHref({ task: row.task })}>{row.task}</a>
              </td>
            )}
            <td data-label="Run">
              <a href={runHref(row.run_id)}>{row.run_id}</a>
              {row.attempt > 1 && <span class="small muted"> #{row.attempt}</span>}
            </td>
            <td data-label="Status">
              <Badge status={row.status} />
            </td>
            <td data-label="Trigger">{row.trigger}</td>
            {showWorker && (
              <td data-label="Worker" title={row.worker ? `worker ${row.worker}` : ranHere(row) ? 'run here, by the scheduler' : 'it ran nowhere'}>
                {row.worker ?? (ranHere(row) ? 'local' : '')}
              </td>
            )}
            <td data-label="Duration">{duration(row.duration_ms)}</td>
            <td data-label="Exit">{row.exit_code ?? (row.signal ? row.signal : '')}</td>
            <td data-label="Reason" class="reason">
              {row.reason ?? ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

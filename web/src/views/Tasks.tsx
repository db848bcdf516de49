// The tasks: name, schedule in words and as cron, next run, last run (status in colour and
// words), health, paused; a filter by name; run now, pause, resume. Kept live from the status;
// only the rows near the window are drawn (1000 tasks paint as fast as 40).
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { enc, postJson } from '../api.js';
import { cronWords } from '../cronWords.js';
import { clockTime, relative, zonedTime } from '../format.js';
import { Badge } from '../parts/Badge.js';
import { act } from '../parts/notice.js';
import { useNow } from '../parts/useNow.js';
import { useWindow } from '../parts/useWindow.js';
import { runHref, runsHref } from '../route.js';
import { refreshStatus, useStatus } from '../statusStore.js';
import type { TaskStatus } from '../types.js';

const words = new Map<string, string | null>();
function scheduleWords(schedule: string): string | null {
  if (!words.has(schedule)) words.set(schedule, cronWords(schedule));
  return words.get(schedule) ?? null;
}

/**
 * Marked once, when the table has first been painted: what the `dashboard` bench measures.
 * (Preact runs effects after the next frame, so this runs after the paint of the rows.)
 */
let painted = false;

export function TasksView({ initialFilter }: { initialFilter: string }) {
  const { status, error } = useStatus();
  useEffect(() => {
    if (!status || painted) return;
    painted = true;
    performance.mark('conductor:tasks-painted');
  }, [status]);
  const [filter, setFilter] = useState(initialFilter);
  const now = useNow(10_000);
  const tasks = status?.tasks ?? [];
  const shown = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    return needle ? tasks.filter((t) => t.name.toLowerCase().includes(needle)) : tasks;
  }, [tasks, filter]);
  const drawn = useWindow(shown.length);
  return (
    <section aria-labelledby="tasks-title">
      <div class="bar">
        <h1 id="tasks-title">
          Tasks <span class="count">{status ? (shown.length === tasks.length ? tasks.length : `${shown.length} of ${tasks.length}`) : ''}</span>
        </h1>
        <input
          type="search"
          class="filter"
          placeholder="Filter by name"
          aria-label="Filter tasks by name"
          value={filter}
          onInput={(e) => setFilter((e.target as HTMLInputElement).value)}
        />
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      {!status && !error && <p class="muted">Loading…</p>}
      {status && (
        <table class="tasks stack">
          <thead>
            <tr>
              <th scope="col">Task</th>
              <th scope="col">Schedule</th>
              <th scope="col">Next run</th>
              <th scope="col">Last run</th>
              <th scope="col">Health</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody ref={drawn.body}>
            <tr class="spacer" aria-hidden="true" style={{ height: `${drawn.above}px` }} />
            {shown.slice(drawn.start, drawn.end).map((task) => (
              <TaskRow key={task.name} task={task} now={now} />
            ))}
            <tr class="spacer" aria-hidden="true" style={{ height: `${drawn.below}px` }} />
          </tbody>
        </table>
      )}
      {status && shown.length === 0 && <p class="muted">No task matches “{filter}”.</p>}
    </section>
  );
}

function TaskRow({ task, now }: { task: TaskStatus; now: number }) {
  const said = task.schedule ? scheduleWords(task.schedule) : null;
  const last = task.last_run;
  return (
    <tr data-task={task.name} class={task.enabled ? '' : 'disabled'}>
      <th scope="row" data-label="Task">
        <a href={runsHref({ task: task.name })}>{task.name}</a>
        {!task.enabled && <span class="tag">disabled</span>}
        {task.paused && <span class="tag paused">‖ paused</span>}
      </th>
      <td data-label="Schedule">
        {task.schedule ? (
          <>
            {said && <span class="words">{said}</span>} <code title={`timezone ${task.timezone}`}>{task.schedule}</code>
          </>
        ) : task.watch ? null : (
          <span class="muted">after its dependencies, or by hand</span>
        )}
        {task.watch && <WatchCell watch={task.watch} />}
      </td>
      <td data-label="Next run" title={task.next_run ? `${task.next_run} · ${clockTime(task.next_run)} in this browser's zone` : ''}>
        {task.next_run ? (
          <>
            {/* In the task's zone, as its schedule in words is, and saying which zone. */}
            {relative(task.next_run, now)} <span class="muted small">{zonedTime(task.next_run, task.timezone)}</span>
          </>
        ) : (
          <span class="muted">—</span>
        )}
      </td>
      <td data-label="Last run">
        {last ? (
          <a href={runHref(last.run_id)} class="plain" title={last.reason ?? last.started_at}>
            <Badge status={last.status} /> <span class="small">{relative(last.finished_at ?? last.started_at, now, 'past')}</span>
          </a>
        ) : (
          <span class="muted">never</span>
        )}
      </td>
      <td data-label="Health">{task.health ? <Badge status={task.health.status} title={`${task.health.timestamp}, exit code ${task.health.exit_code ?? '—'}`} /> : <span class="muted">—</span>}</td>
      <td class="actions">
        <TaskActions task={task} />
      </td>
    </tr>
  );
}

/** A watch task's folder and its files now: waiting and running, then done and failed since the daemon started. */
function WatchCell({ watch }: { watch: NonNullable<TaskStatus['watch']> }) {
  return (
    <span class="watch">
      <span class="words">each file in</span> <code>{watch.path}</code>{' '}
      <span class="muted small">
        {watch.pending} waiting · {watch.running} running · {watch.processed} done · {watch.failed} failed
      </span>
    </span>
  );
}

/**
 * Run now, and one Pause/Resume button that turns into the other. While an action is under way
 * the buttons say so with aria-disabled and ignore presses, but stay focusable: a `disabled`
 * button loses the focus (to the page's body), and so would a Pause replaced by a Resume.
 */
function TaskActions({ task }: { task: TaskStatus }) {
  const [busy, setBusy] = useState(false);
  const underWay = useRef(false); // read at the press: a second one before the next render is ignored too
  const name = task.name;
  const run = async (what: () => Promise<unknown>) => {
    if (underWay.current) return;
    underWay.current = true;
    setBusy(true);
    await what();
    underWay.current = false;
    setBusy(false);
    void refreshStatus();
  };
  const runNow = () =>
    run(() =>
      act(
        () => postJson<{ run_id: string; status: string; reason?: string }>(`/api/v1/tasks/${enc(name)}/run`),
        (a) => `${name}: run ${a.run_id} ${a.status.replace('_', ' ')}${a.reason ? ` (${a.reason})` : ''}`,
        (a) => runHref(a.run_id),
      ),
    );
  const pause = () => run(() => act(() => postJson(`/api/v1/tasks/${enc(name)}/pause`), () => `${name} paused: its fires are recorded skipped`));
  const resume = () => run(() => act(() => postJson(`/api/v1/tasks/${enc(name)}/resume`), () => `${name} resumed`));
  return (
    <>
      {/* A watch task with no schedule runs per file, as files arrive: there is no run to start without one. */}
      <button
        type="button"
        key="run"
        disabled={!task.enabled || (task.watch !== undefined && !task.schedule)}
        title={task.watch !== undefined && !task.schedule ? 'each file that arrives in its folder gets a run' : undefined}
        aria-disabled={busy || undefined}
        onClick={runNow}
        aria-label={`Run ${name} now`}
      >
        Run now
      </button>
      <button type="button" key="pause" aria-disabled={busy || undefined} onClick={task.paused ? resume : pause} aria-label={`${task.paused ? 'Resume' : 'Pause'} ${name}`}>
        {task.paused ? 'Resume' : 'Pause'}
      </button>
    </>
  );
}

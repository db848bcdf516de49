// The last 24 hours (or 6, or 1) as a Gantt chart: one lane per task, one bar per attempt from its start to its
// end (or now, while it runs), coloured by status with the status in its tooltip. It reads at most
// the latest 1000 attempts (one page of the API), so a busy home shows the most recent part of the
// day and says so.
import { useEffect, useRef, useState } from 'preact/hooks';
import { getJson, runsPath } from '../api.js';
import { clockTime, duration } from '../format.js';
import { refreshOnLive } from '../live.js';
import { runHref } from '../route.js';
import type { RunRow } from '../types.js';

const HOUR = 3_600_000;
const SPANS = [1, 6, 24];
const LIMIT = 1000;
const MAX_LANES = 30;
const LANE = 18;
const LEFT = 150;
const WIDTH = 1000;
const MIN_BAR = 4;

export function Timeline({ task }: { task: string | undefined }) {
  const [rows, setRows] = useState<RunRow[] | null>(null);
  const [now, setNow] = useState(Date.now());
  const [hours, setHours] = useState(24);
  useEffect(() => {
    const controller = new AbortController();
    const load = () =>
      getJson<RunRow[]>(runsPath({ task }, LIMIT), controller.signal)
        .then((page) => {
          setRows(page);
          setNow(Date.now());
        })
        .catch(() => {});
    void load();
    const off = refreshOnLive((e) => e.kind === 'run' && (!task || e.data.task === task), load, 500, 3000);
    return () => {
      off();
      controller.abort();
    };
  }, [task]);
  // On a narrow screen the chart scrolls sideways: it opens at its right end, now, where the
  // latest runs are (and again when the span changes), and the task names stay at its left edge.
  const chart = useRef<HTMLDivElement>(null);
  const names = useRef<SVGGElement>(null);
  const placedFor = useRef<number | null>(null);
  const keepNames = () => {
    const box = chart.current;
    const drawn = box?.firstElementChild?.getBoundingClientRect().width;
    if (box && drawn) names.current?.setAttribute('transform', `translate(${(box.scrollLeft * WIDTH) / drawn} 0)`);
  };
  useEffect(() => {
    if (!chart.current || placedFor.current === hours) return;
    chart.current.scrollLeft = chart.current.scrollWidth;
    placedFor.current = hours;
    keepNames();
  });
  if (!rows) return null;
  const span = hours * HOUR;
  const from = now - span;
  const recent = rows.filter((r) => r.status !== 'skipped' && Date.parse(r.finished_at ?? r.started_at) >= from);
  const lanes = [...new Set(recent.map((r) => r.task))].sort();
  const shownLanes = lanes.slice(0, MAX_LANES);
  const oldest = rows.at(-1);
  const partial = rows.length === LIMIT && oldest !== undefined && Date.parse(oldest.started_at) > from;
  const x = (ms: number) => LEFT + ((Math.max(ms, from) - from) / span) * (WIDTH - LEFT);
  const height = shownLanes.length * LANE + 22;
  const tick = hours === 1 ? 5 * 60_000 : hours === 6 ? 30 * 60_000 : HOUR;
  const ticks = Array.from({ length: 25 }, (_, i) => Math.ceil(from / tick) * tick + i * tick).filter((t) => t <= now);
  const labelled = (t: number) => (hours === 24 ? new Date(t).getHours() % 3 === 0 : hours === 6 ? new Date(t).getMinutes() === 0 : new Date(t).getMinutes() % 15 === 0);
  const label = (t: number) => `${String(new Date(t).getHours()).padStart(2, '0')}:${String(new Date(t).getMinutes()).padStart(2, '0')}`;
  return (
    <details class="timeline" open>
      <summary>
        Timeline of the last {hours} {hours === 1 ? 'hour' : 'hours'}{' '}
        <span class="small muted">
          {recent.length} attempts across {lanes.length} tasks
          {lanes.length > MAX_LANES ? ` (first ${MAX_LANES} shown)` : ''}
          {partial && oldest ? ` · the latest ${LIMIT} attempts only, since ${clockTime(oldest.started_at)}` : ''}
        </span>
      </summary>
      <div class="row small" role="group" aria-label="Timeline span">
        {SPANS.map((h) => (
          <button key={h} type="button" aria-pressed={h === hours} onClick={() => setHours(h)}>
            {h} h
          </button>
        ))}
      </div>
      {shownLanes.length === 0 ? (
        <p class="muted small">No runs in this span.</p>
      ) : (
        <div class="chart" ref={chart} onScroll={keepNames}>
          <svg viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={`Timeline of ${recent.length} attempts in the last ${hours} hours`} preserveAspectRatio="xMinYMin meet">
            {ticks.map((t) => (
              <g key={t}>
                <line x1={x(t)} x2={x(t)} y1={0} y2={height - 18} class="tick" />
                {labelled(t) && (
                  <text x={x(t)} y={height - 6} class="axis" text-anchor="middle">
                    {label(t)}
                  </text>
                )}
              </g>
            ))}
            {recent
              .filter((r) => shownLanes.includes(r.task))
              .map((r) => {
                const start = Date.parse(r.started_at);
                const end = r.finished_at ? Date.parse(r.finished_at) : now;
                const lane = shownLanes.indexOf(r.task);
                // A run of seconds is a sliver of a day: drawn MIN_BAR wide at least, and inside the chart
                // when it is that recent (else it sat half outside the right edge).
                const width = Math.max(MIN_BAR, x(end) - x(start));
                // A link for the mouse, no Tab stop: up to 1000 bars stood between the filters and
                // the runs table, whose rows link the same runs. (`tabindex` in lower case: on an
                // SVG element Preact sets the attribute as written, and `tabIndex` is not one.)
                return (
                  <a key={`${r.run_id}:${r.attempt}`} href={runHref(r.run_id)} tabindex={-1}>
                    <rect x={Math.min(x(start), WIDTH - width)} y={lane * LANE + 3} width={width} height={LANE - 6} class={`bar s-${r.status}`}>
                      <title>{`${r.task} · ${r.status} · ${clockTime(r.started_at)} · ${duration(r.duration_ms ?? end - start)}`}</title>
                    </rect>
                  </a>
                );
              })}
            <g ref={names}>
              <rect x={0} y={0} width={LEFT - 8} height={height} class="names" />
              {shownLanes.map((name, lane) => (
                <text key={name} x={4} y={lane * LANE + 13} class="lane">
                  {name.length > 20 ? `${name.slice(0, 19)}…` : name}
                </text>
              ))}
            </g>
          </svg>
        </div>
      )}
    </details>
  );
}

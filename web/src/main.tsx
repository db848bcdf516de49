// The dashboard: a single page served by the daemon. It logs in with the API token (from the
// `#token=` link `start` prints, or typed in), kept in the tab's sessionStorage, follows the
// live event stream, and shows one of the views the hash names.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { currentToken, getJson, lastRefusal, onTokenChange, setToken } from './api.js';
import { connectLive, disconnectLive, liveState, onLiveState, type LiveState } from './live.js';
import { useNotice } from './parts/notice.js';
import { useRoute } from './route.js';
import { followStatus, forgetStatus, refreshStatus, useStatus } from './statusStore.js';
import './style.css';
import { ApprovalsView } from './views/Approvals.js';
import { DagView } from './views/Dag.js';
import { RunDetailView } from './views/RunDetail.js';
import { RunsView } from './views/Runs.js';
import { TasksView } from './views/Tasks.js';

/** The token of the last `#token=` link taken: when the daemon refuses it, the login form says the link's was. */
let linkToken: string | null = null;

/**
 * A `#token=...` link logs in, then leaves the address bar (and the history) at once: at load,
 * and when it is pasted into a tab already open (only the hash changes: no load). Registered
 * before the route's listener, so the route reads the hash already replaced.
 */
function takeLinkToken(): void {
  const linked = /^#token=([^&]+)/.exec(location.hash);
  if (!linked?.[1]) return;
  linkToken = decodeURIComponent(linked[1]);
  history.replaceState(null, '', `${location.pathname}${location.search}#/tasks`);
  setToken(linkToken);
}
takeLinkToken();
addEventListener('hashchange', takeLinkToken);

// Ask for the status at once (not after the first render): it is what the first view shows.
if (currentToken()) void refreshStatus();

function App() {
  const [token, setTokenState] = useState(currentToken());
  useEffect(() => onTokenChange(() => setTokenState(currentToken())), []);
  useEffect(() => {
    if (!token) return;
    connectLive(token);
    followStatus();
    return () => {
      disconnectLive();
      forgetStatus();
    };
  }, [token]);
  // Keyed by the token: a new one (another link) starts every view again, with its data.
  return token ? <Shell key={token} /> : <Login />;
}

function Shell() {
  const route = useRoute();
  const { status } = useStatus();
  const notice = useNotice();
  const [live, setLive] = useState<LiveState>(liveState());
  useEffect(() => onLiveState(setLive), []);
  const waiting = status?.awaiting_approval.length ?? 0;
  const tab = (view: string, href: string, label: string, extra?: string) => (
    <a href={href} aria-current={route.view === view || (view === 'runs' && route.view === 'run') ? 'page' : undefined}>
      {label}
      {extra && <span class="pill">{extra}</span>}
    </a>
  );
  return (
    <>
      <a class="skip" href="#main">
        Skip to the content
      </a>
      <header>
        <span class="brand">symphony-conductor</span>
        <nav aria-label="Views">
          {tab('tasks', '#/tasks', 'Tasks')}
          {tab('dag', '#/dag', 'DAG')}
          {tab('runs', '#/runs', 'Runs')}
          {tab('approvals', '#/approvals', 'Approvals', waiting > 0 ? String(waiting) : undefined)}
        </nav>
        <span class={`live ${live}`} role="status" title="The event stream from the daemon">
          <span aria-hidden="true">●</span> {live === 'live' ? 'live' : live}
        </span>
        <button type="button" class="link" onClick={() => setToken(null)}>
          Log out
        </button>
      </header>
      <div class="notice" aria-live="polite">
        {notice && (
          <p class={notice.kind} key={notice.at}>
            {notice.text} {notice.href && <a href={notice.href}>open</a>}
          </p>
        )}
      </div>
      <main id="main">
        {route.view === 'tasks' && <TasksView initialFilter={route.query.get('filter') ?? ''} />}
        {route.view === 'dag' && <DagView />}
        {route.view === 'runs' && <RunsView query={route.query} />}
        {route.view === 'run' && route.id && <RunDetailView runId={route.id} />}
        {route.view === 'approvals' && <ApprovalsView />}
      </main>
    </>
  );
}

/** Why the login form shows: the daemon refused the token this tab had (it changed, or was wrong). */
function refusedWords(): string | null {
  const refused = lastRefusal();
  if (!refused?.token) return null;
  if (refused.token === linkToken) return `The token in the link was refused (${refused.message}): the link is old or mistyped. Enter the current token.`;
  return `The daemon refused the token this tab had (${refused.message}): it may have changed. Enter the current one.`;
}

function Login() {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(refusedWords);
  const [busy, setBusy] = useState(false);
  return (
    <main class="login">
      <h1>symphony-conductor</h1>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          sessionStorage.setItem('conductor.token', value.trim());
          try {
            await getJson('/api/v1/graph');
            setToken(value.trim());
          } catch (problem) {
            sessionStorage.removeItem('conductor.token');
            setError((problem as Error).message);
          }
          setBusy(false);
        }}
      >
        <label for="token">API token</label>
        <input id="token" type="password" autocomplete="off" required value={value} onInput={(e) => setValue((e.target as HTMLInputElement).value)} />
        <button type="submit" class="primary" disabled={busy}>
          Open the dashboard
        </button>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <p class="small muted">
          The token is in <code>status/api.token</code> under the conductor's home (or <code>$CONDUCTOR_API_TOKEN</code>); <code>start</code> prints a link that logs in. It is kept in this tab only.
        </p>
      </form>
    </main>
  );
}

render(<App />, document.getElementById('app') as HTMLElement);

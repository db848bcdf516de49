// Where the page is: the hash (`#/tasks`, `#/dag`, `#/runs?task=x&status=failed`, `#/runs/ID`,
// `#/approvals`), so every view has a link, Back works, and the server serves one page.
import { useEffect, useState } from 'preact/hooks';

export interface Route {
  view: 'tasks' | 'dag' | 'runs' | 'run' | 'approvals';
  id: string | null;
  query: URLSearchParams;
}

export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#\/?/, '').split('?');
  const query = new URLSearchParams(search);
  const [first, second] = path.split('/');
  if (first === 'runs' && second) return { view: 'run', id: decodeURIComponent(second), query };
  if (first === 'dag' || first === 'runs' || first === 'approvals') return { view: first, id: null, query };
  return { view: 'tasks', id: null, query };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const changed = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}

/** A link to the runs view with these filters. */
export function runsHref(filters: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) query.set(key, value);
  const text = query.toString();
  return `#/runs${text ? `?${text}` : ''}`;
}

export const runHref = (runId: string) => `#/runs/${encodeURIComponent(runId)}`;

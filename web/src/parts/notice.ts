// One line at the top of the page saying what an action did, or why it was refused (an
// aria-live region, so a screen reader hears it too).
import { useEffect, useState } from 'preact/hooks';

export interface Notice {
  text: string;
  kind: 'ok' | 'error';
  href?: string | undefined;
  at: number;
}

let current: Notice | null = null;
const listeners = new Set<(notice: Notice | null) => void>();

export function notify(text: string, kind: 'ok' | 'error' = 'ok', href?: string): void {
  current = { text, kind, href, at: Date.now() };
  for (const listener of [...listeners]) listener(current);
}

export function useNotice(): Notice | null {
  const [notice, setNotice] = useState(current);
  useEffect(() => {
    listeners.add(setNotice);
    return () => void listeners.delete(setNotice);
  }, []);
  return notice;
}

/** Runs an action, saying what it did (`done` of its answer) or why it failed. */
export async function act<T>(action: () => Promise<T>, done: (answer: T) => string, href?: (answer: T) => string | undefined): Promise<T | null> {
  try {
    const answer = await action();
    notify(done(answer), 'ok', href?.(answer));
    return answer;
  } catch (error) {
    notify((error as Error).message, 'error');
    return null;
  }
}

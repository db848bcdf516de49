// Rows of a long table rendered only around what the window shows (plus a margin), with spacer
// heights for the rest: 1000 tasks cost the browser ~40 rows of layout, on the first paint and
// on every live refresh. Row height is measured from the rows drawn (the phone's cards are taller).
import { useEffect, useRef, useState } from 'preact/hooks';

const MARGIN = 15;

export interface Window {
  start: number;
  end: number;
  /** Heights (px) of what is above and below the drawn rows. */
  above: number;
  below: number;
  /** On the tbody: where the rows are, and how tall they are. */
  body: { current: HTMLTableSectionElement | null };
}

export function useWindow(count: number, guess = 46): Window {
  const body = useRef<HTMLTableSectionElement>(null);
  const [rowHeight, setRowHeight] = useState(guess);
  const [first, setFirst] = useState(0);
  const rows = Math.ceil(innerHeight / rowHeight) + 2 * MARGIN;

  useEffect(() => {
    let frame = 0;
    const place = () => {
      frame = 0;
      const element = body.current;
      if (!element) return;
      const top = element.getBoundingClientRect().top; // of the first drawn row's spacer
      setFirst(Math.max(0, Math.floor(-top / rowHeight) - MARGIN));
    };
    const later = () => (frame ||= requestAnimationFrame(place));
    addEventListener('scroll', later, { passive: true });
    addEventListener('resize', later, { passive: true });
    place();
    return () => {
      removeEventListener('scroll', later);
      removeEventListener('resize', later);
      cancelAnimationFrame(frame);
    };
  }, [rowHeight]);

  const start = Math.min(first, Math.max(0, count - rows));
  const end = Math.min(count, start + rows);
  // The drawn rows say how tall a row is (the spacers are the first and last children); asked
  // after the paint, so the first frame is not held up by a forced layout.
  useEffect(() => {
    const element = body.current;
    const drawn = element ? element.children.length - 2 : 0;
    if (!element || drawn < 1) return;
    const first = element.children[1] as HTMLElement;
    const last = element.children[element.children.length - 2] as HTMLElement;
    const measured = (last.getBoundingClientRect().bottom - first.getBoundingClientRect().top) / drawn;
    if (measured > 8 && Math.abs(measured - rowHeight) > 1) setRowHeight(measured);
  });
  return { start, end, above: start * rowHeight, below: (count - end) * rowHeight, body };
}

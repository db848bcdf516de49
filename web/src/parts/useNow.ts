// The current time for relative labels ("in 4 min"): read at every render, so data that just
// arrived is measured against the time it arrived, and rendered again every `everyMs`.
import { useEffect, useState } from 'preact/hooks';

export function useNow(everyMs = 15_000): number {
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return Date.now();
}

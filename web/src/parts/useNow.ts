// The current time for relative labels ("in 4 min"), renewed every `everyMs`.
import { useEffect, useState } from 'preact/hooks';

export function useNow(everyMs = 15_000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

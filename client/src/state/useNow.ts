import { useEffect, useState } from 'react';

/**
 * This machine's clock, re-rendering the caller every `tickMs`. For displays that age by
 * themselves ("2 s ago", "board is stale") even when no data arrives.
 */
export function useNow(tickMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), tickMs);
    return () => clearInterval(timer);
  }, [tickMs]);
  return now;
}

import { useEffect, useState } from 'react';
import { serverNow } from './proceedings';

/** Four ticks a second keep an m:ss countdown from skipping a second when a tick is late. */
const CLOCK_TICK_MS = 250;

/**
 * The server clock estimate, re-rendering the caller while `running`. Only the small
 * components that show a timer use it, so the video grid is not redrawn on every tick.
 */
export function useServerNow(clockOffsetMs: number, running = true): number {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!running) {
      return;
    }
    const timer = setInterval(() => setTick((n) => n + 1), CLOCK_TICK_MS);
    return () => clearInterval(timer);
  }, [running]);
  return serverNow(clockOffsetMs);
}

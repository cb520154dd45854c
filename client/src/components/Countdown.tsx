import { formatClock } from '../state/proceedings';

interface CountdownProps {
  remainingMs: number;
  testId: string;
  /** Over time is a grace period (amber), not a plain overrun (red). */
  grace?: boolean;
  className?: string;
}

/** A timer in m:ss. Digits run left to right in every language, so it is marked `ltr`. */
export function Countdown({ remainingMs, testId, grace = false, className }: CountdownProps) {
  const over = remainingMs < 0;
  const classes = ['countdown', over ? (grace ? 'countdown--grace' : 'countdown--over') : '', className ?? '']
    .filter(Boolean)
    .join(' ');
  return (
    <span
      className={classes}
      data-testid={testId}
      data-over={over ? 'true' : 'false'}
      data-grace={over && grace ? 'true' : 'false'}
      data-remaining-ms={Math.round(remainingMs)}
      dir="ltr"
    >
      {formatClock(remainingMs)}
    </span>
  );
}

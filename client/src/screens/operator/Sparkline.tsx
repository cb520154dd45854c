import { BITRATE_HISTORY_SAMPLES } from '../../state/health';

const WIDTH = 180;
const HEIGHT = 44;
/** Headroom so the line never touches the edges. */
const PADDING = 2;
/** The scale never shrinks below this, so a near-silent uplink does not look like a full one. */
const MIN_SCALE_BPS = 100_000;

/** The line of the samples, newest at the right edge; a gap where a sample is unknown. */
export function sparklinePath(samples: readonly (number | null)[], slots = BITRATE_HISTORY_SAMPLES): string {
  const known = samples.filter((v): v is number => v !== null);
  const max = Math.max(MIN_SCALE_BPS, ...known);
  const step = WIDTH / Math.max(1, slots - 1);
  const offset = Math.max(0, slots - samples.length);
  let path = '';
  let drawing = false;
  samples.forEach((value, i) => {
    if (value === null) {
      drawing = false;
      return;
    }
    const x = (offset + i) * step;
    const y = HEIGHT - PADDING - (value / max) * (HEIGHT - 2 * PADDING);
    path += `${drawing ? 'L' : 'M'}${x.toFixed(1)} ${y.toFixed(1)} `;
    drawing = true;
  });
  return path.trim();
}

/** Uplink bitrate over the last half minute: inline SVG, the current value stands beside it. */
export function Sparkline({ samples }: { samples: readonly (number | null)[] }) {
  return (
    <svg
      className="sparkline"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      preserveAspectRatio="none"
      aria-hidden="true"
      data-testid="bitrate-sparkline"
      data-samples={samples.length}
    >
      <path
        d={sparklinePath(samples)}
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
        vectorEffect="non-scaling-stroke"
      />
    </svg>
  );
}

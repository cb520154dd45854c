import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { log } from '../logger';

/** Speech peaks at an RMS of about 0.1–0.3; this gain spreads that over the meter. */
const LEVEL_GAIN = 4;
/** How much of the previous level remains each frame: the bar falls smoothly instead of flickering. */
const LEVEL_DECAY = 0.8;
const ANALYSER_FFT_SIZE = 1024;

/**
 * A live level bar for the microphone, read from a WebAudio AnalyserNode. The level is
 * written to the DOM each animation frame (`data-level`, 0..1) rather than through React
 * state, which would re-render sixty times a second.
 */
export function MicLevelMeter({ track }: { track: MediaStreamTrack | null }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = ref.current;
    if (!el) {
      return;
    }
    const show = (level: number) => {
      el.dataset['level'] = level.toFixed(2);
      el.setAttribute('aria-valuenow', level.toFixed(2));
      el.style.setProperty('--level', level.toFixed(3));
    };
    show(0);
    if (!track) {
      return;
    }

    const context = new AudioContext();
    const source = context.createMediaStreamSource(new MediaStream([track]));
    const analyser = context.createAnalyser();
    analyser.fftSize = ANALYSER_FFT_SIZE;
    source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);

    // A context made before any user gesture starts suspended; resume on the first one.
    const resume = () => {
      if (context.state === 'suspended') {
        context.resume().catch((err: unknown) => log.info('audio context is waiting for a gesture', err));
      }
    };
    resume();
    document.addEventListener('pointerdown', resume);
    document.addEventListener('keydown', resume);

    let level = 0;
    let frame = requestAnimationFrame(function tick() {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) {
        sum += s * s;
      }
      const rms = Math.sqrt(sum / samples.length);
      level = Math.max(Math.min(1, rms * LEVEL_GAIN), level * LEVEL_DECAY);
      show(level);
      frame = requestAnimationFrame(tick);
    });

    return () => {
      cancelAnimationFrame(frame);
      document.removeEventListener('pointerdown', resume);
      document.removeEventListener('keydown', resume);
      source.disconnect();
      context.close().catch((err: unknown) => log.info('audio context did not close cleanly', err));
      show(0);
    };
  }, [track]);

  return (
    <div
      ref={ref}
      className="mic-level"
      data-testid="mic-level"
      data-level="0"
      role="meter"
      aria-label={t('join.micLevel')}
      aria-valuemin={0}
      aria-valuemax={1}
    >
      <div className="mic-level__bar" />
    </div>
  );
}

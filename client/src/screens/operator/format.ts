import { useTranslation } from 'react-i18next';
import { isHealthReason } from '../../state/health';

const KILO = 1_000;
const MEGA = 1_000_000;
const MS_PER_SECOND = 1_000;
const SECONDS_PER_MINUTE = 60;
const SECONDS_PER_HOUR = 3_600;
const KB_PER_MB = 1_024;

export interface HealthFormat {
  bitrate: (bitsPerSecond: number | null) => string;
  ms: (value: number | null) => string;
  percent: (value: number | null) => string;
  /** Time since a moment, or "never". */
  ago: (elapsedMs: number | null) => string;
  seconds: (ms: number | null) => string;
  megabytes: (kb: number | null) => string;
}

/** The board's numbers, short and in the UI language; "—" where nothing is known. */
export function useHealthFormat(): HealthFormat {
  const { t } = useTranslation();
  const unknown = t('health.unknown');
  return {
    bitrate: (bps) => {
      if (bps === null) {
        return unknown;
      }
      if (bps >= MEGA) {
        return t('health.units.mbps', { value: (bps / MEGA).toFixed(bps >= 10 * MEGA ? 0 : 1) });
      }
      if (bps >= KILO) {
        return t('health.units.kbps', { value: Math.round(bps / KILO) });
      }
      return t('health.units.bps', { value: Math.round(bps) });
    },
    // Below 10 ms a tenth still tells something (a Redis round trip, a LAN site).
    ms: (value) =>
      value === null ? unknown : t('health.units.ms', { value: value < 10 ? value.toFixed(1) : Math.round(value) }),
    percent: (value) => (value === null ? unknown : t('health.units.percent', { value: value.toFixed(1) })),
    ago: (elapsedMs) => {
      if (elapsedMs === null) {
        return t('health.ago.never');
      }
      const seconds = Math.max(0, Math.floor(elapsedMs / MS_PER_SECOND));
      if (seconds < SECONDS_PER_MINUTE) {
        return t('health.ago.seconds', { count: seconds });
      }
      if (seconds < SECONDS_PER_HOUR) {
        return t('health.ago.minutes', { count: Math.floor(seconds / SECONDS_PER_MINUTE) });
      }
      return t('health.ago.hours', { count: Math.floor(seconds / SECONDS_PER_HOUR) });
    },
    seconds: (ms) => (ms === null ? unknown : t('health.units.seconds', { value: (ms / MS_PER_SECOND).toFixed(1) })),
    megabytes: (kb) => (kb === null ? unknown : t('health.units.megabytes', { value: Math.round(kb / KB_PER_MB) })),
  };
}

/** Time of day of a server timestamp, on this machine's clock. */
export function useTimeOfDay(clockOffsetMs: number): (at: number) => string {
  const { i18n } = useTranslation();
  const format = new Intl.DateTimeFormat(i18n.language, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return (at) => format.format(new Date(at - clockOffsetMs));
}

/** The reasons of a status, translated where known. */
export function useReasons(): (reasons: readonly string[]) => string {
  const { t } = useTranslation();
  return (reasons) => reasons.map((r) => (isHealthReason(r) ? t(`health.reasons.${r}`) : r)).join(' · ');
}

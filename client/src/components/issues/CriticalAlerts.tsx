import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Issue, IssueId } from '@concord/shared';
import {
  NO_ALERTS,
  isHighlighted,
  nextCriticalAlerts,
  openedCritical,
  type CriticalAlerts,
} from '../../state/criticalAlerts';
import { Switch } from '../Switch';

// New critical issues for those who answer them (a commander, the chair): a short chime when
// one arrives (it can be turned off, and the choice is kept in this browser) and a highlight
// on its card until it is opened here or acknowledged.

const SOUND_KEY = 'concord.criticalSound';

interface AlertsApi {
  highlighted(issue: Issue): boolean;
  opened(issueId: string): void;
  sound: boolean;
  setSound(on: boolean): void;
}

const AlertsContext = createContext<AlertsApi | null>(null);

/** Two short tones through Web Audio: no file to load, nothing if the page may not play sound yet. */
function chime(): void {
  const AudioCtx = window.AudioContext as typeof AudioContext | undefined;
  if (AudioCtx === undefined) {
    return;
  }
  const ctx = new AudioCtx();
  const tone = (frequency: number, start: number) => {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, ctx.currentTime + start);
    gain.gain.exponentialRampToValueAtTime(0.25, ctx.currentTime + start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + start + 0.18);
    osc.connect(gain).connect(ctx.destination);
    osc.start(ctx.currentTime + start);
    osc.stop(ctx.currentTime + start + 0.2);
  };
  tone(880, 0);
  tone(1320, 0.22);
  window.setTimeout(() => void ctx.close(), 800);
}

export function CriticalAlertsProvider({
  active,
  issues,
  children,
}: {
  /** Whether this participant answers issues (commander or chair). */
  active: boolean;
  issues: ReadonlyMap<IssueId, Issue>;
  children: ReactNode;
}) {
  const [state, setState] = useState<CriticalAlerts>(NO_ALERTS);
  const [sound, setSoundState] = useState(() => window.localStorage.getItem(SOUND_KEY) !== 'off');
  // The latest of each, for the effect that runs when the issues change.
  const current = useRef({ state, sound, first: true });
  current.current.sound = sound;
  useEffect(() => {
    if (!active) {
      return;
    }
    const now = current.current;
    const next = nextCriticalAlerts(now.state, issues.values(), now.first);
    now.first = false;
    if (next.state !== now.state) {
      now.state = next.state;
      setState(next.state);
    }
    if (next.arrived.length > 0 && now.sound) {
      chime();
    }
  }, [active, issues]);
  const opened = useCallback((issueId: string) => {
    const next = openedCritical(current.current.state, issueId);
    current.current.state = next;
    setState(next);
  }, []);
  const setSound = useCallback((on: boolean) => {
    window.localStorage.setItem(SOUND_KEY, on ? 'on' : 'off');
    setSoundState(on);
  }, []);
  const api = useMemo<AlertsApi>(
    () => ({ highlighted: (issue) => active && isHighlighted(state, issue), opened, sound, setSound }),
    [active, state, opened, sound, setSound],
  );
  return <AlertsContext.Provider value={api}>{children}</AlertsContext.Provider>;
}

export function useCriticalAlerts(): AlertsApi | null {
  return useContext(AlertsContext);
}

/** The switch for the chime, beside the queue of those who hear it. */
export function CriticalSoundSwitch() {
  const { t } = useTranslation();
  const alerts = useCriticalAlerts();
  if (alerts === null) {
    return null;
  }
  return (
    <Switch
      testId="critical-sound"
      checked={alerts.sound}
      onChange={(on) => alerts.setSound(on)}
      label={t('issues.criticalSound')}
    />
  );
}

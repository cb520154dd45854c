import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAction } from '../state/controllerContext';
import { holdsFloor, serverNow, speakerRemainingMs, type ProceedingsView } from '../state/proceedings';
import { useServerNow } from '../state/useServerNow';
import { Countdown } from './Countdown';
import { CloseIcon } from './Icons';

/** How long after a cut-off the person cut off still sees why. */
const CUT_OFF_NOTICE_MS = 20_000;

/** The clear sign that this participant (or its site) has the floor, with the countdown. */
export function YouHaveFloorBanner({ view }: { view: ProceedingsView }) {
  const { t } = useTranslation();
  const { act, pending } = useAction();
  const speaker = view.proceedings.speaker;
  const mine = holdsFloor(view.proceedings, view.self);
  const now = useServerNow(view.clockOffsetMs, mine);
  if (!speaker || !mine) {
    return null;
  }
  const remaining = speakerRemainingMs(speaker, now);
  const forSite = speaker.request.forSite && speaker.request.participantId !== view.self.id;
  return (
    <div
      className={remaining < 0 ? 'floor-banner floor-banner--grace' : 'floor-banner'}
      data-testid="you-have-floor"
      data-request-id={speaker.request.id}
      role="status"
      aria-live="polite"
    >
      <strong>{forSite ? t('floor.yourSiteHas') : t('floor.youHave')}</strong>
      <span className="floor-banner__timer">
        <span className="visually-hidden">{t('floor.timeLeft')}</span>
        <Countdown remainingMs={remaining} testId="you-have-floor-remaining" grace />
      </span>
      <button
        type="button"
        className="button button--small"
        data-testid="banner-yield-floor"
        disabled={pending}
        onClick={() => void act('floor:yield', {})}
      >
        {t('floor.yield')}
      </button>
    </div>
  );
}

/** "Your time is up": after the server cut this participant off, until dismissed or stale. */
export function CutOffBanner({ view, timeUpAt }: { view: ProceedingsView; timeUpAt: number | null }) {
  const { t } = useTranslation();
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  const { lastCutOff } = view.proceedings;
  const times = [lastCutOff?.participantId === view.self.id ? lastCutOff.at : null, timeUpAt].filter(
    (x): x is number => x !== null,
  );
  const at = times.length > 0 ? Math.max(...times) : null;
  const fresh = at !== null && serverNow(view.clockOffsetMs) - at < CUT_OFF_NOTICE_MS;
  // Ticks only while the banner could be up, so it goes away by itself.
  useServerNow(view.clockOffsetMs, fresh);
  if (at === null || !fresh || at === dismissedAt || holdsFloor(view.proceedings, view.self)) {
    return null;
  }
  return (
    <div className="floor-banner floor-banner--cut-off" data-testid="cut-off" role="alert">
      <strong>{t('floor.cutOff')}</strong>
      <button
        type="button"
        className="icon-button"
        data-testid="cut-off-dismiss"
        aria-label={t('notice.dismiss')}
        onClick={() => setDismissedAt(at)}
      >
        <CloseIcon />
      </button>
    </div>
  );
}

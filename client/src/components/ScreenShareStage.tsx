import { useTranslation } from 'react-i18next';
import type { ScreenShareModel } from '../state/tiles';
import { VideoView } from './MediaViews';

export function ScreenShareStage({ shares }: { shares: ScreenShareModel[] }) {
  const { t } = useTranslation();
  return (
    <section className="screens" data-count={shares.length}>
      {shares.map((share) => {
        const site = share.siteName ?? t(`desks.${share.participant.role}`);
        return (
          <figure
            key={share.key}
            className="screen-share"
            data-testid="screen-share"
            data-participant-id={share.participant.id}
            data-self={share.isSelf ? 'true' : 'false'}
          >
            <VideoView track={share.track} testId="screen-video" participantId={share.participant.id} />
            <figcaption className="screen-share__label">
              {share.isSelf ? t('screen.yours') : t('screen.label', { site, name: share.participant.displayName })}
            </figcaption>
          </figure>
        );
      })}
    </section>
  );
}

import { useTranslation } from 'react-i18next';
import { MEDIA_MODES, type MediaMode } from '@concord/shared';
import { useAction } from '../../state/controllerContext';

/** Full / Low / Audio only for one site: the operator's lever on a weak link. */
export function MediaModeButtons({ siteId, mode }: { siteId: string; mode: MediaMode }) {
  const { t } = useTranslation();
  const { act, pending } = useAction();
  return (
    <div className="mode-buttons" role="group" aria-label={t('health.mode.label')}>
      {MEDIA_MODES.map((m) => (
        <button
          key={m}
          type="button"
          className={m === mode ? 'mode-buttons__button mode-buttons__button--on' : 'mode-buttons__button'}
          data-testid={`media-mode-${m}`}
          data-mode={m}
          aria-pressed={m === mode}
          disabled={pending}
          onClick={() => void act('health:setMediaMode', { siteId, mode: m })}
        >
          {t(`health.mode.${m}`)}
        </button>
      ))}
    </div>
  );
}

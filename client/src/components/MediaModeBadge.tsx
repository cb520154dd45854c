import { useTranslation } from 'react-i18next';
import type { MediaModeState } from '../state/viewState';

/** Our site's media mode in the header: full video, low video or audio only. */
export function MediaModeBadge({ mediaMode }: { mediaMode: MediaModeState }) {
  const { t } = useTranslation();
  return (
    <span
      className={`chip media-mode-badge media-mode-badge--${mediaMode.mode}`}
      data-testid="media-mode"
      data-mode={mediaMode.mode}
      data-by={mediaMode.by ?? ''}
    >
      {t(`mediaMode.badge.${mediaMode.mode}`)}
    </span>
  );
}

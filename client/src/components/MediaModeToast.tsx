import { useTranslation } from 'react-i18next';
import type { MediaModeNotice } from '../state/viewState';
import { CameraIcon, CameraOffIcon } from './Icons';
import { Toast } from './Toast';

/** Tells a site that its video was moved down (or back up), by the operator or automatically. */
export function MediaModeToast({
  notice,
  onDismiss,
}: {
  notice: MediaModeNotice | null;
  onDismiss: (id: number) => void;
}) {
  const { t } = useTranslation();
  if (!notice) {
    return null;
  }
  return (
    <Toast
      id={notice.id}
      onDismiss={onDismiss}
      className="toast toast--info"
      role="status"
      testId="media-mode-notice"
      data={{ mode: notice.mode, by: notice.by }}
    >
      {notice.mode === 'audio-only' ? <CameraOffIcon /> : <CameraIcon />}
      <span>{t(`mediaMode.notice.${notice.by}.${notice.mode}`)}</span>
    </Toast>
  );
}

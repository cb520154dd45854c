import { useTranslation } from 'react-i18next';
import type { ModerationNotice } from '../state/viewState';
import { MicOffIcon } from './Icons';
import { Toast } from './Toast';

/** Tells a participant that the server turned their microphone off, and why. */
export function ModerationToast({
  notice,
  onDismiss,
}: {
  notice: ModerationNotice | null;
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
      testId="muted-notice"
      data={{ reason: notice.reason }}
    >
      <MicOffIcon />
      <span>{t(`moderation.${notice.reason}`)}</span>
    </Toast>
  );
}

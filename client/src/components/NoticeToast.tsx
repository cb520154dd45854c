import { useTranslation } from 'react-i18next';
import type { Notice } from '../state/viewState';
import { Toast } from './Toast';

export function NoticeToast({ notice, onDismiss }: { notice: Notice | null; onDismiss: (id: number) => void }) {
  const { t } = useTranslation();
  if (!notice) {
    return null;
  }
  return (
    <Toast
      id={notice.id}
      onDismiss={onDismiss}
      className="toast"
      role="alert"
      testId="error-notice"
      data={{ code: notice.code }}
    >
      <span>{t(`errors.${notice.code}`)}</span>
    </Toast>
  );
}

import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { Notice } from '../state/sessionState';
import { CloseIcon } from './Icons';

/** Long enough to read two sentences. */
const NOTICE_DURATION_MS = 8_000;

export function NoticeToast({ notice, onDismiss }: { notice: Notice | null; onDismiss: (id: number) => void }) {
  const { t } = useTranslation();

  useEffect(() => {
    if (!notice) {
      return;
    }
    const timer = setTimeout(() => onDismiss(notice.id), NOTICE_DURATION_MS);
    return () => clearTimeout(timer);
  }, [notice, onDismiss]);

  if (!notice) {
    return null;
  }
  return (
    <div className="toast" role="alert" data-testid="error-notice" data-code={notice.code}>
      <span>{t(`errors.${notice.code}`)}</span>
      <button
        type="button"
        className="icon-button"
        onClick={() => onDismiss(notice.id)}
        aria-label={t('notice.dismiss')}
      >
        <CloseIcon />
      </button>
    </div>
  );
}

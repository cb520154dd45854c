import { useTranslation } from 'react-i18next';
import type { AlarmNotice } from '../state/viewState';
import { AlertIcon } from './Icons';
import { Toast } from './Toast';

/**
 * Tells the chair, once, that a site went down, before anyone there says so. Only for down:
 * the site's chip in the header shows every change of state, degraded included, without
 * interrupting; this notice is for the one change the chair must act on.
 */
export function AlarmToast({ notice, onDismiss }: { notice: AlarmNotice | null; onDismiss: (id: number) => void }) {
  const { t } = useTranslation();
  if (!notice || notice.alarm.level !== 'down') {
    return null;
  }
  const { alarm } = notice;
  return (
    <Toast
      id={notice.id}
      onDismiss={onDismiss}
      className={`toast toast--alarm-${alarm.level}`}
      role="alert"
      testId="alarm-toast"
      data={{ 'site-id': alarm.siteId, level: alarm.level }}
    >
      <AlertIcon />
      <span>{t('health.alarmToast.down', { site: alarm.siteName })}</span>
    </Toast>
  );
}

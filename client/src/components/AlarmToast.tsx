import { useTranslation } from 'react-i18next';
import type { AlarmNotice } from '../state/viewState';
import { AlertIcon } from './Icons';
import { Toast } from './Toast';

/** Tells the chair that a site went down or degraded, before anyone there says so. */
export function AlarmToast({ notice, onDismiss }: { notice: AlarmNotice | null; onDismiss: (id: number) => void }) {
  const { t } = useTranslation();
  if (!notice) {
    return null;
  }
  const { alarm } = notice;
  return (
    <Toast
      id={notice.id}
      onDismiss={onDismiss}
      className={`toast toast--top toast--alarm-${alarm.level}`}
      role="alert"
      testId="alarm-toast"
      data={{ 'site-id': alarm.siteId, level: alarm.level }}
    >
      <AlertIcon />
      <span>{t(`health.alarmToast.${alarm.level}`, { site: alarm.siteName })}</span>
    </Toast>
  );
}

import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { CloseIcon } from './Icons';

/** Long enough to read two sentences. */
const TOAST_DURATION_MS = 8_000;

/** A dismissible notice that goes away by itself. */
export function Toast({
  id,
  onDismiss,
  className,
  role,
  testId,
  data,
  children,
}: {
  id: number;
  onDismiss: (id: number) => void;
  className: string;
  role: 'status' | 'alert';
  testId: string;
  data: Record<string, string>;
  children: ReactNode;
}) {
  const { t } = useTranslation();

  useEffect(() => {
    const timer = setTimeout(() => onDismiss(id), TOAST_DURATION_MS);
    return () => clearTimeout(timer);
  }, [id, onDismiss]);

  const dataAttributes = Object.fromEntries(Object.entries(data).map(([k, v]) => [`data-${k}`, v]));
  return (
    <div className={className} role={role} data-testid={testId} {...dataAttributes}>
      {children}
      <button type="button" className="icon-button" onClick={() => onDismiss(id)} aria-label={t('notice.dismiss')}>
        <CloseIcon />
      </button>
    </div>
  );
}

import { useTranslation } from 'react-i18next';
import type { AppErrorCode } from '../state/errors';

/** A translated error, with the code kept in the DOM for support and tests. */
export function ErrorMessage({ code, testId = 'error-message' }: { code: AppErrorCode; testId?: string }) {
  const { t } = useTranslation();
  return (
    <p className="error-message" role="alert" data-testid={testId} data-code={code}>
      {t(`errors.${code}`)}
    </p>
  );
}

import { useTranslation } from 'react-i18next';
import type { ConnectionStatus } from '../state/viewState';

/** Shown while the socket is down; the element stays in the page so its state can be read. */
export function ConnectionBanner({ connection }: { connection: ConnectionStatus }) {
  const { t } = useTranslation();
  const reconnecting = connection === 'reconnecting';
  return (
    <div
      className="connection-banner"
      data-testid="connection-banner"
      data-state={connection}
      role="status"
      aria-live="polite"
      hidden={!reconnecting}
    >
      {reconnecting && (
        <>
          <span className="spinner" aria-hidden="true" />
          <strong>{t('connection.reconnecting')}</strong>
          <span className="connection-banner__detail">{t('connection.bannerDetail')}</span>
        </>
      )}
    </div>
  );
}

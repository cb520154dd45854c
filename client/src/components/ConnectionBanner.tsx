import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConnectionStatus } from '../state/viewState';

/** After this long the banner says the page goes on trying, and what the site can check. */
const LONG_OUTAGE_MS = 60_000;
const TICK_MS = 1_000;

/**
 * Shown while the socket is down, with how long the page has been trying; the element stays
 * in the page so its state can be read.
 */
export function ConnectionBanner({ connection, since }: { connection: ConnectionStatus; since: number | null }) {
  const { t } = useTranslation();
  const reconnecting = connection === 'reconnecting';
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!reconnecting) {
      return;
    }
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, [reconnecting]);
  const elapsedMs = reconnecting && since !== null ? Math.max(0, now - since) : 0;
  const long = elapsedMs >= LONG_OUTAGE_MS;
  return (
    <div
      className="connection-banner"
      data-testid="connection-banner"
      data-state={connection}
      data-long={long}
      role="status"
      aria-live="polite"
      hidden={!reconnecting}
    >
      {reconnecting && (
        <>
          <span className="spinner" aria-hidden="true" />
          <strong>{t('connection.reconnecting')}</strong>
          <span className="connection-banner__detail">
            {long ? t('connection.longDetail') : t('connection.bannerDetail')}{' '}
            {t('connection.elapsed', { seconds: Math.floor(elapsedMs / 1000) })}
          </span>
        </>
      )}
    </div>
  );
}

import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { placeNodes } from '@concord/shared';
import { AppTopbar } from '../components/AppTopbar';
import { instanceIdFor, type Invite } from '../state/invite';
import { devicesStillAllowed, type Rejoin } from '../state/rejoin';
import type { JoinOptions } from '../state/SessionController';
import { useSessionInfo } from '../state/useSessionInfo';

interface RejoinScreenProps {
  invite: Invite;
  rejoin: Rejoin;
  onJoin: (options: JoinOptions) => void;
  /** The device check instead: the devices need asking again, or the user wants it. */
  onCheckDevices: () => void;
}

/**
 * After a reload inside a session: "Rejoining…" and straight back in with the same devices,
 * without the device check, when the browser still allows them.
 */
export function RejoinScreen({ invite, rejoin, onJoin, onCheckDevices }: RejoinScreenProps) {
  const { t } = useTranslation();
  const info = useSessionInfo(invite.token);
  useEffect(() => {
    if (info.status === 'error') {
      onCheckDevices();
      return;
    }
    if (info.status !== 'ready') {
      return;
    }
    let cancelled = false;
    void devicesStillAllowed(rejoin).then((allowed) => {
      if (cancelled) {
        return;
      }
      if (!allowed) {
        onCheckDevices();
        return;
      }
      onJoin({
        token: invite.token,
        placement: {
          servers: placeNodes(info.info.nodes, info.info.invite.region, window.location.origin),
          region: info.info.invite.region,
          pageOrigin: window.location.origin,
        },
        instanceId: instanceIdFor(invite),
        ...rejoin,
        // The session opens them itself, with the devices chosen before.
        tracks: { mic: null, camera: null },
      });
    });
    return () => {
      cancelled = true;
    };
  }, [info, invite, rejoin, onJoin, onCheckDevices]);

  return (
    <div className="page" data-testid="rejoin-screen">
      <AppTopbar />
      <main className="center-screen">
        <section className="card" role="status">
          <h1>
            <span className="spinner" aria-hidden="true" /> {t('join.rejoining')}
          </h1>
          <p className="muted">{t('join.rejoiningHint')}</p>
          <button
            type="button"
            className="button button--quiet"
            data-testid="rejoin-check-devices"
            onClick={onCheckDevices}
          >
            {t('join.checkDevicesInstead')}
          </button>
        </section>
      </main>
    </div>
  );
}

import { useCallback, useEffect, useState } from 'react';
import { assertUnreachable } from './assert';
import { JoinScreen } from './screens/JoinScreen';
import { RejoinScreen } from './screens/RejoinScreen';
import { NoInviteScreen } from './screens/NoInviteScreen';
import { SessionScreen } from './screens/SessionScreen';
import { readInvite, type Invite } from './state/invite';
import { forgetJoin, pendingRejoin, rememberJoin, type Rejoin } from './state/rejoin';
import { SessionController, type JoinOptions } from './state/SessionController';
import { setActiveController } from './testHook';

type View =
  | { kind: 'join' }
  | { kind: 'rejoining'; rejoin: Rejoin }
  | { kind: 'session'; controller: SessionController; options: JoinOptions };

/** Phases after which a reload does not go back in by itself. */
const OVER: readonly string[] = ['left', 'kicked', 'failed'];

export function App({ initialInvite }: { initialInvite: Invite | null }) {
  const [invite, setInvite] = useState(initialInvite);
  const [view, setView] = useState<View>(() => {
    const rejoin = initialInvite === null ? null : pendingRejoin(initialInvite);
    return rejoin === null ? { kind: 'join' } : { kind: 'rejoining', rejoin };
  });

  // An invite link opened in a tab that already shows Concord changes only the fragment,
  // which does not reload the page.
  const joining = view.kind === 'join';
  useEffect(() => {
    if (!joining) {
      return;
    }
    const onHashChange = () => {
      const next = readInvite();
      if (next) {
        setInvite((current) => (current?.token === next.token ? current : next));
      }
    };
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, [joining]);

  // The controller is made in the click handler, not in an effect: its life is the
  // participation, not a component's mount (and StrictMode's double effects stay harmless).
  const startSession = useCallback(
    (options: JoinOptions) => {
      const controller = new SessionController(options);
      setActiveController(controller);
      if (invite !== null) {
        // A reload from now on goes back in; the end of this participation forgets it.
        const { displayName, micEnabled, cameraEnabled, micDeviceId, cameraDeviceId } = options;
        rememberJoin(invite, { displayName, micEnabled, cameraEnabled, micDeviceId, cameraDeviceId });
        const stop = controller.store.subscribe(() => {
          if (OVER.includes(controller.store.get().phase)) {
            forgetJoin(invite);
            stop();
          }
        });
      }
      controller.start();
      setView({ kind: 'session', controller, options });
    },
    [invite],
  );
  const checkDevices = useCallback(() => setView({ kind: 'join' }), []);

  if (!invite) {
    return <NoInviteScreen />;
  }
  switch (view.kind) {
    case 'join':
      return <JoinScreen key={invite.token} invite={invite} onJoin={startSession} />;
    case 'rejoining':
      return <RejoinScreen invite={invite} rejoin={view.rejoin} onJoin={startSession} onCheckDevices={checkDevices} />;
    case 'session':
      return (
        <SessionScreen
          controller={view.controller}
          onRejoin={() => startSession({ ...view.options, tracks: { mic: null, camera: null } })}
          onBack={() => {
            view.controller.dispose();
            setActiveController(null);
            setView({ kind: 'join' });
          }}
        />
      );
    default:
      return assertUnreachable(view);
  }
}

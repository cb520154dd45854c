import { useCallback, useEffect, useState } from 'react';
import { assertUnreachable } from './assert';
import { JoinScreen } from './screens/JoinScreen';
import { NoInviteScreen } from './screens/NoInviteScreen';
import { SessionScreen } from './screens/SessionScreen';
import { readInvite, type Invite } from './state/invite';
import { SessionController, type JoinOptions } from './state/SessionController';
import { setActiveController } from './testHook';

type View = { kind: 'join' } | { kind: 'session'; controller: SessionController; options: JoinOptions };

export function App({ initialInvite }: { initialInvite: Invite | null }) {
  const [invite, setInvite] = useState(initialInvite);
  const [view, setView] = useState<View>({ kind: 'join' });

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
  const startSession = useCallback((options: JoinOptions) => {
    const controller = new SessionController(options);
    setActiveController(controller);
    controller.start();
    setView({ kind: 'session', controller, options });
  }, []);

  if (!invite) {
    return <NoInviteScreen />;
  }
  switch (view.kind) {
    case 'join':
      return <JoinScreen key={invite.token} invite={invite} onJoin={startSession} />;
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

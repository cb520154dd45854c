import { useState } from 'react';
import { Switch } from '../../components/Switch';
import type { ActOutcome } from '../../state/context';

interface ServerSwitchProps {
  testId: string;
  /** The value the server holds. */
  value: boolean;
  label: string;
  /** Asks the server for the new value. */
  onChange: (value: boolean) => Promise<ActOutcome<unknown>>;
}

/**
 * A switch for a setting the server holds. While the request is in flight it shows what was
 * asked for, so it does not spring back until the broadcast arrives; afterwards it follows
 * the server again (which also puts it back if the request failed).
 */
export function ServerSwitch({ testId, value, label, onChange }: ServerSwitchProps) {
  const [asked, setAsked] = useState<boolean | null>(null);
  return (
    <Switch
      testId={testId}
      checked={asked ?? value}
      disabled={asked !== null}
      label={label}
      onChange={(next) => {
        setAsked(next);
        void onChange(next).then(() => setAsked(null));
      }}
    />
  );
}

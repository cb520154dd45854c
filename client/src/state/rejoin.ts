import { z } from 'zod';
import { storageGet, storageRemove, storageSet, type Invite } from './invite';

// A reload in the middle of a session goes straight back in: the tab remembers (per tab, in
// sessionStorage) that it was in and with which devices, and skips the device check when the
// browser still allows them. Leaving, being removed or replaced, or a failure forgets it.

const KEY_PREFIX = 'concord.rejoin.';

const RejoinSchema = z.object({
  displayName: z.string().min(1),
  micEnabled: z.boolean(),
  cameraEnabled: z.boolean(),
  micDeviceId: z.string().nullable(),
  cameraDeviceId: z.string().nullable(),
});
export type Rejoin = z.infer<typeof RejoinSchema>;

const keyOf = (invite: Invite) => KEY_PREFIX + (invite.subject ?? 'invite');

export function rememberJoin(invite: Invite, rejoin: Rejoin): void {
  storageSet(keyOf(invite), JSON.stringify(rejoin));
}

export function forgetJoin(invite: Invite): void {
  storageRemove(keyOf(invite));
}

/** What this tab joined with before a reload, or null. */
export function pendingRejoin(invite: Invite): Rejoin | null {
  const raw = storageGet(keyOf(invite));
  if (raw === null) {
    return null;
  }
  try {
    const parsed = RejoinSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Whether the devices the rejoin would open are allowed without asking (no prompt, no check needed). */
export async function devicesStillAllowed(rejoin: Rejoin): Promise<boolean> {
  const wanted = [
    ...(rejoin.cameraEnabled ? ['camera'] : []),
    ...(rejoin.micEnabled ? ['microphone'] : []),
  ] as PermissionName[];
  if (wanted.length === 0) {
    return true;
  }
  if (navigator.permissions === undefined) {
    return false;
  }
  try {
    const states = await Promise.all(wanted.map((name) => navigator.permissions.query({ name })));
    return states.every((s) => s.state === 'granted');
  } catch {
    // A browser that cannot tell: the device check asks as usual.
    return false;
  }
}

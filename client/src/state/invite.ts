import { z } from 'zod';
import { log } from '../logger';

// The invite link is `/join#token=<JWT>`. The fragment never reaches a server log; the
// token is then kept in sessionStorage (per tab) so that a reload still works, and taken
// out of the address bar so that it is not shared by a screen share or a copied URL.

const TOKEN_STORAGE_KEY = 'concord.token';
const INSTANCE_KEY_PREFIX = 'concord.instance.';
const INSTANCE_ID_BYTES = 16;
const INSTANCE_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

export interface Invite {
  token: string;
  /** The token's `sub` claim, when it can be read; it names the tab's place in the session. */
  subject: string | null;
}

export function readInvite(): Invite | null {
  const fromHash = new URLSearchParams(window.location.hash.slice(1)).get('token');
  if (fromHash) {
    storageSet(TOKEN_STORAGE_KEY, fromHash);
    window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
  }
  const token = fromHash ?? storageGet(TOKEN_STORAGE_KEY);
  if (!token) {
    return null;
  }
  return { token, subject: readSubject(token) };
}

/**
 * The id this tab joins with. It survives a reload and a reconnect, so the server gives the
 * tab its own place back, while a second tab on the same link gets a place of its own.
 */
export function instanceIdFor(invite: Invite): string {
  const key = INSTANCE_KEY_PREFIX + (invite.subject ?? 'invite');
  const stored = storageGet(key);
  if (stored && INSTANCE_ID_PATTERN.test(stored)) {
    return stored;
  }
  const bytes = crypto.getRandomValues(new Uint8Array(INSTANCE_ID_BYTES));
  const id = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  storageSet(key, id);
  return id;
}

// Only `sub` is read here; the server checks the signature and every other claim.
const SubjectClaimSchema = z.object({ sub: z.string().min(1) });

function readSubject(token: string): string | null {
  const payload = token.split('.')[1];
  if (!payload) {
    return null;
  }
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const json: unknown = JSON.parse(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '=')));
    const parsed = SubjectClaimSchema.safeParse(json);
    return parsed.success ? parsed.data.sub : null;
  } catch {
    return null;
  }
}

// sessionStorage throws in some privacy modes; the app then works without reload support.
export function storageGet(key: string): string | null {
  try {
    return window.sessionStorage.getItem(key);
  } catch (err) {
    log.warn('sessionStorage is not available', err);
    return null;
  }
}

export function storageRemove(key: string): void {
  try {
    window.sessionStorage.removeItem(key);
  } catch (err) {
    log.warn('sessionStorage is not available', err);
  }
}

export function storageSet(key: string, value: string): void {
  try {
    window.sessionStorage.setItem(key, value);
  } catch (err) {
    log.warn('sessionStorage is not available', err);
  }
}

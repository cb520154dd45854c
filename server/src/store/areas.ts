import type { SessionId, SessionState } from '@concord/shared';

// A session's state lives in Redis as one key per area: a JSON document, or a hash of JSON
// values for the areas that are maps (participants, issues, …). An append writes only the
// areas its entries changed, found by reference: the reducer returns new objects for what
// it changed and the same objects for what it did not.

type Area = keyof SessionState;
type MapArea = {
  [K in Area]: SessionState[K] extends Record<string, unknown>
    ? SessionState[K] extends unknown[]
      ? never
      : K
    : never;
}[Area];

const DOCS = ['session', 'proceedings', 'issueSettings', 'alarmLog', 'autoPolicy'] as const satisfies readonly Area[];
const MAPS = [
  'participants',
  'presence',
  'subjects',
  'lobby',
  'admitted',
  'removed',
  'issues',
  'issueKeys',
  'alarms',
  'mediaModes',
] as const satisfies readonly MapArea[];

// Every area is stored, exactly once: the compiler refuses a new area left out here.
type Missing = Exclude<Area, (typeof DOCS)[number] | (typeof MAPS)[number]>;
const everyAreaStored: Missing extends never ? true : never = true;
void everyAreaStored;

export const AREAS = [
  ...DOCS.map((name) => ({ name, kind: 'doc' as const })),
  ...MAPS.map((name) => ({ name, kind: 'map' as const })),
];

const KEBAB: Record<Area, string> = {
  session: 'session',
  proceedings: 'proceedings',
  issueSettings: 'issue-settings',
  alarmLog: 'alarm-log',
  autoPolicy: 'auto-policy',
  participants: 'participants',
  presence: 'presence',
  subjects: 'subjects',
  lobby: 'lobby',
  admitted: 'admitted',
  removed: 'removed',
  issues: 'issues',
  issueKeys: 'issue-keys',
  alarms: 'alarms',
  mediaModes: 'media-modes',
};

/** All keys of a session share the hash tag {sessionId}: one Lua script may touch them together. */
export const areaKey = (sid: SessionId, area: Area): string => `concord:session:{${sid}}:state:${KEBAB[area]}`;

/** One write of an append: a whole document, or one field of a map set or deleted. */
export type StateOp =
  | { op: 'set'; area: Area; value: string }
  | { op: 'hset'; area: Area; field: string; value: string }
  | { op: 'hdel'; area: Area; field: string }
  | { op: 'del'; area: Area };

/** The writes that turn `before` into `after` (null before: a new session, every area written). */
export function diffState(before: SessionState | null, after: SessionState): StateOp[] {
  const ops: StateOp[] = [];
  for (const area of DOCS) {
    if (before === null || before[area] !== after[area]) {
      ops.push({ op: 'set', area, value: JSON.stringify(after[area]) });
    }
  }
  for (const area of MAPS) {
    const was: Record<string, unknown> = before === null ? {} : before[area];
    const now: Record<string, unknown> = after[area];
    if (before === null) {
      ops.push({ op: 'del', area });
    } else if (was === now) {
      continue;
    }
    for (const [field, value] of Object.entries(now)) {
      if (was[field] !== value) {
        ops.push({ op: 'hset', area, field, value: JSON.stringify(value) });
      }
    }
    for (const field of Object.keys(was)) {
      if (!(field in now)) {
        ops.push({ op: 'hdel', area, field });
      }
    }
  }
  return ops;
}

/** Reassembles the state from what `load` read: documents as JSON, maps as field → JSON. */
export function stateFromAreas(raw: Partial<Record<Area, string | Record<string, string> | null>>): unknown {
  const out: Record<string, unknown> = {};
  for (const { name, kind } of AREAS) {
    const value = raw[name];
    if (kind === 'doc') {
      out[name] = typeof value === 'string' ? (JSON.parse(value) as unknown) : undefined;
    } else {
      const fields = typeof value === 'object' && value !== null ? value : {};
      out[name] = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, JSON.parse(v) as unknown]));
    }
  }
  return out;
}

import { IssueIdSchema, ParticipantIdSchema, SessionIdSchema, SiteIdSchema, type SiteId } from './ids.js';
import type { Participant, Session } from './domain.js';
import type { Issue } from './issues.js';
import type { LogActor, LogChange, LogEntryBody } from './log.js';

// Fixtures for the unit tests of every package: a two-site session, its people and a log
// written as the server writes one. Not exported from the package index: tests import it.

export const T0 = 1_900_000_000_000;
export const daraa = SiteIdSchema.parse('daraa');
export const homs = SiteIdSchema.parse('homs');

export const sessionFixture: Session = {
  id: SessionIdSchema.parse('s1'),
  title: 'Joint session',
  status: 'open',
  sites: [
    { id: daraa, name: 'Daraa' },
    { id: homs, name: 'Homs' },
  ],
  locked: false,
  lobby: false,
  createdAt: T0,
};

export const person = (id: string, siteId: SiteId | null, role: Participant['role'] = 'member'): Participant => ({
  id: ParticipantIdSchema.parse(id),
  sessionId: sessionFixture.id,
  siteId,
  displayName: id,
  role,
  connection: 'connected',
  joinedAt: T0,
});

/** A log written as the server would: numbered from `firstSeq`, one second apart. */
export const logOf = (changes: LogChange[], actor: LogActor = { kind: 'admin' }, firstSeq = 1): LogEntryBody[] =>
  changes.map((c, i) => ({ ...c, seq: firstSeq + i, at: T0 + (firstSeq + i - 1) * 1000, actor }));

/** A critical issue Homs raised at `raisedAt`, waiting for its acknowledgement; `overrides` change it. */
export const issueFixture = (overrides: Partial<Issue> = {}, raisedAt = 1_000_000): Issue => ({
  id: IssueIdSchema.parse('iss_1'),
  title: 'Water pumping station out of fuel',
  details: '',
  category: 'services',
  urgency: 'critical',
  status: 'raised',
  siteId: homs,
  raisedBy: { participantId: ParticipantIdSchema.parse('p1'), displayName: 'Amal', role: 'member', siteId: homs },
  supporters: [],
  assignee: null,
  agendaItemId: null,
  pinned: false,
  raisedAt,
  acknowledgedAt: null,
  decidedAt: null,
  endedAt: null,
  resolution: null,
  escalated: { acknowledge: false, decide: false },
  carriedFrom: null,
  timeline: [],
  version: 1,
  ...overrides,
});

import { useTranslation } from 'react-i18next';
import type { Issue, IssueEventType } from '@concord/shared';
import type { ProceedingsView } from '../../state/proceedings';

type TimelineEntry = Issue['timeline'][number];

const EVENT_TYPES: readonly IssueEventType[] = [
  'raised',
  'supported',
  'acknowledged',
  'review_started',
  'decided',
  'closed',
  'referred',
  'rejected',
  'pinned',
  'assigned',
  'linked',
  'escalated',
];

const isEventType = (value: string): value is IssueEventType => EVENT_TYPES.some((t) => t === value);

/** Time of day of a server timestamp, on this machine's clock. */
function useTimeOfDay(clockOffsetMs: number): (at: number) => string {
  const { i18n } = useTranslation();
  const format = new Intl.DateTimeFormat(i18n.language, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return (at) => format.format(new Date(at - clockOffsetMs));
}

/** Every step of an issue, oldest first: who did what, and when. */
export function IssueTimeline({ view, issue }: { view: ProceedingsView; issue: Issue }) {
  const { t } = useTranslation();
  const timeOfDay = useTimeOfDay(view.clockOffsetMs);
  return (
    <ol className="issue-timeline" data-testid="issue-timeline">
      {issue.timeline.map((entry, index) => (
        <li key={`${entry.at}-${index}`} className="issue-timeline__entry" data-type={entry.type}>
          <time className="issue-timeline__time muted" dir="ltr">
            {timeOfDay(entry.at)}
          </time>
          <span className="issue-timeline__what">
            {isEventType(entry.type) ? t(`issues.timeline.${entry.type}`) : entry.type}
            {entry.by && <span className="muted"> · {entry.by}</span>}
          </span>
          <TimelineNote view={view} entry={entry} />
        </li>
      ))}
    </ol>
  );
}

/** The entry's detail, in words: a site's name for a support, an agenda item's title for a link. */
function TimelineNote({ view, entry }: { view: ProceedingsView; entry: TimelineEntry }) {
  const { t } = useTranslation();
  const note = entry.note;
  let text: string | null = note;
  switch (entry.type) {
    case 'supported':
      text = note === null ? null : (view.session.sites.find((s) => s.id === note)?.name ?? note);
      break;
    case 'linked':
      text =
        note === null
          ? t('issues.timeline.unlinked')
          : (view.proceedings.agenda.find((i) => i.id === note)?.title ?? t('issues.removedItem'));
      break;
    case 'assigned':
      text = note ?? t('issues.timeline.unassigned');
      break;
    case 'pinned':
      text = note === 'unpinned' ? t('issues.timeline.unpinnedNote') : null;
      break;
    case 'escalated':
      text = note === 'acknowledge' || note === 'decide' ? t(`issues.timeline.missed.${note}`) : note;
      break;
    default:
      break;
  }
  if (!text) {
    return null;
  }
  return <span className="issue-timeline__note">{text}</span>;
}

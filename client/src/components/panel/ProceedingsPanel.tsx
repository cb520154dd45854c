import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isOpenIssue, type ParticipantId } from '@concord/shared';
import { ChairPanel } from '../../screens/chair/ChairPanel';
import { proceedingsView, runsSession } from '../../state/proceedings';
import type { ViewState } from '../../state/viewState';
import { CloseIcon } from '../Icons';
import { AgendaList } from './AgendaList';
import { CurrentItem } from './CurrentItem';
import { FloorView } from './FloorView';
import { IssuesTab } from './IssuesTab';
import { SpeakingStats } from './SpeakingStats';

type Tab = 'proceedings' | 'issues' | 'chair';

/** Participants whose microphone is published and not paused. */
function openMics(state: ViewState): ReadonlySet<ParticipantId> {
  const ids = new Set<ParticipantId>();
  for (const info of state.producers.values()) {
    if (info.source === 'mic' && !info.paused) {
      ids.add(info.participantId);
    }
  }
  return ids;
}

interface ProceedingsPanelProps {
  state: ViewState;
  open: boolean;
  onClose: () => void;
}

/** The side panel: agenda and floor, and the issue queue, for everyone; the chair's controls in their own tab. */
export function ProceedingsPanel({ state, open, onClose }: ProceedingsPanelProps) {
  const { t } = useTranslation();
  const [tab, setTab] = useState<Tab>('proceedings');
  const view = proceedingsView(state);
  const micOn = useMemo(() => openMics(state), [state]);
  // Losing the chair (a hand-over) falls back to the common tab without a reload.
  const chairTab = view !== null && runsSession(view);
  const active: Tab = tab === 'chair' && !chairTab ? 'proceedings' : tab;
  const openIssues = useMemo(() => [...state.issues.values()].filter(isOpenIssue).length, [state.issues]);

  return (
    <aside
      id="proceedings-panel"
      className="panel"
      data-testid="proceedings-panel"
      data-tab={active}
      aria-label={t('panel.label')}
      hidden={!open}
    >
      <div className="panel__header">
        <div className="tabs" role="tablist">
          <button
            type="button"
            role="tab"
            className="tabs__tab"
            data-testid="panel-tab-proceedings"
            aria-selected={active === 'proceedings'}
            onClick={() => setTab('proceedings')}
          >
            {t('panel.tabProceedings')}
          </button>
          <button
            type="button"
            role="tab"
            className="tabs__tab"
            data-testid="panel-tab-issues"
            aria-selected={active === 'issues'}
            onClick={() => setTab('issues')}
          >
            {t('panel.tabIssues')}
            {openIssues > 0 && (
              <span className="tabs__count" data-testid="open-issues-count">
                {openIssues}
              </span>
            )}
          </button>
          {chairTab && (
            <button
              type="button"
              role="tab"
              className="tabs__tab"
              data-testid="panel-tab-chair"
              aria-selected={active === 'chair'}
              onClick={() => setTab('chair')}
            >
              {t('panel.tabChair')}
            </button>
          )}
        </div>
        <button
          type="button"
          className="icon-button panel__close"
          data-testid="panel-close"
          aria-label={t('panel.close')}
          onClick={onClose}
        >
          <CloseIcon />
        </button>
      </div>
      <div className="panel__body" role="tabpanel">
        {!view ? (
          <p className="panel-empty">{t('panel.loading')}</p>
        ) : active === 'chair' ? (
          <ChairPanel view={view} lobby={state.lobby} micOn={micOn} />
        ) : active === 'issues' ? (
          <IssuesTab view={view} />
        ) : (
          <>
            <CurrentItem view={view} />
            <FloorView view={view} unmuteOnFloor={state.unmuteOnFloor} />
            <AgendaList view={view} />
            <SpeakingStats view={view} />
          </>
        )}
      </div>
    </aside>
  );
}

import type { Participant, ParticipantId } from '@concord/shared';
import { CurrentItem } from '../../components/panel/CurrentItem';
import { mayDo, type ProceedingsView } from '../../state/proceedings';
import { AgendaEditor } from './AgendaEditor';
import { CarryOverIssues } from './CarryOverIssues';
import { ChairFloor } from './ChairFloor';
import { FloorSettingsForm } from './FloorSettingsForm';
import { MicControls } from './MicControls';
import { HandOver, SessionControls } from './SessionControls';

interface ChairPanelProps {
  view: ProceedingsView;
  lobby: readonly Participant[];
  /** Participants whose microphone is open now. */
  micOn: ReadonlySet<ParticipantId>;
}

/** Everything the chair runs the session with. Shown only while this participant holds the chair. */
export function ChairPanel({ view, lobby, micOn }: ChairPanelProps) {
  return (
    <div className="chair-panel" data-testid="chair-panel">
      <CurrentItem view={view} />
      {mayDo(view, 'floor.run') && <ChairFloor view={view} />}
      {mayDo(view, 'agenda.edit') && <AgendaEditor view={view} />}
      {mayDo(view, 'floor.run') && <FloorSettingsForm view={view} />}
      {mayDo(view, 'moderate') && <MicControls view={view} micOn={micOn} />}
      {mayDo(view, 'moderate') && <SessionControls view={view} lobby={lobby} />}
      {mayDo(view, 'issue.triage') && <CarryOverIssues view={view} />}
      {mayDo(view, 'moderate') && <HandOver view={view} />}
    </div>
  );
}

import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { TEXT_LIMITS, type AgendaItem, type Session, type SiteId } from '@concord/shared';

/** The limits of the protocol's agenda item fields, in the units the form uses. */
const MAX_ALLOTMENT_MIN = 24 * 60;
const MIN_TURN_SEC = 10;
const MAX_TURN_SEC = 3600;
const DEFAULT_ALLOTMENT_MIN = 15;
const TITLE_MAX = TEXT_LIMITS.title;
const DESCRIPTION_MAX = TEXT_LIMITS.note;

export interface AgendaItemFields {
  title: string;
  description: string;
  presentingSiteId: SiteId | null;
  allotmentSec: number;
  speakingTimeSec: number | null;
}

interface AgendaItemFormProps {
  session: Session;
  /** The item being edited; null for a new one. */
  item: AgendaItem | null;
  testId: string;
  submitLabel: string;
  busy: boolean;
  /** Resolves true when the server took it (a new-item form then empties itself). */
  onSubmit: (fields: AgendaItemFields) => Promise<boolean>;
  onCancel?: () => void;
}

const minutesText = (sec: number): string => String(Math.round((sec / 60) * 100) / 100);

function parseMinutes(text: string): number | null {
  const value = Number(text.trim().replace(',', '.'));
  return text.trim() === '' || !Number.isFinite(value) ? null : Math.round(value * 60);
}

/** Adds or edits an agenda item. Times are entered in minutes and sent in seconds. */
export function AgendaItemForm({ session, item, testId, submitLabel, busy, onSubmit, onCancel }: AgendaItemFormProps) {
  const { t } = useTranslation();
  const id = useId();
  const [title, setTitle] = useState(item?.title ?? '');
  const [description, setDescription] = useState(item?.description ?? '');
  const [siteId, setSiteId] = useState<string>(item?.presentingSiteId ?? '');
  const [allotment, setAllotment] = useState(minutesText(item?.allotmentSec ?? DEFAULT_ALLOTMENT_MIN * 60));
  const [turn, setTurn] = useState(
    item === null || item.speakingTimeSec === null ? '' : minutesText(item.speakingTimeSec),
  );

  const allotmentSec = parseMinutes(allotment);
  const speakingTimeSec = parseMinutes(turn);
  const allotmentValid = allotmentSec !== null && allotmentSec >= 0 && allotmentSec <= MAX_ALLOTMENT_MIN * 60;
  const turnValid =
    turn.trim() === '' ||
    (speakingTimeSec !== null && speakingTimeSec >= MIN_TURN_SEC && speakingTimeSec <= MAX_TURN_SEC);
  const valid = title.trim().length > 0 && allotmentValid && turnValid;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!valid || allotmentSec === null) {
      return;
    }
    const fields: AgendaItemFields = {
      title: title.trim(),
      description,
      presentingSiteId: session.sites.find((s) => s.id === siteId)?.id ?? null,
      allotmentSec,
      speakingTimeSec: turn.trim() === '' ? null : speakingTimeSec,
    };
    void onSubmit(fields).then((accepted) => {
      // A new-item form starts afresh; the times are kept, as items often share them.
      if (accepted && !item) {
        setTitle('');
        setDescription('');
        setSiteId('');
      }
    });
  };

  return (
    <form className="item-form" data-testid={testId} onSubmit={submit}>
      <label className="field">
        <span className="field__label">{t('chair.fields.title')}</span>
        <input
          type="text"
          data-testid="agenda-title"
          value={title}
          maxLength={TITLE_MAX}
          required
          onChange={(e) => setTitle(e.target.value)}
        />
      </label>
      <label className="field">
        <span className="field__label">{t('chair.fields.description')}</span>
        <textarea
          data-testid="agenda-description"
          value={description}
          maxLength={DESCRIPTION_MAX}
          rows={2}
          onChange={(e) => setDescription(e.target.value)}
        />
      </label>
      <label className="field">
        <span className="field__label">{t('chair.fields.site')}</span>
        <select data-testid="agenda-site" value={siteId} onChange={(e) => setSiteId(e.target.value)}>
          <option value="">{t('chair.fields.noSite')}</option>
          {session.sites.map((site) => (
            <option key={site.id} value={site.id}>
              {site.name}
            </option>
          ))}
        </select>
      </label>
      <div className="item-form__times">
        <label className="field">
          <span className="field__label">{t('chair.fields.allotment')}</span>
          <input
            type="number"
            inputMode="decimal"
            data-testid="agenda-allotment"
            min={0}
            max={MAX_ALLOTMENT_MIN}
            step="any"
            value={allotment}
            aria-invalid={!allotmentValid}
            onChange={(e) => setAllotment(e.target.value)}
          />
        </label>
        <label className="field">
          <span className="field__label">{t('chair.fields.speakingTime')}</span>
          <input
            type="number"
            inputMode="decimal"
            data-testid="agenda-speaking-time"
            min={MIN_TURN_SEC / 60}
            max={MAX_TURN_SEC / 60}
            step="any"
            value={turn}
            aria-invalid={!turnValid}
            aria-describedby={`${id}-turn-hint`}
            onChange={(e) => setTurn(e.target.value)}
          />
          <span className="field__hint" id={`${id}-turn-hint`}>
            {t('chair.fields.speakingTimeHint')}
          </span>
        </label>
      </div>
      <div className="item-form__actions">
        <button type="submit" className="button button--primary" data-testid="agenda-submit" disabled={!valid || busy}>
          {submitLabel}
        </button>
        {onCancel && (
          <button type="button" className="button" data-testid="agenda-cancel" onClick={onCancel}>
            {t('chair.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}

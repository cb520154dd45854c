import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { FAIRNESS_RULES, type Fairness, type FloorSettings } from '@concord/shared';
import { ServerSwitch } from './ServerSwitch';
import { useAction } from '../../state/controllerContext';
import type { ProceedingsView } from '../../state/proceedings';

/** The protocol's limits for the floor's times, in seconds. */
const SPEAKING_SEC_MIN = 10;
const SPEAKING_SEC_MAX = 3600;
const GRACE_SEC_MIN = 0;
const GRACE_SEC_MAX = 300;

const isFairness = (value: string): value is Fairness => FAIRNESS_RULES.some((f) => f === value);

function parseWhole(text: string, min: number, max: number): number | null {
  const value = Number(text.trim());
  return text.trim() !== '' && Number.isInteger(value) && value >= min && value <= max ? value : null;
}

/** The floor's rules: queue order, floor mode, auto-advance and the turn times. */
export function FloorSettingsForm({ view }: { view: ProceedingsView }) {
  const { t } = useTranslation();
  const { act, pending } = useAction();
  const { settings, version } = view.proceedings;
  return (
    <section className="panel-section" aria-labelledby="chair-settings-heading">
      <h2 id="chair-settings-heading" className="panel-section__title">
        {t('chair.settingsTitle')}
      </h2>
      <label className="field">
        <span className="field__label">{t('chair.fairness')}</span>
        <select
          data-testid="floor-fairness"
          value={settings.fairness}
          disabled={pending}
          onChange={(e) => {
            if (isFairness(e.target.value)) {
              void act('floor:settings', { expectedVersion: version, fairness: e.target.value });
            }
          }}
        >
          {FAIRNESS_RULES.map((rule) => (
            <option key={rule} value={rule}>
              {t(`chair.fairnessOptions.${rule}`)}
            </option>
          ))}
        </select>
      </label>
      <ServerSwitch
        testId="floor-mode-toggle"
        value={settings.floorMode}
        onChange={(floorMode) => act('floor:settings', { expectedVersion: version, floorMode })}
        label={t('chair.floorMode')}
      />
      <ServerSwitch
        testId="auto-advance-toggle"
        value={settings.autoAdvance}
        onChange={(autoAdvance) => act('floor:settings', { expectedVersion: version, autoAdvance })}
        label={t('chair.autoAdvance')}
      />
      {/* Keyed by the server's values: a change by another chair's hand resets the drafts. */}
      <TurnTimes key={`${settings.defaultSpeakingSec}/${settings.graceSec}`} settings={settings} version={version} />
    </section>
  );
}

function TurnTimes({ settings, version }: { settings: FloorSettings; version: number }) {
  const { t } = useTranslation();
  const { act, pending } = useAction();
  const [speaking, setSpeaking] = useState(String(settings.defaultSpeakingSec));
  const [grace, setGrace] = useState(String(settings.graceSec));
  const speakingSec = parseWhole(speaking, SPEAKING_SEC_MIN, SPEAKING_SEC_MAX);
  const graceSec = parseWhole(grace, GRACE_SEC_MIN, GRACE_SEC_MAX);
  const changed = speakingSec !== settings.defaultSpeakingSec || graceSec !== settings.graceSec;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (speakingSec === null || graceSec === null) {
      return;
    }
    void act('floor:settings', { expectedVersion: version, defaultSpeakingSec: speakingSec, graceSec });
  };

  return (
    <form className="item-form__times" data-testid="floor-times-form" onSubmit={submit}>
      <label className="field">
        <span className="field__label">{t('chair.defaultSpeaking')}</span>
        <input
          type="number"
          data-testid="floor-default-speaking"
          min={SPEAKING_SEC_MIN}
          max={SPEAKING_SEC_MAX}
          step={1}
          value={speaking}
          aria-invalid={speakingSec === null}
          onChange={(e) => setSpeaking(e.target.value)}
        />
      </label>
      <label className="field">
        <span className="field__label">{t('chair.grace')}</span>
        <input
          type="number"
          data-testid="floor-grace"
          min={GRACE_SEC_MIN}
          max={GRACE_SEC_MAX}
          step={1}
          value={grace}
          aria-invalid={graceSec === null}
          onChange={(e) => setGrace(e.target.value)}
        />
      </label>
      <button
        type="submit"
        className="button button--small"
        data-testid="floor-times-apply"
        disabled={pending || !changed || speakingSec === null || graceSec === null}
      >
        {t('chair.apply')}
      </button>
    </form>
  );
}

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AgendaItem } from '@concord/shared';
import { AgendaItemSummary } from '../../components/panel/AgendaList';
import { ArrowDownIcon, ArrowUpIcon } from '../../components/Icons';
import { useAction } from '../../state/controllerContext';
import { movedIds, siteName, type ProceedingsView } from '../../state/proceedings';
import { linkedIssues } from '../../state/issues';
import { AgendaItemForm, type AgendaItemFields } from './AgendaItemForm';

/** The chair's agenda: add, edit, reorder, delete, start and finish items. */
export function AgendaEditor({ view }: { view: ProceedingsView }) {
  const { t } = useTranslation();
  const { act, pending } = useAction();
  const { agenda, version } = view.proceedings;
  const add = async (fields: AgendaItemFields) => (await act('agenda:add', { expectedVersion: version, ...fields })).ok;
  return (
    <section className="panel-section" aria-labelledby="chair-agenda-heading">
      <h2 id="chair-agenda-heading" className="panel-section__title">
        {t('chair.agendaTitle')}
      </h2>
      {agenda.length === 0 ? (
        <p className="panel-empty">{t('agenda.empty')}</p>
      ) : (
        <ol className="agenda agenda--editor" data-testid="chair-agenda">
          {agenda.map((item, index) => (
            <AgendaEditorRow key={item.id} view={view} item={item} index={index} />
          ))}
        </ol>
      )}
      <h3 className="panel-subtitle">{t('chair.addItem')}</h3>
      <AgendaItemForm
        session={view.session}
        item={null}
        testId="agenda-add-form"
        submitLabel={t('chair.add')}
        busy={pending}
        onSubmit={add}
      />
    </section>
  );
}

type RowMode = 'view' | 'edit' | 'finish' | 'delete';

function AgendaEditorRow({ view, item, index }: { view: ProceedingsView; item: AgendaItem; index: number }) {
  const { t } = useTranslation();
  const { act, pending } = useAction();
  const [mode, setMode] = useState<RowMode>('view');
  const [outcome, setOutcome] = useState(item.outcome ?? '');
  const { agenda, version } = view.proceedings;
  const itemId = item.id;
  const site = siteName(view.session, item.presentingSiteId);
  const open = item.status === 'pending' || item.status === 'active';

  const reorder = (delta: -1 | 1) => {
    const itemIds = movedIds(agenda, index, delta);
    if (itemIds) {
      void act('agenda:reorder', { expectedVersion: version, itemIds });
    }
  };
  const finish = (status: 'done' | 'deferred') => {
    const text = outcome.trim();
    void act('agenda:finish', { expectedVersion: version, itemId, status, outcome: text === '' ? null : text }).then(
      (outcome) => {
        if (outcome.ok) {
          setMode('view');
        }
      },
    );
  };
  const edit = async (fields: AgendaItemFields) => {
    const { ok: accepted } = await act('agenda:edit', { expectedVersion: version, itemId, ...fields });
    if (accepted) {
      setMode('view');
    }
    return accepted;
  };

  return (
    <li
      className={item.status === 'active' ? 'agenda__item agenda__item--active' : 'agenda__item'}
      data-testid="chair-agenda-item"
      data-item-id={itemId}
      data-status={item.status}
    >
      <AgendaItemSummary item={item} site={site} issues={linkedIssues(view.issues, itemId)} />

      {mode === 'view' && (
        <div className="row-actions">
          <button
            type="button"
            className="icon-button"
            data-testid="agenda-move-up"
            data-item-id={itemId}
            aria-label={t('chair.moveUp')}
            title={t('chair.moveUp')}
            disabled={pending || index === 0}
            onClick={() => reorder(-1)}
          >
            <ArrowUpIcon />
          </button>
          <button
            type="button"
            className="icon-button"
            data-testid="agenda-move-down"
            data-item-id={itemId}
            aria-label={t('chair.moveDown')}
            title={t('chair.moveDown')}
            disabled={pending || index === agenda.length - 1}
            onClick={() => reorder(1)}
          >
            <ArrowDownIcon />
          </button>
          {item.status !== 'active' && (
            <button
              type="button"
              className="button button--small button--primary"
              data-testid="start-item"
              data-item-id={itemId}
              disabled={pending}
              onClick={() => void act('agenda:start', { expectedVersion: version, itemId })}
            >
              {t('chair.start')}
            </button>
          )}
          {open && (
            <button
              type="button"
              className="button button--small"
              data-testid="finish-item"
              data-item-id={itemId}
              onClick={() => setMode('finish')}
            >
              {t('chair.finish')}
            </button>
          )}
          <button
            type="button"
            className="button button--small"
            data-testid="edit-item"
            data-item-id={itemId}
            onClick={() => setMode('edit')}
          >
            {t('chair.edit')}
          </button>
          <button
            type="button"
            className="button button--small button--danger-quiet"
            data-testid="delete-item"
            data-item-id={itemId}
            onClick={() => setMode('delete')}
          >
            {t('chair.delete')}
          </button>
        </div>
      )}

      {mode === 'delete' && (
        <div className="row-actions">
          <button
            type="button"
            className="button button--small button--danger"
            data-testid="confirm-delete-item"
            data-item-id={itemId}
            disabled={pending}
            onClick={() => void act('agenda:delete', { expectedVersion: version, itemId })}
          >
            {t('chair.confirmDelete')}
          </button>
          <button type="button" className="button button--small" onClick={() => setMode('view')}>
            {t('chair.cancel')}
          </button>
        </div>
      )}

      {mode === 'finish' && (
        <div className="finish-form" data-testid="finish-form" data-item-id={itemId}>
          <label className="field">
            <span className="field__label">{t('chair.outcome')}</span>
            <textarea
              data-testid="finish-outcome"
              value={outcome}
              maxLength={4000}
              rows={2}
              onChange={(e) => setOutcome(e.target.value)}
            />
          </label>
          <div className="row-actions">
            <button
              type="button"
              className="button button--small button--primary"
              data-testid="finish-done"
              data-item-id={itemId}
              disabled={pending}
              onClick={() => finish('done')}
            >
              {t('chair.done')}
            </button>
            <button
              type="button"
              className="button button--small"
              data-testid="finish-defer"
              data-item-id={itemId}
              disabled={pending}
              onClick={() => finish('deferred')}
            >
              {t('chair.defer')}
            </button>
            <button type="button" className="button button--small" onClick={() => setMode('view')}>
              {t('chair.cancel')}
            </button>
          </div>
        </div>
      )}

      {mode === 'edit' && (
        <AgendaItemForm
          session={view.session}
          item={item}
          testId="agenda-edit-form"
          submitLabel={t('chair.save')}
          busy={pending}
          onSubmit={edit}
          onCancel={() => setMode('view')}
        />
      )}
    </li>
  );
}

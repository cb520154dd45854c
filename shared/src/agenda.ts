import { DomainError, ErrorCode } from './errors.js';
import type { AgendaItemId } from './ids.js';
import type { AgendaItem, Proceedings } from './proceedings.js';
import { endTurn } from './floor.js';

// The agenda: items, their order, the current item and its timer.

export function requireItem(p: Proceedings, id: AgendaItemId): AgendaItem {
  const item = p.agenda.find((i) => i.id === id);
  if (!item) {
    throw new DomainError(ErrorCode.NOT_FOUND, 'agenda item not found');
  }
  return item;
}

export type ItemFields = Pick<
  AgendaItem,
  'title' | 'description' | 'presentingSiteId' | 'allotmentSec' | 'speakingTimeSec'
>;

export function addItem(p: Proceedings, id: AgendaItemId, fields: ItemFields, atIndex?: number): Proceedings {
  const item: AgendaItem = { id, ...fields, status: 'pending', outcome: null, startedAt: null, elapsedMs: 0 };
  const at = atIndex === undefined ? p.agenda.length : Math.max(0, Math.min(atIndex, p.agenda.length));
  return { ...p, agenda: [...p.agenda.slice(0, at), item, ...p.agenda.slice(at)] };
}

export function editItem(p: Proceedings, id: AgendaItemId, fields: Partial<ItemFields>): Proceedings {
  requireItem(p, id);
  return { ...p, agenda: p.agenda.map((i) => (i.id === id ? { ...i, ...fields } : i)) };
}

/** New order: exactly the current item ids, rearranged. */
export function reorder(p: Proceedings, ids: readonly AgendaItemId[]): Proceedings {
  const same =
    ids.length === p.agenda.length &&
    new Set(ids).size === ids.length &&
    ids.every((id) => p.agenda.some((i) => i.id === id));
  if (!same) {
    throw new DomainError(ErrorCode.INVALID_PAYLOAD, 'itemIds: the new order must list every agenda item exactly once');
  }
  return { ...p, agenda: ids.map((id) => requireItem(p, id)) };
}

export function deleteItem(p: Proceedings, id: AgendaItemId): Proceedings {
  const item = requireItem(p, id);
  if (item.status === 'active') {
    throw new DomainError(ErrorCode.ITEM_ACTIVE, 'finish or defer the current item before deleting it');
  }
  return { ...p, agenda: p.agenda.filter((i) => i.id !== id) };
}

/** Stops the running item's timer, keeping the time spent. */
function pauseCurrent(p: Proceedings, now: number): Proceedings {
  return {
    ...p,
    agenda: p.agenda.map((i) =>
      i.status === 'active' && i.startedAt !== null
        ? { ...i, status: 'pending', elapsedMs: i.elapsedMs + (now - i.startedAt), startedAt: null }
        : i,
    ),
  };
}

/**
 * Starts an item: it becomes current and its timer runs. The floor of the previous
 * item is closed: its speaker's turn ends, its queue is cleared and turns start afresh.
 */
export function startItem(p: Proceedings, id: AgendaItemId, now: number): Proceedings {
  const item = requireItem(p, id);
  if (item.status === 'done') {
    throw new DomainError(ErrorCode.ITEM_DONE, 'this item is already done');
  }
  const paused = pauseCurrent(endTurn(p, now), now);
  return {
    ...paused,
    currentItemId: id,
    queue: [],
    turns: {},
    agenda: paused.agenda.map((i) => (i.id === id ? { ...i, status: 'active', startedAt: now } : i)),
  };
}

/** Marks an item done or deferred, with an outcome; if it was current, the session has no current item. */
export function finishItem(
  p: Proceedings,
  id: AgendaItemId,
  status: 'done' | 'deferred',
  outcome: string | null,
  now: number,
): Proceedings {
  const item = requireItem(p, id);
  const wasCurrent = p.currentItemId === id;
  const elapsed = item.startedAt !== null ? item.elapsedMs + (now - item.startedAt) : item.elapsedMs;
  const next = wasCurrent ? endTurn(p, now) : p;
  return {
    ...next,
    currentItemId: wasCurrent ? null : p.currentItemId,
    queue: wasCurrent ? [] : next.queue,
    agenda: next.agenda.map((i) => (i.id === id ? { ...i, status, outcome, startedAt: null, elapsedMs: elapsed } : i)),
  };
}

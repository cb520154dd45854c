import { may, type HealthUpdate } from '@concord/shared';
import { log } from '../../logger';
import type { RecordChange, RecordFollower, SyncContext } from '../context';
import {
  EMPTY_HEALTH_BOARD,
  applyAlarm,
  applyAlarmHistory,
  applyHealthUpdate,
  applySummary,
  sameSummary,
  summaryFromUpdate,
  type HealthBoard,
  type SiteSummary,
} from '../health';
import type { ServerEvents } from '../send';
import { Store } from '../store';
import type { ViewState } from '../viewState';

/** Operators watch the board; the chair gets the site summary and alarms (`health.view`). */
const watchesHealth = (s: ViewState): boolean =>
  s.self !== null && may({ role: s.self.role, isChair: s.isChair }, 'health.view');

/**
 * Connection health on this client: the operators' board (pushed twice a second, and at once
 * when a site changes status), the alarms the session's log records, and every site's status
 * for the chair's site chips.
 */
export class HealthSync implements RecordFollower {
  /**
   * The operators' health board. A store of its own: it changes twice a second, and only
   * the board reads it, so the video grid is not redrawn with it.
   */
  readonly board = new Store<HealthBoard>(EMPTY_HEALTH_BOARD);

  constructor(private readonly ctx: SyncContext) {}

  listen(socket: ServerEvents): void {
    socket.on('health:update', (update) => {
      if (!this.ctx.ended()) {
        this.board.update((b) => applyHealthUpdate(b, update, Date.now()));
      }
    });
    socket.on('health:summary', (e) => {
      if (!this.ctx.ended()) {
        this.setSiteSummary(applySummary(e.sites));
      }
    });
  }

  /** The last board received (operators and the chair), or null. */
  latest(): HealthUpdate | null {
    return this.board.get().update;
  }

  /**
   * Fetches the board whole, with the alarm history (operators and the chair): broadcasts
   * bring changes only. Two in flight do no harm: an older board never replaces a newer one.
   */
  refresh(): void {
    if (this.ctx.ended() || !watchesHealth(this.ctx.store.get()) || !this.ctx.isServed()) {
      return;
    }
    this.ctx.send('health:get', {}).then(
      (update) => {
        this.board.update((b) => applyAlarmHistory(applyHealthUpdate(b, update, Date.now()), update.history ?? []));
        this.setSiteSummary(summaryFromUpdate(update));
      },
      (err: unknown) => log.warn('could not fetch the health board', err),
    );
  }

  recordChanged({ before, after, entry }: RecordChange): void {
    if (after.isChair && !before.isChair) {
      this.refresh();
    } else if (!after.isChair && before.isChair) {
      this.ctx.store.update((s) => ({ ...s, alarmNotice: null }));
    }
    if ((entry?.type !== 'alarm.raised' && entry?.type !== 'alarm.cleared') || !watchesHealth(after)) {
      return;
    }
    const { alarm } = entry.payload;
    this.board.update((b) => applyAlarm(b, alarm));
    if (!after.isChair) {
      return;
    }
    // The chair follows each site's state on its chip (the summary); a notice comes only when a
    // site goes down, once per incident (the server raises one alarm per incident), and goes
    // when the site is back. A degraded site changes colour, and that is all.
    if (entry.type === 'alarm.raised' && alarm.level === 'down') {
      const id = this.ctx.nextId();
      this.ctx.store.update((s) => ({ ...s, alarmNotice: { id, alarm } }));
    } else if (entry.type === 'alarm.cleared') {
      this.ctx.store.update((s) => (s.alarmNotice?.alarm.id === alarm.id ? { ...s, alarmNotice: null } : s));
    }
  }

  dismissAlarmNotice(id: number): void {
    this.ctx.store.update((s) => (s.alarmNotice?.id === id ? { ...s, alarmNotice: null } : s));
  }

  private setSiteSummary(next: SiteSummary): void {
    this.ctx.store.update((s) => (sameSummary(s.siteSummary, next) ? s : { ...s, siteSummary: next }));
  }
}

import type { LogEntry, MediaMode, SessionState } from '@concord/shared';
import type { Logger } from '../logger.js';
import { applyModeToConsumer } from '../media/modes.js';
import type { RoomRegistry } from '../media/rooms.js';

/**
 * A site's media mode, acted on this node's media whoever set it: the site's video
 * consumers go to the lowest layer or pause (its clients follow the same entry and send
 * less). Consumers made later are resumed in the mode of their site.
 */
export class MediaModes {
  constructor(
    private readonly rooms: RoomRegistry,
    private readonly log: Logger,
  ) {}

  readonly onEntry = (entry: LogEntry, _before: SessionState | null, after: SessionState): void => {
    if (entry.type !== 'media.mode') {
      return;
    }
    const { siteId, mode } = entry.payload;
    void this.apply(after.session.id, siteId, mode).catch((err: unknown) =>
      this.log.warn({ err, siteId }, 'could not apply a media mode'),
    );
  };

  private async apply(sid: SessionState['session']['id'], siteId: string, mode: MediaMode): Promise<void> {
    const room = await this.rooms.peek(sid);
    for (const peer of room?.openPeers().filter((p) => p.siteId === siteId) ?? []) {
      for (const c of peer.consumers.values()) {
        if (c.kind === 'video') {
          await applyModeToConsumer(c, mode);
        }
      }
    }
    this.log.info({ sessionId: sid, siteId, mode }, 'site media mode applied');
  }
}

import type { types } from 'mediasoup';
import type { MediaMode } from '@concord/shared';

/** The highest simulcast layer the client publishes (three encodings: 0, 1, 2). */
const TOP_LAYER = 2;

/** What a media mode means for one video consumer of the site. */
export async function applyModeToConsumer(c: types.Consumer, mode: MediaMode): Promise<void> {
  switch (mode) {
    case 'audio-only':
      await c.pause();
      return;
    case 'low':
      await c.resume();
      if (c.type === 'simulcast' || c.type === 'svc') {
        await c.setPreferredLayers({ spatialLayer: 0, temporalLayer: 0 });
      }
      return;
    case 'full':
      await c.resume();
      if (c.type === 'simulcast' || c.type === 'svc') {
        await c.setPreferredLayers({ spatialLayer: TOP_LAYER, temporalLayer: TOP_LAYER });
      }
      return;
  }
}

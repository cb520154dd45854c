import type { FloorSettings, Proceedings } from './proceedings.js';

/** Floor settings of a new session: fair alternation, 3-minute turns, 10 s of grace. */
export const DEFAULT_FLOOR_SETTINGS: FloorSettings = {
  fairness: 'alternate-sites',
  floorMode: false,
  autoAdvance: false,
  defaultSpeakingSec: 180,
  graceSec: 10,
};

export function emptyProceedings(settings: FloorSettings = DEFAULT_FLOOR_SETTINGS): Proceedings {
  return {
    agenda: [],
    currentItemId: null,
    settings,
    queue: [],
    speaker: null,
    turns: {},
    speakingTime: { bySite: {}, byParticipant: {} },
    lastCutOff: null,
    chair: null,
    version: 0,
  };
}

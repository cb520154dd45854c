import { createHash } from 'node:crypto';
import { ParticipantIdSchema, type ParticipantId } from '@concord/shared';

/**
 * A participant is one browser tab (or room device) using one invite: the same tab
 * reconnecting gets the same id back, two tabs on one link are two participants.
 */
export function participantIdFor(subject: string, instanceId: string): ParticipantId {
  const digest = createHash('sha256').update(`${subject}\u0000${instanceId}`).digest('base64url');
  return ParticipantIdSchema.parse(`p_${digest.slice(0, 22)}`);
}

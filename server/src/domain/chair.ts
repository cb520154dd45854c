import type { Proceedings, Role } from '@concord/shared';

/**
 * Chair rights belong to an invite identity. Until someone holds the chair, any
 * chair-role invite may take it; after that only the holder (or whoever it was handed to).
 */
export function holdsChair(p: Proceedings, subject: string, role: Role): boolean {
  return p.chair === null ? role === 'chair' : p.chair.subject === subject;
}

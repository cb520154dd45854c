import type { MediaSource, Role } from '@concord/shared';

/** Which roles may publish which kind of track. Observers only watch and listen. */
export function mayPublish(role: Role, source: MediaSource): boolean {
  switch (role) {
    case 'observer':
      return false;
    case 'interpreter':
      return source === 'mic';
    case 'member':
    case 'chair':
    case 'commander':
    case 'operator':
      return true;
  }
}

import { useTranslation } from 'react-i18next';
import type { TileModel } from '../state/tiles';
import { ParticipantTile } from './ParticipantTile';

/** Columns for a count of tiles: as square a grid as a 16:9 screen allows. */
function columnsFor(count: number): number {
  if (count <= 1) {
    return 1;
  }
  if (count <= 4) {
    return 2;
  }
  if (count <= 9) {
    return 3;
  }
  if (count <= 16) {
    return 4;
  }
  return 5;
}

const TILE_ASPECT = 16 / 9;

export function VideoGrid({ tiles, compact }: { tiles: TileModel[]; compact: boolean }) {
  const { t } = useTranslation();
  const columns = columnsFor(tiles.length);
  const rows = Math.max(1, Math.ceil(tiles.length / columns));
  // In the full grid the tiles keep 16:9 and the whole grid fits the stage's height.
  const style = compact
    ? undefined
    : {
        gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`,
        maxWidth: `calc(var(--stage-height) * ${((TILE_ASPECT * columns) / rows).toFixed(4)})`,
      };
  return (
    <section
      className={compact ? 'grid grid--strip' : 'grid'}
      aria-label={t('grid.label')}
      data-count={tiles.length}
      style={style}
    >
      {tiles.map((tile) => (
        <ParticipantTile key={tile.participant.id} tile={tile} />
      ))}
    </section>
  );
}

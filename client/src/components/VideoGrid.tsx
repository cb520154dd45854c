import type { ReactNode } from 'react';
import type { CSSProperties } from 'react';
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

/** The tiles keep 16:9 and the whole grid fits the height it is given (a CSS length). */
function fittedGrid(count: number, height: string): CSSProperties {
  const columns = columnsFor(count);
  const rows = Math.max(1, Math.ceil(count / columns));
  return {
    gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`,
    maxWidth: `calc(${height} * ${((TILE_ASPECT * columns) / rows).toFixed(4)})`,
  };
}

export function VideoGrid({
  tiles,
  compact,
  overlay,
}: {
  tiles: TileModel[];
  compact: boolean;
  /** Shown over the spotlighted tiles (the floor's facts). */
  overlay?: ReactNode;
}) {
  const { t } = useTranslation();
  const spotlit = tiles.filter((tile) => tile.spotlight);
  const others = tiles.filter((tile) => !tile.spotlight);

  // The floor large on top, everyone else in a strip below: every city sees who speaks.
  if (!compact && spotlit.length > 0 && others.length > 0) {
    return (
      <section
        className="spotlight"
        aria-label={t('grid.label')}
        data-count={tiles.length}
        data-spotlight-count={spotlit.length}
      >
        <div
          className="grid grid--spotlight"
          style={fittedGrid(spotlit.length, 'calc(var(--stage-height) - var(--strip-height))')}
        >
          {spotlit.map((tile, i) => (
            <ParticipantTile key={tile.participant.id} tile={tile}>
              {i === 0 ? overlay : null}
            </ParticipantTile>
          ))}
        </div>
        <div className="grid grid--strip">
          {others.map((tile) => (
            <ParticipantTile key={tile.participant.id} tile={tile} />
          ))}
        </div>
      </section>
    );
  }

  return (
    <section
      className={compact ? 'grid grid--strip' : 'grid'}
      aria-label={t('grid.label')}
      data-count={tiles.length}
      style={compact ? undefined : fittedGrid(tiles.length, 'var(--stage-height)')}
    >
      {tiles.map((tile) => (
        <ParticipantTile key={tile.participant.id} tile={tile} />
      ))}
    </section>
  );
}

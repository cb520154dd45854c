import { useTranslation } from 'react-i18next';
import type { ViewState } from '../state/viewState';
import { HealthBadge } from './HealthBadge';
import { LanguageSwitcher } from './LanguageSwitcher';
import { MediaModeBadge } from './MediaModeBadge';

export function SessionHeader({ state }: { state: ViewState }) {
  const { t } = useTranslation();
  const { session, self, connection } = state;
  const siteName = session?.sites.find((s) => s.id === self?.siteId)?.name ?? null;
  const site = siteName ?? (self ? t(`desks.${self.role}`) : '');
  return (
    <header className="topbar">
      <div className="topbar__title">
        <span className="brand-mark" aria-hidden="true" />
        <h1 data-testid="session-title">{session?.title ?? t('app.name')}</h1>
      </div>
      <div className="topbar__meta">
        {self && (
          <span className="chip" data-testid="self-site-role">
            {site} · {t(`roles.${self.role}`)}
          </span>
        )}
        {/* The chair can be handed to a participant of any role: say who holds it now. */}
        {self && state.isChair && self.role !== 'chair' && (
          <span className="chip chip--chair" data-testid="chair-badge">
            {t('roles.chair')}
          </span>
        )}
        {/* Only a site's participants are moved between full video, low video and audio only. */}
        {self && self.siteId !== null && <MediaModeBadge mediaMode={state.mediaMode} />}
        {state.isChair && session && <HealthBadge summary={state.siteSummary} sites={session.sites} />}
        <span className="chip chip--muted">{t('session.participants', { count: state.participants.size })}</span>
        <span className="connection-pill" data-testid="connection-state" data-state={connection}>
          <span className="connection-pill__dot" aria-hidden="true" />
          {t(`connection.${connection}`)}
        </span>
        <LanguageSwitcher />
      </div>
    </header>
  );
}

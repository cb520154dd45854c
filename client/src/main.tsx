import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { initI18n } from './i18n';
import { readInvite } from './state/invite';
import { installTestHook } from './testHook';
import './styles/index.css';

initI18n();
installTestHook();
// Read once, before the first render: it moves the token from the URL to sessionStorage.
const invite = readInvite();

const root = document.getElementById('root');
if (!root) {
  throw new Error('index.html has no #root element');
}
createRoot(root).render(
  <StrictMode>
    <App initialInvite={invite} />
  </StrictMode>,
);

/** Entry: read where Firebase is, make the typed client, render. */
import { render } from 'preact';
import { initializeApp } from 'firebase/app';
import { hearthClient } from '@hearth/client';
import { loadConfig } from './config';
import { App } from './app';

async function main() {
  const root = document.getElementById('app')!;
  try {
    const config = await loadConfig();
    const app = initializeApp({
      projectId: config.projectId,
      apiKey: config.apiKey,
      authDomain: config.authDomain,
    });
    const client = hearthClient(app, config.emulators ? { emulators: config.emulators } : {});
    render(<App client={client} />, root);
  } catch (err) {
    root.textContent = `Hearth could not start: ${(err as Error).message}`;
  }
}

void main();

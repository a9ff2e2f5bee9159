/**
 * Where the app's Firebase lives. The local stack's server (web/build/serve.ts) answers
 * `/config.json` with the emulators' ports; on Firebase Hosting there is none and the project's own
 * `/__/firebase/init.json` (served by Hosting) names the real project, so one build serves both.
 */
import type { LocalStack } from '@hearth/client';

export interface AppConfig {
  projectId: string;
  apiKey: string;
  authDomain?: string;
  emulators?: LocalStack;
}

async function fetchJson(path: string): Promise<AppConfig | null> {
  const res = await fetch(path, { cache: 'no-store' }).catch(() => null);
  if (!res?.ok || !(res.headers.get('content-type') ?? '').includes('json')) return null;
  return (await res.json()) as AppConfig;
}

export async function loadConfig(): Promise<AppConfig> {
  const config = (await fetchJson('/config.json')) ?? (await fetchJson('/__/firebase/init.json'));
  if (!config) throw new Error('No /config.json (local stack) or /__/firebase/init.json (Hosting) found');
  return config;
}

/**
 * A web SDK Firestore living in a real page, pointed at the emulator (or at a relay in front of
 * it), for the browser leg of the conformance suite. Test code runs on the page through `run`,
 * which puts a timeout on every evaluate (Playwright's has none).
 */
import type { TestFirestore } from '../../../test/support/emulator';
import type { TestBrowser, TestPage } from '../../../test/support/browser';

/** The web SDK's browser transports: WebChannel streaming over fetch, long-polling, and over XHR. */
export const TRANSPORTS = [
  { name: 'streaming', settings: {} },
  { name: 'long-polling', settings: { experimentalForceLongPolling: true } },
  // Internal setting of the browser build: XMLHttpRequest instead of fetch streams, same bytes.
  { name: 'XHR', settings: { useFetchStreams: false } },
] as const;

export interface PageDb {
  page: TestPage;
  run<R, A = undefined>(fn: (arg: A) => R | Promise<R>, arg?: A, timeoutMs?: number): Promise<R>;
  close(): Promise<void>;
}

export interface PageDbOptions {
  settings?: Record<string, unknown>;
  /** Claims of the signed-in user (an unsigned mock token, as the SDK's emulator mode sends). */
  auth?: { uid: string; [claim: string]: unknown };
  /** host:port to connect to instead of the emulator's (a TCP relay, say). */
  via?: string;
}

export async function openPageDb(
  browser: TestBrowser,
  fs: TestFirestore,
  options: PageDbOptions = {},
): Promise<PageDb> {
  const page = await browser.open();
  const run = async <R, A>(fn: (arg: A) => R | Promise<R>, arg?: A, timeoutMs = 20_000): Promise<R> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`page code did not finish within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([page.page.evaluate(fn as any, arg) as Promise<R>, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
  const target = options.via ?? fs.host;
  const i = target.lastIndexOf(':');
  const { uid, ...claims } = options.auth ?? { uid: '' };
  await run(
    ({ projectId, host, port, settings, token }) => {
      const { app, firestore } = window.sdk;
      const firebaseApp = app.initializeApp({ projectId, apiKey: 'test-api-key', appId: '1:1:web:1' });
      const db = firestore.initializeFirestore(firebaseApp, settings);
      firestore.connectFirestoreEmulator(db, host, port, token ? { mockUserToken: token as any } : {});
      window.t.db = db;
      window.t.app = firebaseApp;
    },
    {
      projectId: fs.projectId,
      host: target.slice(0, i),
      port: Number(target.slice(i + 1)),
      settings: options.settings ?? {},
      token: options.auth ? { ...claims, sub: uid, user_id: uid } : null,
    },
  );
  return {
    page,
    run,
    close: async () => {
      await run(() => window.sdk.firestore.terminate(window.t.db)).catch(() => undefined);
      await page.close();
    },
  };
}

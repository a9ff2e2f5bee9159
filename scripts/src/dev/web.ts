/**
 * The web app in the dev stack: builds web/ (about a second) and serves it on firebase.json's hosting emulator port (5000) with a
 * /config.json naming this stack's emulators. In the stack's own process, so Ctrl-C ends it with the
 * rest. A busy port or a failed build is said and skipped: the stack itself still runs.
 */
import { buildWeb } from '../../../web/build/build';
import { serveWeb, type WebServer } from '../../../web/build/serve';
import { host, ports, projectId } from './stack';

export const webPort = ports.hosting;

export async function startWeb(say: (line: string) => void): Promise<WebServer | undefined> {
  try {
    const built = await buildWeb();
    const server = await serveWeb({
      dir: built.outDir,
      host,
      port: webPort,
      config: {
        projectId,
        apiKey: 'demo-key',
        emulators: {
          host,
          firestorePort: ports.firestore,
          authPort: ports.auth,
          functionsPort: ports.functions,
        },
      },
    });
    say(`web app built in ${(built.ms / 1000).toFixed(1)} s and served`);
    say(`  storefront     ${server.url}`);
    say(`  staff console  ${server.url}#/console  (sign in as sam@demo.hearth or alex@demo.hearth)`);
    return server;
  } catch (err) {
    say(`the web app is not served: ${(err as Error).message}`);
    return undefined;
  }
}

/**
 * Delivers the functions' Firestore triggers (`onDocumentWritten`, `onDocumentCreated`, ...) on the
 * local stack when the project's Firestore emulator is used: unlike the official one, it does not
 * call the Functions emulator back. This process loads the built functions, listens to the
 * collections their document patterns name (admin SDK), and calls each trigger's own handler with
 * the change. A listener may fold several quick writes of one document into one change, so a
 * trigger can see fewer, later states than production would; the last state is always delivered.
 */
import { join } from 'node:path';
import { getApps, initializeApp } from 'firebase-admin/app';
import { getFirestore, type DocumentData, type Query } from 'firebase-admin/firestore';
import { projectId, repoRoot } from './stack';

interface Trigger {
  run: (event: unknown) => Promise<unknown>;
  __endpoint?: {
    eventTrigger?: { eventType?: string; eventFilterPathPatterns?: { document?: string } };
  };
}

type Kind = 'created' | 'updated' | 'deleted' | 'written';

/** What the handlers read of a snapshot: `data()`, `exists`, `id`, `ref.path`. */
const snapshot = (path: string, data: DocumentData | undefined) => ({
  id: path.slice(path.lastIndexOf('/') + 1),
  ref: { path },
  exists: data !== undefined,
  data: () => data,
});

/** Parameters of `path` under `pattern` (`inventory/{sku}`), or undefined when it does not match. */
export function matchPattern(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    if (w.startsWith('{') && w.endsWith('}')) params[w.slice(1, -1)] = got[i]!;
    else if (w !== got[i]) return undefined;
  }
  return params;
}

function relay(name: string, fn: Trigger, kind: Kind, pattern: string): void {
  // A named app: the functions initialise the default one themselves.
  const db = getFirestore(
    getApps().find((a) => a.name === 'trigger-relay') ?? initializeApp({ projectId }, 'trigger-relay'),
  );
  const segments = pattern.split('/');
  const collectionId = segments[segments.length - 2]!;
  const query: Query = segments.length === 2 ? db.collection(collectionId) : db.collectionGroup(collectionId);
  const known = new Map<string, DocumentData>();
  let first = true;
  query.onSnapshot(
    (qs) => {
      for (const change of qs.docChanges()) {
        const path = change.doc.ref.path;
        const before = known.get(path);
        const after = change.type === 'removed' ? undefined : change.doc.data();
        if (after) known.set(path, after);
        else known.delete(path);
        const params = matchPattern(pattern, path);
        // The first snapshot is what already exists: production fires nothing for it.
        if (first || !params) continue;
        const fires =
          kind === 'written' ||
          (kind === 'created' && !before && after) ||
          (kind === 'updated' && before && after) ||
          (kind === 'deleted' && before && !after);
        if (!fires) continue;
        const data =
          kind === 'created'
            ? snapshot(path, after)
            : kind === 'deleted'
              ? snapshot(path, before)
              : { before: snapshot(path, before), after: snapshot(path, after) };
        fn.run({ params, data }).catch((err: Error) =>
          console.error(`${name} failed on ${path}: ${err.message}`),
        );
      }
      first = false;
    },
    (err) => console.error(`${name}: listening to ${pattern} failed: ${err.message}`),
  );
  console.log(`${name}: ${kind} on ${pattern}`);
}

function main(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exported = require(join(repoRoot, 'functions', 'lib', 'index.js')) as Record<string, Trigger>;
  for (const [name, fn] of Object.entries(exported)) {
    const trigger = fn?.__endpoint?.eventTrigger;
    const kind = /^google\.cloud\.firestore\.document\.v1\.(created|updated|deleted|written)$/.exec(
      trigger?.eventType ?? '',
    )?.[1] as Kind | undefined;
    const pattern = trigger?.eventFilterPathPatterns?.document;
    if (typeof fn.run !== 'function' || !kind || !pattern) continue;
    relay(name, fn, kind, pattern);
  }
}

if (require.main === module) main();

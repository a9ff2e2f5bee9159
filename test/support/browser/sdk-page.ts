/**
 * What a test page holds: the browser builds of the Firebase SDKs (bundled with esbuild for the
 * browser, so `firebase/firestore` is the WebChannel + REST build, not the Node gRPC one) on
 * `window.sdk`, and a snapshot queue on `window.kit`, for tests to drive through `page.evaluate`.
 */
import * as app from 'firebase/app';
import * as auth from 'firebase/auth';
import * as firestore from 'firebase/firestore';
import * as functions from 'firebase/functions';

const sdk = { app, auth, firestore, functions };
export type BrowserSdk = typeof sdk;

/** A query or document snapshot as plain data, so it can cross back to the test process. */
export interface SnapshotSummary {
  ids: string[];
  changes: string[];
  data: Record<string, unknown>[];
  fromCache: boolean;
  hasPendingWrites: boolean;
}

function summarise(snapshot: firestore.QuerySnapshot | firestore.DocumentSnapshot): SnapshotSummary {
  const meta = {
    fromCache: snapshot.metadata.fromCache,
    hasPendingWrites: snapshot.metadata.hasPendingWrites,
  };
  if ('docs' in snapshot) {
    return {
      ids: snapshot.docs.map((d) => d.id),
      changes: snapshot.docChanges().map((c) => `${c.type}:${c.doc.id}`),
      data: snapshot.docs.map((d) => d.data()),
      ...meta,
    };
  }
  return {
    ids: snapshot.exists() ? [snapshot.id] : [],
    changes: [],
    data: snapshot.exists() ? [snapshot.data()] : [],
    ...meta,
  };
}

/**
 * Snapshots and errors in arrival order; `next` waits for the next one with a timeout and says
 * what did arrive when it times out.
 */
class SnapshotQueue {
  private readonly items: Array<SnapshotSummary | { error: string }> = [];
  private waiter: (() => void) | null = null;
  readonly seen: Array<SnapshotSummary | { error: string }> = [];

  readonly push = (snapshot: firestore.QuerySnapshot | firestore.DocumentSnapshot) =>
    this.add(summarise(snapshot));
  readonly fail = (error: Error) =>
    this.add({ error: `${(error as { code?: string }).code ?? 'error'}: ${error.message}` });

  private add(item: SnapshotSummary | { error: string }) {
    this.items.push(item);
    this.seen.push(item);
    this.waiter?.();
  }

  async next(timeoutMs = 10_000): Promise<SnapshotSummary | { error: string }> {
    const deadline = Date.now() + timeoutMs;
    while (this.items.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`no snapshot within ${timeoutMs} ms; seen: ${JSON.stringify(this.seen)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = null;
    }
    return this.items.shift()!;
  }

  /** Skips snapshots until one satisfies `accept` (cache and metadata-only snapshots, say). */
  async until(accept: (s: SnapshotSummary) => boolean, timeoutMs = 10_000): Promise<SnapshotSummary> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const item = await this.next(Math.max(1, deadline - Date.now()));
      if ('error' in item) throw new Error(item.error);
      if (accept(item)) return item;
    }
  }
}

const kit = { queue: () => new SnapshotQueue(), summarise };
export type PageKit = typeof kit;

Object.assign(window, { sdk, kit, t: {} });

/**
 * Fold-in on the local stack, as a shopper lives it: the project's Firestore emulator, the Auth
 * emulator, the stack's trigger relay and a functions host on free ports; a small two-cluster
 * store with a trained, live model; a shopper signed in through the web SDK whose events go in as
 * an app writes them (the client's trackEvents, under the rules and the event quota) and whose list
 * is watched with onSnapshot. Used by test/e2e/fold-in.test.ts and scripts/src/bench/fold-in.ts.
 */
import {
  deleteApp as deleteAdminApp,
  initializeApp as initializeAdminApp,
  type App,
} from 'firebase-admin/app';
import { getFirestore as getAdminFirestore, Timestamp, type Firestore } from 'firebase-admin/firestore';
import { deleteApp, initializeApp, type FirebaseApp } from 'firebase/app';
import { connectAuthEmulator, createUserWithEmailAndPassword, getAuth } from 'firebase/auth';
import {
  connectFirestoreEmulator,
  doc,
  getFirestore,
  onSnapshot,
  terminate,
  type Firestore as WebFirestore,
} from 'firebase/firestore';
import { connectFunctionsEmulator, getFunctions, httpsCallable, type Functions } from 'firebase/functions';
import type { GetRecommendationsResponse, RecommendationList } from '@hearth/contracts';
import { trackEvents, type EventTracker } from '../../../client/src/events';
import { newProfile } from '../../../functions/src/customers/profile';
import { retrainRecommender } from '../../../functions/src/recommendations/retrain';
import { buildFunctions } from '../build/functions-bundle';
import { functionsRegion, host, projectId } from './stack';
import { FreePortStack } from './stack-on-free-ports';

export const clusterItems = (c: 'a' | 'b', n = 24) => Array.from({ length: n }, (_, i) => `${c}-item-${i}`);
export const clusterOfItem = (id: string) => (id.startsWith('a-') ? 'a' : id.startsWith('b-') ? 'b' : null);

/** Customers who buy within their own cluster only, each product bought by about a third of them. */
async function seedStore(db: Firestore, now: number): Promise<void> {
  let batch = db.batch();
  let writes = 0;
  const put = async (path: string, data: object) => {
    batch.set(db.doc(path), data);
    if (++writes % 400 === 0) {
      await batch.commit();
      batch = db.batch();
    }
  };
  let n = 0;
  for (const c of ['a', 'b'] as const) {
    for (const id of clusterItems(c))
      await put(`products/${id}`, { name: id, category: 'decor', active: true });
    for (let u = 0; u < 30; u++) {
      const uid = `${c}-user-${u}`;
      await put(`customers/${uid}`, { uid, consent: { personalisation: true, marketing: false } });
      for (const [i, id] of clusterItems(c).entries()) {
        if ((i * 7 + u * 3) % 3 !== 0) continue;
        await put(`customers/${uid}/events/order-o${++n}-0`, {
          kind: 'purchase',
          productId: id,
          sku: null,
          quantity: 1,
          at: Timestamp.fromMillis(now - ((i + u) % 60) * 86_400_000),
        });
      }
    }
  }
  await batch.commit();
}

export interface Shopper {
  uid: string;
  app: FirebaseApp;
  db: WebFirestore;
  functions: Functions;
  tracker: EventTracker;
  /** Every version of the shopper's live-slot list, as onSnapshot delivers it, with when it came. */
  lists: { list: RecommendationList; at: number }[];
  onList: (() => void) | null;
  stop: () => void;
}

export class FoldInScenario {
  readonly stack = new FreePortStack();
  admin!: App;
  db!: Firestore;
  functionsPort = 0;
  slot: 'a' | 'b' = 'a';
  version = '';
  private shoppers: Shopper[] = [];

  async start(): Promise<void> {
    await buildFunctions();
    await this.stack.startFirestore();
    await this.stack.startAuth();
    Object.assign(process.env, this.stack.env);
    this.admin = initializeAdminApp({ projectId }, `fold-in-${process.pid}`);
    this.db = getAdminFirestore(this.admin);
    const now = Date.now();
    await seedStore(this.db, now);
    const trained = await retrainRecommender(
      { db: this.db, clock: { now: () => new Date() }, log: () => {} },
      { train: { dim: 16, epochs: 8 } },
    );
    if (!trained.outcome.switched)
      throw new Error(`the model did not go live: ${JSON.stringify(trained.outcome)}`);
    this.version = trained.version;
    this.slot = (await this.db.doc('models/current').get()).get('slot') as 'a' | 'b';
    await this.stack.startTriggers('recommendationBoughtOnEvent');
    this.functionsPort = (await this.stack.startFunctionsHost()).port;
  }

  /** A new shopper (no history), signed in, with a profile that allows personalisation. */
  async newShopper(name: string): Promise<Shopper> {
    const app = initializeApp({ projectId, apiKey: 'demo-key' }, `${name}-${process.pid}`);
    const auth = getAuth(app);
    connectAuthEmulator(auth, `http://${host}:${this.stack.authPort}`, { disableWarnings: true });
    const { user } = await createUserWithEmailAndPassword(
      auth,
      `${name}-${Date.now()}@example.com`,
      'fold-in',
    );
    const consent = { personalisation: true, marketing: false };
    await this.db
      .doc(`customers/${user.uid}`)
      .set(
        newProfile(
          { uid: user.uid, displayName: name, email: null, region: null, consent, consentSource: 'signup' },
          new Date(),
        ),
      );
    const db = getFirestore(app);
    connectFirestoreEmulator(db, host, this.stack.firestorePort);
    const functions = getFunctions(app, functionsRegion);
    connectFunctionsEmulator(functions, host, this.functionsPort);
    const shopper: Shopper = {
      uid: user.uid,
      app,
      db,
      functions,
      tracker: trackEvents({ db }, user.uid, { flushEveryMs: 60_000 }),
      lists: [],
      onList: null,
      stop: () => {},
    };
    shopper.stop = onSnapshot(doc(db, 'recommendations', user.uid), (snap) => {
      const list = snap.get(this.slot) as RecommendationList | undefined;
      if (!list) return;
      shopper.lists.push({ list, at: performance.now() });
      shopper.onList?.();
    });
    this.shoppers.push(shopper);
    return shopper;
  }

  /** Resolves with the first list delivered after `since` (performance.now()) that `accept` takes. */
  nextList(
    s: Shopper,
    since: number,
    accept: (l: RecommendationList) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<{ list: RecommendationList; at: number }> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = s.lists.find((l) => l.at >= since && accept(l.list));
        if (!found) return false;
        clearTimeout(timer);
        s.onList = null;
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        s.onList = null;
        reject(new Error(`${what}: never came within ${timeoutMs} ms (${s.lists.length} lists seen)`));
      }, timeoutMs);
      s.onList = () => void check();
      check();
    });
  }

  async getRecommendations(s: Shopper): Promise<GetRecommendationsResponse> {
    const call = httpsCallable<object, GetRecommendationsResponse>(s.functions, 'getRecommendations');
    return (await call({ limit: 10 })).data;
  }

  async stop(): Promise<void> {
    for (const s of this.shoppers) {
      s.stop();
      await s.tracker.stop();
      await terminate(s.db);
      await deleteApp(s.app);
    }
    if (this.admin) await deleteAdminApp(this.admin);
    await this.stack.stop();
  }
}

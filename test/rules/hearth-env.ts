/**
 * The Hearth rules under test: an emulator (ours in process, or the one FIRESTORE_EMULATOR_HOST
 * names), @firebase/rules-unit-testing loaded with the repository's firestore.rules, seed data,
 * and one Firestore client per kind of caller.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  assertFails,
  assertSucceeds,
  initializeTestEnvironment,
  type RulesTestEnvironment,
} from '@firebase/rules-unit-testing';
import firebase from 'firebase/compat/app';
import 'firebase/compat/firestore';
import { claimSlots } from '../../client/src/event-quota';
import { useEmulator, type TestFirestore } from '../support/emulator';

export type Db = firebase.firestore.Firestore;
export type Actor = 'anonymous' | 'alice' | 'bob' | 'staff' | 'admin';
export const ACTORS: Actor[] = ['anonymous', 'alice', 'bob', 'staff', 'admin'];

export const serverTime = () => firebase.firestore.FieldValue.serverTimestamp();
export const Timestamp = firebase.firestore.Timestamp;

export interface HearthRules {
  env: RulesTestEnvironment;
  db(actor: Actor): Db;
  /** A caller with any claims (for forged or malformed claims). */
  dbWith(uid: string, claims: Record<string, unknown>): Db;
  /** Reads with rules off, to check what a denied write left behind. */
  adminGet(path: string): Promise<Record<string, unknown> | undefined>;
  /**
   * A batch that writes events as an app does under firestore.rules' event quota: it raises
   * `uid`'s quota by their number and names them by the slots it opened. `also` adds more writes to
   * the same batch; the batch is returned uncommitted, with the event references.
   */
  eventBatch(
    db: Db,
    uid: string,
    events: Record<string, unknown>[],
  ): Promise<{ batch: firebase.firestore.WriteBatch; refs: firebase.firestore.DocumentReference[] }>;
  stop(): Promise<void>;
}

/** What ensureProfile writes: the contract of functions/src/api/customers.ts. */
export function profile(uid: string, at = Timestamp.fromMillis(Date.UTC(2025, 0, 1))) {
  return {
    uid,
    displayName: uid[0]!.toUpperCase() + uid.slice(1),
    email: `${uid}@example.com`,
    region: 'uk-south',
    addresses: [{ label: 'Home', line1: '1 High St', city: 'Leeds', postcode: 'LS1 1AA', country: 'UK' }],
    preferences: { styles: ['scandi'], rooms: ['living'], budgetMinor: { min: 0, max: 50000 } },
    consent: { personalisation: true, marketing: false },
    consentHistory: [{ purpose: 'personalisation', granted: true, source: 'signup', at }],
    createdAt: at,
    updatedAt: at,
  };
}

async function seed(db: Db): Promise<void> {
  const batch = db.batch();
  const set = (path: string, data: Record<string, unknown>) => batch.set(db.doc(path), data);
  set('products/p1', { name: 'Oak sofa', category: 'sofas', active: true });
  set('products/p1/variants/s1', { productId: 'p1', options: { colour: 'oak' }, priceMinor: 89900 });
  set('locations/l1', { kind: 'warehouse', region: 'uk-north', priority: 1 });
  set('inventory/s1', { sku: 's1', available: 5, onHand: 7, reserved: 2, status: 'in_stock', version: 3 });
  set('inventory/s1/shards/0', { available: 2, onHand: 3, reserved: 1 });
  for (const uid of ['alice', 'bob']) {
    set(`reservations/r-${uid}`, { customerId: uid, status: 'held', lines: [{ sku: 's1', qty: 1 }] });
    set(`orders/o-${uid}`, { customerId: uid, status: 'paid', totalMinor: 89900 });
    set(`recommendations/${uid}`, { items: [{ productId: 'p1', score: 0.9 }], modelVersion: 'v1' });
    set(`customers/${uid}`, profile(uid));
    set(`customers/${uid}/events/e1`, {
      kind: 'view',
      productId: 'p1',
      sku: null,
      quantity: 1,
      at: Timestamp.now(),
    });
  }
  set('ledger/l-1', { kind: 'reserve', sku: 's1', qty: 1, correlationId: 'r-alice' });
  set('models/v1', { version: 'v1', metrics: { recallAt10: 0.2 } });
  set('models/current', { version: 'v1' });
  set('transfers/t1', { sku: 's1', qty: 1, status: 'in_transit' });
  set('reconciliations/run1', { drift: [] });
  set('forecasts/s1', { sku: 's1', weeks: [], replenishment: { reorder: true, suggestedQty: 12 } });
  set('purchaseOrders/po1', {
    supplier: 'Oak & Co',
    locationId: 'wh1',
    status: 'open',
    lines: [{ sku: 's1', qty: 5, received: 0 }],
  });
  set('backorders/res-alice__s1', {
    reservationId: 'res-alice',
    customerId: 'alice',
    sku: 's1',
    locationId: 'wh1',
    qty: 2,
    owed: 2,
    status: 'waiting',
    seq: 1,
  });
  set('suppliers/sup1', { name: 'Oak & Co', leadTimeDays: 5, updatedBy: 'seed' });
  set('suggestionClaims/s1_1764306000000', {
    sku: 's1',
    generatedAt: Timestamp.fromMillis(1764306000000),
    skuWide: { purchaseOrderId: 'po1' },
    locations: {},
    updatedAt: Timestamp.fromMillis(1764306000000),
  });
  set('idempotency/reserve:alice:key12345', { uid: 'alice' });
  await batch.commit();
}

export async function startHearthRules(): Promise<HearthRules> {
  const support: TestFirestore = await useEmulator();
  const colon = support.host.lastIndexOf(':');
  const env = await initializeTestEnvironment({
    projectId: support.projectId,
    firestore: {
      host: support.host.slice(0, colon),
      port: Number(support.host.slice(colon + 1)),
      rules: readFileSync(join(__dirname, '..', '..', 'firestore.rules'), 'utf8'),
    },
  });
  await env.withSecurityRulesDisabled((ctx) => seed(ctx.firestore() as unknown as Db));
  const contexts: Record<Actor, Db> = {
    anonymous: env.unauthenticatedContext().firestore() as unknown as Db,
    alice: env.authenticatedContext('alice', { email: 'alice@example.com' }).firestore() as unknown as Db,
    bob: env.authenticatedContext('bob', { email: 'bob@example.com' }).firestore() as unknown as Db,
    staff: env.authenticatedContext('sam', { staff: true }).firestore() as unknown as Db,
    admin: env.authenticatedContext('ada', { admin: true }).firestore() as unknown as Db,
  };
  return {
    env,
    db: (actor) => contexts[actor],
    dbWith: (uid, claims) => env.authenticatedContext(uid, claims).firestore() as unknown as Db,
    async adminGet(path) {
      let data: Record<string, unknown> | undefined;
      await env.withSecurityRulesDisabled(async (ctx) => {
        data = (await ctx.firestore().doc(path).get()).data();
      });
      return data;
    },
    async eventBatch(db, uid, events) {
      let stored: Record<string, unknown> | undefined;
      await env.withSecurityRulesDisabled(async (ctx) => {
        stored = (await ctx.firestore().doc(`customers/${uid}/quota/events`).get()).data();
      });
      const current = stored && {
        window: stored.window as number,
        used: stored.used as number,
        startedAtMs: (stored.startedAt as firebase.firestore.Timestamp).toMillis(),
      };
      const claim = claimSlots(current, events.length, Date.now());
      const batch = db.batch();
      const quota = db.doc(`customers/${uid}/quota/events`);
      if (claim.newWindow)
        batch.set(quota, { window: claim.window, used: claim.to, startedAt: serverTime() });
      else batch.update(quota, { used: claim.to });
      const refs = events.map((e, i) => {
        const ref = db.doc(`customers/${uid}/events/${claim.window}-${claim.from + i + 1}`);
        batch.set(ref, e);
        return ref;
      });
      return { batch, refs };
    },
    async stop() {
      await env.cleanup();
      await support.stop();
    },
  };
}

/** Asserts the request is allowed (true) or refused with PERMISSION_DENIED (false). */
export async function expectAccess(allowed: boolean, request: () => Promise<unknown>): Promise<void> {
  if (allowed) await assertSucceeds(request());
  else await assertFails(request());
}

/**
 * The web app in headless Chromium against the real stack (the project's Firestore emulator, the
 * firebase-tools Auth and Functions emulators running the built functions): a shopper browses,
 * reserves and checks out while another buyer's purchase changes what the page shows; staff watch
 * the board change as stock is restocked, and see a bad adjustment's error on its field; axe-core
 * finds no WCAG A/AA violation on the main pages. Backorders: staff let a SKU take them from its page, a
 * shopper's cart beyond stock is owed the rest until a restock fills it, then checks out. With HEARTH_SCREENSHOTS=1 it rewrites the
 * README's screenshots (web/screenshots/).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { getAuth as getAdminAuth } from 'firebase-admin/auth';
import { Timestamp } from 'firebase-admin/firestore';
import { deleteApp, initializeApp } from 'firebase/app';
import { signInWithEmailAndPassword } from 'firebase/auth';
import type { Page } from 'playwright-core';
import { checkout, ensureProfile, hearthClient, reserve, unwrap } from '@hearth/client';
import { DEMO_PASSWORD } from '../../scripts/src/seed/customers';
import { systemClock } from '../../functions/src/inventory/deps';
import { reconcileInventory } from '../../functions/src/inventory/reconcile';
import { fillBackorders } from '../../functions/src/inventory/backorders';
import { runImport } from '../../functions/src/bulk/import-job';
import { assertInvariants } from '../../functions/test/inventory/support/invariants';
import { launchAppBrowser, signIn, type AppBrowser, type AppPage } from './support/browser';
import { startTestStack, type TestStack } from './support/stack';
import { product, seedProduct, USERS } from './support/store';

const shots = process.env.HEARTH_SCREENSHOTS === '1' ? join(__dirname, '..', 'screenshots') : null;
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let stack: TestStack;
let browser: AppBrowser;
const pages: AppPage[] = [];

before(async () => {
  stack = await startTestStack();
  browser = await launchAppBrowser();
  if (shots) mkdirSync(shots, { recursive: true });
});

after(async () => {
  for (const p of pages) {
    assert.deepEqual(p.blocked, [], 'the app reached nothing off the machine');
  }
  await browser?.close();
  await stack?.stop();
});

async function open(path = ''): Promise<Page> {
  const p = await browser.open(`${stack.url}${path}`);
  pages.push(p);
  return p.page;
}

async function screenshot(page: Page, name: string): Promise<void> {
  if (shots) await page.screenshot({ path: join(shots, `${name}.png`) });
}

/** Every WCAG 2 A and AA rule axe-core checks, on the page as it is now. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(o: unknown): Promise<any> } }).axe;
    return axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
  });
  return (result.violations as Array<{ id: string; help: string; nodes: Array<{ target: string[] }> }>).map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
}

/** Another buyer, in Node with the web SDK and the client package, as another device would. */
async function otherBuyerBuys(sku: string, qty: number): Promise<string> {
  const app = initializeApp({ projectId: stack.config.projectId, apiKey: 'demo-key' }, `buyer-${Date.now()}`);
  try {
    const client = hearthClient(app, { emulators: stack.config.emulators! });
    await signInWithEmailAndPassword(client.auth, USERS.buyer.email, DEMO_PASSWORD);
    unwrap(await ensureProfile(client)); // as an app does after every sign-in
    const held = unwrap(await reserve(client, [{ sku, qty }]));
    return unwrap(await checkout(client, held.reservationId)).orderId;
  } finally {
    await deleteApp(app);
  }
}

describe('the storefront', () => {
  let page: Page;

  it('browses, shows live availability as another buyer buys, holds all or nothing, checks out, lists the order', async () => {
    page = await open();
    await signIn(page, USERS.shopper.email, DEMO_PASSWORD);
    const products = page.getByRole('list', { name: 'Products' });
    await products.getByRole('link', { name: 'Brass Reading Lamp' }).waitFor();
    // Picks come from getRecommendations with their reason: with no model yet, the popular list.
    const picks = page.getByRole('region', { name: 'Picked for you' });
    await picks.getByRole('link', { name: 'Oak Frame Sofa' }).waitFor();
    await picks.getByText('Popular in our store').first().waitFor();
    await screenshot(page, 'storefront-catalog');
    assert.deepEqual(await axeViolations(page), [], 'catalog');

    await page.getByLabel('Search by name').fill('oak');
    await page.getByRole('button', { name: 'Search' }).click();
    await products.getByRole('link', { name: 'Oak Frame Sofa' }).waitFor();
    await products.getByRole('link', { name: 'Brass Reading Lamp' }).waitFor({ state: 'detached' });
    assert.equal(await products.getByRole('listitem').count(), 1, 'the search narrows');

    await page.goto(`${stack.url}#/p/p-lamp`);
    const lamp = page.getByTestId('availability-LAMP-BRASS');
    await lamp.getByText('Only 3 left').waitFor();
    await otherBuyerBuys('LAMP-BRASS', 1);
    await lamp.getByText('Only 2 left').waitFor(); // no reload: the listener brought it
    await screenshot(page, 'storefront-product');
    assert.deepEqual(await axeViolations(page), [], 'product page');

    await page.getByRole('button', { name: 'Add to cart: brass' }).click();
    await page.getByRole('link', { name: 'Cart (1)' }).click();
    await page.getByLabel('Quantity of Brass Reading Lamp (brass)').fill('5');
    await page.getByRole('button', { name: 'Reserve these items' }).click();
    await page
      .getByRole('alert')
      .getByText('Only 2 of Brass Reading Lamp (brass) left; you asked for 5. Nothing was reserved.')
      .waitFor();

    await page.getByLabel('Quantity of Brass Reading Lamp (brass)').fill('1');
    await page.getByRole('button', { name: 'Reserve these items' }).click();
    const timer = page.getByTestId('hold-countdown');
    await timer.waitFor();
    assert.match(await timer.innerText(), /Held for you for \d+:\d\d/);
    await screenshot(page, 'storefront-cart');
    assert.deepEqual(await axeViolations(page), [], 'cart with a hold');

    await page.getByRole('button', { name: 'Check out' }).click();
    const placed = page.getByText(/^Order \S+ placed\./);
    await placed.waitFor();
    const orderId = /^Order (\S+) placed/.exec(await placed.innerText())![1]!;
    await page.getByRole('link', { name: 'See your orders' }).click();
    await page.locator(`[data-order="${orderId}"]`).getByText('1 × LAMP-BRASS').waitFor();

    await page.goto(`${stack.url}#/p/p-lamp`);
    await page.getByTestId('availability-LAMP-BRASS').getByText('Only 1 left').waitFor();
    await assertInvariants(stack.db);
  });

  it('records a consent change in the history, and hands the shopper a copy of their data with the order', async () => {
    await page.getByRole('link', { name: 'Privacy' }).click();
    const marketing = page.getByRole('checkbox', { name: 'Send me offers and news' });
    await marketing.waitFor();
    const before = await marketing.isChecked();
    await marketing.click();
    // The box follows the profile as setConsent rewrote it, not the click.
    await page.getByText(`marketing ${before ? 'withdrawn' : 'given'} (`).waitFor({ state: 'attached' });
    assert.equal(await marketing.isChecked(), !before);
    const profile = (await stack.db.doc(`customers/${USERS.shopper.uid}`).get()).data()!;
    assert.equal(profile.consent.marketing, !before);

    await page.getByRole('button', { name: 'Prepare a copy of my data' }).click();
    const link = page.getByRole('link', { name: 'Download my data (JSON)' });
    await link.waitFor();
    const copy = await page.evaluate(
      async (url) => (await fetch(url)).json(),
      (await link.getAttribute('href'))!,
    );
    assert.equal(copy.uid, USERS.shopper.uid);
    assert.equal(copy.orders.length, 1, 'the order placed above is in the copy');
    assert.deepEqual(await axeViolations(page), [], 'privacy page');
  });
});

describe('the staff console', () => {
  const cell = (sku: string, location: string, figure: string) =>
    `tr[data-sku="${sku}"][data-location="${location}"] td[data-figure="${figure}"]`;
  let sku: Page;

  it('shows the board change live as staff restock from another screen, and the restock in the ledger', async () => {
    const board = await open('#/console');
    await signIn(board, USERS.staff.email, DEMO_PASSWORD);
    const onHand = board.locator(cell('SOFA-GREEN', 'wh-north', 'onHand'));
    await board.locator(cell('SOFA-GREEN', 'wh-north', 'onHand'), { hasText: /^12$/ }).waitFor();
    await screenshot(board, 'console-board');
    assert.deepEqual(await axeViolations(board), [], 'stock board');

    sku = await open('#/console/sku/SOFA-GREEN');
    await signIn(sku, USERS.staff.email, DEMO_PASSWORD);
    const form = sku.getByRole('form', { name: 'Restock' });
    await form.getByLabel('Location').selectOption('wh-north');
    await form.getByLabel('Units received').fill('5');
    await form.getByRole('button', { name: 'Restock' }).click();
    await form.getByText('Done: +5 at wh-north').waitFor();

    await board.locator(cell('SOFA-GREEN', 'wh-north', 'onHand'), { hasText: /^17$/ }).waitFor();
    assert.equal(await board.locator(cell('SOFA-GREEN', 'wh-north', 'available')).innerText(), '17');
    assert.equal(await onHand.innerText(), '17');
    await sku.locator('.timeline li[data-kind="restock"]', { hasText: 'by demo-sam (staff)' }).waitFor();
    await screenshot(sku, 'console-sku');
    assert.deepEqual(await axeViolations(sku), [], 'SKU page');
  });

  it('shows an adjustment with bad input on the field it names, from the schema and from the function', async () => {
    const form = sku.getByRole('form', { name: 'Adjust' });
    const delta = form.getByLabel('Change (+ found, − lost or damaged)');
    const submit = form.getByRole('button', { name: 'Adjust' });
    const deltaError = async () => {
      await form.locator('.field-error').first().waitFor();
      assert.equal(await delta.getAttribute('aria-invalid'), 'true');
      const describedBy = await delta.getAttribute('aria-describedby');
      return form.locator(`[id="${describedBy}"]`).innerText();
    };
    await form.getByLabel('Location').selectOption('wh-north');
    await delta.fill('two');
    await submit.click();
    assert.equal(await deltaError(), 'must be a number');
    await delta.fill('0');
    await submit.click();
    await form.getByText('must not be zero').waitFor();
    // More than there is: only the function knows, and says how many there are.
    await delta.fill('-500');
    await submit.click();
    await form.getByText('Only 17 available here; 500 asked for').waitFor();
    assert.equal(await deltaError(), 'Only 17 available here; 500 asked for');
    const adjusts = await stack.db.collection('ledger').where('kind', '==', 'adjust').count().get();
    assert.equal(adjusts.data().count, 0, 'no bad adjustment reached the ledger');
  });

  it('ships a transfer and receives it, the ledger showing both legs', async () => {
    const ship = sku.getByRole('form', { name: 'Transfer' });
    await ship.getByLabel('From').selectOption('wh-north');
    await ship.getByLabel('To').selectOption('wh-north');
    await ship.getByLabel('Units').fill('3');
    await ship.getByRole('button', { name: 'Transfer' }).click();
    await ship.getByText('must differ from fromLocationId').waitFor(); // on the To field, from the schema
    await ship.getByLabel('To').selectOption('wh-south');
    await ship.getByRole('button', { name: 'Transfer' }).click();
    const shipped = ship.getByText(/^Transfer \S+ shipped$/);
    await shipped.waitFor();
    const transferId = /^Transfer (\S+) shipped$/.exec(await shipped.innerText())![1]!;

    // The transfer in transit appears to receive, from the staff-only transfers collection, live.
    const receive = sku.getByRole('form', { name: 'Receive a transfer' });
    await receive.getByLabel('Transfer in transit').selectOption(transferId);
    await receive.getByRole('button', { name: 'Receive a transfer' }).click();
    // Shown beside the form, not in it: receiving the last transfer in transit takes the form away.
    await sku
      .getByRole('region', { name: 'Transfers in transit' })
      .getByText(`Transfer ${transferId} received`)
      .waitFor();
    await sku.locator('.timeline li[data-kind="transfer_out"]', { hasText: 'to wh-south' }).waitFor();
    await sku.locator('.timeline li[data-kind="transfer_in"]', { hasText: 'at wh-south' }).waitFor();
    await sku.locator('tr[data-location="wh-south"] td[data-figure="onHand"]', { hasText: /^7$/ }).waitFor();
    await assertInvariants(stack.db);
  });

  it('follows a flash sale: exact availability from the shards and every hold, as six carts reserve at once', async () => {
    const flash = await open('#/console/flash/MUG-HEART');
    await signIn(flash, USERS.staff.email, DEMO_PASSWORD);
    const available = flash.getByTestId('flash-available');
    await available.getByText('40 available').waitFor();
    const app = initializeApp({ projectId: stack.config.projectId, apiKey: 'demo-key' }, 'flash-buyer');
    try {
      const client = hearthClient(app, { emulators: stack.config.emulators! });
      await signInWithEmailAndPassword(client.auth, USERS.buyer.email, DEMO_PASSWORD);
      unwrap(await ensureProfile(client)); // as an app does after every sign-in
      // Six carts at once, as in a flash sale: the monitor must land on the exact sum of the shards.
      const holds = (
        await Promise.all(Array.from({ length: 6 }, () => reserve(client, [{ sku: 'MUG-HEART', qty: 2 }])))
      ).map(unwrap);
      await available.getByText('28 available').waitFor();
      for (const h of holds) await flash.getByRole('link', { name: h.reservationId }).waitFor();
    } finally {
      await deleteApp(app);
    }
    await screenshot(flash, 'console-flash');
    assert.deepEqual(await axeViolations(flash), [], 'flash-sale monitor');
    await assertInvariants(stack.db);
  });
  it('looks a customer up by email: consent history and orders, live', async () => {
    await sku.goto(`${stack.url}#/console/customers`);
    await sku.getByLabel('Email or uid').fill(USERS.shopper.email);
    await sku.getByRole('button', { name: 'Look up' }).click();
    const found = sku.getByRole('article', { name: new RegExp(USERS.shopper.email.replace(/\./g, '\\.')) });
    await found.waitFor();
    await found.getByText(`uid ${USERS.shopper.uid}`, { exact: false }).waitFor();
    // The storefront test above changed marketing once: the history shows it with its source.
    const history = found.getByRole('table', { name: 'Consent history' });
    await history
      .getByRole('row', { name: /marketing/ })
      .first()
      .waitFor();
    const profile = (await stack.db.doc(`customers/${USERS.shopper.uid}`).get()).data()!;
    assert.equal(await history.locator('tbody tr').count(), profile.consentHistory.length);
    assert.equal(await found.getByRole('listitem').filter({ hasText: 'placed' }).count(), 1, 'the order');
    // Their request for a copy, taken by staff: the same export the shopper downloads.
    await found.getByRole('button', { name: 'Prepare a copy of their data' }).click();
    const link = found.getByRole('link', { name: 'Download their data (JSON)' });
    await link.waitFor();
    const copy = await sku.evaluate(
      async (url) => (await fetch(url)).json(),
      (await link.getAttribute('href'))!,
    );
    assert.equal(copy.uid, USERS.shopper.uid);
    assert.equal(copy.orders.length, 1);
    assert.equal(
      await found.getByRole('form', { name: 'Erase this customer' }).count(),
      0,
      'staff do not erase',
    );
    await screenshot(sku, 'console-customer');
    assert.deepEqual(await axeViolations(sku), [], 'customer lookup');
  });
  it("shows a reconciliation run and the recommender's versions with their recall plotted", async () => {
    // A real run of the hourly job over this store, and model records as the training job writes them.
    const run = await reconcileInventory({ db: stack.db, clock: systemClock });
    assert.equal(run.drift.length, 0);
    const t = (iso: string) => Timestamp.fromDate(new Date(iso));
    const model = (version: string, slot: 'a' | 'b', recall10: number, day: string) => ({
      version,
      slot,
      status: 'complete',
      backend: 'wasm',
      params: { factors: 32 },
      window: { from: t('2026-01-01'), to: t(day), holdoutFrom: t(day) },
      counts: { events: 5000, customers: 80, products: 300, excludedCustomers: 2 },
      metrics: { recall10, ndcg10: recall10 / 2, coverage10: 0.3, holdoutUsers: 40 },
      trainSeconds: 12.5,
      createdAt: t(day),
      completedAt: t(day),
    });
    await stack.db.doc('models/v1').set(model('v1', 'a', 0.21, '2026-11-19T03:00:00Z'));
    await stack.db.doc('models/v2').set(model('v2', 'b', 0.24, '2026-11-20T03:00:00Z'));
    await stack.db.doc('models/current').set({
      version: 'v2',
      slot: 'b',
      metrics: model('v2', 'b', 0.24, '2026-11-20T03:00:00Z').metrics,
      switchedAt: t('2026-11-20T03:05:00Z'),
    });

    await sku.getByRole('link', { name: 'Reconciliation' }).click();
    await sku.getByText(`${run.ledgerEntries} ledger entries over ${run.skus} SKUs, no drift`).waitFor();
    await sku.getByRole('link', { name: 'Recommender' }).click();
    await sku.getByText('v2 (slot b, recall@10 0.240').waitFor();
    const runs = sku.getByRole('table', { name: 'Training runs' });
    assert.equal(await runs.locator('tbody tr').count(), 2);
    assert.equal(await runs.locator('tr.live th').innerText(), 'v2');
    // uPlot drew the recall series on its canvas.
    await sku
      .getByRole('img', { name: 'Held-out recall@10 of each model version' })
      .locator('canvas')
      .waitFor();
    assert.deepEqual(await axeViolations(sku), [], 'recommender');

    // Staff split customers 30/70 between the slots through the console; the hourly job's figures
    // then show per arm, and promoting slot a through the console makes v1 the only live model.
    const split = sku.getByRole('form', { name: 'Split customers between the slots' });
    await split.getByLabel('Share of slot a (%); slot b gets the rest').fill('lots');
    await split.getByRole('button', { name: 'Split customers between the slots' }).click();
    await split.getByText('share must be a number').waitFor();
    await split.getByLabel('Share of slot a (%); slot b gets the rest').fill('30');
    await split.getByRole('button', { name: 'Split customers between the slots' }).click();
    await split.getByText('Split: a v1 30%, b v2 70%').waitFor();
    const proportion = (successes: number, trials: number, low: number, high: number) => ({
      successes,
      trials,
      rate: successes / trials,
      low,
      high,
    });
    const arm = (slot: 'a' | 'b', version: string, buyers: number) => ({
      slot,
      version,
      customers: 200,
      answers: 400,
      impressions: 4000,
      clicks: 120,
      cartAdds: 30,
      purchases: buyers,
      clickRate: proportion(120, 4000, 0.025, 0.036),
      cartAddRate: proportion(25, 200, 0.086, 0.178),
      conversion: proportion(buyers, 200, 0.05, 0.2),
    });
    await stack.db.doc('models/current').update({
      'experiment.metrics': {
        computedAt: t('2026-11-21T12:00:00Z'),
        arms: [arm('a', 'v1', 24), arm('b', 'v2', 18)],
      },
    });
    const arms = sku.getByRole('table', { name: 'Experiment arms' });
    await arms.waitFor();
    assert.equal(await arms.locator('tbody tr').count(), 2);
    assert.match(
      await arms.locator('tr[data-arm="a"]').innerText(),
      /v1\s+30%\s+200\s+4000.*12\.0% \(5\.0%-20\.0%\)/s,
    );
    assert.match(await arms.locator('tr[data-arm="b"]').innerText(), /v2\s+70%.*\b18\b/s);
    assert.deepEqual(await axeViolations(sku), [], 'recommender experiment');
    await sku.getByRole('button', { name: 'Promote slot a (v1)' }).click();
    await sku.getByText('v1 is now the only live model').waitFor();
    await sku.getByText('v1 (slot a, recall@10 0.210').waitFor();
    const live = (await stack.db.doc('models/current').get()).data()!;
    assert.deepEqual(
      [live.version, live.slot, live.experiment, live.endedExperiment.promoted],
      ['v1', 'a', undefined, 'a'],
    );
    assert.equal(await sku.getByRole('table', { name: 'Experiment arms' }).count(), 0);
  });
  it('lets an admin erase a customer on their request, confirmed, and the account is gone', async () => {
    const adminPage = await open(`#/console/customers?q=${USERS.buyer.email}`);
    await signIn(adminPage, USERS.admin.email, DEMO_PASSWORD);
    const erase = adminPage.getByRole('form', { name: 'Erase this customer' });
    const confirm = erase.getByLabel("Type DELETE to erase this customer's account and data");
    await confirm.fill('delete');
    await erase.getByRole('button', { name: 'Erase this customer' }).click();
    await erase.getByText('Type DELETE to confirm').waitFor();
    assert.equal(
      (await stack.db.doc(`customers/${USERS.buyer.uid}`).get()).exists,
      true,
      'not without DELETE',
    );
    await confirm.fill('DELETE');
    await erase.getByRole('button', { name: 'Erase this customer' }).click();
    await adminPage.getByText(new RegExp(`^Erased ${USERS.buyer.uid}: profile deleted`)).waitFor();
    await adminPage.getByText(`No customer ${USERS.buyer.email}.`).waitFor(); // the live lookup saw it go
    await assert.rejects(getAdminAuth(stack.admin).getUser(USERS.buyer.uid), { code: 'auth/user-not-found' });
    await assertInvariants(stack.db);
  });

  it('imports a CSV with its progress and report live, and plots a SKU forecast on the replenishment page', async () => {
    const page = await open('#/console/imports');
    await signIn(page, USERS.staff.email, DEMO_PASSWORD);
    const csv = [
      'sku,productId,productName,category,priceMinor,currency,locationId,onHand',
      'LAMP-WEB,p-lamp-web,"Lamp, ""Web""",lighting,4500,GBP,wh-north,3',
      'GHOST-WEB,,,,,,wh-north,2',
    ].join('\n');
    await page
      .getByLabel('CSV file')
      .setInputFiles({ name: 'lamps.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByTestId('import-status').waitFor();
    // This stack relays no triggers: the test runs the queued job from Node, as the trigger would.
    const queued = await stack.db.collection('importJobs').where('status', '==', 'queued').get();
    assert.equal(queued.size, 1);
    await runImport({ db: stack.db, clock: systemClock }, queued.docs[0]!.id);
    await page.getByTestId('import-status').getByText('done').waitFor();
    await page.getByText('2 of 2 rows: 1 applied, 0 unchanged, 1 failed').waitFor();
    await page.getByRole('cell', { name: "unknown SKU 'GHOST-WEB'", exact: false }).waitFor();
    assert.equal((await stack.db.doc('products/p-lamp-web').get()).data()?.name, 'Lamp, "Web"');
    assert.deepEqual(await axeViolations(page), [], 'imports');

    const week = 7 * 24 * 3600 * 1000;
    const from = Date.UTC(2026, 8, 7);
    await stack.db.doc('forecasts/LAMP-WEB').set({
      sku: 'LAMP-WEB',
      method: 'ses(0.3)',
      generatedAt: Timestamp.now(),
      historyFrom: Timestamp.fromMillis(from),
      history: [3, 5, 2, 6, 4, 7, 5, 6],
      weeks: Array.from({ length: 8 }, (_, i) => ({
        weekStart: Timestamp.fromMillis(from + (8 + i) * week),
        units: 5.5,
      })),
      locations: {
        'wh-north': {
          history: [1, 2, 1, 3, 2, 3, 2, 3],
          units: new Array(8).fill(2.4),
          replenishment: {
            leadTimeWeeks: 2,
            reviewWeeks: 1,
            serviceLevel: 0.95,
            leadTimeDemand: 4.8,
            safetyStock: 2,
            reorderPoint: 7,
            orderUpTo: 10,
            inventoryPosition: 1,
            reorder: true,
            suggestedQty: 9,
          },
        },
      },
      errorSd: 1.4,
      replenishment: {
        leadTimeWeeks: 2,
        reviewWeeks: 1,
        serviceLevel: 0.95,
        leadTimeDemand: 11,
        safetyStock: 4,
        reorderPoint: 15,
        orderUpTo: 21,
        inventoryPosition: 3,
        reorder: true,
        suggestedQty: 18,
      },
      supplier: { id: 'lamp-works-web', name: 'Lamp Works', leadTimeDays: 12 },
    });
    const repl = await open('#/console/replenishment/LAMP-WEB');
    await signIn(repl, USERS.staff.email, DEMO_PASSWORD);
    await repl.getByRole('row', { name: /LAMP-WEB 3 15 18/ }).waitFor();
    await repl
      .getByRole('img', { name: 'Weekly units of LAMP-WEB: sold, and forecast for the next 8 weeks' })
      .waitFor();
    await repl.locator('.chart canvas').first().waitFor();
    await repl.getByRole('button', { name: 'Order 18 × LAMP-WEB' }).first().waitFor();
    await repl.getByText('Lamp Works, 12 days').waitFor();
    // The location's own suggestion, ordered to it from the SKU's supplier in one press.
    await repl.getByRole('row', { name: /Leeds warehouse 2\.4 1 7 9/ }).waitFor();
    await repl.getByRole('button', { name: 'Order 9 × LAMP-WEB to wh-north' }).click();
    await repl.getByText(/Purchase order /).waitFor();
    const ordered = await stack.db
      .collection('purchaseOrders')
      .where('fromSuggestion.sku', '==', 'LAMP-WEB')
      .get();
    assert.deepEqual(
      ordered.docs.map((d) => [d.get('locationId'), d.get('supplier'), d.get('lines')[0].qty]),
      [['wh-north', 'Lamp Works', 9]],
    );
    // That order covers the run's SKU-wide suggestion: its Order buttons give way to the order's id.
    await repl.getByText(`ordered as PO ${ordered.docs[0]!.id}`).first().waitFor();
    assert.equal(await repl.getByRole('button', { name: 'Order 18 × LAMP-WEB' }).count(), 0);
    // The supplier's lead time, set from the page (a bad one refused on its field first).
    const form = repl.getByRole('form', { name: 'Set the lead time of Lamp Works' });
    await form.getByLabel('Lead time (days)').fill('0');
    await form.getByRole('button', { name: 'Set the lead time of Lamp Works' }).click();
    await form.getByText('must be at least 1 day').waitFor();
    await form.getByLabel('Lead time (days)').fill('20');
    await form.getByRole('button', { name: 'Set the lead time of Lamp Works' }).click();
    await form.getByText('Lamp Works now takes 20 days', { exact: false }).waitFor();
    assert.equal((await stack.db.doc('suppliers/lamp-works-web').get()).get('leadTimeDays'), 20);
    // Staff move the SKU to another supplier (setSkuSupplier), kept on its variant as staff-set.
    await stack.db
      .doc('suppliers/oak-web')
      .set({ name: 'Oak Web', leadTimeDays: 5, updatedAt: Timestamp.now(), updatedBy: 'seed' });
    const move = repl.getByRole('form', { name: 'Move LAMP-WEB to another supplier' });
    await move.getByRole('option', { name: 'Oak Web (5 days)' }).waitFor({ state: 'attached' });
    await move.getByLabel('Supplier').selectOption('oak-web');
    await move.getByRole('button', { name: 'Move LAMP-WEB to another supplier' }).click();
    await move.getByText('LAMP-WEB now comes from Oak Web', { exact: false }).waitFor();
    const variant = (await stack.db.doc('products/p-lamp-web/variants/LAMP-WEB').get()).data();
    assert.equal(variant?.supplierId, 'oak-web');
    assert.equal(typeof variant?.supplierSetBy, 'string');
    assert.deepEqual(await axeViolations(repl), [], 'replenishment');
  });

  it('opens a purchase order, receives part of it, refuses an over-receipt and a stale count', async () => {
    // MUG-HEART is the hot SKU: its exact figure at wh-north is the sum of its shards.
    const onHandNow = async () =>
      (await stack.db.collection('inventory/MUG-HEART/shards').get()).docs
        .filter((d) => d.data().locationId === 'wh-north')
        .reduce((sum, d) => sum + (d.data().onHand as number), 0);
    const start = await onHandNow();
    const page = await open('#/console/purchase-orders');
    await signIn(page, USERS.staff.email, DEMO_PASSWORD);
    const create = page.getByRole('form', { name: 'New purchase order' });
    await create.getByLabel('Supplier').fill('Oak & Co');
    await create.getByLabel('Location').selectOption('wh-north');
    await create.getByLabel('SKU').fill('MUG-HEART');
    await create.getByLabel('Units').fill('6');
    await create.getByRole('button', { name: 'New purchase order' }).click();
    const opened = create.getByText(/^Purchase order \S+ is open$/);
    await opened.waitFor();
    const id = /^Purchase order (\S+) is open$/.exec(await opened.innerText())![1]!;
    await page.getByText('MUG-HEART 0/6').waitFor(); // the open list, live

    const receive = page.getByRole('form', { name: `Receive on ${id}` });
    await receive.getByLabel('Units received').fill('4');
    await receive.getByRole('button', { name: `Receive on ${id}` }).click();
    await page.getByText('MUG-HEART 4/6').waitFor();
    assert.equal(await onHandNow(), start + 4);
    const again = page.getByRole('form', { name: `Receive on ${id}` });
    await again.getByLabel('Units received').fill('3');
    await again.getByRole('button', { name: `Receive on ${id}` }).click();
    await page
      .getByText(`Purchase order ${id} awaits 2 × MUG-HEART; 3 were received`, { exact: false })
      .waitFor();

    const count = page.getByRole('form', { name: 'Record a count' });
    await count.getByLabel('SKU').fill('MUG-HEART');
    await count.getByLabel('Location').selectOption('wh-north');
    await count.getByLabel('On hand shown when counting began').fill(String(start));
    await count.getByLabel('Counted').fill(String(start + 1));
    await count.getByRole('button', { name: 'Record a count' }).click();
    await count.getByText(`has ${start + 4} on hand now`, { exact: false }).waitFor();
    assert.equal(await onHandNow(), start + 4, 'the stale count changed nothing');
    assert.deepEqual(await axeViolations(page), [], 'purchase orders');
    await assertInvariants(stack.db);
  });
});

describe('drops and bundles', () => {
  // A reading-nook set (one lamp, two cushions) whose cushions are a drop: two per customer.
  const nook = { id: 'p-nook', lamp: 'LAMP-NOOK', cushion: 'CUSHION-OAT' };

  before(async () => {
    await seedProduct(stack.db, {
      id: 'p-nook-parts',
      doc: product('Nook Parts', 'furnishing', 'study', [], 'The parts of the reading-nook set'),
      variants: [
        { sku: nook.lamp, options: {}, priceMinor: 3_000, stock: { 'wh-north': 5 } },
        { sku: nook.cushion, options: {}, priceMinor: 1_500, stock: { 'wh-north': 10 } },
      ],
    });
    await stack.db.doc(`products/${nook.id}`).set({
      ...product('Reading Nook Set', 'furnishing', 'study', [], 'A lamp and two cushions'),
      bundle: {
        components: [
          { sku: nook.lamp, qty: 1 },
          { sku: nook.cushion, qty: 2 },
        ],
      },
    });
  });

  it('staff cap a SKU per customer; the set shows the cap live, holds whole once and is refused past the cap', async () => {
    const staff = await open(`#/console/sku/${nook.cushion}`);
    await signIn(staff, USERS.staff.email, DEMO_PASSWORD);
    const shop = await open(`#/p/${nook.id}`);
    await signIn(shop, USERS.shopper.email, DEMO_PASSWORD);
    const set = shop.getByRole('region', { name: 'In this set' });
    await set.getByText(`2 × ${nook.cushion}`).waitFor();
    assert.equal(await set.locator('[data-limit]').count(), 0, 'no cap shown before staff set one');

    const limit = staff.getByRole('form', { name: 'Set the limit' });
    await limit.getByLabel('Units per customer').fill('0');
    await limit.getByRole('button', { name: 'Set the limit' }).click();
    await limit.getByText('must be at least 1 (remove the limit instead)').waitFor(); // the schema's, on the field
    await limit.getByLabel('Units per customer').fill('2');
    await limit.getByRole('button', { name: 'Set the limit' }).click();
    await limit.getByText(`${nook.cushion}: at most 2 per customer for the whole drop`).waitFor();

    // The shopper's page learns of the cap from the availability document, live.
    await set.locator('[data-limit="2"]', { hasText: 'Limit 2 per customer' }).waitFor();
    await set.getByRole('button', { name: 'Hold the whole set' }).click();
    await set.getByText('The set is held until', { exact: false }).waitFor();
    await set.getByRole('button', { name: 'Hold the whole set' }).click();
    await set
      .getByText(`${nook.cushion} is limited to 2 per customer; you have 2 held or bought`, { exact: false })
      .waitFor();
    assert.deepEqual(await axeViolations(shop), [], 'bundle page');

    // One hold of the whole set, and nothing of the refused second one.
    const holds = await stack.db
      .collection('reservations')
      .where('customerId', '==', USERS.shopper.uid)
      .where('status', '==', 'held')
      .get();
    const ofSet = holds.docs.filter((d) =>
      d.get('lines').some((l: { bundleId?: string }) => l.bundleId === nook.id),
    );
    assert.equal(ofSet.length, 1);
    const reserved = async (sku: string) => (await stack.db.doc(`inventory/${sku}`).get()).get('reserved');
    assert.equal(await reserved(nook.lamp), 1);
    assert.equal(await reserved(nook.cushion), 2);
    await assertInvariants(stack.db);
  });
});

describe('backorders', () => {
  const stool = { id: 'p-stool', sku: 'STOOL-ASH', name: 'Ash Stool (ash)' };
  const DAY_MS = 24 * 3600 * 1000;

  before(async () => {
    await seedProduct(stack.db, {
      id: stool.id,
      doc: product('Ash Stool', 'furniture', 'kitchen', ['scandi'], 'A kitchen stool in ash'),
      variants: [
        { sku: stool.sku, options: { material: 'ash' }, priceMinor: 12_000, stock: { 'wh-north': 2 } },
      ],
    });
  });

  it('staff let a SKU take backorders; a cart beyond its stock is owed the rest, waits for the restock, then checks out', async () => {
    const staff = await open(`#/console/sku/${stool.sku}`);
    await signIn(staff, USERS.staff.email, DEMO_PASSWORD);
    const panel = staff.getByRole('region', { name: 'Backorders' });
    await panel.getByText('Takes no backorders.', { exact: false }).waitFor();
    const policy = staff.getByRole('form', { name: 'Set backorders' });
    const limit = policy.getByLabel('Units that may be owed at once');
    await limit.fill('0');
    await policy.getByLabel('Owed at (location)').selectOption('wh-north');
    await policy.getByLabel('Lead time (days) past open purchase orders').fill('10');
    await policy.getByRole('button', { name: 'Set backorders' }).click();
    await policy.getByText('limit must be at least 1 (null turns backorders off)').waitFor(); // the schema's
    assert.equal(await limit.getAttribute('aria-invalid'), 'true');
    await limit.fill('5');
    await policy.getByRole('button', { name: 'Set backorders' }).click();
    await policy
      .getByText(`${stool.sku}: takes backorders at wh-north: up to 5 owed at once`, { exact: false })
      .waitFor();
    assert.deepEqual((await stack.db.doc(`inventory/${stool.sku}`).get()).get('backorder'), {
      limit: 5,
      locationId: 'wh-north',
      leadTimeDays: 10,
    });

    // The shopper asks for 5 of the 2 there are: refused, then held beyond stock.
    const shop = await open(`#/p/${stool.id}`);
    await signIn(shop, USERS.shopper.email, DEMO_PASSWORD);
    await shop.getByTestId(`availability-${stool.sku}`).getByText('Only 2 left').waitFor();
    await shop.getByRole('button', { name: 'Add to cart: ash' }).click();
    await shop.getByRole('link', { name: 'Cart (1)' }).click();
    await shop.getByLabel(`Quantity of ${stool.name}`).fill('5');
    await shop.getByRole('button', { name: 'Reserve these items' }).click();
    await shop
      .getByRole('alert')
      .getByText(`Only 2 of ${stool.name} left; you asked for 5. Nothing was reserved.`)
      .waitFor();
    await shop.getByRole('button', { name: 'Order anyway (backorder)' }).click();
    const owed = shop.getByRole('list', { name: 'Backordered' }).getByRole('listitem');
    await owed.first().waitFor();
    const reservationId = await shop.evaluate(
      () => (JSON.parse(localStorage.getItem('hearth.cart')!) as { reservationId: string }).reservationId,
    );
    const held = (await stack.db.doc(`reservations/${reservationId}`).get()).data()!;
    assert.deepEqual(
      held.lines.map((l: { sku: string; qty: number; owed: number }) => [l.sku, l.qty, l.owed]),
      [[stool.sku, 5, 3]],
    );
    const promised = held.backorder.promisedAt.toMillis() as number;
    // No purchase order brings this SKU to wh-north: the promise is the policy's lead time out.
    assert.ok(Math.abs(promised - held.createdAt.toMillis() - 10 * DAY_MS) < 60_000, 'promised 10 days out');
    const expected = await shop.evaluate(
      (ms) => new Date(ms).toLocaleDateString('en-GB', { dateStyle: 'medium' }),
      promised,
    );
    assert.equal(await owed.count(), 1);
    assert.equal(await owed.innerText(), `${stool.name}: 3 of 5 owed, expected by ${expected}`);
    const checkOut = shop.getByRole('button', { name: 'Check out' });
    assert.equal(await checkOut.isDisabled(), true, 'no checkout while units are owed');
    const reason = await checkOut.getAttribute('aria-describedby');
    assert.match(
      await shop.locator(`[id="${reason}"]`).innerText(),
      new RegExp(`^Checkout opens when the 3 owed units arrive \\(expected by ${expected}\\)`),
    );
    assert.match(await shop.getByTestId('hold-countdown').innerText(), /^Held for you until /);
    assert.deepEqual(await axeViolations(shop), [], 'cart with a backorder');

    // Staff see the hold in the queue and the owed units with the stock, live.
    const queue = staff.getByTestId('backorder-queue');
    const entry = queue.locator(`tr[data-reservation="${reservationId}"]`);
    await entry.waitFor();
    assert.equal(await queue.locator('tbody tr').count(), 1);
    assert.match(
      await entry.innerText(),
      new RegExp(`^1\\s+${USERS.shopper.uid}\\s+3\\s+3\\s+${expected}\\s`),
    );
    const owedAt = (location: string) => `tr[data-location="${location}"] td[data-figure="backordered"]`;
    await staff.locator(owedAt('wh-north'), { hasText: /^3$/ }).waitFor();
    assert.equal(await staff.locator(owedAt('all')).innerText(), '3');
    await panel.getByText('3 units are owed now', { exact: false }).waitFor();
    assert.deepEqual(await axeViolations(staff), [], 'SKU page with backorders');

    // Staff restock from the console, 1 unit and then 2. This stack relays no triggers (stack.ts
    // starts none), so the test runs the fill the backorderFillOnInventoryWrite trigger would; that
    // each fill finds exactly the units just received shows nothing else filled the hold meanwhile.
    const restock = async (units: number, filled: { units: number; completed: number }) => {
      const form = staff.getByRole('form', { name: 'Restock' });
      await form.getByLabel('Location').selectOption('wh-north');
      await form.getByLabel('Units received').fill(String(units));
      await form.getByRole('button', { name: 'Restock' }).click();
      await form.getByText(`Done: +${units} at wh-north`).waitFor();
      assert.deepEqual(await fillBackorders({ db: stack.db, clock: systemClock }, stool.sku), filled);
    };
    await restock(1, { units: 1, completed: 0 });
    await owed.getByText(`${stool.name}: 2 of 5 owed, expected by ${expected}`).waitFor();
    assert.equal(await checkOut.isDisabled(), true, 'still owed 2');
    await entry.locator('td[data-figure="owed"]', { hasText: /^2$/ }).waitFor();
    await staff.locator(owedAt('all'), { hasText: /^2$/ }).waitFor();
    await restock(2, { units: 2, completed: 1 });

    await shop.getByText('Everything you backordered has arrived', { exact: false }).waitFor();
    assert.equal(await shop.getByRole('list', { name: 'Backordered' }).count(), 0);
    assert.equal(await checkOut.isDisabled(), false);
    await queue.waitFor({ state: 'detached' });
    await staff.getByText(`Nobody is waiting for ${stool.sku}.`).waitFor();
    await checkOut.click();
    const placed = shop.getByText(/^Order \S+ placed\./);
    await placed.waitFor();
    const orderId = /^Order (\S+) placed/.exec(await placed.innerText())![1]!;

    const order = (await stack.db.doc(`orders/${orderId}`).get()).data()!;
    assert.equal(order.reservationId, reservationId);
    assert.equal(order.customerId, USERS.shopper.uid);
    assert.deepEqual(
      order.lines.map((l: { sku: string; qty: number }) => [l.sku, l.qty]),
      [[stool.sku, 5]],
    );
    const inv = (await stack.db.doc(`inventory/${stool.sku}`).get()).data()!;
    assert.deepEqual(
      [inv.onHand, inv.reserved, inv.backordered, inv.locations['wh-north'].backordered],
      [0, 0, 0, 0],
    );
    const entryDoc = await stack.db.doc(`backorders/${reservationId}__${stool.sku}`).get();
    assert.deepEqual([entryDoc.get('status'), entryDoc.get('owed')], ['filled', 0]);

    const off = staff.getByRole('form', { name: 'Turn backorders off' });
    await off.getByRole('button', { name: 'Turn backorders off' }).click();
    await panel.getByText('Takes no backorders.', { exact: false }).waitFor();
    assert.equal((await stack.db.doc(`inventory/${stool.sku}`).get()).get('backorder'), null);
    await assertInvariants(stack.db);
  });
});

/**
 * The web app in headless Chromium against the real stack (the project's Firestore emulator, the
 * firebase-tools Auth and Functions emulators running the built functions): a shopper browses,
 * reserves and checks out while another buyer's purchase changes what the page shows; staff watch
 * the board change as stock is restocked, and see a bad adjustment's error on its field; axe-core
 * finds no WCAG A/AA violation on the main pages. With HEARTH_SCREENSHOTS=1 it rewrites the
 * README's screenshots (web/screenshots/).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { deleteApp, initializeApp } from 'firebase/app';
import { signInWithEmailAndPassword } from 'firebase/auth';
import type { Page } from 'playwright-core';
import { checkout, hearthClient, reserve, unwrap } from '@hearth/client';
import { DEMO_PASSWORD } from '../../scripts/src/seed/customers';
import { assertInvariants } from '../../functions/test/inventory/support/invariants';
import { launchAppBrowser, signIn, type AppBrowser, type AppPage } from './support/browser';
import { startTestStack, type TestStack } from './support/stack';
import { USERS } from './support/store';

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
    const held = unwrap(await reserve(client, [{ sku, qty }]));
    return unwrap(await checkout(client, held.reservationId)).orderId;
  } finally {
    await deleteApp(app);
  }
}

describe('the storefront', () => {
  it('browses, shows live availability as another buyer buys, holds all or nothing, checks out, lists the order', async () => {
    const page = await open();
    await signIn(page, USERS.shopper.email, DEMO_PASSWORD);
    await page.getByRole('link', { name: 'Brass Reading Lamp' }).waitFor();
    await screenshot(page, 'storefront-catalog');
    assert.deepEqual(await axeViolations(page), [], 'catalog');

    await page.getByLabel('Search by name').fill('oak');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'Oak Frame Sofa' }).waitFor();
    assert.equal(
      await page.getByRole('link', { name: 'Brass Reading Lamp' }).count(),
      0,
      'the search narrows',
    );

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
});

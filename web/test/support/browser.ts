/**
 * Pages of the built web app in headless Chromium (Debian's, through playwright-core, as the rest
 * of the browser tests): a fresh context per page (its own storage, so its own cart and sign-in),
 * nothing allowed off the machine, console errors and uncaught exceptions collected.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { chromiumPath } from '../../../test/support/browser';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;

export interface AppPage {
  page: Page;
  context: BrowserContext;
  blocked: string[];
  errors: string[];
}

export interface AppBrowser {
  open(url: string): Promise<AppPage>;
  close(): Promise<void>;
}

export async function launchAppBrowser(): Promise<AppBrowser> {
  const browser: Browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
  return {
    async open(url) {
      const context = await browser.newContext({ viewport: { width: 1180, height: 760 } });
      context.setDefaultTimeout(15_000);
      const blocked: string[] = [];
      await context.route('**/*', (route) => {
        const target = new URL(route.request().url());
        if (target.protocol === 'blob:' || LOOPBACK.test(target.hostname)) return route.continue();
        blocked.push(target.href);
        return route.abort('blockedbyclient');
      });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await page.goto(url);
      return { page, context, blocked, errors };
    },
    close: () => browser.close(),
  };
}

/** Signs in through the header's form, as a person does, and waits for the header to say so. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  const form = page.getByRole('form', { name: 'Sign in' });
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Password').fill(password);
  await form.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

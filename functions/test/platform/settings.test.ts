/** The store's tunables: params with defaults, checked values, and the retry budget they bound. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { systemClock } from '../../src/platform/deps';
import { defaultSettings, params, settingsFrom } from '../../src/platform/settings';
import { Retry, runInTransaction } from '../../src/platform/transaction';

describe('store settings', () => {
  test('without params set, every tunable has its documented default', () => {
    assert.deepEqual(settingsFrom({}), {
      holdMs: 15 * 60_000,
      anonymousHoldMs: 10 * 60_000,
      maxHoldsPerCustomer: 0,
      pickupHoldMs: 72 * 3_600_000,
      lowStockUnits: 3,
      currency: 'GBP',
      transactionMaxAttempts: 400,
      transactionBudgetMs: 60_000,
    });
    assert.deepEqual(defaultSettings, settingsFrom({}));
  });

  test('a param set in the environment replaces its default, in the unit the code uses', () => {
    const s = settingsFrom({
      HOLD_MINUTES: '30',
      LOW_STOCK_UNITS: '0',
      STORE_CURRENCY: 'EUR',
      TRANSACTION_BUDGET_SECONDS: '5',
    });
    assert.equal(s.holdMs, 30 * 60_000);
    assert.equal(s.lowStockUnits, 0);
    assert.equal(s.currency, 'EUR');
    assert.equal(s.transactionBudgetMs, 5000);
    assert.equal(s.transactionMaxAttempts, 400);
  });

  for (const [name, raw] of [
    ['HOLD_MINUTES', '0'],
    ['HOLD_MINUTES', '1.5'],
    ['HOLD_MINUTES', 'fifteen'],
    ['HOLD_MINUTES_ANONYMOUS', '0'],
    ['MAX_HOLDS_PER_CUSTOMER', '-1'],
    ['PICKUP_HOLD_HOURS', '0'],
    ['LOW_STOCK_UNITS', '-1'],
    ['STORE_CURRENCY', 'gbp'],
    ['STORE_CURRENCY', 'POUNDS'],
    ['TRANSACTION_MAX_ATTEMPTS', '0'],
    ['TRANSACTION_BUDGET_SECONDS', '100000'],
  ] as const) {
    test(`${name}=${raw} is refused with the param's name and what it is for`, () => {
      assert.throws(
        () => settingsFrom({ [name]: raw }),
        (err: Error) =>
          err.message.startsWith(`Param ${name}="${raw}" is not valid`) && /Default: /.test(err.message),
      );
    });
  }

  test('each param is declared to firebase-tools with the same default the code falls back to', () => {
    const declared = Object.fromEntries(
      Object.values(params).map((p) => {
        assert.ok(p.options.description, `${p.name} has a description`);
        return [p.name, String(p.options.default)];
      }),
    );
    assert.deepEqual(settingsFrom(declared), defaultSettings);
  });

  test('functions/.env gives every param its default, so the Functions emulator prompts for none', () => {
    const text = readFileSync(join(__dirname, '..', '..', '.env'), 'utf8');
    const env = Object.fromEntries(
      text
        .split('\n')
        .filter((line) => line.trim() !== '' && !line.startsWith('#'))
        .map((line) => line.split('=', 2) as [string, string]),
    );
    assert.deepEqual(Object.keys(env).sort(), Object.keys(params).sort());
    assert.deepEqual(settingsFrom(env), defaultSettings);
  });
});

describe('the transaction retry budget', () => {
  let fs: TestFirestore;
  before(async () => {
    fs = await useEmulator();
  });
  after(() => fs.stop());

  test('a transaction that keeps meeting contention gives up after TRANSACTION_MAX_ATTEMPTS with unavailable', async () => {
    const settings = { ...defaultSettings, transactionMaxAttempts: 3 };
    let tries = 0;
    await assert.rejects(
      runInTransaction({ db: fs.adminDb, clock: systemClock, settings }, 'test the budget', async () => {
        tries++;
        throw new Retry('contended');
      }),
      (err: Error & { code?: string; details?: { attempts?: number } }) =>
        err.code === 'unavailable' && err.details?.attempts === 3 && /Nothing was changed/.test(err.message),
    );
    assert.equal(tries, 3);
  });

  test('and after TRANSACTION_BUDGET_SECONDS even with attempts left', async () => {
    const settings = { ...defaultSettings, transactionBudgetMs: 50 };
    let tries = 0;
    const started = Date.now();
    await assert.rejects(
      runInTransaction({ db: fs.adminDb, clock: systemClock, settings }, 'test the budget', async () => {
        tries++;
        throw new Retry('contended');
      }),
      (err: Error & { code?: string }) => err.code === 'unavailable',
    );
    assert.ok(tries < defaultSettings.transactionMaxAttempts, `stopped by time after ${tries} tries`);
    assert.ok(Date.now() - started < 5000);
  });
});

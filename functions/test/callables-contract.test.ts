/**
 * The contracts' table of callables (@hearth/contracts `callables`, which the JSON Schema and the
 * client are made from) names exactly the callables the functions deploy.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { callables } from '@hearth/contracts';
import { bulkCallables } from '../src/bulk/callables';
import { customerCallables } from '../src/customers/callables';
import { eventCallables } from '../src/events/callables';
import * as index from '../src/index';
import { inventoryCallables } from '../src/inventory/callables';
import { recommendationCallables } from '../src/recommendations/callables';

const notCalled = (): never => {
  throw new Error('deps are not needed to list the handlers');
};

test('every callable handler has a contract, and every contract a handler', () => {
  const handlers = [
    ...Object.keys(inventoryCallables(notCalled)),
    ...Object.keys(customerCallables(notCalled)),
    ...Object.keys(recommendationCallables(notCalled)),
    ...Object.keys(bulkCallables(notCalled)),
    ...Object.keys(eventCallables(notCalled)),
  ].sort();
  assert.deepEqual(handlers, Object.keys(callables).sort());
});

test('index.ts deploys every contracted callable with onCall, under its name', () => {
  // Loaded as the deploy's discovery loads it (no FUNCTION_TARGET): every trigger defined.
  const exported = index as Record<string, { __endpoint?: { callableTrigger?: object } } | undefined>;
  const deployed = Object.entries(exported)
    .filter(([, fn]) => fn?.__endpoint?.callableTrigger !== undefined)
    .map(([name]) => name)
    .sort();
  assert.deepEqual(deployed, Object.keys(callables).sort());
});

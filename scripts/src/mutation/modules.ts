/**
 * The modules mutation testing covers: where a silent bug costs most. Each names the code Stryker
 * mutates (a whole file, or only some of its functions, found by name so the range follows edits)
 * and the test files that must kill the mutants. Only fast, in-process test files are listed: the
 * tap runner runs a mutant's covering files once per mutant, with concurrency 1 on a shared
 * machine, so a file that starts the emulator and waits for listeners would cost minutes per
 * hundred mutants; the end-to-end suites cover the same code in `npm test`.
 */
export interface MutatedCode {
  file: string;
  /** Only these top-level functions of the file (by name); the whole file when omitted. */
  functions?: string[];
}

export interface MutationModule {
  /** Key in bench/results/mutation.json and the filter `npm run mutation -- <substring>` matches. */
  name: string;
  what: string;
  mutate: MutatedCode[];
  tests: string[];
}

export const MODULES: MutationModule[] = [
  {
    name: 'client/availability-sum',
    what: "the client's availability sum: a SKU's figures from its document and the shards of its hot locations",
    mutate: [{ file: 'client/src/availability.ts', functions: ['availabilityOf', 'shardsPresent'] }],
    // The sum's own unit test first; shardsPresent (the cache-gap check) is only reachable through
    // the watch, against the emulator.
    tests: ['client/test/availability-sum.test.ts', 'client/test/availability.test.ts'],
  },
  {
    name: 'emulator/rules-evaluator',
    what: 'the security rules evaluator: expressions, operators, functions, let bindings, errors',
    mutate: [{ file: 'emulator/src/rules/evaluate.ts' }],
    tests: [
      'emulator/test/rules/evaluate.test.ts',
      'emulator/test/rules/policy.test.ts',
      'emulator/test/rules/evaluator-mutants.test.ts',
    ],
  },
  {
    name: 'functions/inventory-idempotency',
    what: 'exactly-once callables: operation ids, request hashes, replay of the first answer, the record',
    mutate: [{ file: 'functions/src/inventory/idempotency.ts' }],
    // Against the emulator (about 15 s a run): the only suite of this module.
    tests: [
      'functions/test/inventory/idempotency.test.ts',
      'functions/test/inventory/idempotency-record.test.ts',
    ],
  },
  {
    name: 'functions/inventory-allocation',
    what: 'which locations serve a cart line: the ranking, whole-or-split, click and collect with or without a transfer in',
    mutate: [{ file: 'functions/src/inventory/allocate.ts' }],
    // A pure function: its table of cases runs in well under a second, no emulator.
    tests: ['functions/test/inventory/policy.test.ts'],
  },
  {
    name: 'contracts/stock-status',
    what: 'the status shoppers are shown (in stock, low, out, backorder, made to order) from the figures, safety stock withheld',
    mutate: [{ file: 'contracts/src/stock-status.ts' }],
    tests: ['functions/test/inventory/policy.test.ts'],
  },
  {
    name: 'functions/recommender-arms',
    what: "the A/B arms' arithmetic: a customer's arm from a hash of their uid, and the Wilson intervals of the per-arm rates",
    mutate: [
      { file: 'functions/src/recommendations/assignment.ts' },
      { file: 'functions/src/recommendations/wilson.ts' },
    ],
    // Pure functions: 10,000 uids and the published intervals in about a second, no emulator.
    tests: ['functions/test/recommendations/assignment.test.ts'],
  },
  // The stock lifecycle against the emulator, each file 5-6 s a run.
  {
    name: 'functions/inventory-backorders',
    what: 'holds beyond stock: what a line takes and owes, the promise, the limit, the first-come-first-served fill, the queue',
    mutate: [{ file: 'functions/src/inventory/backorders.ts' }],
    tests: ['functions/test/inventory/backorders.test.ts', 'functions/test/inventory/backorder-fill.test.ts'],
  },
  {
    name: 'functions/inventory-release',
    what: 'held stock back on sale: release, the expiry sweep, and the settling of a hold (owed units included)',
    mutate: [
      { file: 'functions/src/inventory/release.ts' },
      { file: 'functions/src/inventory/reservations.ts' },
    ],
    tests: [
      'functions/test/inventory/release.test.ts',
      'functions/test/inventory/flows.test.ts',
      'functions/test/inventory/backorders.test.ts',
      'functions/test/inventory/limits.test.ts',
    ],
  },
  {
    name: 'functions/inventory-reconcile',
    what: 'reconciliation: counters against the ledger replay and the held reservations, what it repairs and what it leaves',
    mutate: [{ file: 'functions/src/inventory/reconcile.ts' }],
    // The report's entries field by field first (about 4 s), then the drift of each kind (about 15 s).
    tests: [
      'functions/test/inventory/reconcile-report.test.ts',
      'functions/test/inventory/reconcile.test.ts',
    ],
  },
  {
    name: 'functions/inventory-shards',
    what: "a hot SKU's shards: raising the count (moving the location's stock into shard 0), and rebalancing",
    mutate: [{ file: 'functions/src/inventory/shards.ts' }],
    tests: [
      'functions/test/inventory/shards-refusals.test.ts',
      'functions/test/inventory/shards.test.ts',
      'functions/test/inventory/backorders.test.ts',
      'functions/test/inventory/crash.test.ts',
    ],
  },
  {
    name: 'functions/inventory-reserve-decisions',
    what: "a batch's transaction deciding each cart of ordinary SKUs: served from the document as read, refused, capped, backordered, or sent round again; the hold it writes and what the customer is answered",
    mutate: [
      {
        file: 'functions/src/inventory/reserve-batch.ts',
        functions: ['decide', 'writeHold', 'serve', 'takeExactly', 'promiseOf', 'reservationOf', 'toView'],
      },
    ],
    // The batch's edges first (about 4 s), then the flows, backorders, caps, bundles, the
    // click-and-collect orders (the pickup's date) and the crashes that go through it.
    tests: [
      'functions/test/inventory/reserve-edges.test.ts',
      'functions/test/inventory/reserve-commit-limit.test.ts',
      'functions/test/inventory/reserve-batch-budget.test.ts',
      'functions/test/inventory/flows.test.ts',
      'functions/test/inventory/backorders.test.ts',
      'functions/test/inventory/limits.test.ts',
      'functions/test/inventory/bundles.test.ts',
      'functions/test/inventory/orders.test.ts',
      'functions/test/inventory/crash.test.ts',
    ],
  },
  {
    name: 'functions/inventory-checkout',
    what: 'checkout: a held, unexpired, fully arrived hold sold exactly as held, at its prices, in the store currency',
    mutate: [{ file: 'functions/src/inventory/checkout.ts' }],
    // The flows, then the suites of what checkout also records: prices and their currency, the
    // purchase events, bundles, the customer's caps, a crash before the write.
    tests: [
      'functions/test/inventory/flows.test.ts',
      'functions/test/inventory/checkout-edges.test.ts',
      'functions/test/platform/currency-param.test.ts',
      'functions/test/inventory/purchase-events.test.ts',
      'functions/test/inventory/bundles.test.ts',
      'functions/test/inventory/limits.test.ts',
      'functions/test/inventory/crash.test.ts',
      'functions/test/inventory/backorders.test.ts',
    ],
  },
  {
    name: 'emulator/rules-access-policy',
    what: 'the rules access policy: which match blocks apply to a path, what request and resource hold, the get()/exists() limits, queries and batched writes',
    mutate: [
      { file: 'emulator/src/rules/policy.ts' },
      { file: 'emulator/src/rules/engine.ts', functions: ['matchSegments'] },
    ],
    // All in-process (seconds each): the policy's own tests, the reference semantics, the SDK's view
    // of it, and the project's own rules attacked and tabulated.
    tests: [
      'emulator/test/rules/policy.test.ts',
      'emulator/test/rules/policy-request.test.ts',
      'emulator/test/rules/policy-scope.test.ts',
      'emulator/test/rules/reference-semantics.test.ts',
      'emulator/test/rules/through-sdk.test.ts',
      'test/rules/access-table.test.ts',
      'test/rules/attacks.test.ts',
    ],
  },
];

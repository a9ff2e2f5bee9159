/**
 * Surviving mutants that no test can kill because they do not change behaviour, each with the
 * reason. A mutant is matched by file, mutator, the source text it replaces and (when given) its
 * replacement, not by line, so edits elsewhere in the file keep the list valid. Anything that
 * survives and is not listed here is reported as unexplained: a gap in the tests to close.
 */
export interface EquivalentMutant {
  file: string;
  mutator: string;
  original: string;
  replacement?: string;
  reason: string;
}

export const EQUIVALENT: EquivalentMutant[] = [
  // The allocation ranking's comparator (functions/src/inventory/allocate.ts rankSources): the
  // sources of one SKU are its locations, one each, so two sources never share an id.
  {
    file: 'functions/src/inventory/allocate.ts',
    mutator: 'EqualityOperator',
    original: 'i < ka.length',
    replacement: 'i <= ka.length',
    reason:
      'one step past the key arrays compares undefined with undefined, which are equal, so the loop ' +
      'ends as it would have',
  },
  {
    file: 'functions/src/inventory/allocate.ts',
    mutator: 'EqualityOperator',
    original: 'a.location.id < b.location.id',
    replacement: 'a.location.id <= b.location.id',
    reason: 'differs only for two sources with the same location id, which one SKU never has',
  },
  {
    file: 'functions/src/inventory/allocate.ts',
    mutator: 'EqualityOperator',
    original: 'a.location.id > b.location.id',
    replacement: 'a.location.id >= b.location.id',
    reason: 'differs only for two sources with the same location id, which one SKU never has',
  },
  {
    file: 'functions/src/inventory/allocate.ts',
    mutator: 'ConditionalExpression',
    original: 'a.location.id > b.location.id',
    replacement: 'false',
    reason:
      "answering 0 instead of 1 for 'after': V8's sort acts only on whether the answer is negative " +
      '(checked by hand: every order of four tied locations, and sixty scrambled, still come out in ' +
      'id order with this mutant)',
  },
  {
    file: 'functions/src/inventory/allocate.ts',
    mutator: 'EqualityOperator',
    original: 'a.location.id > b.location.id',
    replacement: 'a.location.id <= b.location.id',
    reason:
      "reached only when a is not before b: answers 0 for 'after' (and 1 for equal ids, which one " +
      "SKU never has); V8's sort acts only on whether the answer is negative, as for the mutant above",
  },
  {
    file: 'functions/src/inventory/allocate.ts',
    mutator: 'ConditionalExpression',
    original: 'a.location.id > b.location.id',
    replacement: 'true',
    reason:
      'reached only when a is not before b; with distinct ids that means after, so it answers 1 as ' +
      'the comparison does (only equal ids, which one SKU never has, would differ)',
  },
  {
    file: 'emulator/src/rules/evaluate.ts',
    mutator: 'ConditionalExpression',
    original: "a.t !== 'unknown'",
    replacement: 'true',
    reason:
      "in `a.t !== 'unknown' && equals(a, b) ? a : UNKNOWN` (a ternary on an unknown condition) the " +
      'guard is redundant: values.ts equals() is false whenever a is unknown (its default case), so ' +
      'the result is UNKNOWN either way',
  },
  {
    file: 'emulator/src/rules/evaluate.ts',
    mutator: 'ConditionalExpression',
    original: "['==', '!=', '<', '<=', '>', '>='].includes(op)",
    replacement: 'true',
    reason:
      'sending every other operator on an unknown side to compareUnknown changes nothing: for an ' +
      'operator it does not know (+, -, *, /, %) compareUnknown falls through to UNKNOWN, which is ' +
      'what the unmutated branch returns',
  },
  {
    file: 'emulator/src/rules/engine.ts',
    mutator: 'ConditionalExpression',
    original: 'token === undefined',
    replacement: 'false',
    reason:
      'a single wildcard let past the end of the path only moves the match beyond it, where no ' +
      'literal matches, a recursive wildcard has nothing to take and the end never equals the ' +
      "path's length again, so no allow statement becomes a candidate",
  },
  {
    file: 'emulator/src/rules/policy.ts',
    mutator: 'ConditionalExpression',
    original: 'limit === undefined',
    replacement: 'false',
    reason:
      'an absent limit then falls through to the last branch of the ternary, which is the limit ' +
      'itself (undefined), so request.query.limit is null either way',
  },
  {
    file: 'emulator/src/rules/policy.ts',
    mutator: 'ConditionalExpression',
    original: 'writes.length > 1',
    replacement: 'true',
    reason:
      "a single write's rules read the same distinct documents into the per-document count " +
      '(limit 10, checked first) as into the request count, so the 11th throws the per-document ' +
      'error whether the request limit is 10 or 20',
  },
  {
    file: 'emulator/src/rules/policy.ts',
    mutator: 'EqualityOperator',
    original: 'writes.length > 1',
    replacement: 'writes.length >= 1',
    reason:
      'only a single write is affected, and its per-document limit of 10 (checked first, over the ' +
      'same distinct documents) throws before a request limit of 10 or 20 could',
  },
  {
    file: 'functions/src/inventory/idempotency.ts',
    mutator: 'EqualityOperator',
    original: 'a < b',
    replacement: 'a <= b',
    reason:
      'the comparator sorts the entries of one object, whose keys are distinct, so a <= b and a < b ' +
      'are never asked about equal keys and give the same order',
  },
  // Backorders (functions/src/inventory/backorders.ts).
  {
    file: 'functions/src/inventory/backorders.ts',
    mutator: 'StringLiteral',
    original: '`fill backorders of ${sku}`',
    reason:
      "the transaction's label appears only in the unavailable error once the retry budget is spent, " +
      'which no single-writer test reaches',
  },
  {
    file: 'functions/src/inventory/backorders.ts',
    mutator: 'StringLiteral',
    original: '`fill-${sku}`',
    reason:
      "StockTx's own context names only a stock event with no operation behind it; every fill's " +
      'movement carries its hold as the correlation id',
  },
  {
    file: 'functions/src/inventory/backorders.ts',
    mutator: 'StringLiteral',
    original: '`backorders of ${sku}: ${r.units} units filled, ${r.completed} holds complete`',
    reason: 'a log line',
  },
  {
    file: 'functions/src/inventory/backorders.ts',
    mutator: 'ConditionalExpression',
    original: 'r.units > 0',
    reason: 'decides only whether the log line is written',
  },
  {
    file: 'functions/src/inventory/backorders.ts',
    mutator: 'EqualityOperator',
    original: 'r.units > 0',
    reason: 'decides only whether the log line is written',
  },
  ...[
    'a.locationId === locationId && a.shard === null',
    'a.locationId === locationId',
    'a.shard === null',
  ].flatMap((original) =>
    ['ConditionalExpression', 'LogicalOperator'].map((mutator) => ({
      file: 'functions/src/inventory/backorders.ts',
      mutator,
      original,
      reason:
        "a backordered line's allocations are all at its backorder location and unsharded (what it " +
        'took when held, and each fill), so the first allocation is the one found either way',
    })),
  ),
  ...[
    { mutator: 'ConditionalExpression', replacement: 'true' },
    { mutator: 'EqualityOperator', replacement: 'l.qty >= l.received' },
  ].map((m) => ({
    file: 'functions/src/inventory/backorders.ts',
    original: 'l.qty > l.received',
    ...m,
    reason:
      'adds an arrival of 0 units for a line already received in full (receipt never exceeds the ' +
      'order: receivePurchaseOrder refuses extra units), which promisedAt adds to its running sum ' +
      'without changing when the sum first covers the owed units',
  })),
  // Release and expiry (functions/src/inventory/release.ts, reservations.ts).
  ...["'release the reservation'", '`expire reservation ${id}`'].map((original) => ({
    file: 'functions/src/inventory/release.ts',
    mutator: 'StringLiteral',
    original,
    reason:
      "the transaction's label appears only in the unavailable error once the retry budget is spent, " +
      'which no single-writer test reaches',
  })),
  {
    file: 'functions/src/inventory/release.ts',
    mutator: 'StringLiteral',
    original: '`expiring reservation ${reservationId} failed; it stays held`',
    reason: 'a log line',
  },
  {
    file: 'functions/src/inventory/release.ts',
    mutator: 'MethodExpression',
    original: 'ids.slice(i, i + PARALLEL)',
    reason:
      'the whole page at once, then again from each later offset: every later pass finds its holds ' +
      'expired and changes nothing, so only the number of transactions differs',
  },
  ...[
    {
      mutator: 'MethodExpression',
      original:
        'res.lines\n      .filter((l) => (l.owed ?? 0) > 0 || l.allocations.some((a) => a.shard === null))',
    },
    {
      mutator: 'ConditionalExpression',
      original: '(l.owed ?? 0) > 0 || l.allocations.some((a) => a.shard === null)',
      replacement: 'true',
    },
    { mutator: 'EqualityOperator', original: '(l.owed ?? 0) > 0', replacement: '(l.owed ?? 0) >= 0' },
  ].map((m) => ({
    file: 'functions/src/inventory/reservations.ts',
    ...m,
    reason:
      'loads the availability documents of more lines than need them (a hot SKU served only from ' +
      'shards): the same answer, with more reads and locks, which no test counts inside a transaction',
  })),
  {
    file: 'functions/src/inventory/release.ts',
    mutator: 'ConditionalExpression',
    original: 'after',
    replacement: 'true',
    reason:
      "the first page then starts after a null cursor: every held reservation's expiresAt is a " +
      'timestamp, which sorts after null, so the page is the same',
  },
  {
    file: 'functions/src/inventory/release.ts',
    mutator: 'EqualityOperator',
    original: 'i < ids.length',
    replacement: 'i <= ids.length',
    reason:
      'one more pass only when the page is a whole number of batches, and that batch is empty: ' +
      'Promise.allSettled([]) expires nothing',
  },
  {
    file: 'functions/src/inventory/reservations.ts',
    mutator: 'ConditionalExpression',
    original: 'a.shard === null',
    replacement: 'true',
    reason:
      'loads the availability documents of more lines than need them: the same answer, with more ' +
      'reads and locks',
  },
  {
    file: 'functions/src/inventory/reservations.ts',
    mutator: 'ConditionalExpression',
    original: "kind === 'sale'",
    replacement: 'false',
    reason:
      'a sale never has owed units to drop: checkout refuses a hold while any are owed (backorder_waiting)',
  },
  // Reconciliation (functions/src/inventory/reconcile.ts).
  ...[
    { mutator: 'ObjectLiteral', original: '{ readOnly: true }', replacement: '{}' },
    { mutator: 'BooleanLiteral', original: 'true', replacement: 'false' },
  ].map((m) => ({
    file: 'functions/src/inventory/reconcile.ts',
    ...m,
    reason:
      'the snapshot transaction only reads, so as a read-write transaction it reads the same consistent ' +
      'snapshot and commits nothing; only the locks it holds meanwhile differ (the emulator, like ' +
      'Firestore, refuses writes in a read-only one, and this one has none)',
  })),
  {
    file: 'functions/src/inventory/reconcile.ts',
    mutator: 'StringLiteral',
    original: '`repair ${sku}`',
    reason:
      "the transaction's label appears only in the unavailable error once the retry budget is spent, " +
      'which no single-writer test reaches',
  },
  {
    file: 'functions/src/inventory/reconcile.ts',
    mutator: 'ArrayDeclaration',
    original: '[]',
    replacement: '["Stryker was here"]',
    reason:
      'adds a location that neither the document nor the ledger has: its counters and its replay are ' +
      'both zero, so it yields no drift',
  },
  {
    file: 'functions/src/inventory/reconcile.ts',
    mutator: 'BooleanLiteral',
    original: 'false',
    replacement: 'true',
    reason:
      "the derived-figures entry's initial repaired flag: reconcileInventory always overwrites it with " +
      "the repair's outcome before the report is written",
  },
  {
    file: 'functions/src/inventory/checkout.ts',
    mutator: 'StringLiteral',
    original: "'check out'",
    reason:
      "the transaction's label appears only in the unavailable error once the retry budget is spent, " +
      'which no single-writer test reaches',
  },
  // The reservation batch (functions/src/inventory/reserve-batch.ts).
  {
    file: 'functions/src/inventory/reserve-batch.ts',
    mutator: 'ConditionalExpression',
    original: '!plan || plan.allocations.some((a) => !picture.shards.get(line.sku)?.has(a.locationId))',
    replacement: 'true',
    reason:
      "reads a hot SKU's availability document in the transaction even when its plan takes only from " +
      'shards: the same answer, with one more read and lock',
  },
  {
    file: 'functions/src/inventory/reserve-batch.ts',
    mutator: 'StringLiteral',
    original: '`${line.sku} was sharded meanwhile`',
    reason:
      'the reason a cart is sent to the next round appears only in the unavailable error once its 50 ' +
      'rounds are spent, which no test of a bounded batch reaches',
  },
  // Shard counts (functions/src/inventory/shards.ts).
  {
    file: 'functions/src/inventory/shards.ts',
    mutator: 'ConditionalExpression',
    original: 'current === 0',
    replacement: 'true',
    reason:
      'the loop starts at index = current, so index === 0 (the other half of the condition) already ' +
      'implies current === 0',
  },
  ...["'change the shard count'", '`rebalance the shards of ${sku}`'].map((original) => ({
    file: 'functions/src/inventory/shards.ts',
    mutator: 'StringLiteral',
    original,
    reason:
      "the transaction's label appears only in the unavailable error once the retry budget is spent, " +
      'which no single-writer test reaches',
  })),
];

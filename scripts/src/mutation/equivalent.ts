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
];

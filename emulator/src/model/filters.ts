import { invalidArgument } from '../errors';
import { getField, parseFieldPath } from './fieldpath';
import type { StoredDocument, Value } from './types';
import { compareValues, isNaNValue, TypeOrder, typeOrder, valuesEqual } from './values';

/** Firestore's cap on disjunctions (IN values, ARRAY_CONTAINS_ANY values, OR branches) after expansion to DNF. */
const MAX_DISJUNCTIONS = 30;
const MAX_NOT_IN_VALUES = 10;

export type Predicate = (doc: StoredDocument) => boolean;

export interface FieldRef {
  path: string[];
  /** `__name__`: the document's own name as a reference value. */
  isName: boolean;
  text: string;
}

const INEQUALITIES = new Set([
  'LESS_THAN',
  'LESS_THAN_OR_EQUAL',
  'GREATER_THAN',
  'GREATER_THAN_OR_EQUAL',
  'NOT_EQUAL',
  'NOT_IN',
  'IS_NOT_NAN',
  'IS_NOT_NULL',
]);

export function fieldRef(raw: any, where: string): FieldRef {
  const text = raw?.fieldPath;
  if (typeof text !== 'string' || text === '') throw invalidArgument(`${where} needs a field path.`);
  const path = parseFieldPath(text);
  return { path, isName: path.length === 1 && path[0] === '__name__', text };
}

export function valueOf(doc: StoredDocument, field: FieldRef): Value | undefined {
  return field.isName ? { referenceValue: doc.name } : getField(doc.fields, field.path);
}

const isNull = (v: Value) => typeOrder(v) === TypeOrder.Null;

/**
 * Firestore's IN, ARRAY_CONTAINS and ARRAY_CONTAINS_ANY never match through a null or NaN operand
 * (`in [null]` finds nothing, even where the field is null); IS_NULL and IS_NAN do that.
 */
const matchable = (v: Value) => !isNull(v) && !isNaNValue(v);

interface FilterStats {
  notIn: number;
  notEqual: number;
  inOrAny: number;
  or: number;
  inequalities: FieldRef[];
  nameEquality: boolean;
}

/** Returns the predicate and the number of disjunctions it expands to in DNF. */
function compileFilter(raw: any, stats: FilterStats): { test: Predicate; disjunctions: number } {
  if (raw == null || typeof raw !== 'object')
    throw invalidArgument('A filter must be a composite, field or unary filter.');
  if (raw.compositeFilter != null) {
    const { op, filters } = raw.compositeFilter;
    if (op !== 'AND' && op !== 'OR')
      throw invalidArgument(`Composite filter operator must be AND or OR, got ${op ?? 'none'}.`);
    if (!Array.isArray(filters) || filters.length === 0)
      throw invalidArgument('A composite filter must contain at least one filter.');
    if (op === 'OR') stats.or++;
    const parts = filters.map((f: any) => compileFilter(f, stats));
    const tests: Predicate[] = parts.map((p: { test: Predicate }) => p.test);
    if (op === 'AND') {
      const disjunctions = parts.reduce((n: number, p: { disjunctions: number }) => n * p.disjunctions, 1);
      return { test: (doc) => tests.every((t) => t(doc)), disjunctions };
    }
    const disjunctions = parts.reduce((n: number, p: { disjunctions: number }) => n + p.disjunctions, 0);
    return { test: (doc) => tests.some((t) => t(doc)), disjunctions };
  }
  if (raw.fieldFilter != null) return compileFieldFilter(raw.fieldFilter, stats);
  if (raw.unaryFilter != null) return compileUnaryFilter(raw.unaryFilter, stats);
  throw invalidArgument('A filter must be a composite, field or unary filter.');
}

function compileFieldFilter(raw: any, stats: FilterStats): { test: Predicate; disjunctions: number } {
  const field = fieldRef(raw.field, 'A field filter');
  const op: string = raw.op;
  const value: Value | undefined = raw.value;
  if (value == null) throw invalidArgument(`The filter on "${field.text}" has no value.`);
  if (INEQUALITIES.has(op)) stats.inequalities.push(field);
  if (op === 'EQUAL' && field.isName) stats.nameEquality = true;

  const list = (): Value[] => {
    const values = value.arrayValue?.values;
    if (value.arrayValue === undefined || !values || values.length === 0) {
      throw invalidArgument(`A ${op} filter on "${field.text}" needs a non-empty array value.`);
    }
    if (field.isName) values.forEach(checkNameValue);
    return values;
  };
  const checkNameValue = (v: Value) => {
    if (v.referenceValue === undefined) {
      throw invalidArgument(
        `A filter on __name__ must compare with a document reference, not ${JSON.stringify(v)}.`,
      );
    }
  };

  const sameType = (other: Value) => typeOrder(other) === typeOrder(value);
  const compare = (cmp: (c: number) => boolean): Predicate => {
    if (field.isName) checkNameValue(value);
    return (doc) => {
      const other = valueOf(doc, field);
      return other !== undefined && sameType(other) && cmp(compareValues(other, value));
    };
  };

  // NaN sorts below every number, but a range never matches it (only IS_NAN and == NaN do).
  const range = (cmp: (c: number) => boolean): Predicate => {
    if (isNaNValue(value)) return () => false;
    const test = compare(cmp);
    return (doc) => test(doc) && !isNaNValue(valueOf(doc, field)!);
  };

  switch (op) {
    case 'LESS_THAN':
      return { test: range((c) => c < 0), disjunctions: 1 };
    case 'LESS_THAN_OR_EQUAL':
      return { test: range((c) => c <= 0), disjunctions: 1 };
    case 'GREATER_THAN':
      return { test: range((c) => c > 0), disjunctions: 1 };
    case 'GREATER_THAN_OR_EQUAL':
      return { test: range((c) => c >= 0), disjunctions: 1 };
    case 'EQUAL':
      return { test: compare((c) => c === 0), disjunctions: 1 };
    case 'NOT_EQUAL': {
      if (field.isName) checkNameValue(value);
      stats.notEqual++;
      return {
        test: (doc) => {
          const other = valueOf(doc, field);
          return other !== undefined && !isNull(other) && !valuesEqual(other, value);
        },
        disjunctions: 1,
      };
    }
    case 'ARRAY_CONTAINS':
      if (!matchable(value)) return { test: () => false, disjunctions: 1 };
      return {
        test: (doc) => {
          const values = valueOf(doc, field)?.arrayValue?.values;
          return values !== undefined && values.some((v) => valuesEqual(v, value));
        },
        disjunctions: 1,
      };
    case 'IN': {
      const listed = list();
      checkDisjunctionValues(listed, MAX_DISJUNCTIONS, op, field);
      stats.inOrAny++;
      const values = listed.filter(matchable);
      return {
        test: (doc) => {
          const other = valueOf(doc, field);
          return other !== undefined && values.some((v) => valuesEqual(other, v));
        },
        disjunctions: listed.length,
      };
    }
    case 'ARRAY_CONTAINS_ANY': {
      const listed = list();
      checkDisjunctionValues(listed, MAX_DISJUNCTIONS, op, field);
      stats.inOrAny++;
      const values = listed.filter(matchable);
      return {
        test: (doc) => {
          const elements = valueOf(doc, field)?.arrayValue?.values;
          return elements !== undefined && elements.some((e) => values.some((v) => valuesEqual(e, v)));
        },
        disjunctions: listed.length,
      };
    }
    case 'NOT_IN': {
      const values = list();
      checkDisjunctionValues(values, MAX_NOT_IN_VALUES, op, field);
      stats.notIn++;
      // A null in the list makes the filter match nothing (null is never compared by NOT_IN).
      const hasNull = values.some(isNull);
      return {
        test: (doc) => {
          if (hasNull) return false;
          const other = valueOf(doc, field);
          return other !== undefined && !isNull(other) && !values.some((v) => valuesEqual(other, v));
        },
        disjunctions: 1,
      };
    }
    default:
      throw invalidArgument(
        `Unsupported field filter operator ${op ?? 'OPERATOR_UNSPECIFIED'} on "${field.text}".`,
      );
  }
}

function checkDisjunctionValues(values: Value[], max: number, op: string, field: FieldRef): void {
  if (values.length > max) {
    throw invalidArgument(
      `A ${op} filter on "${field.text}" has ${values.length} values; at most ${max} are allowed.`,
    );
  }
}

function compileUnaryFilter(raw: any, stats: FilterStats): { test: Predicate; disjunctions: number } {
  const field = fieldRef(raw.field, 'A unary filter');
  const op: string = raw.op;
  if (INEQUALITIES.has(op)) stats.inequalities.push(field);
  const present = (test: (v: Value) => boolean): Predicate => {
    return (doc) => {
      const v = valueOf(doc, field);
      return v !== undefined && test(v);
    };
  };
  switch (op) {
    case 'IS_NAN':
      return { test: present(isNaNValue), disjunctions: 1 };
    case 'IS_NULL':
      return { test: present(isNull), disjunctions: 1 };
    case 'IS_NOT_NAN':
      stats.notEqual++;
      return { test: present((v) => !isNull(v) && !isNaNValue(v)), disjunctions: 1 };
    case 'IS_NOT_NULL':
      stats.notEqual++;
      return { test: present((v) => !isNull(v)), disjunctions: 1 };
    default:
      throw invalidArgument(
        `Unsupported unary filter operator ${op ?? 'OPERATOR_UNSPECIFIED'} on "${field.text}".`,
      );
  }
}

/**
 * Compiles a query's `where` into a predicate, checking the rules Firestore puts on combining
 * filters. Also returns the fields under inequality filters, which the query must order by.
 */
export function compileWhere(raw: any): { test: Predicate; inequalities: FieldRef[] } {
  const stats: FilterStats = {
    notIn: 0,
    notEqual: 0,
    inOrAny: 0,
    or: 0,
    inequalities: [],
    nameEquality: false,
  };
  const compiled = compileFilter(raw, stats);
  if (compiled.disjunctions > MAX_DISJUNCTIONS) {
    throw invalidArgument(
      `The query's filters expand to ${compiled.disjunctions} disjunctions; Firestore allows at most ${MAX_DISJUNCTIONS}.`,
    );
  }
  if (stats.notIn > 1) throw invalidArgument('A query can use at most one NOT_IN filter.');
  if (stats.notIn > 0 && stats.notEqual > 0) {
    throw invalidArgument(
      'NOT_IN cannot be combined with NOT_EQUAL, IS_NOT_NULL or IS_NOT_NAN filters in the same query.',
    );
  }
  if (stats.notIn > 0 && (stats.inOrAny > 0 || stats.or > 0)) {
    throw invalidArgument(
      'NOT_IN cannot be combined with IN, ARRAY_CONTAINS_ANY or OR filters in the same query.',
    );
  }
  const nameInequality = stats.inequalities.some((f) => f.isName);
  if (stats.nameEquality && !nameInequality && stats.inequalities.length > 0) {
    // Production's words.
    throw invalidArgument(
      'Equality on key is not allowed if there are other inequality fields and key does not appear in inequalities.',
    );
  }
  return { test: compiled.test, inequalities: stats.inequalities };
}

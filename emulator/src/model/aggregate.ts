import { invalidArgument } from '../errors';
import { getField, parseFieldPath } from './fieldpath';
import type { Fields, StoredDocument, Value } from './types';
import { wrapperNumber } from './wrappers';

const MAX_AGGREGATIONS = 5;
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

type Aggregate = (docs: StoredDocument[]) => Value;

interface CompiledAggregation {
  alias: string;
  run: Aggregate;
  /** The field a sum or avg reads; undefined for count. */
  field?: string[];
}

function count(raw: any): Aggregate {
  const upTo = wrapperNumber(raw.upTo);
  if (upTo !== undefined && !(upTo > 0))
    throw invalidArgument(`count's up_to must be greater than zero, got ${upTo}.`);
  return (docs) => ({ integerValue: String(upTo === undefined ? docs.length : Math.min(docs.length, upTo)) });
}

function fieldOf(raw: any, kind: string): string[] {
  const path = raw.field?.fieldPath;
  if (typeof path !== 'string' || path === '') throw invalidArgument(`A ${kind} aggregation needs a field.`);
  return parseFieldPath(path);
}

/** Integers sum exactly and stay integers unless the total leaves int64; any double makes the sum a double. */
function sum(path: string[]): Aggregate {
  return (docs) => {
    let ints = 0n;
    let doubles = 0;
    let sawDouble = false;
    for (const doc of docs) {
      const v = getField(doc.fields, path);
      if (v?.integerValue !== undefined) ints += BigInt(v.integerValue);
      else if (v?.doubleValue !== undefined) {
        doubles += Number(v.doubleValue);
        sawDouble = true;
      }
    }
    if (!sawDouble && ints >= INT64_MIN && ints <= INT64_MAX) return { integerValue: ints.toString() };
    return { doubleValue: doubles + Number(ints) };
  };
}

function avg(path: string[]): Aggregate {
  return (docs) => {
    let total = 0;
    let n = 0;
    for (const doc of docs) {
      const v = getField(doc.fields, path);
      if (v?.integerValue !== undefined || v?.doubleValue !== undefined) {
        total += Number(v.integerValue ?? v.doubleValue);
        n++;
      }
    }
    return n === 0 ? { nullValue: 'NULL_VALUE' } : { doubleValue: total / n };
  };
}

/** Validates StructuredAggregationQuery.aggregations and names each by its alias. */
export function compileAggregations(aggregations: any[]): CompiledAggregation[] {
  if (!Array.isArray(aggregations) || aggregations.length === 0) {
    throw invalidArgument('An aggregation query needs at least one aggregation.');
  }
  if (aggregations.length > MAX_AGGREGATIONS) {
    // The SDKs' tests match production's "maximum number of aggregations".
    throw invalidArgument(
      `The query has ${aggregations.length} aggregations, over the maximum number of aggregations (${MAX_AGGREGATIONS}).`,
    );
  }
  let nextDefault = 1;
  const seen = new Set<string>();
  return aggregations.map((a) => {
    const alias: string = a.alias ? a.alias : `field_${nextDefault++}`;
    if (seen.has(alias)) throw invalidArgument(`Aggregation alias "${alias}" is used more than once.`);
    seen.add(alias);
    if (a.count != null) return { alias, run: count(a.count) };
    if (a.sum != null) {
      const field = fieldOf(a.sum, 'sum');
      return { alias, run: sum(field), field };
    }
    if (a.avg != null) {
      const field = fieldOf(a.avg, 'avg');
      return { alias, run: avg(field), field };
    }
    throw invalidArgument(`Aggregation "${alias}" must be one of count, sum or avg.`);
  });
}

/**
 * Computes the aggregations over a query's results, keyed by alias (default aliases field_1,
 * field_2, ...). Firestore answers from an index holding every sum and avg field, so only
 * documents that have all of them (with a value of any type) are aggregated, by count too.
 */
export function runAggregations(results: StoredDocument[], aggregations: any[]): Fields {
  const compiled = compileAggregations(aggregations);
  const fieldsRead = compiled.flatMap((a) => (a.field ? [a.field] : []));
  const aggregated =
    fieldsRead.length === 0
      ? results
      : results.filter((doc) => fieldsRead.every((path) => getField(doc.fields, path) !== undefined));
  const fields: Fields = {};
  for (const { alias, run } of compiled) fields[alias] = run(aggregated);
  return fields;
}

import { alreadyExists, failedPrecondition, invalidArgument, notFound } from '../errors';
import { deleteField, getField, isPrefixOf, parseFieldPath, setField } from './fieldpath';
import { documentSize, MAX_DOCUMENT_BYTES } from './size';
import { checkDocumentName, RESERVED_NAME, storableFields, storableValue } from './storable';
import { microsFromTimestamp, timestampFromMicros } from './time';
import type { Fields, Micros, StoredDocument, Value, Write } from './types';
import {
  compareValues,
  fieldsIdentical,
  isNaNValue,
  isNumber,
  NULL_VALUE,
  numberOf,
  valuesEqual,
} from './values';

export interface WriteOutcome {
  /**
   * The document after the write: null when it does not exist, and `current` itself (same object,
   * same updateTime) when the write changed nothing, since Firestore keeps update_time then.
   */
  document: StoredDocument | null;
  transformResults: Value[];
}

type Operation = 'update' | 'delete' | 'verify' | 'transform';

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

function operationOf(write: Write): Operation {
  const ops = (['update', 'delete', 'verify', 'transform'] as const).filter((op) => write[op] != null);
  if (ops.length === 0) throw invalidArgument('A write must set one of update, delete, verify or transform.');
  if (ops.length > 1) throw invalidArgument(`A write must set only one operation, got ${ops.join(' and ')}.`);
  return ops[0]!;
}

/** The full name of the document a write targets. */
export function writeDocumentName(write: Write): string {
  const op = operationOf(write);
  if (op === 'update') return write.update.name;
  if (op === 'transform') return write.transform.document;
  return write[op];
}

function parseWritablePath(path: string, where: string): string[] {
  const segments = parseFieldPath(path);
  for (const segment of segments) {
    if (RESERVED_NAME.test(segment))
      throw invalidArgument(`Field path "${path}" in ${where} uses a reserved name.`);
  }
  return segments;
}

interface Transform {
  path: string[];
  apply(current: Value | undefined, requestTime: Value): Value; // the new field value
  result: 'value' | 'null';
}

function parseTransforms(raw: any[] | undefined): Transform[] {
  return (raw ?? []).map((t): Transform => {
    const path = parseWritablePath(t.fieldPath, 'a field transform');
    const where = `the transform of "${t.fieldPath}"`;
    if (t.setToServerValue != null) {
      if (t.setToServerValue !== 'REQUEST_TIME' && t.setToServerValue !== 1) {
        throw invalidArgument(`Unsupported server value ${t.setToServerValue} in ${where}.`);
      }
      return { path, result: 'value', apply: (_c, requestTime) => requestTime };
    }
    for (const kind of ['increment', 'maximum', 'minimum'] as const) {
      const operand: Value | undefined = t[kind];
      if (operand == null) continue;
      if (!isNumber(operand))
        throw invalidArgument(`The ${kind} operand in ${where} must be an integer or a double.`);
      const combine = kind === 'increment' ? increment : kind === 'maximum' ? maximum : minimum;
      return {
        path,
        result: 'value',
        apply: (current) => (current && isNumber(current) ? combine(current, operand) : operand),
      };
    }
    for (const kind of ['appendMissingElements', 'removeAllFromArray'] as const) {
      if (t[kind] == null) continue;
      const asArray = storableValue({ arrayValue: { values: t[kind].values ?? [] } }, where);
      const elements = asArray.arrayValue!.values ?? [];
      const apply =
        kind === 'appendMissingElements'
          ? (current: Value | undefined) => {
              const values = [...(current?.arrayValue?.values ?? [])];
              for (const e of elements) if (!values.some((v) => valuesEqual(v, e))) values.push(e);
              return { arrayValue: { values } };
            }
          : (current: Value | undefined) => {
              const values = (current?.arrayValue?.values ?? []).filter(
                (v) => !elements.some((e) => valuesEqual(v, e)),
              );
              return { arrayValue: { values } };
            };
      return { path, result: 'null', apply };
    }
    throw invalidArgument(`The transform of "${t.fieldPath}" sets no transformation.`);
  });
}

function increment(current: Value, operand: Value): Value {
  if (current.integerValue !== undefined && operand.integerValue !== undefined) {
    let sum = BigInt(current.integerValue) + BigInt(operand.integerValue);
    if (sum > INT64_MAX) sum = INT64_MAX;
    if (sum < INT64_MIN) sum = INT64_MIN;
    return { integerValue: sum.toString() };
  }
  return { doubleValue: numberOf(current) + numberOf(operand) };
}

/** maximum/minimum: NaN wins, equivalent operands (3 and 3.0, 0 and -0.0) keep the stored value. */
function extremum(current: Value, operand: Value, wantLarger: boolean): Value {
  if (isNaNValue(current)) return current;
  if (isNaNValue(operand)) return { doubleValue: NaN };
  const c = compareValues(operand, current);
  if (c === 0) return current;
  return c > 0 === wantLarger ? operand : current;
}
const maximum = (current: Value, operand: Value) => extremum(current, operand, true);
const minimum = (current: Value, operand: Value) => extremum(current, operand, false);

/**
 * An update mask without repeated paths and paths below another one: Firestore accepts both (the
 * web SDK sends `owner, owner.name` for mergeFields naming both), and the broader path, which
 * writes the whole map, wins.
 */
function broadestPaths(paths: string[][]): string[][] {
  return paths.filter(
    (path, i) => !paths.some((other, j) => isPrefixOf(other, path) && (other.length < path.length || j < i)),
  );
}

interface ParsedWrite {
  op: Operation;
  name: string;
  /** The update's fields as they will be stored. */
  fields: Fields;
  mask?: string[][];
  transforms: Transform[];
}

const parsedWrites = new WeakMap<Write, ParsedWrite>();

function parseWrite(write: Write): ParsedWrite {
  const cached = parsedWrites.get(write);
  if (cached) return cached;
  const op = operationOf(write);
  const name = writeDocumentName(write);
  if (typeof name !== 'string' || name === '') throw invalidArgument('A write must name its document.');
  checkDocumentName(name, 'document name');
  const hasMask = write.updateMask != null;
  const hasTransforms = (write.updateTransforms?.length ?? 0) > 0;
  if (op !== 'update' && (hasMask || hasTransforms)) {
    throw invalidArgument(
      `update_mask and update_transforms can only be set on an update write, not on ${op}.`,
    );
  }
  let mask: string[][] | undefined;
  let transforms: Transform[] = [];
  let fields: Fields = {};
  if (op === 'update') {
    fields = storableFields(write.update.fields ?? {}, `document "${name}"`);
    if (hasMask) {
      mask = broadestPaths(
        (write.updateMask.fieldPaths ?? []).map((p: string) => parseWritablePath(p, 'the update mask')),
      );
    }
    transforms = parseTransforms(write.updateTransforms);
  } else if (op === 'transform') {
    if ((write.transform.fieldTransforms?.length ?? 0) === 0)
      throw invalidArgument('A transform write must list at least one field transform.');
    transforms = parseTransforms(write.transform.fieldTransforms);
  }
  const parsed: ParsedWrite = { op, name, fields, transforms, ...(mask ? { mask } : {}) };
  parsedWrites.set(write, parsed);
  return parsed;
}

function checkPrecondition(current: StoredDocument | null, precondition: any, name: string): void {
  if (precondition == null) return;
  if (precondition.exists != null) {
    if (precondition.exists && !current) throw notFound(`No document to update: ${name}`);
    if (!precondition.exists && current) throw alreadyExists(`Document already exists: ${name}`);
  } else if (precondition.updateTime != null) {
    const required = microsFromTimestamp(precondition.updateTime);
    if (!current || current.updateTime !== required) {
      throw failedPrecondition(
        `the stored version (${current?.updateTime ?? 0}) does not match the required base version (${required})`,
      );
    }
  }
}

/** Applies one google.firestore.v1.Write to the current version of its document. */
export function applyWrite(current: StoredDocument | null, write: Write, commitTime: Micros): WriteOutcome {
  const { op, name, mask, transforms, fields: update } = parseWrite(write);
  checkPrecondition(current, write.currentDocument, name);
  if (op === 'verify') return { document: current, transformResults: [] };
  if (op === 'delete') return { document: null, transformResults: [] };

  let fields: Fields;
  if (op === 'transform') {
    fields = current?.fields ?? {};
  } else if (mask) {
    fields = current?.fields ?? {};
    for (const path of mask) {
      const value = getField(update, path);
      fields = value === undefined ? deleteField(fields, path) : setField(fields, path, value);
    }
  } else {
    fields = update;
  }

  // REQUEST_TIME is the commit time, to the microsecond as Firestore stores timestamps (and as the
  // rules' request.time, so `data.at == request.time` holds for a serverTimestamp()).
  const requestTime: Value = { timestampValue: timestampFromMicros(commitTime) };
  const transformResults: Value[] = [];
  for (const t of transforms) {
    const value = t.apply(getField(fields, t.path), requestTime);
    fields = setField(fields, t.path, value);
    transformResults.push(t.result === 'value' ? value : NULL_VALUE);
  }

  const size = documentSize({ name, fields });
  if (size > MAX_DOCUMENT_BYTES) {
    throw invalidArgument(
      `Document "${name}" cannot be written because its size (${size} bytes) exceeds the maximum allowed size of ${MAX_DOCUMENT_BYTES} bytes.`,
    );
  }
  if (current && fieldsIdentical(current.fields, fields)) return { document: current, transformResults };
  return {
    document: { name, fields, createTime: current?.createTime ?? commitTime, updateTime: commitTime },
    transformResults,
  };
}

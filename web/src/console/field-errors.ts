/**
 * A callable's error placed on the form field it names: `invalid-argument` carries the field
 * (the client's zod check and the function's use the same names), `not-found` names what was
 * missing (a location, a SKU, an order), `out-of-stock` is about the quantity. Anything else is
 * for the whole form.
 */
import type { HearthError } from '@hearth/client';

export interface FormErrors {
  fields: Record<string, string>;
  form?: string;
}

const NOT_FOUND_FIELD: Record<string, string> = {
  location: 'locationId',
  sku: 'sku',
  order: 'orderId',
  'order line': 'sku',
  transfer: 'transferId',
};

export function formErrors(e: HearthError, quantityField: string, fields: string[]): FormErrors {
  const place = (field: string, message: string): FormErrors =>
    fields.includes(field) ? { fields: { [field]: message } } : { fields: {}, form: message };
  switch (e.code) {
    case 'invalid-argument': {
      const out: FormErrors = { fields: {} };
      for (const issue of e.issues.length ? e.issues : [{ field: e.field, message: e.message }]) {
        if (fields.includes(issue.field)) out.fields[issue.field] ??= issue.message;
        else out.form = `${issue.field}: ${issue.message}`;
      }
      return out;
    }
    case 'not-found':
      return place(NOT_FOUND_FIELD[e.kind] ?? e.kind, e.message);
    case 'out-of-stock':
      return place(quantityField, `Only ${e.available} available here; ${e.requested} asked for`);
    case 'failed-precondition':
      return e.reason === 'return_exceeds_order'
        ? place(quantityField, e.message)
        : { fields: {}, form: e.message };
    case 'permission-denied':
      return { fields: {}, form: 'Your account may not do this (staff or admin claim needed).' };
    default:
      return { fields: {}, form: e.message };
  }
}

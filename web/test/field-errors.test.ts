/** Where a console form shows a callable's error: on the field it names, else for the whole form. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formErrors } from '../src/console/field-errors';

const fields = ['locationId', 'delta', 'reason', 'note'];

describe('formErrors', () => {
  it('puts each invalid-argument issue on its field, and an unknown field on the form', () => {
    const e = formErrors(
      {
        code: 'invalid-argument',
        message: 'x',
        field: 'delta',
        issues: [
          { field: 'delta', message: 'must not be zero' },
          { field: 'idempotencyKey', message: 'too short' },
        ],
      },
      'delta',
      fields,
    );
    assert.deepEqual(e, { fields: { delta: 'must not be zero' }, form: 'idempotencyKey: too short' });
  });

  it('puts not-found on the field of what was missing, and out-of-stock on the quantity', () => {
    assert.deepEqual(
      formErrors({ code: 'not-found', message: 'No location x', kind: 'location', id: 'x' }, 'delta', fields),
      {
        fields: { locationId: 'No location x' },
      },
    );
    assert.deepEqual(
      formErrors(
        { code: 'out-of-stock', message: 'm', sku: 'S', requested: 500, available: 17 },
        'delta',
        fields,
      ),
      { fields: { delta: 'Only 17 available here; 500 asked for' } },
    );
  });

  it('gives the form anything with no field: permission, preconditions, the unexpected', () => {
    assert.match(
      formErrors({ code: 'permission-denied', message: 'no' }, 'delta', fields).form!,
      /staff or admin/,
    );
    assert.deepEqual(formErrors({ code: 'internal', message: 'boom' }, 'delta', fields), {
      fields: {},
      form: 'boom',
    });
    assert.deepEqual(
      formErrors({ code: 'failed-precondition', message: 'closed', reason: 'closed' }, 'delta', fields),
      { fields: {}, form: 'closed' },
    );
  });
});

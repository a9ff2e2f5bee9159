import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import type { Value } from '../../src/model/types';
import { ORDERING_TABLE } from '../model/ordering-table';
import { databaseName, documentName, rawClient, type RawClient } from './raw-client';

/** The table's references name project "p"; point them at the test's own project. */
function inProject(value: Value, projectId: string): Value {
  if (value.referenceValue) {
    return { referenceValue: value.referenceValue.replace(/^projects\/p\//, `projects/${projectId}/`) };
  }
  if (value.arrayValue)
    return { arrayValue: { values: (value.arrayValue.values ?? []).map((v) => inProject(v, projectId)) } };
  if (value.mapValue) {
    const fields = Object.fromEntries(
      Object.entries(value.mapValue.fields ?? {}).map(([k, v]) => [k, inProject(v, projectId)]),
    );
    return { mapValue: { fields } };
  }
  return value;
}

describe('value ordering across types', () => {
  let fs: TestFirestore;
  let raw: RawClient;
  const labels: string[] = [];
  const group = new Map<string, number>();
  before(async () => {
    fs = await useEmulator();
    raw = rawClient(fs.host);
    const writes: object[] = [];
    ORDERING_TABLE.forEach((entries, g) =>
      entries.forEach((entry, j) => {
        const id = `g${String(g).padStart(3, '0')}-${j}`;
        labels.push(id);
        group.set(id, g);
        writes.push({
          update: {
            name: documentName(fs.projectId, `ordered/${id}`),
            fields: { v: inProject(entry.value, fs.projectId), label: { stringValue: entry.label } },
          },
        });
      }),
    );
    await raw.commit({ database: databaseName(fs.projectId), writes });
  });
  after(async () => {
    await raw.close();
    await fs.stop();
  });

  it('orderBy sorts every value into its group, groups ascending, equal values by name', async () => {
    const ids = (await fs.adminDb.collection('ordered').orderBy('v').get()).docs.map((d) => d.id);
    assert.equal(ids.length, labels.length);
    // Within a group values are equal, so the implicit __name__ order decides: ids sort within groups.
    assert.deepEqual(ids, [...labels].sort());
  });

  it('descending order reverses the groups', async () => {
    const ids = (await fs.adminDb.collection('ordered').orderBy('v', 'desc').get()).docs.map((d) => d.id);
    const groups = ids.map((id) => group.get(id)!);
    for (let i = 1; i < groups.length; i++)
      assert.ok(groups[i - 1]! >= groups[i]!, `${ids[i - 1]} before ${ids[i]}`);
  });

  it('equality matches exactly the members of a group', async () => {
    for (const g of [11, 13]) {
      const value = ORDERING_TABLE[g]![0]!.value;
      const stream = raw.runQuery({
        parent: `${databaseName(fs.projectId)}/documents`,
        structuredQuery: {
          from: [{ collectionId: 'ordered' }],
          where: { fieldFilter: { field: { fieldPath: 'v' }, op: 'EQUAL', value: value as object } },
        },
      });
      const names: string[] = [];
      for await (const r of stream) if (r.document) names.push(r.document.name.split('/').pop());
      const expected = labels.filter((id) => group.get(id) === g);
      assert.deepEqual(names.sort(), expected, ORDERING_TABLE[g]!.map((e) => e.label).join(' = '));
    }
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { collection, getDocs, orderBy, query } from 'firebase/firestore';
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

  it('descending order reverses the groups, and the implicit __name__ order with them', async () => {
    const ids = (await fs.adminDb.collection('ordered').orderBy('v', 'desc').get()).docs.map((d) => d.id);
    assert.deepEqual(ids, [...labels].sort().reverse());
  });

  it("the web SDK, which re-sorts results with its own comparator, agrees with the server's order", async () => {
    const web = fs.webDb();
    for (const direction of ['asc', 'desc'] as const) {
      const ids = (await getDocs(query(collection(web, 'ordered'), orderBy('v', direction)))).docs.map(
        (d) => d.id,
      );
      const expected = [...labels].sort();
      assert.deepEqual(ids, direction === 'asc' ? expected : expected.reverse());
    }
  });

  /** Ids matching `v <op> value` in query order. */
  const where = async (op: 'EQUAL' | 'GREATER_THAN' | 'LESS_THAN_OR_EQUAL', value: Value) => {
    const stream = raw.runQuery({
      parent: `${databaseName(fs.projectId)}/documents`,
      structuredQuery: {
        from: [{ collectionId: 'ordered' }],
        where: {
          fieldFilter: { field: { fieldPath: 'v' }, op, value: inProject(value, fs.projectId) as object },
        },
      },
    });
    const names: string[] = [];
    for await (const r of stream) if (r.document) names.push(r.document.name.split('/').pop());
    return names;
  };

  it('equality matches exactly the members of each group (int and double, 0 and -0.0 are equal)', async () => {
    for (let g = 0; g < ORDERING_TABLE.length; g++) {
      const expected = labels.filter((id) => group.get(id) === g);
      for (const entry of ORDERING_TABLE[g]!) {
        // The SDKs send == null and == NaN as IS_NULL and IS_NAN (queries.test.ts covers those).
        if (entry.label === 'null' || entry.label === 'NaN') continue;
        assert.deepEqual((await where('EQUAL', entry.value)).sort(), expected, entry.label);
      }
    }
  });

  it('range filters match only values of the same type, on the right side', async () => {
    const typeOf = (v: Value): string => {
      if (v.integerValue !== undefined || v.doubleValue !== undefined) return 'number';
      if (v.mapValue?.fields?.__type__?.stringValue === '__vector__') return 'vector';
      return Object.keys(v).find((k) => k.endsWith('Value'))!;
    };
    const typeOfGroup = (g: number) => typeOf(ORDERING_TABLE[g]![0]!.value);
    for (let g = 0; g < ORDERING_TABLE.length; g++) {
      const { value, label } = ORDERING_TABLE[g]![0]!;
      if (label === 'null' || label === 'NaN') continue; // only == and != compare them
      // NaN sorts with the numbers but no range matches it.
      const sameType = labels.filter(
        (id) =>
          typeOfGroup(group.get(id)!) === typeOf(value) &&
          ORDERING_TABLE[group.get(id)!]![0]!.label !== 'NaN',
      );
      assert.deepEqual(
        await where('GREATER_THAN', value),
        sameType.filter((id) => group.get(id)! > g),
        `> ${label}`,
      );
      assert.deepEqual(
        await where('LESS_THAN_OR_EQUAL', value),
        sameType.filter((id) => group.get(id)! <= g),
        `<= ${label}`,
      );
    }
  });
});

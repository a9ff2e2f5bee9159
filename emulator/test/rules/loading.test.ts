import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { deleteApp, initializeApp } from 'firebase/app';
import {
  connectFirestoreEmulator,
  doc,
  getDoc,
  getFirestore,
  terminate,
  type Firestore,
} from 'firebase/firestore';
import { start, type RunningEmulator } from '../../src/index';
import type { RuleIssue } from '../../src/server/access';
import { watchRulesFile, type ReloadOutcome } from '../../src/rules/watch-file';
import { within } from '../../../test/support/within';

const rules = (readable: string) => `rules_version = '2';
service cloud.firestore {
  match /databases/{database}/documents {
    match /${readable}/{id} {
      allow read: if true;
    }
  }
}`;
const BROKEN =
  "rules_version = '2';\nservice cloud.firestore {\n  match /a/{b} {\n    allow read: if ;\n  }\n}";

describe('loading rules', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-rules-'));
  const file = join(dir, 'firestore.rules');
  const projectId = 'demo-rules-loading';
  let emulator: RunningEmulator;
  let db: Firestore;
  const app = initializeApp({ projectId, apiKey: 'k' }, 'rules-loading');

  before(async () => {
    writeFileSync(file, rules('open'));
    emulator = await start({ rulesFile: file, projectId });
    db = getFirestore(app);
    connectFirestoreEmulator(db, emulator.host, emulator.port);
  });
  after(async () => {
    await terminate(db);
    await deleteApp(app);
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const put = (source: string) =>
    fetch(`http://${emulator.host}:${emulator.port}/emulator/v1/projects/${projectId}:securityRules`, {
      method: 'PUT',
      body: JSON.stringify({ rules: { files: [{ name: 'firestore.rules', content: source }] } }),
    });

  async function denial(path: string): Promise<string> {
    const err = await getDoc(doc(db, path)).then(
      () => assert.fail(`reading ${path} should be denied`),
      (e: { code?: string; message?: string }) => e,
    );
    assert.equal(err.code, 'permission-denied');
    return err.message ?? '';
  }

  it('enforces the rules file given at start', async () => {
    await getDoc(doc(db, 'open/x'));
    const message = await denial('closed/x');
    assert.match(message, /No matching allow statements for 'get'/);
  });

  it('replaces the rules through the REST endpoint', async () => {
    const res = await put(rules('closed'));
    assert.equal(res.status, 200);
    await getDoc(doc(db, 'closed/x'));
    await denial('open/x');
  });

  it('refuses rules with a syntax error, with line and column, and keeps the previous rules', async () => {
    const res = await put(BROKEN);
    assert.equal(res.status, 400);
    const body = await res.text();
    assert.match(body, /4:20/);
    assert.match(body, /expected an expression but found ';'/);
    await getDoc(doc(db, 'closed/x'));
  });

  it('applies an edit of the rules file without a restart', async () => {
    const allowedSoon = async (path: string) => {
      const deadline = Date.now() + 5000;
      for (;;) {
        const ok = await getDoc(doc(db, path)).then(
          () => true,
          () => false,
        );
        if (ok) return;
        if (Date.now() > deadline) assert.fail(`${path} never became readable`);
        await new Promise((r) => setTimeout(r, 25)); // fs.watch gives no event the test could await
      }
    };
    writeFileSync(file, rules('edited'));
    await allowedSoon('edited/x');
    await denial('open/x');
  });

  it('refuses to start on a rules file with a syntax error', async () => {
    const broken = join(dir, 'broken.rules');
    writeFileSync(broken, BROKEN);
    await assert.rejects(start({ rulesFile: broken }), /line 4, column 20/);
  });
});

describe('watching a rules file', () => {
  it('reloads on change, and reports a broken edit without loading it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-watch-'));
    const file = join(dir, 'firestore.rules');
    writeFileSync(file, rules('a'));
    const loaded: string[] = [];
    const outcomes: ((o: ReloadOutcome) => void)[] = [];
    // A lost file-watch event fails here, saying so, instead of hanging the file.
    const next = () =>
      within(
        new Promise<ReloadOutcome>((resolve) => outcomes.push(resolve)),
        'the reload outcome after writing the watched rules file',
      );
    const load = (source: string): { issues: RuleIssue[] } => {
      if (source.includes('if ;'))
        return {
          issues: [{ severity: 'ERROR', description: 'broken', sourcePosition: { line: 4, column: 20 } }],
        };
      loaded.push(source);
      return { issues: [] };
    };
    const watcher = watchRulesFile(file, load, (o) => outcomes.shift()?.(o));
    try {
      let outcome = next();
      writeFileSync(file, rules('b'));
      assert.equal((await outcome).loaded, true);
      assert.deepEqual(loaded, [rules('b')]);

      outcome = next();
      writeFileSync(file, BROKEN);
      const broken = await outcome;
      assert.equal(broken.loaded, false);
      assert.equal(broken.issues[0]!.sourcePosition?.line, 4);
      assert.deepEqual(loaded, [rules('b')]);
    } finally {
      watcher.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

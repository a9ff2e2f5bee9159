/**
 * What goes wrong, and what it leaves: a failed export (a file in the way, a folder that is not an
 * export, a disk that refuses the write halfway) leaves the previous export as it was; an import of
 * a missing, corrupt or unknown-version export fails saying what and where, and starts nothing.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import * as net from 'node:net';
import { dirname, join } from 'node:path';
import { before, describe, it } from 'node:test';
import { start } from '../../src/index';
import { adminFor, closeClients, exportOverHttp, freshProject, readTree, tempDir } from './support';
import { within } from '../../../test/support/within';

const cli = join(__dirname, '..', '..', 'src', 'cli.ts');

/** True when nothing accepts connections on the port. */
function portIsClosed(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => reject(new Error('connect neither succeeded nor failed in 5 s')), 5000);
    const settle = (closed: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(closed);
    };
    socket.once('connect', () => settle(false));
    socket.once('error', () => settle(true));
  });
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A valid export of three small documents in a new directory; returns its path and the data file. */
async function validExport(): Promise<{ dir: string; file: string; project: string }> {
  const emulator = await start({ port: 0 });
  const project = freshProject();
  try {
    const db = adminFor(emulator, project);
    await db.doc('c/a').set({ n: 1 });
    await db.doc('c/b').set({ n: 2 });
    await db.doc('c/c').set({ n: 3 });
    const dir = join(tempDir(), 'export');
    await emulator.export(dir);
    return { dir, file: join(dir, project, '(default).jsonl'), project };
  } finally {
    await closeClients();
    await emulator.stop();
  }
}

describe('a failed export leaves what was there', { timeout: 60_000 }, () => {
  let previous: { dir: string; file: string; project: string };
  before(async () => {
    previous = await validExport();
  });

  it('refuses a file in the way, or a folder that is not an export, and leaves them as they are', async () => {
    const emulator = await start({ port: 0 });
    const project = freshProject();
    try {
      await adminFor(emulator, project).doc('c/x').set({ x: 1 });
      const root = tempDir();
      const file = join(root, 'notes.txt');
      writeFileSync(file, 'mine');
      const folder = join(root, 'photos');
      mkdirSync(folder);
      writeFileSync(join(folder, 'cat.jpg'), 'meow');
      for (const [target, message] of [
        [
          file,
          /notes\.txt exists and is not a directory; an export replaces only an earlier export or an empty directory/,
        ],
        [join(file, 'below'), /Export to .*below failed: .*ENOTDIR/],
        [folder, /photos holds files and no readable manifest\.json, so it is not an emulator export/],
      ] as const) {
        const answer = await exportOverHttp(emulator, project, { export_directory: target });
        assert.equal(answer.status, 400);
        assert.match(answer.body.error.message, message);
      }
      assert.equal(readFileSync(file, 'utf8'), 'mine');
      assert.deepEqual(readTree(folder), { 'cat.jpg': 'meow' });
      assert.deepEqual(readdirSync(root).sort(), ['notes.txt', 'photos'], 'no temporary directory is left');
    } finally {
      await closeClients();
      await emulator.stop();
    }
  });

  it('keeps the previous export whole when the disk refuses the new one halfway (a file size limit)', async () => {
    const before = readTree(previous.dir);
    // 256 KiB per file at most, then EFBIG; the new export needs about 2 MiB.
    const child = spawn(
      'bash',
      [
        '-c',
        'ulimit -f 256 && exec "$0" "$@"',
        process.execPath,
        '--import',
        'tsx',
        cli,
        '--port',
        '0',
        '--import',
        previous.dir,
        '--export-on-exit',
        previous.dir,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const address = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready in 20 s: ${out}${err}`)), 20_000);
      const check = () => {
        const match = /ready on (\S+):(\d+)/.exec(out);
        if (!match) return;
        clearTimeout(timer);
        resolve(`${match[1]}:${match[2]}`);
      };
      child.stdout.on('data', check);
      void exited.then((code) => reject(new Error(`exited with ${code}: ${out}${err}`)));
    });
    assert.match(out, /Imported 3 documents \(1 databases\)/);
    const [host, port] = address.split(':');
    const db = adminFor({ host: host!, port: Number(port) }, previous.project);
    const big = 'x'.repeat(100_000);
    await Promise.all(Array.from({ length: 20 }, (_, i) => db.doc(`big/${i}`).set({ big })));
    await closeClients();
    child.kill('SIGTERM');
    assert.equal(await within(exited, 'the CLI exiting after its export failed'), 1, `${out}${err}`);
    assert.match(
      err,
      /Export to .* failed: EFBIG: file too large.*; the previous export there is untouched\./,
    );
    assert.deepEqual(readTree(previous.dir), before);
    assert.deepEqual(readdirSync(dirname(previous.dir)), ['export'], 'no temporary directory is left');
  });

  it('survives a crash between its two renames: import reads DIR.previous, the next export tidies it', async () => {
    const { dir } = await validExport();
    renameSync(dir, `${dir}.previous`);
    const emulator = await start({ port: 0, importFrom: dir });
    try {
      assert.equal(emulator.imported?.documents, 3);
      assert.equal(emulator.imported?.directory, `${dir}.previous`);
      // And an abandoned temporary directory of a dead process goes too.
      const abandoned = join(dirname(dir), `.export.tmp-999999999-abc`);
      mkdirSync(abandoned);
      await emulator.export(dir);
      assert.deepEqual(readdirSync(dirname(dir)), ['export']);
    } finally {
      await emulator.stop();
    }
  });

  it('answers 400 to a malformed export call, and to one from a web page', async () => {
    const emulator = await start({ port: 0 });
    try {
      const dir = join(tempDir(), 'x');
      const cases: Array<[Record<string, unknown>, RegExp, Record<string, string>?]> = [
        [{}, /"export_directory" is required/],
        [{ export_directory: dir, colour: 'blue' }, /Unknown name "colour"/],
        [
          { export_directory: dir, database: 'projects/other/databases/(default)' },
          /not a database of project p/,
        ],
        [{ export_directory: dir, database: 'nonsense' }, /Invalid database name/],
        [{ export_directory: dir }, /not accepted from web pages/, { origin: 'http://localhost:5173' }],
      ];
      for (const [body, message, headers] of cases) {
        const answer = await exportOverHttp(emulator, 'p', body, headers);
        assert.equal(answer.status, 400, JSON.stringify(body));
        assert.match(answer.body.error.message, message);
      }
      assert.equal(existsSync(dir), false);
    } finally {
      await emulator.stop();
    }
  });
});

describe('an import that cannot be read', { timeout: 60_000 }, () => {
  let good: { dir: string; file: string; project: string };
  before(async () => {
    good = await validExport();
  });

  /** A copy of the good export, changed by `damage`. */
  function damaged(damage: (dir: string, file: string) => void): string {
    const dir = join(tempDir(), 'export');
    cpSync(good.dir, dir, { recursive: true });
    damage(dir, join(dir, good.project, '(default).jsonl'));
    return dir;
  }
  const editFile = (path: string, edit: (text: string) => string) =>
    writeFileSync(path, edit(readFileSync(path, 'utf8')));
  const editManifest = (dir: string, edit: (m: any) => void) =>
    editFile(join(dir, 'manifest.json'), (text) => {
      const manifest = JSON.parse(text);
      edit(manifest);
      return JSON.stringify(manifest);
    });

  const cases: Array<[string, () => string, RegExp]> = [
    [
      'a missing directory',
      () => join(tempDir(), 'nothing'),
      /No export at .*nothing: the directory does not exist\./,
    ],
    [
      'a file',
      () => damaged((dir) => writeFileSync(join(dir, 'file'), '')) + '/file',
      /file is not a directory: give the directory an export wrote\./,
    ],
    ['an empty directory', () => tempDir(), /No export at .*: the directory is empty\./],
    [
      'a folder without a manifest',
      () => damaged((dir) => rmSync(join(dir, 'manifest.json'))),
      /is not an emulator export: it has no manifest\.json\./,
    ],
    [
      "an export of firebase-tools' emulators",
      () => {
        const dir = tempDir();
        writeFileSync(join(dir, 'firebase-export-metadata.json'), '{}');
        return dir;
      },
      /is an export of firebase-tools' emulators \(the official Firestore emulator's format\), which this emulator cannot read/,
    ],
    [
      'a manifest that is not JSON',
      () => damaged((dir) => editFile(join(dir, 'manifest.json'), (t) => t.slice(0, 20))),
      /manifest\.json is not valid JSON/,
    ],
    [
      'a manifest of something else',
      () => damaged((dir) => editManifest(dir, (m) => (m.format = 'something-else'))),
      /manifest\.json is not an emulator export's manifest/,
    ],
    [
      'a newer format version',
      () => damaged((dir) => editManifest(dir, (m) => (m.version = 2))),
      /is an export of format version 2; this emulator reads version 1: a newer emulator wrote it/,
    ],
    [
      'a data file that is gone',
      () => damaged((_, file) => rmSync(file)),
      /\(default\)\.jsonl is missing: the manifest lists it for projects\/.*\/databases\/\(default\)\./,
    ],
    [
      'a file cut mid-line',
      () => damaged((_, file) => editFile(file, (t) => t.slice(0, t.length - 30))),
      /\(default\)\.jsonl line 3: not valid JSON .*; is the file cut short or edited\?/,
    ],
    [
      'a file cut at a line end',
      () => damaged((_, file) => editFile(file, (t) => t.split('\n').slice(0, 2).join('\n'))),
      /holds 2 documents but the manifest says 3: it is cut short or was edited/,
    ],
    [
      'a value of the wrong shape',
      () =>
        damaged((_, file) => editFile(file, (t) => t.replace('"integerValue":"2"', '"integerValue":"two"'))),
      /line 2: field n: integerValue must be a decimal string, got "two"\./,
    ],
    [
      'a value type that does not exist',
      () =>
        damaged((_, file) => editFile(file, (t) => t.replace('"integerValue":"2"', '"decimalValue":"2"'))),
      /line 2: field n has an unknown value type "decimalValue"\./,
    ],
    [
      'a reserved field name',
      () => damaged((_, file) => editFile(file, (t) => t.replace('{"n":', '{"__n__":'))),
      /line 1: Field name "__n__" is reserved/,
    ],
    [
      'a document of another database',
      () =>
        damaged((_, file) =>
          editFile(file, (t) => t.replace('(default)/documents/c/b', 'elsewhere/documents/c/b')),
        ),
      /line 2: .*does not belong to database/,
    ],
    [
      'a document twice',
      () =>
        damaged((dir, file) => {
          editFile(file, (t) => t + t.split('\n')[0] + '\n');
          editManifest(dir, (m) => (m.databases[0].documents = 4));
        }),
      /line 4: projects\/.*\/documents\/c\/a appears twice\./,
    ],
    [
      'a data file outside the export',
      () => damaged((dir) => editManifest(dir, (m) => (m.databases[0].file = '../elsewhere.jsonl'))),
      /databases\[0\]: "file" must be a relative path inside the export directory\./,
    ],
  ];

  for (const [what, make, message] of cases) {
    it(`fails clearly for ${what}, and starts nothing`, async () => {
      const port = await freePort();
      await assert.rejects(start({ port, importFrom: make() }), message);
      assert.ok(await portIsClosed(port), 'nothing listens');
    });
  }

  it('the CLI says so and exits non-zero, printing no ready line', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', cli, '--port', '0', '--import', join(tempDir(), 'no')],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const code = await within(
      new Promise<number | null>((resolve) => child.once('exit', resolve)),
      'the CLI exiting on a missing import',
    );
    assert.equal(code, 1);
    assert.match(err, /No export at .*no: the directory does not exist\./);
    assert.doesNotMatch(out, /ready/);
  });
});

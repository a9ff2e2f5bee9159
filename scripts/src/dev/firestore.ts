/**
 * How the dev stack runs the project's Firestore emulator, and `--keep`: the store is exported to
 * `.cache/dev/firestore-export/` when the stack stops and imported from there when it starts again.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { getApps, initializeApp } from 'firebase-admin/app';
import { getFirestore } from 'firebase-admin/firestore';
import { currentModelRef } from '../../../functions/src/recommendations/publish';
import { projectId, repoRoot } from './stack';

export const keptStoreDir = join(repoRoot, '.cache', 'dev', 'firestore-export');

/** Whether an export is there to import (or the one a crash mid-export left beside it). */
export function hasKeptStore(dir: string): boolean {
  return existsSync(join(dir, 'manifest.json')) || existsSync(join(`${dir}.previous`, 'manifest.json'));
}

export interface ProjectFirestore {
  host: string;
  port: number;
  projectId: string;
  /** Keep the store in this directory between runs (import at start when there, export on exit). */
  keepDir?: string;
}

/** The command line (after `node`) that starts the project's emulator for the dev stack. */
export function projectFirestoreArgs(o: ProjectFirestore): string[] {
  const args = [
    '--import',
    'tsx',
    join(repoRoot, 'emulator', 'src', 'cli.ts'),
    '--host',
    o.host,
    '--port',
    String(o.port),
    '--project',
    o.projectId,
    '--rules',
    join(repoRoot, 'firestore.rules'),
  ];
  if (o.keepDir) {
    if (hasKeptStore(o.keepDir)) args.push('--import', o.keepDir);
    args.push('--export-on-exit', o.keepDir);
  }
  return args;
}

/** What the emulator said it imported ("Imported N documents ... a snapshot of T"), if it did. */
export function importedLine(output: string): { documents: number; snapshotTime: string } | undefined {
  const match = /Imported (\d+) documents .* a snapshot of (\S+)/.exec(output);
  return match ? { documents: Number(match[1]), snapshotTime: match[2]! } : undefined;
}

/** Whether the running stack's store has a live recommendation model (a kept store usually does). */
export async function hasLiveModel(): Promise<boolean> {
  const app = getApps()[0] ?? initializeApp({ projectId });
  return (await currentModelRef(getFirestore(app)).get()).exists;
}

import { readFileSync, watch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { RuleIssue } from '../server/access';

export type ReloadOutcome = { file: string; issues: RuleIssue[]; loaded: boolean };

/** Editors often write a file in several steps; wait for them to settle before reading. */
const SETTLE_MS = 50;

/**
 * Reloads a rules file whenever it changes. The directory is watched rather than the file, since
 * editors that save by rename-over would end a watch on the file itself. A reload with errors is
 * reported and changes nothing: the rules in force stay in force.
 */
export function watchRulesFile(
  file: string,
  load: (source: string) => { issues: RuleIssue[] },
  report: (outcome: ReloadOutcome) => void,
): { close(): void } {
  const path = resolve(file);
  const name = basename(path);
  let last = readFileSync(path, 'utf8');
  let timer: NodeJS.Timeout | undefined;
  const reload = () => {
    timer = undefined;
    let source: string;
    try {
      source = readFileSync(path, 'utf8');
    } catch {
      return; // Mid-rename or deleted: the next event brings the new file.
    }
    if (source === last) return;
    last = source;
    const { issues } = load(source);
    report({ file: path, issues, loaded: !issues.some((i) => i.severity === 'ERROR') });
  };
  const watcher = watch(dirname(path), (_event, changed) => {
    if (changed !== null && changed.toString() !== name) return;
    clearTimeout(timer);
    timer = setTimeout(reload, SETTLE_MS);
  });
  return {
    close() {
      clearTimeout(timer);
      watcher.close();
    },
  };
}

/** One line for the emulator's log. */
export function describeReload(outcome: ReloadOutcome): string {
  if (outcome.loaded) return `Reloaded rules from ${outcome.file}.`;
  const errors = outcome.issues
    .filter((i) => i.severity === 'ERROR')
    .map((i) => `  ${i.sourcePosition?.line ?? 0}:${i.sourcePosition?.column ?? 0} ${i.description}`);
  return `Rules in ${outcome.file} not reloaded; the previous rules stay in force:\n${errors.join('\n')}`;
}

/**
 * Baselines: the findings a team has accepted, keyed by fingerprint, so a CI gate fails only on
 * new ones. Fingerprints are built from names (rule, class, method, key, host), so a rebuild or a
 * new version of the app keeps them.
 */
import { readFile } from 'node:fs/promises';
import type { Finding, TargetResult } from './report/types.js';
import { UserError } from './user-error.js';

export interface BaselineEntry {
  fingerprint: string;
  ruleId: string;
  package: string;
  title: string;
  where: string;
}

export interface Baseline {
  schemaVersion: 1;
  kind: 'sessionscope-baseline';
  entries: BaselineEntry[];
}

export class BaselineError extends UserError {}

function where(f: Finding): string {
  const l = f.location;
  if (l.class) return `${l.class}${l.method ? `->${l.method}` : ''}`;
  return `${l.file ?? ''}${l.line ? `:${l.line}` : ''}${l.element ? ` <${l.element}>` : ''}`;
}

export function makeBaseline(results: TargetResult[]): Baseline {
  const entries: BaselineEntry[] = [];
  for (const r of results) {
    for (const f of r.findings) entries.push({ fingerprint: f.fingerprint, ruleId: f.ruleId, package: r.app.package, title: f.title, where: where(f) });
  }
  return { schemaVersion: 1, kind: 'sessionscope-baseline', entries };
}

export function parseBaseline(text: string, file: string): Set<string> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new BaselineError(`${file}: not JSON (${(err as Error).message})`);
  }
  const b = data as Partial<Baseline>;
  if (!b || b.kind !== 'sessionscope-baseline' || !Array.isArray(b.entries)) {
    throw new BaselineError(`${file}: not a sessionscope baseline (write one with --write-baseline)`);
  }
  const set = new Set<string>();
  b.entries.forEach((e, i) => {
    if (!e || typeof e.fingerprint !== 'string') throw new BaselineError(`${file}: entry ${i} has no fingerprint`);
    set.add(e.fingerprint);
  });
  return set;
}

export async function loadBaseline(file: string): Promise<Set<string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new BaselineError(`${file}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  return parseBaseline(text, file);
}

/** Removes baselined findings; returns how many were suppressed. */
export function applyBaseline(result: TargetResult, known: Set<string>): number {
  const before = result.findings.length;
  result.findings = result.findings.filter((f) => !known.has(f.fingerprint));
  return before - result.findings.length;
}

/**
 * The library entry point: scan one APK (or .apks/.xapk bundle) file into a report result.
 * Reads the file once into memory (capped), builds the model, runs the rules.
 */
import { open } from 'node:fs/promises';
import { FormatError } from './apk/errors.js';
import { UserError } from './user-error.js';
import { loadApp, type AppModel, type LoadOptions } from './model/app.js';
import { targetResult } from './report/result.js';
import type { TargetResult } from './report/types.js';
import { runRules, type Rule } from './rules/rule.js';
import { RULES } from '../static-rules/index.js';
import { EMPTY_CONFIG, type ScanConfig } from './config.js';

/** Largest input file read (APKs on Play are capped at 4 GB with expansion; real ones are far smaller). */
export const MAX_INPUT_BYTES = 2 * 1024 * 1024 * 1024 - 1;

export class InputError extends UserError {}

export async function readInput(path: string, maxBytes = MAX_INPUT_BYTES): Promise<Uint8Array> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(`${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory, not an APK' : (err as Error).message}`);
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new InputError(`${path}: ${st.isDirectory() ? 'is a directory, not an APK' : 'not a regular file'}`);
    if (st.size > maxBytes) throw new InputError(`${path}: ${st.size} bytes is larger than the ${maxBytes}-byte limit`);
    const buf = new Uint8Array(st.size);
    let off = 0;
    while (off < st.size) {
      const { bytesRead } = await fh.read(buf, off, st.size - off, off);
      if (bytesRead === 0) break;
      off += bytesRead;
    }
    return off === st.size ? buf : buf.subarray(0, off);
  } finally {
    await fh.close();
  }
}

export interface ScanOptions extends LoadOptions {
  config?: ScanConfig;
  /** Show secret values in evidence instead of redacting them. */
  showSecrets?: boolean;
  /** The rules to run (default: every rule the config leaves on). */
  rules?: readonly Rule[];
}

/** The rules a configuration leaves switched on. */
export function enabledRules(config: ScanConfig = EMPTY_CONFIG, all: readonly Rule[] = RULES): Rule[] {
  return all.filter((r) => config.rules[r.meta.id]?.enabled !== false);
}

export interface ScanOutcome {
  result: TargetResult;
  app: AppModel;
}

export function scanBytes(bytes: Uint8Array, path: string, opts: ScanOptions = {}): ScanOutcome {
  const t0 = performance.now();
  const app = loadApp(bytes, path, opts);
  const config = opts.config ?? EMPTY_CONFIG;
  const findings = runRules(app, opts.rules ?? enabledRules(config), {
    showSecrets: opts.showSecrets === true,
    extraTokenPatterns: config.tokenKeyPatterns,
    ignoredLibraries: config.ignoredLibraries,
  }).map((f) => {
    const sev = config.rules[f.ruleId]?.severity;
    return sev ? { ...f, severity: sev } : f;
  });
  return { app, result: targetResult(app, path, findings, performance.now() - t0) };
}

export async function scanFile(path: string, opts: ScanOptions = {}): Promise<ScanOutcome> {
  const bytes = await readInput(path);
  return scanBytes(bytes, path, opts);
}

/** One line for the user: what is wrong and where, never a stack trace. */
export function describeError(err: unknown): string {
  if (err instanceof FormatError || err instanceof UserError) return err.message;
  if (err instanceof Error) return `internal error: ${err.message} (set SESSIONSCOPE_DEBUG=1 for details)`;
  return `internal error: ${String(err)}`;
}

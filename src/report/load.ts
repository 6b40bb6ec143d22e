/**
 * Reads a saved report.json (written by `scan --format json` or by `dynamic`) back into the
 * report contract, so it can be rendered again in another format or turned into tests.
 *
 * The file is input like any other: it is size-capped, and every field a renderer reads is checked
 * before use, so a truncated or hand-edited file gives one line naming the file and the field
 * instead of a crash halfway through rendering.
 */
import { readFile, stat } from 'node:fs/promises';
import { UserError } from '../user-error.js';
import { SEVERITIES, type Report } from './types.js';

/** Far above any real report (the 18 MB uiautomator2 server APK gives ~200 KB). */
export const MAX_REPORT_BYTES = 64 * 1024 * 1024;

type Json = unknown;

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class Checker {
  constructor(private readonly file: string) {}

  fail(path: string, what: string): never {
    throw new UserError(`${this.file}: ${path}: ${what}`);
  }

  object(v: Json, path: string): Record<string, Json> {
    if (!isObject(v)) this.fail(path, `expected an object, found ${kindOf(v)}`);
    return v;
  }

  array(v: Json, path: string): Json[] {
    if (!Array.isArray(v)) this.fail(path, `expected a list, found ${kindOf(v)}`);
    return v;
  }

  string(v: Json, path: string): string {
    if (typeof v !== 'string') this.fail(path, `expected a string, found ${kindOf(v)}`);
    return v;
  }

  oneOf<T extends string>(v: Json, allowed: readonly T[], path: string): T {
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) this.fail(path, `expected one of ${allowed.join(', ')}, found ${short(v)}`);
    return v as T;
  }
}

function kindOf(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${short(v)}`;
}

function short(v: Json): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/** Checks the parts of a parsed report that renderers read; returns it typed. */
export function checkReport(data: Json, file: string): Report {
  const c = new Checker(file);
  const root = c.object(data, 'report');
  const tool = isObject(root.tool) ? root.tool : null;
  if (!tool || tool.name !== 'sessionscope') c.fail('tool.name', 'not a sessionscope report (expected "sessionscope")');
  if (root.schemaVersion !== 1) c.fail('schemaVersion', `unsupported report schema ${short(root.schemaVersion)} (this version reads 1)`);
  const results = c.array(root.results, 'results');
  results.forEach((r, i) => {
    const at = `results[${i}]`;
    const res = c.object(r, at);
    c.string(c.object(res.target, `${at}.target`).path, `${at}.target.path`);
    c.string(c.object(res.app, `${at}.app`).package, `${at}.app.package`);
    c.object(res.analysis, `${at}.analysis`);
    c.array(res.warnings, `${at}.warnings`);
    if (res.dynamic !== null && res.dynamic !== undefined) c.object(res.dynamic, `${at}.dynamic`);
    c.array(res.findings, `${at}.findings`).forEach((f, j) => {
      const fat = `${at}.findings[${j}]`;
      const finding = c.object(f, fat);
      for (const key of ['ruleId', 'title', 'message', 'fingerprint'] as const) c.string(finding[key], `${fat}.${key}`);
      c.oneOf(finding.severity, SEVERITIES, `${fat}.severity`);
      c.oneOf(finding.stage, ['static', 'dynamic'] as const, `${fat}.stage`);
      c.object(finding.location, `${fat}.location`);
      for (const key of ['masvs', 'mastg', 'cwe'] as const) c.array(finding[key], `${fat}.${key}`).forEach((x, k) => c.string(x, `${fat}.${key}[${k}]`));
    });
  });
  return data as Report;
}

export async function loadReport(file: string): Promise<Report> {
  let text: string;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new UserError(`${file}: not a file`);
    if (info.size > MAX_REPORT_BYTES) throw new UserError(`${file}: ${info.size} bytes is larger than a report can be (limit ${MAX_REPORT_BYTES})`);
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message}`);
  }
  let data: Json;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${file}: not JSON (${(err as Error).message})`);
  }
  return checkReport(data, file);
}

/**
 * Writes a report file without losing what the user had: the new content goes to a temporary file
 * beside the target and is renamed over it, and an existing file that is not an earlier report of
 * ours is only replaced with --force.
 */
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../user-error.js';

export class OutputError extends UserError {}

/** How the start of each report format written by sessionscope looks (json, sarif, html, markdown, junit, text). */
const OUR_HEADS: readonly ((head: string) => boolean)[] = [
  (h) => h.includes('"schemaVersion"') && h.includes('"sessionscope"'),
  (h) => h.includes('"$schema"') && h.includes('sarif') && /"driver":\s*\{\s*"name":\s*"sessionscope"/.test(h),
  (h) => h.startsWith('<!DOCTYPE html>') && h.includes('<title>sessionscope report'),
  (h) => h.startsWith('# sessionscope report'),
  (h) => h.startsWith('<?xml') && h.includes('<testsuites name="sessionscope '),
  (h) => h.startsWith('sessionscope '),
  (h) => h.trim() === '',
];

async function isOurs(path: string): Promise<boolean> {
  try {
    const head = (await readFile(path)).subarray(0, 4096).toString('utf8');
    return OUR_HEADS.some((looksOurs) => looksOurs(head));
  } catch {
    return false;
  }
}

export async function writeOutput(path: string, text: string, opts: { force: boolean }): Promise<void> {
  let exists = false;
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw new OutputError(`${path}: is a directory`);
    exists = true;
  } catch (err) {
    if (err instanceof OutputError) throw err;
  }
  if (exists && !opts.force && !(await isOurs(path))) {
    throw new OutputError(`${path}: exists and is not a sessionscope report; not overwritten (use --force)`);
  }
  try {
    await writeAtomic(path, text);
  } catch (err) {
    throw new OutputError(`${path}: cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** Writes through a temporary file beside `path` and renames it over: a reader never sees half a file. */
export async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    const fh = await open(tmp, 'wx');
    try {
      await fh.writeFile(text);
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

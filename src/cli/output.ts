/**
 * Writes a report file without losing what the user had: the new content goes to a temporary file
 * beside the target and is renamed over it, and an existing file that is not an earlier report of
 * ours is only replaced with --force.
 */
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../user-error.js';

export class OutputError extends UserError {}

const OUR_MARKERS = ['"schemaVersion"', 'sessionscope'];

async function isOurs(path: string): Promise<boolean> {
  try {
    const head = (await readFile(path)).subarray(0, 4096).toString('utf8');
    return OUR_MARKERS.every((m) => head.includes(m)) || head.startsWith('sessionscope ') || head.trim() === '';
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
    if (err instanceof OutputError) throw err;
    throw new OutputError(`${path}: cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

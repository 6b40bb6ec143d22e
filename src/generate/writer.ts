/**
 * Writes the generated folder. A folder that exists, is not empty and is not an earlier
 * `sessionscope generate` output (no .sessionscope-generated marker) is only written into with
 * --force. Each file goes to a temporary file beside it and is renamed into place; the names are
 * the generator's own (never from the report) and are checked to stay inside the folder. Files an
 * earlier generation wrote and this one does not (e.g. after switching runners) are removed.
 */
import { lstat, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { UserError } from '../user-error.js';
import { writeAtomic } from '../cli/output.js';

export const MARKER = '.sessionscope-generated';

export class GenerateOutputError extends UserError {}

async function earlierFiles(dir: string): Promise<string[] | null> {
  try {
    const doc = JSON.parse(await readFile(join(dir, MARKER), 'utf8')) as { tool?: unknown; files?: unknown };
    if (doc.tool !== 'sessionscope' || !Array.isArray(doc.files)) return null;
    return doc.files.filter((f): f is string => typeof f === 'string');
  } catch {
    return null;
  }
}

function inside(dir: string, name: string): string {
  const path = resolve(dir, name);
  const rel = relative(dir, path);
  if (!rel || rel.startsWith('..') || rel.includes(`..${sep}`) || resolve(dir, rel) !== path) throw new Error(`generated file name ${name} leaves the output folder`);
  return path;
}

/** Writes `files` (relative name → content) into `dir`; returns the absolute folder. */
export async function writeGenerated(dir: string, files: ReadonlyMap<string, string>, opts: { force: boolean; meta: Record<string, unknown> }): Promise<string> {
  const root = resolve(dir);
  let entries: string[] = [];
  try {
    const st = await lstat(root);
    if (!st.isDirectory()) throw new GenerateOutputError(`${dir}: exists and is not a folder`);
    entries = await readdir(root);
  } catch (err) {
    if (err instanceof GenerateOutputError) throw err;
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new GenerateOutputError(`${dir}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const earlier = entries.length ? await earlierFiles(root) : null;
  if (entries.length && !earlier && !opts.force) {
    throw new GenerateOutputError(`${dir}: not empty and not an earlier sessionscope generate output; not written (use --force)`);
  }
  try {
    await mkdir(root, { recursive: true });
    for (const name of files.keys()) {
      const path = inside(root, name);
      const parent = dirname(path);
      if (parent !== root) {
        await mkdir(parent, { recursive: true });
        if (!(await lstat(parent)).isDirectory()) throw new GenerateOutputError(`${dir}: ${relative(root, parent)} is not a folder`);
      }
    }
    for (const [name, text] of files) await writeAtomic(inside(root, name), text);
    for (const old of earlier ?? []) {
      if (files.has(old)) continue;
      try {
        await rm(inside(root, old), { force: true });
      } catch {
        // a name that would leave the folder is never removed
      }
    }
    await writeAtomic(join(root, MARKER), `${JSON.stringify({ tool: 'sessionscope', ...opts.meta, files: [...files.keys()] }, null, 2)}\n`);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new GenerateOutputError(`${dir}: cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return root;
}

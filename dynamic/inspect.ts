/**
 * Reads and classifies what a snapshot holds: the files that changed since a reference snapshot
 * (files unchanged since the clean baseline cannot hold values issued later), databases together
 * with their `-wal`, every value as a hash (what "still on disk" is checked against), and the
 * session artifacts among them.
 */
import { artifactsOf, parseFile, valueHashes, type Artifact, type ClassifyOptions, type FileFormat } from './artifacts.js';
import type { Account, DeviceFs, FileEntry, Snapshot } from './device-fs.js';
import { DeviceError, FATAL_KINDS } from './session.js';

export interface InspectedFile {
  entry: FileEntry;
  format: FileFormat;
  artifacts: Artifact[];
  warnings: string[];
  /** sha256 of every value and word of this file (and its -wal). */
  hashes: Set<string>;
}

export interface Inspection {
  snapshot: Snapshot;
  files: InspectedFile[];
  artifacts: Artifact[];
  /** sha256 of every value and word of the files read. */
  hashes: Set<string>;
  /** Text of the files read (for substring checks of long values); in memory only. */
  texts: Map<string, string>;
  unreadable: { path: string; reason: string }[];
  /** The listing was complete and every file that had to be read was read. */
  complete: boolean;
  accounts: Account[] | null;
}

/** Every file of `snap` (data and shared) whose content is not in `since`. */
function toRead(snap: Snapshot, since: Snapshot | null): FileEntry[] {
  const all = [...snap.files, ...(snap.shared ?? [])];
  if (!since) return all;
  const old = new Set([...since.files, ...(since.shared ?? [])].map((f) => `${f.area}:${f.path}:${f.sha256}`));
  return all.filter((f) => !old.has(`${f.area}:${f.path}:${f.sha256}`));
}

const COMPANION = /-(wal|shm|journal)$/;

export async function inspect(
  fs: DeviceFs,
  snap: Snapshot,
  opts: { since: Snapshot | null; classify: ClassifyOptions; accounts?: Account[] | null },
): Promise<Inspection> {
  const changed = toRead(snap, opts.since);
  const byPath = new Map([...snap.files, ...(snap.shared ?? [])].map((f) => [`${f.area}:${f.path}`, f]));
  // A changed -wal means its database must be re-read; the -wal is read with it, never alone.
  const targets = new Map<string, FileEntry>();
  for (const f of changed) {
    if (COMPANION.test(f.path)) {
      const db = byPath.get(`${f.area}:${f.path.replace(COMPANION, '')}`);
      if (db) {
        targets.set(`${db.area}:${db.path}`, db);
        continue;
      }
      if (!f.path.endsWith('-wal')) continue;
    }
    targets.set(`${f.area}:${f.path}`, f);
  }
  const out: Inspection = {
    snapshot: snap,
    files: [],
    artifacts: [],
    hashes: new Set(),
    texts: new Map(),
    unreadable: [],
    complete: snap.complete && (snap.shared !== null || snap.access === 'none'),
    accounts: opts.accounts ?? null,
  };
  for (const f of targets.values()) {
    try {
      const buf = await fs.read(f);
      const walEntry = byPath.get(`${f.area}:${f.path}-wal`);
      let wal: Buffer | null = null;
      if (walEntry) {
        try {
          wal = await fs.read(walEntry);
        } catch (err) {
          if (err instanceof DeviceError && FATAL_KINDS.includes(err.kind)) throw err;
          out.unreadable.push({ path: walEntry.path, reason: (err as Error).message });
        }
      }
      const parsed = await parseFile(f.path, buf, wal);
      const artifacts = artifactsOf(f, parsed, opts.classify);
      const hashes = valueHashes(parsed, buf);
      if (wal) for (const h of valueHashes({ ...parsed, entries: [] }, wal)) hashes.add(h);
      for (const h of hashes) out.hashes.add(h);
      out.texts.set(`${f.area}:${f.path}`, `${buf.toString('utf8')}${wal ? `\n${wal.toString('latin1')}` : ''}`);
      out.files.push({ entry: f, format: parsed.format, artifacts, warnings: parsed.warnings, hashes });
      out.artifacts.push(...artifacts);
    } catch (err) {
      if (err instanceof DeviceError && FATAL_KINDS.includes(err.kind)) throw err;
      out.unreadable.push({ path: f.path, reason: (err as Error).message });
    }
  }
  if (out.unreadable.length) out.complete = false;
  if (opts.accounts) {
    for (const a of opts.accounts) out.hashes.add(accountHash(a));
  }
  return out;
}

export function accountHash(a: Account): string {
  return `account:${a.type}:${a.name}`;
}

/** The artifacts whose value is still present in an inspection (by hash, or as a substring of a file for long values). */
export function stillPresent(
  artifacts: readonly Artifact[],
  insp: Inspection,
  opts: { areas?: readonly FileEntry['area'][] } = {},
): { artifact: Artifact; foundIn: string }[] {
  const areas = opts.areas ?? ['data', 'shared'];
  const found: { artifact: Artifact; foundIn: string }[] = [];
  for (const a of artifacts) {
    if (a.area === 'accounts') {
      if (insp.hashes.has(a.sha256)) found.push({ artifact: a, foundIn: 'AccountManager' });
      continue;
    }
    let where: string | null = null;
    for (const f of insp.files) {
      if (!areas.includes(f.entry.area)) continue;
      const text = insp.texts.get(`${f.entry.area}:${f.entry.path}`) ?? '';
      if (f.hashes.has(a.sha256) || (a.value.length >= 12 && text.includes(a.value))) {
        where = f.entry.path;
        break;
      }
    }
    if (where) found.push({ artifact: a, foundIn: where });
  }
  return found;
}

/** AccountManager accounts added between two listings, as artifacts (presence is the value). */
export function newAccounts(before: Account[] | null, after: Account[] | null): Artifact[] {
  if (!after) return [];
  const old = new Set((before ?? []).map(accountHash));
  return after
    .filter((a) => !old.has(accountHash(a)))
    .map((a) => ({
      file: 'AccountManager',
      area: 'accounts' as const,
      key: a.type,
      where: `account type ${a.type}`,
      kind: 'account' as const,
      plaintext: false,
      confidence: 'medium' as const,
      value: a.name,
      sha256: accountHash(a),
      jwt: null,
      mode: null,
    }));
}

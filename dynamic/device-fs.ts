/**
 * Reading the app's private storage and shared storage, in the order research/dynamic-anchors.md
 * §5.2 settled on:
 *
 * 1. root: `mobile: shell id` says uid=0 (adbd runs as root), or `su 0 id` does;
 * 2. `run-as <pkg>` (debuggable builds only);
 * 3. `pullFile('@<pkg>/<path>')`, last, because the driver runs `chmod 777` on the file inside the
 *    sandbox before copying it out: the mode evidence is changed, so every use is recorded and
 *    modes are never judged in that mode. Without a shell it cannot list files either, so only
 *    known candidate paths are read and the snapshot is incomplete;
 * 4. none (no adb_shell on the server, e.g. a device cloud, and not debuggable): probes that need
 *    the files say `inconclusive`.
 *
 * A snapshot lists every file with mode, size and sha256 in one shell round-trip
 * (`find … -exec stat -c '%a %s %n' {} + -exec sha256sum {} +`); file contents are read with
 * `base64 -w 0` (the shell returns text, so binary files must be encoded on the device) and cached
 * by sha256.
 */
import { sha256 } from './secrets.js';
import { DeviceError, FATAL_KINDS } from './session.js';

export type Access = 'root' | 'su' | 'run-as' | 'pull-file' | 'none';

export interface FileEntry {
  /** Relative to the app's data directory for area 'data'; absolute for area 'shared'. */
  path: string;
  area: 'data' | 'shared';
  size: number;
  /** Permission bits (e.g. 0o660), null when unknown (pullFile mode). */
  mode: number | null;
  sha256: string;
}

export interface Snapshot {
  access: Access;
  /** True when the listing of the data directory is complete (root, su or run-as). */
  complete: boolean;
  files: FileEntry[];
  /** Shared storage files (/sdcard), or null when they could not be listed. */
  shared: FileEntry[] | null;
  notes: string[];
}

/** The shell and pull primitives DeviceFs needs (a Device provides them). */
export interface FsTransport {
  shell(command: string, timeoutMs?: number): Promise<string>;
  pullFile(remotePath: string): Promise<Buffer>;
}

/** Quotes one argument for the device shell (adb joins argv with spaces; the device re-parses it). */
export function shq(s: string): string {
  if (/^[A-Za-z0-9_./:@%+=,-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

const STAT_LINE = /^([0-7]{3,4}) (\d+) (.+)$/;
const SHA_LINE = /^([0-9a-f]{64}) [ *]?(.+)$/;

/** Parses the combined output of `stat -c '%a %s %n'` and `sha256sum` over the same files. */
export function parseListing(output: string, area: FileEntry['area'], root: string | null): FileEntry[] {
  const stats = new Map<string, { mode: number; size: number }>();
  const sums = new Map<string, string>();
  for (const raw of output.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (!line.trim()) continue;
    const sha = SHA_LINE.exec(line);
    if (sha) {
      sums.set(sha[2]!, sha[1]!);
      continue;
    }
    const st = STAT_LINE.exec(line);
    if (st) stats.set(st[3]!, { mode: parseInt(st[1]!, 8), size: Number(st[2]) });
  }
  const out: FileEntry[] = [];
  for (const [name, st] of stats) {
    const hash = sums.get(name);
    if (!hash) continue;
    out.push({ path: normalise(name, area, root), area, size: st.size, mode: st.mode, sha256: hash });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

function normalise(name: string, area: FileEntry['area'], root: string | null): string {
  let p = name.replace(/\/{2,}/g, '/');
  if (area === 'data') {
    if (root && p.startsWith(`${root}/`)) p = p.slice(root.length + 1);
    for (const prefix of ['./']) if (p.startsWith(prefix)) p = p.slice(prefix.length);
    p = p.replace(/^\/data\/(?:data|user\/\d+)\/[^/]+\//, '');
  }
  return p;
}

const MAX_READ_BYTES = 16 * 1024 * 1024;

function isNoShell(err: unknown): boolean {
  return err instanceof DeviceError && err.kind === 'insecure-feature';
}

function rethrowFatal(err: unknown): void {
  if (err instanceof DeviceError && FATAL_KINDS.includes(err.kind)) throw err;
}

export interface DeviceFsOptions {
  /** From the APK: run-as and pullFile('@pkg/…') only work for debuggable apps. */
  debuggable: boolean;
  /** Paths (relative to the data dir) pullFile mode tries, since it cannot list the directory. */
  candidates?: string[];
  /** Shared-storage folders to list (default /sdcard/). */
  sharedRoots?: string[];
  shellTimeoutMs?: number;
}

export class DeviceFs {
  access: Access = 'none';
  /** Whether `mobile: shell` is allowed by the server (adb_shell). */
  shellAllowed = true;
  /** Why the access mode is what it is (for the report). */
  readonly notes: string[] = [];
  /** Files that pullFile read (and so left at mode 777 inside the sandbox). */
  readonly pulled = new Set<string>();
  private readonly cache = new Map<string, Buffer>();
  private detected = false;

  constructor(
    private readonly t: FsTransport,
    readonly pkg: string,
    private readonly opts: DeviceFsOptions,
  ) {}

  get dataDir(): string {
    return `/data/data/${this.pkg}`;
  }

  /** Finds the best access mode; never throws for "no access", only for a lost device. */
  async detect(): Promise<Access> {
    if (this.detected) return this.access;
    this.detected = true;
    const timeout = this.opts.shellTimeoutMs;
    try {
      const id = await this.t.shell('id', timeout);
      if (/\buid=0\b/.test(id)) {
        this.access = 'root';
        this.notes.push('root shell (adbd runs as root)');
        return this.access;
      }
    } catch (err) {
      rethrowFatal(err);
      if (isNoShell(err)) {
        this.shellAllowed = false;
        this.notes.push('the Appium server does not allow mobile: shell (adb_shell); file listings, bmgr and dumpsys are unavailable');
      } else this.notes.push(`mobile: shell id failed: ${(err as Error).message}`);
    }
    if (this.shellAllowed) {
      try {
        const id = await this.t.shell('su 0 id', timeout);
        if (/\buid=0\b/.test(id)) {
          this.access = 'su';
          this.notes.push('root through su');
          return this.access;
        }
      } catch (err) {
        rethrowFatal(err);
      }
      this.notes.push('no root (adbd is not root and su is unavailable)');
      if (this.opts.debuggable) {
        try {
          const out = await this.t.shell(`run-as ${shq(this.pkg)} id`, timeout);
          if (/\buid=\d+/.test(out) && !/run-as:/.test(out)) {
            this.access = 'run-as';
            this.notes.push(`run-as ${this.pkg} (the app is debuggable)`);
            return this.access;
          }
          this.notes.push(`run-as failed: ${out.trim().split('\n')[0]}`);
        } catch (err) {
          rethrowFatal(err);
          this.notes.push(`run-as failed: ${(err as Error).message}`);
        }
      } else this.notes.push('run-as is unavailable: the app is not debuggable');
    }
    if (this.opts.debuggable) {
      this.access = 'pull-file';
      this.notes.push("pullFile('@pkg/…') only: it cannot list the data directory and leaves each file it reads at mode 777");
      return this.access;
    }
    this.access = 'none';
    this.notes.push('no access to the app data: probes that need it are inconclusive');
    return this.access;
  }

  /** The shell command line that runs `cmd` with the current access (root, su or run-as). */
  private wrap(cmd: string): string {
    switch (this.access) {
      case 'root':
        return cmd;
      case 'su':
        return `su 0 ${cmd}`;
      case 'run-as':
        return `run-as ${shq(this.pkg)} ${cmd}`;
      default:
        throw new Error(`no shell access (${this.access})`);
    }
  }

  private dirArg(): string {
    return this.access === 'run-as' ? '.' : this.dataDir;
  }

  /** Lists the data directory and shared storage; never throws for missing access. */
  async snapshot(): Promise<Snapshot> {
    await this.detect();
    const notes: string[] = [];
    let files: FileEntry[] = [];
    let complete = false;
    if (this.access === 'root' || this.access === 'su' || this.access === 'run-as') {
      const cmd = this.wrap(`find ${shq(this.dirArg())} -type f -exec stat -c '%a %s %n' {} + -exec sha256sum {} +`);
      try {
        const out = await this.t.shell(cmd, this.opts.shellTimeoutMs);
        if (/No such file or directory/.test(out) && !STAT_LINE.test(out.split('\n')[0] ?? '')) notes.push('the data directory does not exist (app not installed)');
        files = parseListing(out, 'data', this.dataDir);
        complete = true;
      } catch (err) {
        rethrowFatal(err);
        const m = (err as Error).message;
        if (/No such file or directory|is not installed|Unknown package|package not debuggable/i.test(m) && this.access !== 'run-as') {
          complete = true;
          notes.push('the data directory does not exist (app not installed)');
        } else if (/Unknown package|is unknown/i.test(m)) {
          complete = true;
          notes.push('the app is not installed');
        } else notes.push(`listing the data directory failed: ${m}`);
      }
    } else if (this.access === 'pull-file') {
      for (const rel of this.opts.candidates ?? []) {
        try {
          const buf = await this.pull(rel);
          files.push({ path: rel, area: 'data', size: buf.length, mode: null, sha256: sha256(buf) });
        } catch (err) {
          rethrowFatal(err);
        }
      }
      notes.push(`pullFile mode: only ${(this.opts.candidates ?? []).length} candidate paths could be tried; the listing is incomplete`);
    }
    const shared = await this.listShared(notes);
    return { access: this.access, complete, files, shared, notes };
  }

  /** Lists shared storage (readable by the shell user without root). */
  async listShared(notes: string[] = []): Promise<FileEntry[] | null> {
    if (!this.shellAllowed) return null;
    const roots = this.opts.sharedRoots ?? ['/sdcard/'];
    const all: FileEntry[] = [];
    for (const root of roots) {
      try {
        const out = await this.t.shell(`find ${shq(root)} -type f -exec stat -c '%a %s %n' {} + -exec sha256sum {} +`, this.opts.shellTimeoutMs);
        all.push(...parseListing(out, 'shared', null));
      } catch (err) {
        rethrowFatal(err);
        if (isNoShell(err)) {
          this.shellAllowed = false;
          return null;
        }
        const m = (err as Error).message;
        if (!/No such file or directory/.test(m)) {
          notes.push(`listing ${root} failed: ${m}`);
          return null;
        }
      }
    }
    return all;
  }

  private async pull(rel: string): Promise<Buffer> {
    const buf = await this.t.pullFile(`@${this.pkg}/${rel}`);
    this.pulled.add(rel);
    return buf;
  }

  /** Reads a file's bytes (cached by sha256). Throws when it cannot be read. */
  async read(entry: FileEntry): Promise<Buffer> {
    const hit = this.cache.get(entry.sha256);
    if (hit) return hit;
    if (entry.size > MAX_READ_BYTES) throw new Error(`${entry.path}: ${entry.size} bytes, larger than the ${MAX_READ_BYTES}-byte read limit`);
    let buf: Buffer;
    if (entry.area === 'shared') {
      buf = decodeBase64Output(await this.t.shell(`base64 -w 0 ${shq(entry.path)}`, this.opts.shellTimeoutMs), entry.path);
    } else if (this.access === 'pull-file') {
      buf = await this.pull(entry.path);
    } else if (this.access === 'none') {
      throw new Error('no access to the app data');
    } else {
      const path = this.access === 'run-as' ? entry.path : `${this.dataDir}/${entry.path}`;
      buf = decodeBase64Output(await this.t.shell(this.wrap(`base64 -w 0 ${shq(path)}`), this.opts.shellTimeoutMs), entry.path);
    }
    // Cached under the listed hash; if the app rewrote the file between listing and reading, the
    // content read is what is judged (and is also cached under its own hash).
    this.cache.set(entry.sha256, buf);
    this.cache.set(sha256(buf), buf);
    return buf;
  }

  /** `dumpsys account` (no root needed), or null without a shell. */
  async accounts(): Promise<Account[] | null> {
    if (!this.shellAllowed) return null;
    try {
      return parseAccounts(await this.t.shell('dumpsys account', this.opts.shellTimeoutMs));
    } catch (err) {
      rethrowFatal(err);
      return null;
    }
  }
}

function decodeBase64Output(out: string, path: string): Buffer {
  const s = out.trim();
  if (!/^[A-Za-z0-9+/=\s]*$/.test(s)) throw new Error(`${path}: cannot read (${s.split('\n')[0]!.slice(0, 200)})`);
  return Buffer.from(s.replace(/\s+/g, ''), 'base64');
}

export interface Account {
  name: string;
  type: string;
}

/** `Account {name=alice@example.com, type=com.example.auth}` lines of `dumpsys account`. */
export function parseAccounts(out: string): Account[] {
  const seen = new Set<string>();
  const list: Account[] = [];
  for (const m of out.matchAll(/Account \{name=(.*?), type=([^}\s]+)\}/g)) {
    const key = `${m[2]}\u0000${m[1]}`;
    if (seen.has(key)) continue;
    seen.add(key);
    list.push({ name: m[1]!, type: m[2]! });
  }
  return list;
}

/** Files new or changed between two snapshots (by path and sha256). */
export function changedFiles(before: FileEntry[], after: FileEntry[]): FileEntry[] {
  const old = new Map(before.map((f) => [`${f.area}:${f.path}`, f.sha256]));
  return after.filter((f) => old.get(`${f.area}:${f.path}`) !== f.sha256);
}

/**
 * SIMULATION: the state of one simulated Android device — installed packages (read from the APK
 * with sessionscope's own reader), app sandboxes and shared storage (one small virtual file
 * system with owners and modes), the backup transport, AccountManager accounts, the keystore,
 * the apps' backend (issued tokens), running processes with their back stacks, and the clock.
 *
 * Devices live in this module for as long as the Appium server process runs (one per udid), so
 * that state survives across sessions like a real device.
 */
import { readFileSync, statSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { loadApp } from '../../../src/model/app.js';
import type { BackupChannel, BackupModel } from '../../../src/model/backup.js';
import { isBackedUp } from '../../../src/model/backup.js';

export const ROOT_UID = 0;
export const SHELL_UID = 2000;

export interface DeviceOptions {
  root?: boolean;
  apiLevel?: number;
  backupTransport?: 'local' | 'none';
  autoRestore?: boolean;
}

export interface FsNode {
  type: 'file' | 'dir';
  data: Buffer;
  mode: number;
  mtime: number;
  uid: number;
}

export interface ActivityInfo {
  /** Fully qualified class name. */
  name: string;
  exported: boolean;
  launcher: boolean;
}

export interface InstalledApp {
  pkg: string;
  apkPath: string;
  sha256: string;
  uid: number;
  label: string;
  versionCode: number;
  versionName: string | null;
  minSdk: number;
  targetSdk: number;
  debuggable: boolean;
  allowBackup: boolean;
  backup: BackupModel;
  activities: ActivityInfo[];
  installedAt: number;
}

export interface ScreenInstance {
  id: number;
  screen: string;
  fields: Record<string, string>;
  focused: string | null;
}

export interface AppProcess {
  pid: number;
  /** The app's task, bottom first; the last entry is on screen when the app is in front. */
  task: ScreenInstance[];
}

export interface IssuedToken {
  token: string;
  pkg: string;
  user: string;
  iat: number;
  exp: number;
  revoked: boolean;
}

export interface BackupSet {
  time: number;
  /** Paths relative to the app's data directory. */
  files: Map<string, Buffer>;
  /** The app's keystore key, carried only when a flaw switch put the session into the backup. */
  key: Buffer | null;
}

export interface SimAccount {
  name: string;
  type: string;
  ownerPkg: string;
  password: string | null;
  authTokens: Map<string, string>;
}

/** Session-wide simulation settings (from `appium:simulation`). */
export interface SimConfig {
  flaws: Set<string>;
  fixes: Set<string>;
  crashOn: string | null;
  /** Behaviour files given in the capabilities, by package. */
  behaviourFiles: Map<string, string>;
}

export class InstallError extends Error {}

/** An error that `adb shell` would report with a non-zero exit status. */
export class FsError extends Error {
  constructor(
    readonly path: string,
    readonly reason: 'Permission denied' | 'No such file or directory' | 'Not a directory' | 'Is a directory',
  ) {
    super(`${path}: ${reason}`);
  }
}

export const LAUNCHER_PACKAGE = 'com.google.android.apps.nexuslauncher';
export const LAUNCHER_ACTIVITY = '.NexusLauncherActivity';
export const LOCAL_TRANSPORT = 'com.android.localtransport/.LocalTransport';

const STORAGE_ALIASES = ['/storage/emulated/0', '/storage/self/primary', '/mnt/sdcard', '/mnt/user/0/primary'];

/** Canonical absolute path: `/data/user/0/x` -> `/data/data/x`, `/storage/emulated/0` -> `/sdcard`. */
export function canonical(p: string, cwd = '/'): string {
  let abs = path.posix.resolve(cwd, p);
  if (abs === '/data/user/0' || abs.startsWith('/data/user/0/')) abs = `/data/data${abs.slice('/data/user/0'.length)}`;
  for (const a of STORAGE_ALIASES) {
    if (abs === a || abs.startsWith(`${a}/`)) abs = `/sdcard${abs.slice(a.length)}`;
  }
  return abs;
}

/** The package whose sandbox holds `abs` (a canonical path), or null. */
export function sandboxOf(abs: string): { pkg: string; rel: string } | null {
  const m = /^\/data\/data\/([^/]+)(?:\/(.*))?$/.exec(abs);
  return m ? { pkg: m[1]!, rel: m[2] ?? '' } : null;
}

export class SimDevice {
  root = true;
  apiLevel = 34;
  transportKind: 'local' | 'none' = 'local';
  autoRestore = true;
  bmgrEnabled = true;
  selectedTransport: string | null = LOCAL_TRANSPORT;
  readonly packages = new Map<string, InstalledApp>();
  /** Every file and directory, by canonical absolute path. */
  readonly fs = new Map<string, FsNode>();
  readonly backupSets = new Map<string, BackupSet>();
  readonly accounts: SimAccount[] = [];
  /** AES keys of the apps' AndroidKeyStore aliases, by package. */
  readonly keystore = new Map<string, Buffer>();
  /** The apps' backends: every token they issued. */
  readonly issued = new Map<string, IssuedToken>();
  readonly processes = new Map<string, AppProcess>();
  /** Package in front, or null for the home screen (launcher). */
  foreground: string | null = null;
  clockOffsetMs = 0;
  config: SimConfig = { flaws: new Set(), fixes: new Set(), crashOn: null, behaviourFiles: new Map() };
  /** Session currently using the device (a device serves one session at a time). */
  busyWith: string | null = null;
  /** Backup set token, as `bmgr list sets` prints it. */
  readonly backupToken: string;
  private nextUid = 10123;
  private nextPid = 4210;
  private nextScreenId = 1;

  constructor(readonly udid: string) {
    this.backupToken = createHash('sha256').update(udid).digest('hex').slice(0, 16);
    for (const d of ['/', '/data', '/data/data', '/data/local', '/data/local/tmp', '/data/app', '/system', '/sdcard', '/sdcard/Android', '/sdcard/Android/data', '/sdcard/Download', '/sdcard/Documents', '/sdcard/DCIM', '/sdcard/Pictures']) {
      const shared = d.startsWith('/sdcard') || d === '/data/local/tmp';
      this.fs.set(d, { type: 'dir', data: Buffer.alloc(0), mode: shared ? 0o771 : 0o755, mtime: this.seconds(), uid: shared ? SHELL_UID : ROOT_UID });
    }
  }

  configure(o: DeviceOptions): void {
    this.root = o.root ?? true;
    this.apiLevel = o.apiLevel ?? 34;
    this.transportKind = o.backupTransport ?? 'local';
    this.autoRestore = o.autoRestore ?? true;
    this.selectedTransport = this.transportKind === 'local' ? LOCAL_TRANSPORT : null;
  }

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  seconds(): number {
    return Math.floor(this.now() / 1000);
  }

  newPid(): number {
    return this.nextPid++;
  }

  newScreen(screen: string): ScreenInstance {
    return { id: this.nextScreenId++, screen, fields: {}, focused: null };
  }

  // ---------------------------------------------------------------- files

  uidName(uid: number): string {
    if (uid === ROOT_UID) return 'root';
    if (uid === SHELL_UID) return 'shell';
    return `u0_a${uid - 10000}`;
  }

  /** Owner uid of a package's sandbox (kept while the data is kept), or null. */
  sandboxUid(pkg: string): number | null {
    return this.fs.get(`/data/data/${pkg}`)?.uid ?? null;
  }

  /** Whether `uid` may read (or write) `abs`. Root may do anything; apps only in their sandbox. */
  mayAccess(abs: string, uid: number): boolean {
    if (uid === ROOT_UID) return true;
    if (abs === '/sdcard' || abs.startsWith('/sdcard/') || abs === '/data/local/tmp' || abs.startsWith('/data/local/tmp/')) return true;
    const sb = sandboxOf(abs);
    if (sb) return this.sandboxUid(sb.pkg) === uid;
    if (abs === '/data/data' || abs === '/data') return false;
    return !abs.startsWith('/data/');
  }

  stat(abs: string, uid: number): FsNode {
    if (!this.mayAccess(abs, uid)) {
      // A path inside someone else's sandbox: the parent directory cannot be searched.
      throw new FsError(abs, 'Permission denied');
    }
    const n = this.fs.get(abs);
    if (!n) throw new FsError(abs, 'No such file or directory');
    return n;
  }

  readFile(abs: string, uid: number): Buffer {
    const n = this.stat(abs, uid);
    if (n.type === 'dir') throw new FsError(abs, 'Is a directory');
    return n.data;
  }

  /** Names in a directory, sorted. */
  list(abs: string, uid: number): string[] {
    const n = this.stat(abs, uid);
    if (n.type !== 'dir') throw new FsError(abs, 'Not a directory');
    const prefix = abs === '/' ? '/' : `${abs}/`;
    const names: string[] = [];
    for (const k of this.fs.keys()) {
      if (k !== abs && k.startsWith(prefix) && !k.slice(prefix.length).includes('/')) names.push(k.slice(prefix.length));
    }
    return names.sort();
  }

  mkdirs(abs: string, uid: number, mode = 0o771): void {
    if (this.fs.get(abs)?.type === 'dir') return;
    const parent = path.posix.dirname(abs);
    if (parent !== abs) this.mkdirs(parent, uid, mode);
    if (!this.mayAccess(abs, uid)) throw new FsError(abs, 'Permission denied');
    if (this.fs.get(abs)?.type === 'file') throw new FsError(abs, 'Not a directory');
    const owner = uid === ROOT_UID ? (this.ownerFor(abs) ?? ROOT_UID) : uid;
    this.fs.set(abs, { type: 'dir', data: Buffer.alloc(0), mode, mtime: this.seconds(), uid: owner });
  }

  /** Writes a file (creating its parent directories); keeps the mode of an existing file unless given. */
  writeFile(abs: string, data: Buffer, uid: number, mode?: number): void {
    if (!this.mayAccess(abs, uid)) throw new FsError(abs, 'Permission denied');
    const old = this.fs.get(abs);
    if (old?.type === 'dir') throw new FsError(abs, 'Is a directory');
    this.mkdirs(path.posix.dirname(abs), uid);
    const owner = old?.uid ?? (uid === ROOT_UID ? (this.ownerFor(abs) ?? ROOT_UID) : uid);
    const defaultMode = abs.startsWith('/sdcard') ? 0o660 : 0o600;
    this.fs.set(abs, { type: 'file', data: Buffer.from(data), mode: mode ?? old?.mode ?? defaultMode, mtime: this.seconds(), uid: owner });
  }

  /** Removes a file, or a directory with everything below it when `recursive`. */
  remove(abs: string, uid: number, recursive = false): void {
    const n = this.stat(abs, uid);
    if (n.type === 'dir' && !recursive) throw new FsError(abs, 'Is a directory');
    this.removeTree(abs);
  }

  /** Removes a path and everything below it, with no permission checks (the system does it). */
  removeTree(abs: string): void {
    for (const k of [...this.fs.keys()]) if (k === abs || k.startsWith(`${abs}/`)) this.fs.delete(k);
  }

  /** Regular files below a directory (canonical paths, sorted). */
  filesBelow(abs: string): string[] {
    return [...this.fs.entries()].filter(([k, n]) => n.type === 'file' && k.startsWith(`${abs}/`)).map(([k]) => k).sort();
  }

  private ownerFor(abs: string): number | null {
    const sb = sandboxOf(abs);
    return sb ? this.sandboxUid(sb.pkg) : abs.startsWith('/sdcard') ? SHELL_UID : null;
  }

  // ---------------------------------------------------------------- packages

  /** Reads an APK with sessionscope's reader; throws InstallError with the reader's reason. */
  readApk(apkPath: string): InstalledApp {
    let bytes: Buffer;
    try {
      if (!statSync(apkPath).isFile()) throw new Error('not a file');
      bytes = readFileSync(apkPath);
    } catch {
      throw new InstallError(`The application at '${apkPath}' does not exist or is not accessible`);
    }
    let model;
    try {
      model = loadApp(bytes, apkPath);
    } catch (err) {
      throw new InstallError(`INSTALL_FAILED_INVALID_APK: ${(err as Error).message}`);
    }
    const m = model.manifest;
    if (!m.package) throw new InstallError('INSTALL_FAILED_INVALID_APK: the manifest names no package');
    if (m.split) throw new InstallError(`INSTALL_FAILED_INVALID_APK: ${apkPath} is the split '${m.split}', not a base APK`);
    return {
      pkg: m.package,
      apkPath,
      sha256: model.sha256,
      uid: 0,
      label: m.application.label ?? m.package,
      versionCode: m.versionCode ?? 1,
      versionName: m.versionName,
      minSdk: m.minSdk,
      targetSdk: m.targetSdk,
      debuggable: m.application.debuggable,
      allowBackup: m.application.allowBackup,
      backup: model.backup,
      activities: m.components
        .filter((c) => c.kind === 'activity' || c.kind === 'activity-alias')
        .map((c) => ({ name: c.name, exported: c.exported && c.enabled, launcher: c.launcher })),
      installedAt: 0,
    };
  }

  /**
   * `adb install -r`: a new package gets a fresh sandbox (restored from the backup transport when
   * auto-restore is on and a backup set exists); an installed package or kept data is updated.
   */
  install(apkPath: string): { app: InstalledApp; restored: string[] } {
    const app = this.readApk(apkPath);
    if (app.minSdk > this.apiLevel) {
      throw new InstallError(`INSTALL_FAILED_OLDER_SDK: Requires newer sdk version #${app.minSdk} (current version is #${this.apiLevel})`);
    }
    const old = this.packages.get(app.pkg);
    this.forceStop(app.pkg);
    const keptUid = this.sandboxUid(app.pkg);
    app.uid = old?.uid ?? keptUid ?? this.nextUid++;
    app.installedAt = this.now();
    this.packages.set(app.pkg, app);
    const restored: string[] = [];
    if (keptUid === null) {
      const base = `/data/data/${app.pkg}`;
      this.fs.set(base, { type: 'dir', data: Buffer.alloc(0), mode: 0o700, mtime: this.seconds(), uid: app.uid });
      for (const d of ['cache', 'code_cache']) this.fs.set(`${base}/${d}`, { type: 'dir', data: Buffer.alloc(0), mode: 0o771, mtime: this.seconds(), uid: app.uid });
      const set = this.backupSets.get(app.pkg);
      if (set && this.autoRestore && this.bmgrEnabled && this.selectedTransport) restored.push(...this.restoreSet(app, set));
    }
    return { app, restored };
  }

  /** `adb uninstall [-k]`. Without keepData the sandbox, app-specific external files, keystore keys and accounts go. */
  uninstall(pkg: string, keepData: boolean): boolean {
    if (!this.packages.has(pkg)) return false;
    this.forceStop(pkg);
    this.packages.delete(pkg);
    if (!keepData) {
      this.removeTree(`/data/data/${pkg}`);
      this.removeTree(`/sdcard/Android/data/${pkg}`);
      this.keystore.delete(pkg);
      this.removeAccountsOf(pkg);
    }
    return true;
  }

  /** `pm clear`: stops the app and empties its sandbox, external app directory, keys and accounts. */
  clearData(pkg: string): boolean {
    const app = this.packages.get(pkg);
    if (!app) return false;
    this.forceStop(pkg);
    const base = `/data/data/${pkg}`;
    for (const k of [...this.fs.keys()]) {
      if (k.startsWith(`${base}/`) && k !== `${base}/cache` && k !== `${base}/code_cache`) this.fs.delete(k);
    }
    this.removeTree(`/sdcard/Android/data/${pkg}`);
    this.keystore.delete(pkg);
    this.removeAccountsOf(pkg);
    return true;
  }

  forceStop(pkg: string): void {
    this.processes.delete(pkg);
    if (this.foreground === pkg) this.foreground = null;
  }

  /** 0 not installed, 1 not running, 3 running in background, 4 running in foreground. */
  appState(pkg: string): 0 | 1 | 3 | 4 {
    if (!this.packages.has(pkg)) return 0;
    if (!this.processes.has(pkg)) return 1;
    return this.foreground === pkg ? 4 : 3;
  }

  // ---------------------------------------------------------------- backup

  /** The channel Auto Backup uses on this device: Android 12+ rules when the device runs API 31+. */
  backupChannel(app: InstalledApp): BackupChannel {
    return this.apiLevel >= 31 ? app.backup.android12.cloud : app.backup.legacy.cloud;
  }

  /** Backup domain and path of a file in the data directory (null: never backed up). */
  static backupDomain(rel: string): { domain: string; path: string } | null {
    const [top, ...rest] = rel.split('/');
    if (!top || ['cache', 'code_cache', 'no_backup', 'lib'].includes(top)) return null;
    if (top === 'shared_prefs') return { domain: 'sharedpref', path: rest.join('/') };
    if (top === 'databases') return { domain: 'database', path: rest.join('/') };
    if (top === 'files') return { domain: 'file', path: rest.join('/') };
    return { domain: 'root', path: rel };
  }

  /**
   * `bmgr backupnow <pkg>`: stores the files the APK's own rules let through. `override` lets the
   * app behaviour force a file in or out (the backup-restores-session switch).
   */
  backupNow(pkg: string, override: (rel: string) => 'include' | 'exclude' | null, carryKey: boolean): 'Success' | 'Backup is not allowed' | 'Package not found' {
    const app = this.packages.get(pkg);
    if (!app) return 'Package not found';
    const channel = this.backupChannel(app);
    const base = `/data/data/${pkg}`;
    const files = new Map<string, Buffer>();
    let forced = false;
    for (const abs of this.filesBelow(base)) {
      const rel = abs.slice(base.length + 1);
      const d = SimDevice.backupDomain(rel);
      if (!d) continue;
      const o = override(rel);
      if (o === 'include') forced = true;
      if (o === 'include' || (o === null && isBackedUp(channel, d.domain, d.path))) files.set(rel, Buffer.from(this.fs.get(abs)!.data));
    }
    if (!channel.enabled && !forced) return 'Backup is not allowed';
    this.backupSets.set(pkg, { time: this.now(), files, key: carryKey ? (this.keystore.get(pkg) ?? null) : null });
    return 'Success';
  }

  /** Writes a backup set into the app's sandbox; returns the restored paths. */
  restoreSet(app: InstalledApp, set: BackupSet): string[] {
    const base = `/data/data/${app.pkg}`;
    for (const [rel, data] of set.files) this.writeFile(`${base}/${rel}`, data, ROOT_UID, 0o660);
    for (const rel of set.files.keys()) {
      // Restored files belong to the app, as the restore agent writes them as the app.
      const n = this.fs.get(`${base}/${rel}`);
      if (n) n.uid = app.uid;
      let dir = path.posix.dirname(`${base}/${rel}`);
      while (dir.startsWith(`${base}/`)) {
        const d = this.fs.get(dir);
        if (d) d.uid = app.uid;
        dir = path.posix.dirname(dir);
      }
    }
    if (set.key) this.keystore.set(app.pkg, Buffer.from(set.key));
    return [...set.files.keys()].sort();
  }

  // ---------------------------------------------------------------- accounts, keys, backend

  removeAccountsOf(pkg: string): void {
    for (let i = this.accounts.length - 1; i >= 0; i--) if (this.accounts[i]!.ownerPkg === pkg) this.accounts.splice(i, 1);
  }

  keyOf(pkg: string, create: boolean): Buffer | null {
    let k = this.keystore.get(pkg) ?? null;
    if (!k && create) {
      k = randomBytes(32);
      this.keystore.set(pkg, k);
    }
    return k;
  }
}

const devices = new Map<string, SimDevice>();

/** The simulated device with this udid (created on first use; lives as long as the server). */
export function deviceFor(udid: string): SimDevice {
  let d = devices.get(udid);
  if (!d) {
    d = new SimDevice(udid);
    devices.set(udid, d);
  }
  return d;
}

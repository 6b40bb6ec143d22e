/**
 * SIMULATION: what the simulated apps do. A behaviour file (`test/sim-driver/apps/<package>.json`)
 * describes an app's screens, what login writes, which screen "logged in" shows and the flaws the
 * app has; the flaw and fix switches of `appium:simulation` change that behaviour. This module
 * runs it against the device state: launch, click (login / logout), back, home, startActivity,
 * with the app's backend (tokens issued, revoked, expired) and crashes.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database, SqlJsStatic } from 'sql.js';
import { ROOT_UID, type AppProcess, type InstalledApp, type IssuedToken, type ScreenInstance, type SimDevice } from './device.js';
import type { ElementSpec, ScreenSpec } from './ui.js';

/** Every switch `flaws` and `fixes` accept. */
export const SWITCHES = [
  'logout-leaves-token',
  'token-not-rotated',
  'backup-restores-session',
  'back-stack-shows-invoices',
  'relaunch-stays-logged-in',
  'token-on-external-storage',
  'long-lived-token',
  'plaintext-password',
  'world-readable-prefs',
  'server-accepts-old-token',
] as const;
export type Switch = (typeof SWITCHES)[number];

/** Steps `crashOn` accepts. */
export const CRASH_STEPS = ['launch', 'login', 'logout', 'back', 'background'] as const;

export interface TokenSpec {
  /** `java-util-random`: a nonce from java.util.Random seeded with the time (predictable); `secure-random`: 16 random bytes. */
  nonce: 'java-util-random' | 'secure-random';
  lifetimeSeconds: number;
  /** Lifetime with the long-lived-token flaw. */
  longLifetimeSeconds: number;
  /** `encrypted`: {token_enc}/{token_iv} are AES-GCM with a key in the (simulated) AndroidKeyStore. */
  storage: 'plain' | 'encrypted';
}

/**
 * One thing login writes. Values may use {token}, {token_enc}, {token_iv}, {user}, {password}.
 * Exactly one of prefs / file / sqlite / external / account is set.
 */
export interface WriteSpec {
  /** SharedPreferences name: shared_prefs/<name>.xml, with string `values`. */
  prefs?: string;
  values?: Record<string, string>;
  /** A file relative to the data directory (files/..., no_backup/...) with `content`. */
  file?: string;
  content?: string;
  /** A SQLite database relative to the data directory (databases/x.db): one `row` in `table`. */
  sqlite?: string;
  table?: string;
  row?: Record<string, string>;
  /** A shared-storage file (/sdcard/...) with `content`; survives uninstall. */
  external?: string;
  /** An AccountManager account owned by the app. */
  account?: { type: string; name: string; password?: string; authTokenType?: string; authToken?: string };
}

export interface Behaviour {
  about?: string;
  package: string;
  /** Flaw switches the app has by default; `fixes` remove them, `flaws` add more. */
  flaws: Switch[];
  screens: Record<string, ScreenSpec>;
  /** Screen of the login form, and the screen shown when logged in. */
  loginScreen?: string;
  homeScreen?: string;
  login?: { userField: string; passwordField: string; token: TokenSpec; writes: WriteSpec[] };
  /** The app's "is logged in" test at launch: a key in a SharedPreferences file (decryptable when encrypted). */
  session?: { prefs: string; key: string; ivKey?: string; encrypted?: boolean };
  /** Where the token-on-external-storage flaw writes the token. */
  externalTokenFile?: string;
}

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** test/sim-driver/apps, found from src/ (TypeScript) or dist/test/sim-driver/src/ (compiled). */
function appsDir(): string {
  for (const rel of ['../apps', '../../../../test/sim-driver/apps']) {
    const p = path.resolve(HERE, rel);
    if (existsSync(p)) return p;
  }
  return path.resolve(HERE, '../apps');
}

const cache = new Map<string, Behaviour>();

function readBehaviour(file: string): Behaviour {
  const hit = cache.get(file);
  if (hit) return hit;
  const b = JSON.parse(readFileSync(file, 'utf8')) as Behaviour;
  for (const f of b.flaws ?? []) if (!(SWITCHES as readonly string[]).includes(f)) throw new Error(`${file}: unknown flaw '${f}'`);
  cache.set(file, b);
  return b;
}

/** The app's behaviour: from the capabilities, the apps folder, or an empty screen titled with the label. */
export function behaviourOf(device: SimDevice, app: InstalledApp): Behaviour {
  const given = device.config.behaviourFiles.get(app.pkg);
  if (given) return readBehaviour(given);
  const file = path.join(appsDir(), `${app.pkg}.json`);
  if (existsSync(file)) return readBehaviour(file);
  const launcher = app.activities.find((a) => a.launcher)?.name ?? `${app.pkg}.MainActivity`;
  return { package: app.pkg, flaws: [], screens: { main: { activity: launcher, title: app.label, elements: [] } } };
}

export function checkBehaviourFile(file: string): string {
  return readBehaviour(file).package;
}

// -------------------------------------------------------------------- SharedPreferences XML

export type PrefValue = { kind: 'string'; value: string } | { kind: 'boolean' | 'int' | 'long' | 'float'; value: string };

const xmlText = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const unXml = (s: string): string =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&#(\d+);/g, (_m, d: string) => String.fromCodePoint(Number(d))).replace(/&amp;/g, '&');

/** Android's SharedPreferences file format (XmlUtils.writeMapXml). */
export function prefsXml(map: Map<string, PrefValue>): string {
  if (map.size === 0) return "<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n<map />\n";
  const lines = [...map].map(([k, v]) =>
    v.kind === 'string' ? `    <string name="${xmlText(k)}">${xmlText(v.value)}</string>` : `    <${v.kind} name="${xmlText(k)}" value="${xmlText(v.value)}" />`,
  );
  return `<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n<map>\n${lines.join('\n')}\n</map>\n`;
}

export function parsePrefs(xml: string): Map<string, PrefValue> {
  const map = new Map<string, PrefValue>();
  const re = /<(string|boolean|int|long|float)\s+name="([^"]*)"(?:\s+value="([^"]*)")?\s*(?:\/>|>([\s\S]*?)<\/\1>)/g;
  for (const m of xml.matchAll(re)) {
    const kind = m[1] as PrefValue['kind'];
    map.set(unXml(m[2]!), kind === 'string' ? { kind, value: unXml(m[4] ?? '') } : { kind, value: unXml(m[3] ?? '') });
  }
  return map;
}

// -------------------------------------------------------------------- tokens

/** java.util.Random(seed).nextLong(), as the insecure fixture's TokenFactory uses it. */
function javaRandomNextLong(seed: bigint): bigint {
  const MASK = (1n << 48n) - 1n;
  let s = (seed ^ 0x5deece66dn) & MASK;
  const next32 = (): bigint => {
    s = (s * 0x5deece66dn + 0xbn) & MASK;
    return BigInt.asIntN(32, s >> 16n);
  };
  const hi = next32();
  const lo = next32();
  return BigInt.asIntN(64, (hi << 32n) + lo);
}

const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url');

let sqlJs: Promise<SqlJsStatic> | null = null;
function sql(): Promise<SqlJsStatic> {
  if (!sqlJs) {
    const require = createRequire(import.meta.url);
    const init = require('sql.js') as (c: { locateFile: (f: string) => string }) => Promise<SqlJsStatic>;
    const dir = path.dirname(require.resolve('sql.js'));
    sqlJs = init({ locateFile: (f) => path.join(dir, f) });
  }
  return sqlJs;
}

// -------------------------------------------------------------------- the running app

export class AppCrashed extends Error {}

export class AppRuntime {
  constructor(readonly device: SimDevice) {}

  private app(pkg: string): InstalledApp {
    const a = this.device.packages.get(pkg);
    if (!a) throw new Error(`package ${pkg} is not installed`);
    return a;
  }

  behaviour(pkg: string): Behaviour {
    return behaviourOf(this.device, this.app(pkg));
  }

  /** Whether the app has this flaw now (its defaults, plus `flaws`, minus `fixes`). */
  has(b: Behaviour, s: Switch): boolean {
    const cfg = this.device.config;
    return cfg.flaws.has(s) || (b.flaws.includes(s) && !cfg.fixes.has(s));
  }

  /** Three-way switches: `flaw`, `fix`, or `default` (the app's own behaviour). */
  mode(b: Behaviour, s: Switch): 'flaw' | 'fix' | 'default' {
    const cfg = this.device.config;
    if (cfg.flaws.has(s)) return 'flaw';
    if (cfg.fixes.has(s)) return 'fix';
    return b.flaws.includes(s) ? 'flaw' : 'default';
  }

  /** The app process dies when `crashOn` names this step. */
  private crashPoint(pkg: string, step: (typeof CRASH_STEPS)[number]): void {
    if (this.device.config.crashOn === step) {
      this.device.forceStop(pkg);
      throw new AppCrashed(`${pkg} crashed at '${step}' (FATAL EXCEPTION: main; simulated by crashOn)`);
    }
  }

  screenSpec(pkg: string, screen: string): ScreenSpec {
    const s = this.behaviour(pkg).screens[screen];
    if (!s) throw new Error(`${pkg}: behaviour has no screen '${screen}'`);
    return s;
  }

  private qualify(pkg: string, activity: string): string {
    return activity.startsWith('.') ? pkg + activity : activity;
  }

  /** The screen a given activity shows (null: the behaviour does not know the activity). */
  screenOfActivity(pkg: string, activity: string): string | null {
    const b = this.behaviour(pkg);
    const full = this.qualify(pkg, activity);
    for (const [name, s] of Object.entries(b.screens)) if (this.qualify(pkg, s.activity) === full) return name;
    return null;
  }

  private launcherScreen(pkg: string): string {
    const b = this.behaviour(pkg);
    const launcher = this.app(pkg).activities.find((a) => a.launcher)?.name;
    return (launcher && this.screenOfActivity(pkg, launcher)) ?? b.loginScreen ?? Object.keys(b.screens)[0]!;
  }

  // ---------------------------------------------------------------- session state on disk

  private prefsPath(pkg: string, name: string): string {
    return `/data/data/${pkg}/shared_prefs/${name}.xml`;
  }

  readPrefs(pkg: string, name: string): Map<string, PrefValue> {
    const n = this.device.fs.get(this.prefsPath(pkg, name));
    return n && n.type === 'file' ? parsePrefs(n.data.toString('utf8')) : new Map();
  }

  private writePrefs(pkg: string, name: string, map: Map<string, PrefValue>, mode: number): void {
    const p = this.prefsPath(pkg, name);
    const existed = this.device.fs.has(p);
    this.device.writeFile(p, Buffer.from(prefsXml(map)), this.app(pkg).uid, existed ? undefined : mode);
  }

  /** The token the app holds on disk (decrypted when stored encrypted), or null. */
  storedToken(pkg: string): string | null {
    const b = this.behaviour(pkg);
    if (!b.session) return null;
    const prefs = this.readPrefs(pkg, b.session.prefs);
    const v = prefs.get(b.session.key)?.value;
    if (!v) return null;
    if (!b.session.encrypted) return v;
    const iv = b.session.ivKey ? prefs.get(b.session.ivKey)?.value : undefined;
    const key = this.device.keyOf(pkg, false);
    if (!iv || !key) return null;
    try {
      const data = Buffer.from(v, 'base64');
      const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
      d.setAuthTag(data.subarray(data.length - 16));
      return Buffer.concat([d.update(data.subarray(0, data.length - 16)), d.final()]).toString('utf8');
    } catch {
      return null;
    }
  }

  /** The app's own "is logged in" test at launch. */
  isLoggedIn(pkg: string): boolean {
    const b = this.behaviour(pkg);
    if (!b.session) return false;
    let loggedIn = this.storedToken(pkg) !== null;
    const state = this.readPrefs(pkg, 'app_state');
    const relaunch = this.mode(b, 'relaunch-stays-logged-in');
    if (relaunch === 'flaw' && state.get('logged_in')?.value === 'true') loggedIn = true;
    if (relaunch === 'fix' && state.get('logged_out')?.value === 'true') loggedIn = false;
    return loggedIn;
  }

  /** Paths (relative to the data directory) of what login writes: the backup switch acts on them. */
  sessionFiles(pkg: string): Set<string> {
    const b = this.behaviour(pkg);
    const out = new Set<string>();
    for (const w of this.effectiveWrites(b)) {
      if (w.prefs) out.add(`shared_prefs/${w.prefs}.xml`);
      if (w.file) out.add(w.file);
      if (w.sqlite) for (const s of ['', '-journal', '-wal', '-shm']) out.add(w.sqlite + s);
    }
    if (this.mode(b, 'relaunch-stays-logged-in') !== 'default') out.add('shared_prefs/app_state.xml');
    return out;
  }

  /** Whether backup takes a file regardless of the APK's rules (`include`), drops it (`exclude`), or asks the rules (null). */
  backupOverride(pkg: string): { decide: (rel: string) => 'include' | 'exclude' | null; carryKey: boolean } {
    const b = this.behaviour(pkg);
    const m = this.mode(b, 'backup-restores-session');
    const files = this.sessionFiles(pkg);
    return {
      decide: (rel) => (m === 'default' || !files.has(rel) ? null : m === 'flaw' ? 'include' : 'exclude'),
      carryKey: m === 'flaw' && !!b.session?.encrypted,
    };
  }

  // ---------------------------------------------------------------- backend

  private issue(pkg: string, user: string, spec: TokenSpec): string {
    const b = this.behaviour(pkg);
    const now = this.device.seconds();
    const mine = [...this.device.issued.values()].filter((t) => t.pkg === pkg && t.user === user);
    if (this.has(b, 'token-not-rotated')) {
      const reuse = mine.filter((t) => t.exp > now).sort((x, y) => y.iat - x.iat)[0];
      if (reuse) {
        reuse.revoked = false;
        return reuse.token;
      }
    }
    for (const t of mine) t.revoked = true; // one session per user: the new login supersedes the old token
    const lifetime = this.has(b, 'long-lived-token') ? spec.longLifetimeSeconds : spec.lifetimeSeconds;
    const nonce = spec.nonce === 'java-util-random' ? javaRandomNextLong(BigInt(this.device.now())).toString() : JSON.stringify(randomBytes(16).toString('hex'));
    const payload = `{"sub":${JSON.stringify(user)},"nonce":${nonce},"iat":${now},"exp":${now + lifetime}}`;
    const head = 'eyJhbGciOiJIUzI1NiJ9';
    const body = b64url(payload);
    const sig = createHmac('sha256', `sim-backend:${pkg}`).update(`${head}.${body}`).digest('base64url');
    const token = `${head}.${body}.${sig}`;
    const rec: IssuedToken = { token, pkg, user, iat: now, exp: now + lifetime, revoked: false };
    this.device.issued.set(token, rec);
    return token;
  }

  /** Whether the app's backend accepts a token now: known, not expired, and not revoked (unless the flaw). */
  serverAccepts(pkg: string, token: string): boolean {
    const rec = this.device.issued.get(token);
    if (!rec || rec.pkg !== pkg) return false;
    if (rec.exp <= this.device.seconds()) return false;
    return !rec.revoked || this.has(this.behaviour(pkg), 'server-accepts-old-token');
  }

  // ---------------------------------------------------------------- login and logout

  /** Login's writes after the switches: password added or removed, token copied to shared storage. */
  effectiveWrites(b: Behaviour): WriteSpec[] {
    if (!b.login || !b.session) return [];
    const plainPw = this.has(b, 'plaintext-password');
    const sessionKey = b.session.key;
    let writes: WriteSpec[] = b.login.writes.map((w) => {
      const c: WriteSpec = { ...w };
      if (c.values) {
        let entries = Object.entries(c.values);
        if (!plainPw) entries = entries.filter(([, v]) => !v.includes('{password}'));
        else if (c.prefs === b.session!.prefs && !entries.some(([, v]) => v.includes('{password}'))) {
          const at = entries.findIndex(([k]) => k === sessionKey);
          entries.splice(at + 1, 0, ['password', '{password}']);
        }
        c.values = Object.fromEntries(entries);
      }
      if (c.row && !plainPw) c.row = Object.fromEntries(Object.entries(c.row).filter(([, v]) => !v.includes('{password}')));
      if (c.account && !plainPw) c.account = { ...c.account, password: undefined };
      return c;
    });
    const tokenOut = this.has(b, 'token-on-external-storage');
    if (!tokenOut) writes = writes.filter((w) => !(w.external && /\{token/.test(w.content ?? '')));
    else if (!writes.some((w) => w.external)) writes.push({ external: b.externalTokenFile ?? `/sdcard/Download/${b.package}.session`, content: '{token}\n' });
    return writes;
  }

  private async performLogin(pkg: string, user: string, password: string): Promise<void> {
    const b = this.behaviour(pkg);
    const app = this.app(pkg);
    const d = this.device;
    const login = b.login!;
    const token = this.issue(pkg, user, login.token);
    const vars: Record<string, string> = { token, user, password };
    if (login.token.storage === 'encrypted') {
      const key = d.keyOf(pkg, true)!;
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([c.update(token, 'utf8'), c.final(), c.getAuthTag()]);
      vars.token_enc = data.toString('base64');
      vars.token_iv = iv.toString('base64');
    }
    const fill = (s: string): string => s.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);
    const worldReadable = this.has(b, 'world-readable-prefs') ? 0o004 : 0;
    for (const w of this.effectiveWrites(b)) {
      if (w.prefs) {
        const map = this.readPrefs(pkg, w.prefs);
        for (const [k, v] of Object.entries(w.values ?? {})) map.set(k, { kind: 'string', value: fill(v) });
        this.writePrefs(pkg, w.prefs, map, 0o660 | worldReadable);
      } else if (w.file) {
        const p = `/data/data/${pkg}/${w.file}`;
        d.writeFile(p, Buffer.from(fill(w.content ?? '')), app.uid, d.fs.has(p) ? undefined : 0o600 | worldReadable);
      } else if (w.sqlite) {
        const SQL = await sql();
        const p = `/data/data/${pkg}/${w.sqlite}`;
        const old = d.fs.get(p);
        const db: Database = old ? new SQL.Database(old.data) : new SQL.Database();
        const row = Object.entries(w.row ?? {});
        const table = w.table ?? 'session';
        db.run(`CREATE TABLE IF NOT EXISTS "${table}" (${row.map(([k]) => `"${k}" TEXT`).join(', ')})`);
        db.run(`INSERT INTO "${table}" (${row.map(([k]) => `"${k}"`).join(', ')}) VALUES (${row.map(() => '?').join(', ')})`, row.map(([, v]) => fill(v)));
        d.writeFile(p, Buffer.from(db.export()), app.uid, old ? undefined : 0o660 | worldReadable);
        db.close();
      } else if (w.external) {
        d.writeFile(w.external, Buffer.from(fill(w.content ?? '')), ROOT_UID, 0o660);
      } else if (w.account) {
        const a = w.account;
        d.accounts.splice(0, d.accounts.length, ...d.accounts.filter((x) => !(x.type === a.type && x.name === fill(a.name))));
        const tokens = new Map<string, string>();
        if (a.authToken) tokens.set(a.authTokenType ?? 'session', fill(a.authToken));
        d.accounts.push({ name: fill(a.name), type: a.type, ownerPkg: pkg, password: a.password ? fill(a.password) : null, authTokens: tokens });
      }
    }
    const relaunch = this.mode(b, 'relaunch-stays-logged-in');
    if (relaunch !== 'default') {
      const state = this.readPrefs(pkg, 'app_state');
      if (relaunch === 'flaw') state.set('logged_in', { kind: 'boolean', value: 'true' });
      else state.delete('logged_out');
      this.writePrefs(pkg, 'app_state', state, 0o660);
    }
  }

  private async performLogout(pkg: string): Promise<void> {
    const b = this.behaviour(pkg);
    const d = this.device;
    // The app tells its backend; whether the backend then refuses the token is server-accepts-old-token.
    const token = this.storedToken(pkg);
    if (token) {
      const rec = d.issued.get(token);
      if (rec) rec.revoked = true;
    } else {
      for (const t of d.issued.values()) if (t.pkg === pkg) t.revoked = true;
    }
    if (!this.has(b, 'logout-leaves-token')) {
      for (const w of this.effectiveWrites(b)) {
        if (w.prefs) {
          if (d.fs.has(this.prefsPath(pkg, w.prefs))) this.writePrefs(pkg, w.prefs, new Map(), 0o660);
        } else if (w.file) d.removeTree(`/data/data/${pkg}/${w.file}`);
        else if (w.sqlite) {
          const p = `/data/data/${pkg}/${w.sqlite}`;
          const old = d.fs.get(p);
          if (old) {
            const SQL = await sql();
            const db = new SQL.Database(old.data);
            db.run(`DELETE FROM "${w.table ?? 'session'}"`);
            d.writeFile(p, Buffer.from(db.export()), this.app(pkg).uid);
            db.close();
          }
        } else if (w.external) d.removeTree(w.external);
        else if (w.account) {
          const type = w.account.type;
          d.accounts.splice(0, d.accounts.length, ...d.accounts.filter((x) => !(x.ownerPkg === pkg && x.type === type)));
        }
      }
    }
    if (this.mode(b, 'relaunch-stays-logged-in') === 'fix') {
      const state = this.readPrefs(pkg, 'app_state');
      state.set('logged_out', { kind: 'boolean', value: 'true' });
      this.writePrefs(pkg, 'app_state', state, 0o660);
    }
  }

  // ---------------------------------------------------------------- navigation

  private process(pkg: string): AppProcess | undefined {
    return this.device.processes.get(pkg);
  }

  /** The screen "open the post-login screen" ends on: the login screen when the guard or the backend refuses. */
  private homeOrLogin(pkg: string): string {
    const b = this.behaviour(pkg);
    const home = b.homeScreen!;
    const login = b.loginScreen ?? home;
    if (b.screens[home]?.guard === 'session' && !this.isLoggedIn(pkg)) return login;
    const token = this.storedToken(pkg);
    if (token && !this.serverAccepts(pkg, token)) return login;
    return home;
  }

  /** What the launcher activity shows when it is created: auto-login when the app thinks it is logged in. */
  private launchDecision(pkg: string): string {
    const b = this.behaviour(pkg);
    if (b.login && b.homeScreen && this.isLoggedIn(pkg)) return this.homeOrLogin(pkg);
    return this.launcherScreen(pkg);
  }

  /** A screen instance for an activity being created (guards and auto-login applied). */
  private create(pkg: string, screen: string): ScreenInstance {
    const b = this.behaviour(pkg);
    let s = screen;
    if (s === this.launcherScreen(pkg)) s = this.launchDecision(pkg);
    else if (s === b.homeScreen) s = this.homeOrLogin(pkg);
    return this.device.newScreen(s);
  }

  private coldStart(pkg: string, screen: string): void {
    const d = this.device;
    d.processes.set(pkg, { pid: d.newPid(), task: [] });
    d.foreground = pkg;
    this.crashPoint(pkg, 'launch');
    d.processes.get(pkg)!.task.push(this.create(pkg, screen));
  }

  /** The launcher intent (activateApp, monkey, tapping the icon): bring the task to front, or cold start. */
  activate(pkg: string): void {
    this.app(pkg);
    const p = this.process(pkg);
    if (p && p.task.length > 0) {
      this.device.foreground = pkg;
      return;
    }
    this.coldStart(pkg, this.launcherScreen(pkg));
  }

  /** `am start -n pkg/activity`: a new instance of the activity on top of the app's task. */
  startActivity(pkg: string, activity: string): void {
    const screen = this.screenOfActivity(pkg, activity) ?? this.launcherScreen(pkg);
    const p = this.process(pkg);
    if (!p) {
      this.coldStart(pkg, screen);
      return;
    }
    this.device.foreground = pkg;
    p.task.push(this.create(pkg, screen));
  }

  /** The screen on display for a running app in front. */
  top(pkg: string): ScreenInstance | null {
    const p = this.process(pkg);
    return p && p.task.length ? p.task[p.task.length - 1]! : null;
  }

  /** HOME: the app goes to the background (its task stays). */
  home(): void {
    const pkg = this.device.foreground;
    if (!pkg) return;
    this.crashPoint(pkg, 'background');
    this.device.foreground = null;
  }

  back(): void {
    const pkg = this.device.foreground;
    if (!pkg) return;
    const p = this.process(pkg);
    if (!p) return;
    this.crashPoint(pkg, 'back');
    if (p.task.length > 1) {
      p.task.pop();
      return;
    }
    const top = p.task[0];
    if (top && this.screenSpec(pkg, top.screen).backAtRoot === 'stay') return;
    this.device.foreground = null;
  }

  /** A tap on an element of the screen on display. */
  async click(pkg: string, inst: ScreenInstance, index: number): Promise<void> {
    const spec = this.screenSpec(pkg, inst.screen);
    const e: ElementSpec | undefined = spec.elements[index];
    if (!e) return;
    const key = e.id ?? `#${index}`;
    if (e.class.endsWith('EditText')) {
      inst.focused = key;
      return;
    }
    inst.focused = null;
    const b = this.behaviour(pkg);
    const p = this.process(pkg)!;
    if (e.onClick === 'login' && b.login) {
      const user = inst.fields[b.login.userField] ?? '';
      const password = inst.fields[b.login.passwordField] ?? '';
      if (!user || !password) return; // the app ignores the tap until both fields are filled
      this.crashPoint(pkg, 'login');
      await this.performLogin(pkg, user, password);
      // LoginActivity.openInvoices(): start the post-login screen and finish the login form.
      p.task.splice(p.task.indexOf(inst), 1);
      p.task.push(this.device.newScreen(b.homeScreen!));
    } else if (e.onClick === 'logout') {
      this.crashPoint(pkg, 'logout');
      await this.performLogout(pkg);
      const form = this.device.newScreen(b.loginScreen ?? this.launcherScreen(pkg));
      if (this.has(b, 'back-stack-shows-invoices')) p.task.push(form);
      else p.task.splice(0, p.task.length, form); // FLAG_ACTIVITY_NEW_TASK | FLAG_ACTIVITY_CLEAR_TASK
    }
  }
}

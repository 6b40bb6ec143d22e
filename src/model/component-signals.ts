/**
 * What an app component's code does with session data: the link from a manifest component to the
 * code behind it that an exported-component finding needs ("exported, and it reads the stored
 * auth_token"). Computed once per app from a fixed set of call-site queries (no per-component
 * scan), grouped by outer class: a component's signals are those of its class and of its inner
 * classes (`Foo$1`, `Foo$Task`), where Android code puts listeners and background tasks.
 *
 * Signals:
 *  - prefs-read / prefs-write: SharedPreferences getString / Editor.putString with a session key
 *    (src/model/session-data.ts classifyKey: token, password, session id, cookie...).
 *  - account-manager: AccountManager.getAuthToken / blockingGetAuthToken / peekAuthToken /
 *    getPassword.
 *  - returns-extra: Intent.putExtra / Bundle.putString of a session key in a method that also
 *    calls setResult (the caller receives the value); extra-out: the same without setResult.
 *  - extra-in: getStringExtra / Bundle.getString of a session key (the component takes a token
 *    from whoever starts it).
 *  - query-param: Uri.getQueryParameter of a token-like name (token, access_token, code, ...).
 *  - database: SQLite use (SQLiteOpenHelper.get*Database on the helper or an app subclass,
 *    SQLiteDatabase query/rawQuery/insert/update/delete/execSQL, openOrCreateDatabase).
 *  - logout: a method named logout / signOut / logOff... (a screen for signed-in users).
 *  The prefs and AccountManager signals also reach the callers of the method that has them (one
 *  level: SessionActivity -> SessionStore.readToken() -> getString("session_token")).
 *  - after-login: started with an explicit Intent by a login class (one whose name says login/
 *    sign-in/auth, or that stores session data), e.g. LoginActivity -> InvoicesActivity.
 */
import type { AppModel } from './app.js';
import type { ArgValue, CallSite, MethodKey } from './code-index.js';
import { classifyKey } from './session-data.js';
import { simpleClass } from './describe.js';

export type SignalKind =
  | 'prefs-read'
  | 'prefs-write'
  | 'account-manager'
  | 'returns-extra'
  | 'extra-out'
  | 'extra-in'
  | 'query-param'
  | 'database'
  | 'logout'
  | 'after-login';

export interface CodeSignal {
  kind: SignalKind;
  /** A phrase: `reads SharedPreferences key "auth_token"`. */
  detail: string;
  method: MethodKey;
}

/** Outer class descriptor: "Lcom/x/Foo$1;" -> "Lcom/x/Foo;". */
export function outerClass(desc: string): string {
  const i = desc.indexOf('$');
  return i < 0 ? desc : `${desc.slice(0, i)};`;
}

const SESSION_NAME_WORDS = new Set([
  'login', 'logon', 'signin', 'signon', 'postlogin', 'session', 'sessions', 'account', 'accounts', 'token', 'tokens', 'auth',
  'authenticate', 'authentication', 'authenticator', 'authorize', 'authorization', 'oauth', 'sso', 'password', 'passwd', 'pwd',
  'passcode', 'credential', 'credentials', 'creds', 'pin', 'otp', 'mfa', 'twofactor', 'jwt',
]);

const LOGIN_NAME_WORDS = new Set(['login', 'logon', 'signin', 'signon', 'auth', 'authenticate', 'authentication', 'authenticator', 'oauth', 'sso']);

/** Words of a class's simple name: "APICreds2Activity" -> ["api", "creds", "activity"]. */
export function nameWords(desc: string): string[] {
  return simpleClass(desc)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter(Boolean);
}

function matchWords(desc: string, set: Set<string>): string | null {
  const w = nameWords(desc);
  for (const x of w) if (set.has(x)) return x;
  for (let i = 0; i + 1 < w.length; i++) if (set.has(w[i]! + w[i + 1]!)) return w[i]! + w[i + 1]!;
  return null;
}

/** The session word in a class name ("PostLogin" -> "login"), or null. */
export function sessionNameWord(desc: string): string | null {
  return matchWords(desc, SESSION_NAME_WORDS);
}

const TOKEN_PARAMS = new Set(['code', 'authcode', 'auth_code', 'authorization_code', 'state', 'nonce', 'ticket', 'sso']);

export function isTokenParam(name: string, extra: readonly string[] = []): boolean {
  return TOKEN_PARAMS.has(name.toLowerCase()) || classifyKey(name, extra) !== null;
}

const LOGOUT = /^(?:do|perform|on|handle|attempt)?(?:log|sign)_?(?:out|off)/i;

function str(a: ArgValue | undefined): string | null {
  return a && a.kind === 'string' ? a.value : null;
}

function mid(m: MethodKey): string {
  return `${m.class}->${m.name}${m.proto}`;
}

export interface ComponentSignals {
  /** Signals of a class (and its inner classes), by outer class descriptor. */
  of(classDesc: string): CodeSignal[];
}

const cache = new WeakMap<AppModel, Map<string, ComponentSignals>>();
/** Helper methods whose callers are followed (bounds the work on apps with many session accesses). */
const MAX_HELPERS = 200;

/** Signals for the given component classes (descriptors); `extraPatterns` extend session key names. */
export function componentSignals(app: AppModel, classes: Iterable<string>, extraPatterns: readonly string[] = []): ComponentSignals {
  const wanted = new Set([...classes].map(outerClass));
  const key = `${[...wanted].sort().join(',')}\u0000${extraPatterns.join('\u0001')}`;
  let perApp = cache.get(app);
  if (!perApp) cache.set(app, (perApp = new Map()));
  const hit = perApp.get(key);
  if (hit) return hit;

  const by = new Map<string, CodeSignal[]>();
  const add = (m: MethodKey, kind: SignalKind, detail: string): void => {
    const o = outerClass(m.class);
    let l = by.get(o);
    if (!l) by.set(o, (l = []));
    if (!l.some((s) => s.kind === kind && s.detail === detail)) l.push({ kind, detail, method: m });
  };
  const sites = (refs: string[], subtypes = false): CallSite[] => refs.flatMap((r) => app.code.callsTo(r, { subtypes }));
  const session = (k: string | null): boolean => k !== null && classifyKey(k, extraPatterns) !== null;

  for (const s of sites(['Landroid/content/SharedPreferences;->getString', 'Landroid/content/SharedPreferences;->getStringSet'])) {
    const k = str(s.args[1]);
    if (session(k)) add(s.caller, 'prefs-read', `reads SharedPreferences key "${k}"`);
  }
  for (const s of sites(['Landroid/content/SharedPreferences$Editor;->putString', 'Landroid/content/SharedPreferences$Editor;->putStringSet'])) {
    const k = str(s.args[1]);
    if (session(k)) add(s.caller, 'prefs-write', `stores SharedPreferences key "${k}"`);
  }
  for (const name of ['getAuthToken', 'blockingGetAuthToken', 'peekAuthToken', 'getAuthTokenByFeatures', 'getPassword']) {
    for (const s of app.code.callsTo(`Landroid/accounts/AccountManager;->${name}`)) add(s.caller, 'account-manager', `calls AccountManager.${name}`);
  }
  const resultSetters = new Set(app.code.callersOf('*->setResult').map(mid));
  for (const s of sites(['Landroid/content/Intent;->putExtra', 'Landroid/os/Bundle;->putString'])) {
    const k = str(s.args[1]);
    if (!session(k)) continue;
    if (resultSetters.has(mid(s.caller))) add(s.caller, 'returns-extra', `returns "${k}" to the calling app (putExtra + setResult)`);
    else add(s.caller, 'extra-out', `puts "${k}" into an Intent extra`);
  }
  for (const s of sites(['Landroid/content/Intent;->getStringExtra', 'Landroid/os/Bundle;->getString'])) {
    const k = str(s.args[1]);
    if (session(k)) add(s.caller, 'extra-in', `takes "${k}" from the Intent that starts it`);
  }
  for (const s of app.code.callsTo('Landroid/net/Uri;->getQueryParameter')) {
    const k = str(s.args[1]);
    if (k !== null && isTokenParam(k, extraPatterns)) add(s.caller, 'query-param', `reads the "${k}" query parameter of the Uri it receives`);
  }
  const db = [
    ...sites(['Landroid/database/sqlite/SQLiteOpenHelper;->getWritableDatabase', 'Landroid/database/sqlite/SQLiteOpenHelper;->getReadableDatabase'], true),
    ...sites(['query', 'rawQuery', 'insert', 'insertOrThrow', 'update', 'delete', 'execSQL'].map((n) => `Landroid/database/sqlite/SQLiteDatabase;->${n}`)),
    ...app.code.callsTo('*->openOrCreateDatabase'),
  ];
  for (const s of db) add(s.caller, 'database', 'uses an SQLite database');

  // One level of helpers: a class that calls SessionStore.readToken() reads the stored session too
  // (the multidex fixture's SessionActivity shows the token it gets that way).
  const direct = [...by.values()].flat().filter((s) => s.kind === 'prefs-read' || s.kind === 'prefs-write' || s.kind === 'account-manager');
  for (const s of direct.slice(0, MAX_HELPERS)) {
    for (const caller of app.code.callersOf(mid(s.method))) {
      if (outerClass(caller.class) === outerClass(s.method.class)) continue;
      const via = `${simpleClass(s.method.class)}.${s.method.name}()`;
      add(caller, s.kind, `${s.detail} through ${via}`);
    }
  }

  // Explicit Intents from login classes: Intent(Context, Class) and Intent.setClass(Context, Class).
  const isLoginClass = (desc: string): boolean =>
    matchWords(desc, LOGIN_NAME_WORDS) !== null || (by.get(outerClass(desc)) ?? []).some((x) => x.kind === 'prefs-write' || x.kind === 'account-manager');
  for (const s of sites(['Landroid/content/Intent;-><init>(Landroid/content/Context;Ljava/lang/Class;)V', 'Landroid/content/Intent;->setClass'])) {
    const target = s.args[2];
    if (!target || target.kind !== 'class' || !wanted.has(outerClass(target.value))) continue;
    if (outerClass(target.value) === outerClass(s.caller.class) || !isLoginClass(s.caller.class)) continue;
    const l = by.get(outerClass(target.value)) ?? [];
    by.set(outerClass(target.value), l);
    if (!l.some((x) => x.kind === 'after-login')) l.push({ kind: 'after-login', detail: `is opened by ${simpleClass(s.caller.class)}.${s.caller.name}() after sign-in`, method: s.caller });
  }

  // Method names of the wanted classes: one pass over the class definitions.
  for (const dex of app.code.dexes) {
    for (const cls of dex.classes) {
      const name = cls.name;
      if (!wanted.has(outerClass(name))) continue;
      for (let slot = cls.methodStart; slot < cls.methodEnd; slot++) {
        const mi = dex.methodSlotIdx[slot]!;
        const n = dex.methodName(mi);
        if (LOGOUT.test(n)) {
          const m: MethodKey = { class: name, name: n, proto: dex.protoString(dex.methodProtoIdx[mi]!) };
          const l = by.get(outerClass(name)) ?? [];
          by.set(outerClass(name), l);
          if (!l.some((x) => x.kind === 'logout')) l.push({ kind: 'logout', detail: `has a ${n}() action (a screen for signed-in users)`, method: m });
        }
      }
    }
  }

  const result: ComponentSignals = { of: (desc) => by.get(outerClass(desc)) ?? [] };
  perApp.set(key, result);
  return result;
}

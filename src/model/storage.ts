/**
 * Storage model: every place the app's code writes data that outlives the process, what it
 * writes, where, and whether encryption wraps it; and every place it removes such data. Built
 * once per app (and per set of extra key patterns) from the call-site index, shared by the
 * storage rules (plaintext-session-storage, external-storage-session, world-readable-storage,
 * app-backup, session-not-cleared) and by the dynamic stage, which uses the store names and keys
 * to know which files to pull from the sandbox and what to look for in them.
 *
 * What is found (all by call site, in every dex, app and library code alike):
 *  - SharedPreferences: `SharedPreferences$Editor->putString/putStringSet/putInt/putLong/
 *    putBoolean/putFloat` (and the same on app classes implementing Editor). The store is found
 *    by following the editor back: chained puts, `edit()`, then `getSharedPreferences(name, mode)`
 *    (called on any Context subclass), `PreferenceManager.getDefaultSharedPreferences`
 *    (`<package>_preferences`), `Activity.getPreferences(mode)` (the activity's local class
 *    name), `EncryptedSharedPreferences.create(...)`, an app method that returns prefs, or a
 *    field that holds the prefs or the editor (looked up in the methods that write the field).
 *    Keys are const-strings, `getString(R.string.x)` resolved through resources.arsc, static
 *    final fields, or, failing that, the name of the field that holds the key.
 *  - DataStore: `stringPreferencesKey("name")` & co. (each declared key is a stored value) and
 *    the store name from `preferencesDataStore("name")`.
 *  - SQLite: SQL text const-strings (`CREATE TABLE t (...)`, `INSERT|REPLACE INTO t (...)`,
 *    `UPDATE t SET ...`), including statements built with a StringBuilder (their constant
 *    prefix) and Room's generated statements; `SQLiteDatabase->insert/insertOrThrow/
 *    insertWithOnConflict/replace/replaceOrThrow/update` with the `ContentValues->put` keys of
 *    the same method; database names from `openOrCreateDatabase`, `SQLiteOpenHelper(ctx, name,
 *    ...)` and `Room.databaseBuilder(ctx, cls, name)`; SQLCipher (`net/sqlcipher/`).
 *  - Files: `openFileOutput(name, mode)`, `new FileOutputStream|FileWriter|PrintWriter(file)`,
 *    Kotlin `File.writeText/writeBytes/appendText`, `java.nio.file.Files.write`, with the
 *    directory (getFilesDir, getCacheDir, getNoBackupFilesDir, getDataDir/ApplicationInfo.dataDir,
 *    getDir, getExternalFilesDir/getExternalCacheDir (app-specific external),
 *    getExternalStorageDirectory/getExternalStoragePublicDirectory or a /sdcard path (shared
 *    external)) and the content written by the writer calls of the same method;
 *    `File.createTempFile`; `File.setReadable/setWritable(true, false)` (world access).
 *  - AccountManager: `addAccountExplicitly` (password), `setPassword`, `setAuthToken`,
 *    `setUserData`.
 *  - Removals: `Editor->remove(key)`, `Editor->clear()`, `putString(key, null)`,
 *    `Context->deleteSharedPreferences`, `File->delete`, `Context->deleteFile/deleteDatabase`,
 *    `SQLiteDatabase->delete`, `DELETE FROM`/`DROP TABLE` SQL, DataStore `remove/clear`,
 *    AccountManager `removeAccount*`/`clearPassword`/`invalidateAuthToken`,
 *    `ActivityManager->clearApplicationUserData`.
 *
 * Value origins are traced inside the method (see `traceArgument`): constants, results of calls
 * (through value-preserving calls such as toString/trim/getBytes and through Base64/Cipher/
 * MessageDigest, which are recorded), fields, parameters (from the invoke's registers), text
 * typed into a view (`EditText.getText()` of `findViewById(R.id.x)` or of a view field),
 * keyed getters (`prefs.getString("k")`, `json.getString("k")`, `map.get("k")`, ...) and
 * StringBuilder/string-template concatenations. A write whose key or value is a parameter of a
 * small app helper (`Prefs.save(key, value)`) is re-attributed to each caller of the helper.
 *
 * Protection: encryption counts when it wraps the value on its way (Cipher.doFinal, an app
 * method that encrypts) or, for a value whose origin is opaque (a field, a parameter, an app
 * method's result), when the writing method, the app methods it calls (two levels) or its class
 * encrypt. A Cipher is judged by its key: Android Keystore (`"AndroidKeyStore"`,
 * KeyGenParameterSpec) protects; a `SecretKeySpec` built from a constant (const-string, static
 * or constructor-set field, resource, a constant passed by the callers) does not; a key derived
 * with SecretKeyFactory (PBKDF2) protects; anything else is "key origin not traced". Tink
 * protects; EncryptedSharedPreferences/EncryptedFile protect but the androidx security-crypto
 * library is deprecated (1.1.0-alpha07, 2025); SQLCipher protects; Base64/hex alone is encoding,
 * not protection; a MessageDigest hash is not the secret itself. XOR "encryption" is not
 * recognised (it looks like no protection, which is what it is).
 *
 * Limits: the call-site index follows values in linear code order and clears registers at loop
 * heads and exception handlers, so a value set before a loop shows as unknown; a store reached
 * only through reflection, JNI, an obfuscated library wrapper or a long chain of helpers is not
 * found; Room entities are seen only through the SQL text Room generates.
 */
import { ACC_STATIC, type DexClass, type DexFile } from '../apk/dex.js';
import type { AppModel } from './app.js';
import type { ArgValue, CallSite, CodeIndex, MethodKey, MethodSummary } from './code-index.js';
import { classifyKey, classifyValue, words, type SessionKind } from './session-data.js';

// ------------------------------------------------------------------------------------ types

/** A place in the code. */
export interface CodePoint {
  dex: string;
  /** "Lcom/example/Foo;" */
  class: string;
  method: string;
  proto: string;
  /** Code-unit offset of the call inside the method (never use it in a fingerprint). */
  pc: number;
}

export type StoreKind = 'shared-prefs' | 'datastore' | 'sqlite' | 'file' | 'account-manager';

/** Where a file lives. Prefs, databases and DataStore are always in the app's private data. */
export type FileArea =
  | 'files' // getFilesDir(), openFileOutput
  | 'cache' // getCacheDir(), createTempFile without a directory
  | 'no-backup' // getNoBackupFilesDir()
  | 'data' // getDataDir(), ApplicationInfo.dataDir, /data/data/<pkg>
  | 'app-dir' // getDir(name, mode): app_<name>
  | 'database' // getDatabasePath()
  | 'external-app' // getExternalFilesDir(), getExternalCacheDir(): app-specific external storage
  | 'external-public' // getExternalStorageDirectory(), getExternalStoragePublicDirectory(), /sdcard
  | 'private' // prefs, databases, DataStore
  | 'system' // AccountManager: the system's accounts database
  | 'unknown';

export interface Store {
  kind: StoreKind;
  /**
   * Prefs file name without ".xml", database name, file name (a temp file is "prefix*suffix"),
   * DataStore name, or null when it could not be found.
   */
  name: string | null;
  nameFrom: 'const' | 'default-prefs' | 'activity-prefs' | 'resource' | 'static-field' | 'concat' | 'fixed' | 'unknown';
  /** Context mode passed when it was opened (0 private, 1 world-readable, 2 world-writeable, 0x8000 append); null if unknown. */
  mode: number | null;
  area: FileArea;
  /** The store's own encryption. */
  encryptedBy: 'encrypted-shared-preferences' | 'encrypted-file' | 'sqlcipher' | null;
  /**
   * Backup domain and path as backup rules name it (`sharedpref` "session.xml", `database`
   * "app.db", `file` "token.txt", `root` "app_x/y"), or null when the store is never backed up
   * (cache, no-backup, external, system) or its name is unknown.
   */
  backup: { domain: 'sharedpref' | 'database' | 'file' | 'root'; path: string } | null;
  /** "kind:name" ("shared-prefs:session", "sqlite:ids2", "file:uinfo*tmp"); "kind:?" when unnamed. */
  id: string;
}

export type OriginKind = 'const' | 'null' | 'number' | 'call' | 'field' | 'parameter' | 'input' | 'concat' | 'new' | 'unknown';

/** Where a value comes from, as far as it could be followed inside one method. */
export interface ValueOrigin {
  kind: OriginKind;
  /**
   * const: the string; number: the digits; call: the method ref; field: the field ref;
   * parameter: the parameter's index (0 = first declared parameter); input: the view's id name
   * ("id/password") or the field that holds the view; new: the type; concat: a rendering.
   */
  text: string;
  /** For keyed getters (prefs.getString("k"), json.getString("k"), intent.getStringExtra("k"), map.get("k")): the key. */
  key?: string;
  /** Calls the value went through on its way here, outermost first (Base64.encodeToString, Cipher.doFinal, String.getBytes ...). */
  through: string[];
  /** Parts of a concatenation, or the constructor arguments of a `new File(...)`. */
  parts?: ValueOrigin[];
  /** For parameters: the method they belong to. */
  method?: MethodKey;
}

export interface SessionMatch {
  kind: SessionKind;
  strength: 'high' | 'medium';
  /** The word that matched ("token", "password", "jwt" for a value shape ...). */
  word: string;
  /** What matched: the key/column/file name, a constant value's shape, or the origin of the value (a getter, field or input field name). */
  by: 'key' | 'value' | 'origin';
}

export type ProtectionKind =
  | 'none'
  | 'encoding'
  | 'hash'
  | 'hardcoded-key'
  | 'untraced-key'
  | 'derived-key'
  | 'keystore'
  | 'tink'
  | 'encrypted-shared-preferences'
  | 'encrypted-file'
  | 'sqlcipher';

export interface Protection {
  kind: ProtectionKind;
  /** Whether the value is actually protected at rest. */
  effective: boolean;
  /** The mechanism is deprecated (androidx security-crypto). */
  deprecated: boolean;
  /** One sentence for a report. */
  detail: string;
  /** The method where the deciding crypto was seen. */
  where?: string;
}

export type ValueType = 'string' | 'string-set' | 'bytes' | 'int' | 'long' | 'boolean' | 'float' | 'unknown';

export interface StorageWrite {
  store: Store;
  /** Short API name, e.g. "SharedPreferences.Editor.putString", "SQLiteDatabase.insert", "FileWriter". */
  api: string;
  at: CodePoint;
  /** When the write happens inside a helper called from `at` (Prefs.save(key, value)): the helper's call site. */
  via?: CodePoint;
  /** Prefs/DataStore key, SQL column, AccountManager item ("password", "authtoken:<type>"), or null for files. */
  key: string | null;
  keyFrom: 'const' | 'resource' | 'static-field' | 'field-name' | 'concat' | 'sql-column' | 'fixed' | 'none' | 'unknown';
  /** "string/pkey" when the key came from a string resource. */
  keyResource?: string;
  /** SQL table, for sqlite writes. */
  table?: string;
  value: ValueOrigin;
  valueType: ValueType;
  /** Whether this is session data (by key name, by value shape, or by the value's origin; for files also by file name). */
  session: SessionMatch | null;
  protection: Protection;
}

export type RemovalKind = 'remove-key' | 'clear-store' | 'delete-store' | 'overwrite-empty' | 'clear-app-data';

export interface StorageRemoval {
  kind: RemovalKind;
  storeKind: StoreKind | 'any';
  /** The store, or null when it could not be told which. */
  store: Store | null;
  /** The key (prefs/DataStore key), SQL table, or null. */
  key: string | null;
  api: string;
  at: CodePoint;
}

/** A store opened with an explicit Context mode (getSharedPreferences, openFileOutput, openOrCreateDatabase, getDir). */
export interface StoreOpen {
  api: string;
  at: CodePoint;
  store: Store;
  mode: number;
}

/** File.setReadable/setWritable/setExecutable(flag, ownerOnly). */
export interface PermissionChange {
  api: string;
  at: CodePoint;
  /** true when the permission is granted to everyone (flag true, ownerOnly false). */
  world: boolean;
  store: Store | null;
}

export interface SqlTable {
  name: string;
  columns: string[];
  database: string | null;
  at: CodePoint;
}

export interface SessionStore {
  store: Store;
  writes: StorageWrite[];
  /** Distinct session keys (prefs keys, SQL columns ...) written, in order of first write. */
  keys: string[];
}

export interface StorageModel {
  writes: StorageWrite[];
  removals: StorageRemoval[];
  opens: StoreOpen[];
  permissions: PermissionChange[];
  tables: SqlTable[];
  /** Stores that receive at least one session write, in order of first write. */
  sessionStores: SessionStore[];
  /** Milliseconds spent building the model. */
  timeMs: number;
}

export interface StorageOptions {
  /** Extra key-name patterns (regex sources) that mark session data (RuleOptions.extraTokenPatterns). */
  extraTokenPatterns?: readonly string[];
}

// ------------------------------------------------------------------------------------ refs

const EDITOR = 'Landroid/content/SharedPreferences$Editor;';
const PREFS = 'Landroid/content/SharedPreferences;';
const SB = 'Ljava/lang/StringBuilder;';
const SBUF = 'Ljava/lang/StringBuffer;';
const FILE = 'Ljava/io/File;';
const SQLITE_DBS = ['Landroid/database/sqlite/SQLiteDatabase;', 'Lnet/sqlcipher/database/SQLiteDatabase;', 'Lnet/zetetic/database/sqlcipher/SQLiteDatabase;'];
const ACCOUNTS = 'Landroid/accounts/AccountManager;';

const PUTS: [name: string, type: ValueType][] = [
  ['putString', 'string'],
  ['putStringSet', 'string-set'],
  ['putInt', 'int'],
  ['putLong', 'long'],
  ['putBoolean', 'boolean'],
  ['putFloat', 'float'],
];
const EDITOR_CHAIN = new Set(['putString', 'putStringSet', 'putInt', 'putLong', 'putBoolean', 'putFloat', 'remove', 'clear']);

const DATASTORE_KEYS: [name: string, type: ValueType][] = [
  ['stringPreferencesKey', 'string'],
  ['stringSetPreferencesKey', 'string-set'],
  ['byteArrayPreferencesKey', 'bytes'],
  ['intPreferencesKey', 'int'],
  ['longPreferencesKey', 'long'],
  ['booleanPreferencesKey', 'boolean'],
  ['floatPreferencesKey', 'float'],
  ['doublePreferencesKey', 'float'],
];

/** Calls that return (a view of) their receiver's value. */
const RECEIVER_PASS = new Set(['toString', 'trim', 'strip', 'intern', 'getBytes', 'toCharArray', 'getAbsolutePath', 'getPath', 'getCanonicalPath', 'getAbsoluteFile', 'getCanonicalFile', 'toLowerCase', 'toUpperCase']);
/** Static calls that return (a view of) their first argument. */
const STATIC_PASS = new Set(['Ljava/lang/String;->valueOf', 'Ljava/lang/String;->copyValueOf', 'Ljava/util/Objects;->toString', 'Ljava/util/Objects;->requireNonNull', 'Lkotlin/jvm/internal/Intrinsics;->stringPlus', 'Lkotlin/text/StringsKt;->trim', 'Lkotlin/text/StringsKt;->encodeToByteArray', 'Lkotlin/text/StringsKt;->decodeToString']);
/** Encoders/crypto/hash the value goes through: ref prefix -> index of the input argument. */
const TRANSFORMS: [prefix: string, arg: number][] = [
  ['Landroid/util/Base64;->encodeToString', 0],
  ['Landroid/util/Base64;->encode', 0],
  ['Landroid/util/Base64;->decode', 0],
  ['Ljava/util/Base64$Encoder;->encodeToString', 1],
  ['Ljava/util/Base64$Encoder;->encode', 1],
  ['Ljava/util/Base64$Decoder;->decode', 1],
  ['Ljavax/crypto/Cipher;->doFinal', 1],
  ['Ljavax/crypto/Cipher;->update', 1],
  ['Ljava/security/MessageDigest;->digest', 1],
  ['Ljavax/crypto/Mac;->doFinal', 1],
];
/** Getters whose first String argument names the value they return. */
const KEYED_GETTERS: [prefix: string, keyArg: number][] = [
  [`${PREFS}->getString`, 1],
  [`${PREFS}->getStringSet`, 1],
  ['Landroid/content/Intent;->getStringExtra', 1],
  ['Landroid/os/Bundle;->getString', 1],
  ['Landroid/os/BaseBundle;->getString', 1],
  ['Lorg/json/JSONObject;->getString', 1],
  ['Lorg/json/JSONObject;->optString', 1],
  ['Lorg/json/JSONObject;->get', 1],
  ['Lorg/json/JSONObject;->opt', 1],
  ['Ljava/util/Map;->get', 1],
  ['Ljava/util/HashMap;->get', 1],
  ['Ljava/util/LinkedHashMap;->get', 1],
  ['Lcom/google/gson/JsonObject;->get', 1],
  ['Landroid/accounts/AccountManager;->getUserData', 2],
  ['Landroid/net/Uri;->getQueryParameter', 1],
  ['Landroid/webkit/CookieManager;->getCookie', 1],
];
/** Directory getters -> area. */
const DIRS: Record<string, FileArea> = {
  getFilesDir: 'files',
  getCacheDir: 'cache',
  getCodeCacheDir: 'cache',
  getNoBackupFilesDir: 'no-backup',
  getDataDir: 'data',
  getDir: 'app-dir',
  getDatabasePath: 'database',
  getExternalFilesDir: 'external-app',
  getExternalFilesDirs: 'external-app',
  getExternalCacheDir: 'external-app',
  getExternalCacheDirs: 'external-app',
  getExternalMediaDirs: 'external-app',
  getExternalStorageDirectory: 'external-public',
  getExternalStoragePublicDirectory: 'external-public',
  getLegacyExternalStorageDirectory: 'external-public',
};
/** Writer calls whose argument is what ends up in the file: ref prefix -> argument index. */
const FILE_WRITERS: [ref: string, arg: number][] = [
  ['Ljava/io/FileOutputStream;->write', 1],
  ['Ljava/io/OutputStream;->write', 1],
  ['Ljava/io/BufferedOutputStream;->write', 1],
  ['Ljava/io/DataOutputStream;->write', 1],
  ['Ljava/io/DataOutputStream;->writeUTF', 1],
  ['Ljava/io/DataOutputStream;->writeBytes', 1],
  ['Ljava/io/ObjectOutputStream;->writeObject', 1],
  ['Ljava/io/Writer;->write', 1],
  ['Ljava/io/Writer;->append', 1],
  ['Ljava/io/FileWriter;->write', 1],
  ['Ljava/io/FileWriter;->append', 1],
  ['Ljava/io/BufferedWriter;->write', 1],
  ['Ljava/io/BufferedWriter;->append', 1],
  ['Ljava/io/OutputStreamWriter;->write', 1],
  ['Ljava/io/OutputStreamWriter;->append', 1],
  ['Ljava/io/PrintWriter;->write', 1],
  ['Ljava/io/PrintWriter;->print', 1],
  ['Ljava/io/PrintWriter;->println', 1],
  ['Ljava/io/PrintWriter;->append', 1],
  ['Ljava/io/PrintStream;->print', 1],
  ['Ljava/io/PrintStream;->println', 1],
  ['Ljava/io/PrintStream;->write', 1],
];

// ------------------------------------------------------------------------------------ small helpers

interface ParsedRef {
  cls: string;
  name: string;
  params: string[];
}

const parsedRefs = new Map<string, ParsedRef>();

/** "Lx;->m(ILjava/lang/String;)V" -> class, name, parameter types. */
export function parseRef(ref: string): ParsedRef {
  let p = parsedRefs.get(ref);
  if (p) return p;
  const arrow = ref.indexOf('->');
  const cls = arrow > 0 ? ref.slice(0, arrow) : '';
  const tail = arrow > 0 ? ref.slice(arrow + 2) : ref;
  const open = tail.indexOf('(');
  const name = open >= 0 ? tail.slice(0, open) : tail;
  const params: string[] = [];
  if (open >= 0) {
    const close = tail.indexOf(')', open);
    const sig = tail.slice(open + 1, close < 0 ? tail.length : close);
    let i = 0;
    while (i < sig.length) {
      let j = i;
      while (sig[j] === '[') j++;
      if (sig[j] === 'L') {
        const semi = sig.indexOf(';', j);
        j = semi < 0 ? sig.length : semi + 1;
      } else j++;
      params.push(sig.slice(i, j));
      i = j;
    }
  }
  p = { cls, name, params };
  if (parsedRefs.size > 50_000) parsedRefs.clear();
  parsedRefs.set(ref, p);
  return p;
}

function point(site: CallSite): CodePoint {
  return { dex: site.dex, class: site.caller.class, method: site.caller.name, proto: site.caller.proto, pc: site.pc };
}

function methodRefOf(k: MethodKey): string {
  return `${k.class}->${k.name}${k.proto}`;
}

/** "Lcom/example/Foo$Bar;" -> "Foo$Bar". */
export function simpleClassName(desc: string): string {
  const s = desc.replace(/^L/, '').replace(/;$/, '');
  return s.slice(s.lastIndexOf('/') + 1);
}

/** "Lcom/example/Foo;->bar(I)V" -> "Foo.bar()". */
export function shortRef(ref: string): string {
  if (ref.startsWith('call_site@')) return 'string concatenation';
  const p = parseRef(ref);
  return `${simpleClassName(p.cls)}.${p.name}()`;
}

function fieldName(ref: string): string {
  const arrow = ref.indexOf('->');
  const tail = arrow >= 0 ? ref.slice(arrow + 2) : ref;
  const colon = tail.indexOf(':');
  return colon >= 0 ? tail.slice(0, colon) : tail;
}

function fieldType(ref: string): string {
  const colon = ref.lastIndexOf(':');
  return colon >= 0 ? ref.slice(colon + 1) : '';
}

/** Whether logical argument `i` of a call to `ref` (receiver first for non-static calls) is an object. */
function argIsObject(site: CallSite, i: number): boolean {
  const p = parseRef(site.target);
  const hasReceiver = site.invokeKind !== 'static' && site.invokeKind !== 'custom';
  const k = hasReceiver ? i - 1 : i;
  if (k < 0) return true;
  const t = p.params[k];
  return t !== undefined && (t.startsWith('L') || t.startsWith('['));
}

const UNKNOWN_ORIGIN: ValueOrigin = Object.freeze({ kind: 'unknown', text: '', through: [] }) as ValueOrigin;

/** A short human rendering of an origin, for evidence (constants are left to the caller to redact). */
export function describeOrigin(o: ValueOrigin, redactConst: (s: string) => string = (s) => JSON.stringify(s)): string {
  const via = o.through.length > 0 ? `${o.through.map(shortRef).join(' of ')} of ` : '';
  switch (o.kind) {
    case 'const':
      return `${via}constant ${redactConst(o.text)}`;
    case 'null':
      return 'null';
    case 'number':
      return `${via}number ${o.text}`;
    case 'call':
      return `${via}result of ${shortRef(o.text)}${o.key !== undefined ? `("${o.key}")` : ''}`;
    case 'field':
      return `${via}field ${simpleClassName(o.text.slice(0, o.text.indexOf('->')))}.${fieldName(o.text)}`;
    case 'parameter':
      return `${via}parameter ${Number(o.text) + 1} of ${o.method ? `${simpleClassName(o.method.class)}.${o.method.name}()` : 'the method'}`;
    case 'input':
      return `${via}text typed into ${o.text}`;
    case 'concat':
      return `${via}concatenation ${(o.parts ?? []).map((p) => (p.kind === 'const' ? redactConst(p.text) : `<${describeOrigin(p, redactConst)}>`)).join(' + ')}`;
    case 'new':
      return `${via}new ${simpleClassName(o.text)}`;
    default:
      return `${via}unknown value`;
  }
}

function fromKeyMatch(m: ReturnType<typeof classifyKey>, by: SessionMatch['by']): SessionMatch | null {
  return m ? { kind: m.kind, strength: m.strength, word: m.word, by } : null;
}

/** Session classification of a value by where it comes from (getter, field, input field, keyed getter, constant shape). */
export function originSession(o: ValueOrigin, extra: readonly string[] = []): SessionMatch | null {
  switch (o.kind) {
    case 'const': {
      const shape = classifyValue(o.text);
      if (!shape) return null;
      return { kind: shape === 'basic-auth' ? 'credential' : 'token', strength: 'high', word: shape, by: 'value' };
    }
    case 'call': {
      if (o.key !== undefined) return fromKeyMatch(classifyKey(o.key, extra), 'origin');
      const p = parseRef(o.text);
      if (p.cls.startsWith('Ljava/') || p.cls.startsWith('Lkotlin/') || p.cls.startsWith('Landroid/widget/') || p.cls.startsWith('Landroid/text/')) return null;
      return fromKeyMatch(classifyKey(p.name, extra), 'origin');
    }
    case 'field':
      return fromKeyMatch(classifyKey(fieldName(o.text), extra), 'origin');
    case 'input':
      return fromKeyMatch(classifyKey(o.text.replace(/^id\//, ''), extra), 'origin');
    case 'concat':
    case 'new': {
      let best: SessionMatch | null = null;
      for (const p of o.parts ?? []) {
        if (p.kind === 'const' && o.kind === 'concat') continue;
        const m = originSession(p, extra);
        if (m && (!best || (best.strength === 'medium' && m.strength === 'high'))) best = m;
      }
      return best;
    }
    default:
      return null;
  }
}

// ------------------------------------------------------------------------------------ site lookup

/** Call sites of one target grouped by calling method, built on first use per target. */
class SiteLookup {
  private readonly byTarget = new Map<string, Map<string, CallSite[]>>();
  constructor(private readonly code: CodeIndex) {}

  static methodId(k: MethodKey): string {
    return `${k.class}->${k.name}${k.proto}`;
  }

  /** Sites of `target` (any form callsTo accepts) inside `method`, in code order. */
  in(method: MethodKey, target: string): CallSite[] {
    let m = this.byTarget.get(target);
    if (!m) {
      m = new Map();
      let lastKey: MethodKey | null = null;
      let lastList: CallSite[] = [];
      for (const s of this.code.callsTo(target)) {
        if (s.caller !== lastKey) {
          const id = SiteLookup.methodId(s.caller);
          let l = m.get(id);
          if (!l) m.set(id, (l = []));
          lastKey = s.caller;
          lastList = l;
        }
        lastList.push(s);
      }
      for (const l of m.values()) if (l.length > 1) l.sort((a, b) => a.pc - b.pc);
      this.byTarget.set(target, m);
    }
    return m.get(SiteLookup.methodId(method)) ?? [];
  }

  /** The last site of `target` in `method` before `pc`. */
  before(method: MethodKey, target: string, pc: number): CallSite | null {
    const l = this.in(method, target);
    let best: CallSite | null = null;
    for (const s of l) {
      if (s.pc >= pc) break;
      best = s;
    }
    return best;
  }
}

// ------------------------------------------------------------------------------------ registers

/**
 * The parameter (0-based among declared parameters; -1 = `this`) whose register carries logical
 * argument `argIndex` of the call, or null when the register is not a parameter register. The
 * call-site index says "unknown" for a register it could not follow; when that register is one
 * of the method's incoming registers, the value is (most likely) the parameter itself.
 */
class Registers {
  private classes: Map<string, { dex: DexFile; cls: DexClass }> | null = null;
  private readonly dexByName = new Map<string, DexFile>();
  constructor(private readonly code: CodeIndex) {
    for (const d of code.dexes) this.dexByName.set(d.file, d);
  }

  private classEntry(desc: string): { dex: DexFile; cls: DexClass } | undefined {
    if (this.classes === null) {
      const m = new Map<string, { dex: DexFile; cls: DexClass }>();
      for (const dex of this.code.dexes) for (const cls of dex.classes) if (!m.has(cls.name)) m.set(cls.name, { dex, cls });
      this.classes = m;
    }
    return this.classes.get(desc);
  }

  paramOf(site: CallSite, argIndex: number): number | null {
    const hit = this.classEntry(site.caller.class);
    if (!hit || hit.dex.file !== site.dex) return null;
    const { dex, cls } = hit;
    let slot = -1;
    for (let s = cls.methodStart; s < cls.methodEnd; s++) {
      const m = dex.methodSlotIdx[s];
      if (dex.methodName(m) === site.caller.name && dex.protoString(dex.methodProtoIdx[m]) === site.caller.proto) {
        slot = s;
        break;
      }
    }
    if (slot < 0) return null;
    const code = dex.codeItem(dex.methodSlotCodeOff[slot]);
    if (!code || site.pc + 2 >= code.insns.length) return null;
    const w0 = code.insns[site.pc];
    const op = w0 & 0xff;
    const regs: number[] = [];
    if ((op >= 0x6e && op <= 0x72) || op === 0xfa || op === 0xfc) {
      const n = w0 >> 12;
      const w2 = code.insns[site.pc + 2];
      const list = [w2 & 0xf, (w2 >> 4) & 0xf, (w2 >> 8) & 0xf, (w2 >> 12) & 0xf, (w0 >> 8) & 0xf];
      for (let i = 0; i < n && i < 5; i++) regs.push(list[i]);
    } else if ((op >= 0x74 && op <= 0x78) || op === 0xfb || op === 0xfd) {
      const n = w0 >> 8;
      const first = code.insns[site.pc + 2];
      for (let i = 0; i < n; i++) regs.push(first + i);
    } else return null;
    // Logical argument -> register word.
    const p = parseRef(site.target);
    const hasReceiver = site.invokeKind !== 'static' && site.invokeKind !== 'custom';
    let word = 0;
    for (let i = 0; i < argIndex; i++) {
      if (hasReceiver && i === 0) word += 1;
      else {
        const t = p.params[hasReceiver ? i - 1 : i] ?? '';
        word += t === 'J' || t === 'D' ? 2 : 1;
      }
    }
    const reg = regs[word];
    if (reg === undefined) return null;
    const firstIn = code.registersSize - code.insSize;
    if (reg < firstIn) return null;
    let w = reg - firstIn;
    const isStatic = (dex.methodSlotAccess[slot] & ACC_STATIC) !== 0;
    if (!isStatic) {
      if (w === 0) return -1;
      w -= 1;
    }
    const callerParams = parseRef(`x->m${site.caller.proto}`).params;
    for (let k = 0; k < callerParams.length; k++) {
      if (w === 0) return k;
      const t = callerParams[k];
      w -= t === 'J' || t === 'D' ? 2 : 1;
      if (w < 0) return null;
    }
    return null;
  }
}

// ------------------------------------------------------------------------------------ crypto facts

interface Facts {
  cipher: boolean;
  keystore: boolean;
  tink: boolean;
  jetpack: boolean;
  sqlcipher: boolean;
  derived: boolean;
  /** Why a SecretKeySpec key here is a constant, or null. */
  hardcoded: string | null;
  /** App methods this one calls. */
  callees: string[];
}

const NO_FACTS: Facts = { cipher: false, keystore: false, tink: false, jetpack: false, sqlcipher: false, derived: false, hardcoded: null, callees: [] };

// ------------------------------------------------------------------------------------ the builder

interface Opened {
  site: CallSite;
  store: Store;
}

class Builder {
  readonly sites: SiteLookup;
  readonly regs: Registers;
  private readonly facts = new Map<string, Facts>();
  private readonly classMethods = new Map<string, string[]>();
  private staticValues: Map<string, string> | null = null;
  private readonly fieldWriters = new Map<string, MethodKey[]>();
  private readonly prefsOpensByMethod = new Map<string, Opened[]>();
  private readonly pkg: string;
  private readonly editorTypes: Set<string>;

  readonly writes: StorageWrite[] = [];
  readonly removals: StorageRemoval[] = [];
  readonly opens: StoreOpen[] = [];
  readonly permissions: PermissionChange[] = [];
  readonly tables: SqlTable[] = [];

  constructor(
    readonly app: AppModel,
    readonly extra: readonly string[],
  ) {
    this.sites = new SiteLookup(app.code);
    this.regs = new Registers(app.code);
    this.pkg = app.manifest.package;
    this.editorTypes = new Set([EDITOR, ...app.code.subtypesOf(EDITOR)]);
  }

  get code(): CodeIndex {
    return this.app.code;
  }

  // ---------------------------------------------------------------- tracing

  trace(site: CallSite, i: number, depth = 0): ValueOrigin {
    const v = site.args[i];
    if (!v) return UNKNOWN_ORIGIN;
    return this.traceValue(v, site, i, depth);
  }

  private traceValue(v: ArgValue, site: CallSite, i: number, depth: number): ValueOrigin {
    switch (v.kind) {
      case 'string':
        return { kind: 'const', text: v.value, through: [] };
      case 'int':
        if (v.value === 0 && argIsObject(site, i)) return { kind: 'null', text: 'null', through: [] };
        return { kind: 'number', text: String(v.value), through: [] };
      case 'class':
        return { kind: 'new', text: v.value, through: [] };
      case 'field': {
        const c = this.staticString(v.ref);
        if (c !== null) return { kind: 'const', text: c, through: [] };
        return { kind: 'field', text: v.ref, through: [] };
      }
      case 'new':
        return this.traceNew(v.type, site, depth);
      case 'result':
        return this.traceResult(v.of, site, depth);
      default: {
        if (i >= 0) {
          const p = this.regs.paramOf(site, i);
          if (p !== null && p >= 0) return { kind: 'parameter', text: String(p), through: [], method: site.caller };
        }
        return UNKNOWN_ORIGIN;
      }
    }
  }

  private traceNew(type: string, site: CallSite, depth: number): ValueOrigin {
    if (depth > 8) return { kind: 'new', text: type, through: [] };
    if (type === SB || type === SBUF) return this.concatByRange(type, site, depth);
    if (type === 'Ljava/lang/String;' || type === FILE) {
      const init = this.sites.before(site.caller, `${type}-><init>`, site.pc);
      if (init) {
        const parts: ValueOrigin[] = [];
        for (let k = 1; k < init.args.length; k++) parts.push(this.trace(init, k, depth + 1));
        if (type === 'Ljava/lang/String;') {
          const first = parts[0];
          if (first) return { ...first, through: [`Ljava/lang/String;-><init>`, ...first.through] };
        } else return { kind: 'new', text: type, through: [], parts };
      }
    }
    return { kind: 'new', text: type, through: [] };
  }

  private traceResult(of: string, site: CallSite, depth: number): ValueOrigin {
    const plain: ValueOrigin = { kind: 'call', text: of, through: [] };
    if (depth > 8) return plain;
    if (of.startsWith('call_site@')) {
      const prod = this.sites.before(site.caller, of, site.pc);
      if (!prod) return plain;
      const parts = prod.args.map((_, k) => this.trace(prod, k, depth + 1));
      return { kind: 'concat', text: 'concat', through: [], parts };
    }
    const p = parseRef(of);
    if ((p.cls === SB || p.cls === SBUF) && p.name === 'toString') {
      const prod = this.sites.before(site.caller, of, site.pc);
      if (!prod) return plain;
      return this.concatOf(prod, depth + 1);
    }
    const prod = this.sites.before(site.caller, of, site.pc);
    if (!prod) return plain;
    const isStatic = prod.invokeKind === 'static';
    // Value-preserving calls on the receiver.
    if (!isStatic && RECEIVER_PASS.has(p.name) && (p.name !== 'toString' || p.params.length === 0)) {
      const inner = this.trace(prod, 0, depth + 1);
      return p.name === 'toString' || p.name === 'trim' || p.name === 'strip' || p.name === 'intern' ? inner : { ...inner, through: [of, ...inner.through] };
    }
    if (isStatic && STATIC_PASS.has(`${p.cls}->${p.name}`)) {
      const inner = this.trace(prod, 0, depth + 1);
      return inner;
    }
    for (const [prefix, arg] of TRANSFORMS) {
      if (of.startsWith(prefix) && (of.length === prefix.length || of[prefix.length] === '(')) {
        if (prod.args.length <= arg) return { kind: 'call', text: of, through: [] };
        const inner = this.trace(prod, arg, depth + 1);
        return { ...inner, through: [of, ...inner.through] };
      }
    }
    // Text typed into a view.
    if (p.name === 'getText' && !isStatic && p.params.length === 0) {
      const view = this.viewOf(prod, depth + 1);
      if (view) return { kind: 'input', text: view, through: [] };
    }
    for (const [prefix, keyArg] of KEYED_GETTERS) {
      if (of.startsWith(prefix) && of[prefix.length] === '(') {
        const k = prod.args[keyArg];
        if (k && k.kind === 'string') return { kind: 'call', text: of, through: [], key: k.value };
        if (k && k.kind === 'field') {
          const c = this.staticString(k.ref);
          return { kind: 'call', text: of, through: [], key: c ?? fieldName(k.ref) };
        }
        if (k && k.kind === 'result') {
          const ko = this.trace(prod, keyArg, depth + 1);
          if (ko.kind === 'const') return { kind: 'call', text: of, through: [], key: ko.text };
        }
        return plain;
      }
    }
    if (p.cls === 'Landroid/database/Cursor;' && p.name === 'getString') {
      const idx = prod.args[1];
      if (idx && idx.kind === 'result' && /->getColumnIndex(OrThrow)?\(/.test(idx.of)) {
        const ci = this.sites.before(prod.caller, idx.of, prod.pc);
        const col = ci?.args[1];
        if (col && col.kind === 'string') return { kind: 'call', text: of, through: [], key: col.value };
      }
    }
    return plain;
  }

  /** The view whose text is read: "id/<name>" from findViewById(R.id.x), or the field/getter that holds it. */
  private viewOf(getText: CallSite, depth: number): string | null {
    const r = getText.args[0];
    if (!r) return null;
    if (r.kind === 'field') return simpleFieldLabel(r.ref);
    if (r.kind === 'result') {
      const p = parseRef(r.of);
      if (/^(findViewById|requireViewById)$/.test(p.name)) {
        const f = this.sites.before(getText.caller, r.of, getText.pc);
        const id = f?.args[f.invokeKind === 'static' ? 0 : 1];
        if (id && id.kind === 'int' && typeof id.value === 'number') {
          const name = this.app.resources?.nameOf(id.value >>> 0) ?? null;
          return name ? name.replace(/^[^:]*:/, '') : `id/0x${(id.value >>> 0).toString(16)}`;
        }
        return 'a view';
      }
      // View binding getters (binding.getPasswordInput()), TextInputLayout.getEditText() ...
      if (p.name === 'getEditText' && depth < 8) {
        const f = this.sites.before(getText.caller, r.of, getText.pc);
        if (f) return this.viewOf(f, depth + 1);
      }
      if (p.name.startsWith('get') && p.name.length > 3) return p.name.slice(3, 4).toLowerCase() + p.name.slice(4);
    }
    return null;
  }

  /** Parts of a StringBuilder whose toString() is `toStringSite`. */
  private concatOf(toStringSite: CallSite, depth: number): ValueOrigin {
    const recv = toStringSite.args[0];
    const type = parseRef(toStringSite.target).cls;
    if (recv && recv.kind === 'result' && parseRef(recv.of).name === 'append') {
      // A chain sb.append(a).append(b).toString(): follow the receivers back.
      const parts: ValueOrigin[] = [];
      let cur: CallSite | null = this.sites.before(toStringSite.caller, recv.of, toStringSite.pc);
      let guard = 0;
      let first: CallSite | null = null;
      while (cur && guard++ < 64) {
        parts.unshift(this.trace(cur, 1, depth + 1));
        first = cur;
        const r: ArgValue | undefined = cur.args[0];
        if (r && r.kind === 'result' && parseRef(r.of).name === 'append') cur = this.sites.before(cur.caller, r.of, cur.pc);
        else break;
      }
      if (first) {
        const init = this.sites.before(first.caller, `${type}-><init>`, first.pc);
        if (init && init.args.length > 1 && init.args[1]!.kind !== 'int') parts.unshift(this.trace(init, 1, depth + 1));
      }
      return { kind: 'concat', text: 'concat', through: [], parts };
    }
    return this.concatByRange(type, toStringSite, depth);
  }

  /** Parts of a StringBuilder used without move-result: the appends between its constructor and `site`. */
  private concatByRange(type: string, site: CallSite, depth: number): ValueOrigin {
    const init = this.sites.before(site.caller, `${type}-><init>`, site.pc);
    const start = init ? init.pc : -1;
    const parts: ValueOrigin[] = [];
    if (init && init.args.length > 1 && init.args[1]!.kind !== 'int') parts.push(this.trace(init, 1, depth + 1));
    for (const a of this.sites.in(site.caller, `${type}->append`)) {
      if (a.pc <= start) continue;
      if (a.pc >= site.pc) break;
      const r = a.args[0];
      if (r && r.kind === 'new' && r.type !== type) continue;
      parts.push(this.trace(a, 1, depth + 1));
    }
    return { kind: 'concat', text: 'concat', through: [], parts };
  }

  staticString(fieldRef: string): string | null {
    if (this.staticValues === null) {
      this.staticValues = new Map();
      for (const s of this.code.staticStringValues()) this.staticValues.set(s.field, s.value);
    }
    return this.staticValues.get(fieldRef) ?? null;
  }

  writersOf(fieldRef: string): MethodKey[] {
    let w = this.fieldWriters.get(fieldRef);
    if (!w) {
      const seen = new Set<string>();
      w = [];
      for (const a of this.code.fieldAccesses(fieldRef)) {
        if (a.access !== 'write') continue;
        const id = SiteLookup.methodId(a.caller);
        if (seen.has(id)) continue;
        seen.add(id);
        w.push(a.caller);
      }
      this.fieldWriters.set(fieldRef, w);
    }
    return w;
  }

  // ---------------------------------------------------------------- keys

  keyOf(site: CallSite, i: number): { key: string | null; from: StorageWrite['keyFrom']; resource?: string; origin: ValueOrigin } {
    const v = site.args[i];
    if (!v) return { key: null, from: 'unknown', origin: UNKNOWN_ORIGIN };
    if (v.kind === 'string') return { key: v.value, from: 'const', origin: { kind: 'const', text: v.value, through: [] } };
    if (v.kind === 'field') {
      const c = this.staticString(v.ref);
      if (c !== null) return { key: c, from: 'static-field', origin: { kind: 'const', text: c, through: [] } };
      return { key: fieldName(v.ref), from: 'field-name', origin: { kind: 'field', text: v.ref, through: [] } };
    }
    if (v.kind === 'result' && /->getString\(I\)Ljava\/lang\/String;$/.test(v.of)) {
      const g = this.sites.before(site.caller, v.of, site.pc);
      const id = g?.args[g.invokeKind === 'static' ? 0 : 1];
      if (id && id.kind === 'int' && typeof id.value === 'number') {
        const rid = id.value >>> 0;
        const value = this.app.values.string({ type: 'reference', id: rid });
        const name = this.app.resources?.nameOf(rid)?.replace(/^[^:]*:/, '') ?? `0x${rid.toString(16)}`;
        if (value !== null) return { key: value, from: 'resource', resource: name, origin: { kind: 'const', text: value, through: [] } };
        return { key: name, from: 'resource', resource: name, origin: UNKNOWN_ORIGIN };
      }
    }
    const o = this.trace(site, i);
    if (o.kind === 'const') return { key: o.text, from: 'const', origin: o };
    if (o.kind === 'concat') {
      const text = (o.parts ?? []).map((p) => (p.kind === 'const' ? p.text : '*')).join('');
      if (/[A-Za-z]/.test(text.replace(/\*/g, ''))) return { key: text, from: 'concat', origin: o };
    }
    return { key: null, from: 'unknown', origin: o };
  }

  // ---------------------------------------------------------------- stores

  private prefsStore(name: string | null, nameFrom: Store['nameFrom'], mode: number | null, encryptedBy: Store['encryptedBy'] = null): Store {
    return {
      kind: 'shared-prefs',
      name,
      nameFrom,
      mode,
      area: 'private',
      encryptedBy,
      backup: name !== null ? { domain: 'sharedpref', path: `${name}.xml` } : null,
      id: `shared-prefs:${name ?? '?'}`,
    };
  }

  /** Every prefs-opening call, grouped by calling method (one pass over the opening APIs). */
  collectPrefsOpens(): void {
    const add = (site: CallSite, store: Store): void => {
      const id = SiteLookup.methodId(site.caller);
      let l = this.prefsOpensByMethod.get(id);
      if (!l) this.prefsOpensByMethod.set(id, (l = []));
      l.push({ site, store });
    };
    for (const s of this.code.callsTo('*->getSharedPreferences(Ljava/lang/String;I)Landroid/content/SharedPreferences;')) {
      const n = this.keyOf(s, 1);
      const m = s.args[2];
      const mode = m && m.kind === 'int' && typeof m.value === 'number' ? m.value : null;
      const nameFrom: Store['nameFrom'] = n.key === null ? 'unknown' : n.from === 'resource' ? 'resource' : n.from === 'static-field' ? 'static-field' : n.from === 'concat' ? 'concat' : 'const';
      const store = this.prefsStore(n.key, nameFrom, mode);
      add(s, store);
      if (mode !== null) this.opens.push({ api: 'Context.getSharedPreferences', at: point(s), store, mode });
    }
    for (const ref of ['Landroid/preference/PreferenceManager;->getDefaultSharedPreferences', 'Landroidx/preference/PreferenceManager;->getDefaultSharedPreferences']) {
      for (const s of this.code.callsTo(ref)) add(s, this.prefsStore(`${this.pkg}_preferences`, 'default-prefs', 0));
    }
    for (const s of this.code.callsTo('*->getPreferences(I)Landroid/content/SharedPreferences;')) {
      const m = s.args[1];
      const mode = m && m.kind === 'int' && typeof m.value === 'number' ? m.value : null;
      const store = this.prefsStore(this.localClassName(parseRef(s.target).cls, s.caller.class), 'activity-prefs', mode);
      add(s, store);
      if (mode !== null) this.opens.push({ api: 'Activity.getPreferences', at: point(s), store, mode });
    }
    for (const s of this.code.callsTo('Landroidx/security/crypto/EncryptedSharedPreferences;->create')) {
      let name: string | null = null;
      for (let k = 0; k < s.args.length; k++) {
        const a = s.args[k];
        if (a && a.kind === 'string') {
          name = a.value;
          break;
        }
      }
      // create(fileName, masterKeyAlias, context, ...) (1.0) or create(context, fileName, masterKey, ...) (1.1).
      if (name === null) {
        const k = parseRef(s.target).params[0] === 'Ljava/lang/String;' ? 0 : 1;
        name = this.keyOf(s, k).key;
      }
      add(s, this.prefsStore(name, name ? 'const' : 'unknown', 0, 'encrypted-shared-preferences'));
    }
  }

  /** Activity.getPreferences(): the prefs file is named after Activity.getLocalClassName(). */
  private localClassName(refClass: string, callerClass: string): string {
    const cls = refClass.startsWith('Landroid/') ? callerClass : refClass;
    const dotted = cls.replace(/^L/, '').replace(/;$/, '').replace(/\//g, '.');
    return dotted.startsWith(`${this.pkg}.`) ? dotted.slice(this.pkg.length + 1) : dotted;
  }

  private opensIn(method: MethodKey): Opened[] {
    return this.prefsOpensByMethod.get(SiteLookup.methodId(method)) ?? [];
  }

  /** The store a SharedPreferences value (receiver of edit()) comes from. */
  prefsOf(v: ArgValue | undefined, site: CallSite, depth: number): Store | null {
    if (!v || depth > 4) return null;
    if (v.kind === 'result') {
      const prod = this.sites.before(site.caller, v.of, site.pc);
      if (prod) {
        const hit = this.opensIn(site.caller).find((o) => o.site === prod || (o.site.pc === prod.pc && o.site.target === prod.target));
        if (hit) return hit.store;
      }
      // An app method that returns the prefs: what it opens.
      const p = parseRef(v.of);
      if (this.code.method(p.cls, p.name)) {
        const inside = this.uniqueStore(this.opensInMethodRef(v.of));
        if (inside) return inside;
      }
      return null;
    }
    if (v.kind === 'field') {
      for (const w of this.writersOf(v.ref)) {
        const s = this.uniqueStore(this.opensIn(w));
        if (s) return s;
      }
      return null;
    }
    return null;
  }

  private opensInMethodRef(ref: string): Opened[] {
    const p = parseRef(ref);
    const out: Opened[] = [];
    for (const m of this.code.overloads(p.cls, p.name)) {
      if (methodRefOf(m.key) !== ref && m.key.proto !== ref.slice(ref.indexOf('('))) continue;
      out.push(...this.opensIn(m.key));
    }
    return out;
  }

  private uniqueStore(list: Opened[]): Store | null {
    if (list.length === 0) return null;
    const first = list[0]!.store;
    return list.every((o) => o.store.id === first.id) ? first : first.name !== null ? first : null;
  }

  /** The prefs store an editor call (put/remove/clear/commit) writes to. */
  editorStore(site: CallSite): Store | null {
    let recv = site.args[0];
    let at = site;
    for (let guard = 0; guard < 32 && recv; guard++) {
      if (recv.kind === 'result') {
        const p = parseRef(recv.of);
        if (EDITOR_CHAIN.has(p.name) && this.editorTypes.has(p.cls)) {
          const prev = this.sites.before(at.caller, recv.of, at.pc);
          if (!prev) break;
          at = prev;
          recv = prev.args[0];
          continue;
        }
        if (p.name === 'edit') {
          const prev = this.sites.before(at.caller, recv.of, at.pc);
          if (prev) return this.prefsOf(prev.args[0], prev, 0) ?? this.fallbackStore(at);
          break;
        }
        // An app method that returns an editor: the edit() calls inside it.
        if (this.code.method(p.cls, p.name)) {
          for (const m of this.code.overloads(p.cls, p.name)) {
            for (const e of this.code.callsTo(`${PREFS}->edit`, { subtypes: true })) {
              if (SiteLookup.methodId(e.caller) !== SiteLookup.methodId(m.key)) continue;
              const s = this.prefsOf(e.args[0], e, 1);
              if (s) return s;
            }
          }
        }
        break;
      }
      if (recv.kind === 'field') {
        // A field-held editor: the edit() in the methods that set the field.
        for (const w of this.writersOf(recv.ref)) {
          for (const e of this.sites.in(w, `${PREFS}->edit()${EDITOR}`)) {
            const s = this.prefsOf(e.args[0], e, 1);
            if (s) return s;
          }
          const s = this.uniqueStore(this.opensIn(w));
          if (s) return s;
        }
        break;
      }
      break;
    }
    return this.fallbackStore(at);
  }

  /** When the editor could not be followed: the one prefs store the method opens, if any. */
  private fallbackStore(site: CallSite): Store | null {
    const own = this.uniqueStore(this.opensIn(site.caller));
    if (own) return own;
    return null;
  }

  // ---------------------------------------------------------------- crypto

  factsOf(ref: string): Facts {
    const cached = this.facts.get(ref);
    if (cached) return cached;
    this.facts.set(ref, NO_FACTS); // cycles
    const p = parseRef(ref);
    const proto = ref.slice(ref.indexOf('('));
    const m = this.code.method(p.cls, p.name, proto);
    if (!m || !m.hasCode) return NO_FACTS;
    const f: Facts = { cipher: false, keystore: false, tink: false, jetpack: false, sqlcipher: false, derived: false, hardcoded: null, callees: [] };
    for (const inv of m.invokes) {
      if (inv.startsWith('Ljavax/crypto/Cipher;->')) {
        if (/->(doFinal|update|init|updateAAD|wrap|unwrap)\(/.test(inv)) f.cipher = true;
      } else if (inv.startsWith('Ljavax/crypto/CipherOutputStream;-><init>') || inv.startsWith('Ljavax/crypto/CipherInputStream;-><init>')) f.cipher = true;
      else if (inv.startsWith('Landroid/security/keystore/KeyGenParameterSpec$Builder;-><init>') || inv.startsWith('Landroid/security/KeyPairGeneratorSpec$Builder;-><init>')) f.keystore = true;
      else if (inv.startsWith('Lcom/google/crypto/tink/')) f.tink = true;
      else if (inv.startsWith('Landroidx/security/crypto/')) f.jetpack = true;
      else if (inv.startsWith('Lnet/sqlcipher/') || inv.startsWith('Lnet/zetetic/')) f.sqlcipher = true;
      else if (inv.startsWith('Ljavax/crypto/SecretKeyFactory;->generateSecret') || inv.startsWith('Ljavax/crypto/spec/PBEKeySpec;-><init>')) f.derived = true;
      else if (inv.startsWith('Ljavax/crypto/spec/SecretKeySpec;-><init>')) {
        for (const s of this.sites.in(m.key, inv)) {
          const why = this.constantKey(this.trace(s, 1), 0);
          if (why) {
            f.hardcoded = why;
            break;
          }
        }
      } else if (!inv.startsWith('call_site@')) {
        const q = parseRef(inv);
        if (!isPlatformClass(q.cls) && this.code.classByName(q.cls)) f.callees.push(inv);
      }
    }
    if (m.strings.includes('AndroidKeyStore')) f.keystore = true;
    this.facts.set(ref, f);
    return f;
  }

  /** Why a key origin is a constant ("const-string", "static field X", "field X set in <init>", "resource"), or null. */
  constantKey(o: ValueOrigin, depth: number): string | null {
    if (depth > 3) return null;
    switch (o.kind) {
      case 'const':
        return 'a constant string';
      case 'field': {
        const writers = this.writersOf(o.text);
        const type = fieldType(o.text);
        if (writers.length === 0) return null;
        const ctorOnly = writers.every((w) => w.name === '<init>' || w.name === '<clinit>');
        if (!ctorOnly) return null;
        const withConst = writers.some((w) => {
          const m = this.code.method(w.class, w.name, w.proto);
          return !!m && (m.strings.length > 0 || (type === '[B' && w.name === '<clinit>'));
        });
        return withConst ? `field ${simpleClassName(o.text.slice(0, o.text.indexOf('->')))}.${fieldName(o.text)}, set from a constant in its constructor` : null;
      }
      case 'call':
        if (/->getString\(I\)/.test(o.text)) return 'a string resource';
        return null;
      case 'concat':
        return (o.parts ?? []).length > 0 && (o.parts ?? []).every((p) => p.kind === 'const') ? 'a constant string' : null;
      case 'parameter': {
        if (!o.method) return null;
        const ref = methodRefOf(o.method);
        const m = this.code.method(o.method.class, o.method.name, o.method.proto);
        const idx = Number(o.text) + (m && (m.accessFlags & ACC_STATIC) !== 0 ? 0 : 1);
        const callers = this.code.callsTo(ref).slice(0, 16);
        for (const c of callers) {
          const why = this.constantKey(this.trace(c, idx), depth + 1);
          if (why) return `${why} passed to ${simpleClassName(o.method.class)}.${o.method.name}() by ${simpleClassName(c.caller.class)}.${c.caller.name}()`;
        }
        return null;
      }
      default:
        return null;
    }
  }

  private methodsOfClass(cls: string): string[] {
    let l = this.classMethods.get(cls);
    if (l) return l;
    l = [];
    const seen = new Set<string>();
    const hit = this.code.classByName(cls);
    if (hit) {
      for (const dex of this.code.dexes) {
        if (dex.file !== hit.dex) continue;
        const c = dex.classes.find((x) => x.name === cls);
        if (!c) continue;
        for (let s = c.methodStart; s < c.methodEnd; s++) {
          const mi = dex.methodSlotIdx[s];
          const ref = `${cls}->${dex.methodName(mi)}${dex.protoString(dex.methodProtoIdx[mi])}`;
          if (!seen.has(ref)) {
            seen.add(ref);
            l.push(ref);
          }
        }
      }
    }
    this.classMethods.set(cls, l);
    return l;
  }

  /** Facts of a method, the app methods it calls (two levels) and, if asked, every method of its class. */
  private gather(refs: string[], withClass: boolean): { facts: Facts; where: Map<keyof Facts, string> } {
    const acc: Facts = { ...NO_FACTS, callees: [] };
    const where = new Map<keyof Facts, string>();
    const seen = new Set<string>();
    const visit = (ref: string, depth: number): void => {
      if (seen.has(ref) || seen.size > 200) return;
      seen.add(ref);
      const f = this.factsOf(ref);
      for (const k of ['cipher', 'keystore', 'tink', 'jetpack', 'sqlcipher', 'derived'] as const) {
        if (f[k] && !acc[k]) {
          acc[k] = true;
          where.set(k, ref);
        }
      }
      if (f.hardcoded && !acc.hardcoded) {
        acc.hardcoded = f.hardcoded;
        where.set('hardcoded', ref);
      }
      if (depth < 2) for (const c of f.callees) visit(c, depth + 1);
    };
    for (const r of refs) visit(r, 0);
    if (withClass) {
      for (const r of refs) {
        const cls = parseRef(r).cls;
        for (const m of this.methodsOfClass(cls)) visit(m, 1);
        // The outer class of an inner class (Login$Task -> Login) keeps the helpers too.
        const dollar = cls.indexOf('$');
        if (dollar > 0) for (const m of this.methodsOfClass(`${cls.slice(0, dollar)};`)) visit(m, 1);
      }
    }
    return { facts: acc, where };
  }

  protection(at: CallSite, value: ValueOrigin, store: Store): Protection {
    if (store.encryptedBy === 'encrypted-shared-preferences') {
      return { kind: 'encrypted-shared-preferences', effective: true, deprecated: true, detail: 'stored through EncryptedSharedPreferences (encrypted at rest; the androidx security-crypto library is deprecated)' };
    }
    if (store.encryptedBy === 'encrypted-file') {
      return { kind: 'encrypted-file', effective: true, deprecated: true, detail: 'written through EncryptedFile (encrypted at rest; the androidx security-crypto library is deprecated)' };
    }
    if (store.encryptedBy === 'sqlcipher') return { kind: 'sqlcipher', effective: true, deprecated: false, detail: 'the database is encrypted with SQLCipher' };

    const through = allThrough(value);
    const viaCipher = through.some((r) => r.startsWith('Ljavax/crypto/Cipher;->'));
    const viaEncoding = through.some((r) => /Base64|->(encodeHex|toHexString|encodeToString)/.test(r));
    const viaDigest = through.some((r) => r.startsWith('Ljava/security/MessageDigest;->') || r.startsWith('Ljavax/crypto/Mac;->'));
    // App methods the value came out of (token = crypto.encrypt(x)).
    const producers = appProducers(value).filter((r) => !isPlatformClass(parseRef(r).cls) && !!this.code.classByName(parseRef(r).cls));
    const opaque = isOpaque(value);
    const here = methodRefOf(at.caller);
    const refs = [here, ...producers];
    const { facts, where } = this.gather(refs, opaque || viaCipher);
    const producerCrypto = producers.some((r) => {
      const g = this.gather([r], false).facts;
      return g.cipher || g.tink || g.jetpack;
    });
    const cryptoApplies = viaCipher || producerCrypto || (opaque && (facts.cipher || facts.tink || facts.jetpack));

    if (cryptoApplies || store.kind === 'sqlite') {
      if (store.kind === 'sqlite' && facts.sqlcipher) return { kind: 'sqlcipher', effective: true, deprecated: false, detail: 'the database is opened with SQLCipher', where: where.get('sqlcipher') };
    }
    if (cryptoApplies) {
      if (facts.tink) return { kind: 'tink', effective: true, deprecated: false, detail: 'encrypted with Tink', where: where.get('tink') };
      if (facts.jetpack && !facts.cipher) {
        return { kind: 'encrypted-shared-preferences', effective: true, deprecated: true, detail: 'encrypted with androidx security-crypto (deprecated library)', where: where.get('jetpack') };
      }
      if (facts.keystore) return { kind: 'keystore', effective: true, deprecated: false, detail: 'encrypted with a key kept in the Android Keystore', where: where.get('keystore') };
      if (facts.hardcoded) {
        return { kind: 'hardcoded-key', effective: false, deprecated: false, detail: `encrypted with a hardcoded key (${facts.hardcoded}): anyone with the APK can decrypt it`, where: where.get('hardcoded') };
      }
      if (facts.derived) return { kind: 'derived-key', effective: true, deprecated: false, detail: 'encrypted with a key derived by SecretKeyFactory (e.g. PBKDF2 from a user secret)', where: where.get('derived') };
      return {
        kind: 'untraced-key',
        effective: false,
        deprecated: false,
        detail: 'encrypted with a javax.crypto Cipher whose key does not come from the Android Keystore (its origin could not be traced)',
        where: where.get('cipher'),
      };
    }
    if (viaDigest) return { kind: 'hash', effective: true, deprecated: false, detail: 'only a hash (MessageDigest/Mac) of the value is stored' };
    if (viaEncoding) return { kind: 'encoding', effective: false, deprecated: false, detail: 'only encoded (Base64/hex), which is not encryption' };
    return { kind: 'none', effective: false, deprecated: false, detail: 'stored in plaintext' };
  }

  // ---------------------------------------------------------------- session

  session(key: string | null, keyFrom: StorageWrite['keyFrom'], value: ValueOrigin, extra?: string | null): SessionMatch | null {
    if (key !== null && keyFrom !== 'unknown') {
      const label = keyFrom === 'concat' ? key.replace(/\*/g, ' ') : key;
      const m = fromKeyMatch(classifyKey(label, this.extra), 'key');
      if (m) return m;
    }
    if (extra) {
      const m = fromKeyMatch(classifyKey(extra, this.extra), 'key');
      if (m) return m;
    }
    return originSession(value, this.extra);
  }

  // ---------------------------------------------------------------- collectors

  addWrite(w: Omit<StorageWrite, 'session' | 'protection'>, site: CallSite, extraLabel: string | null = null): StorageWrite {
    const session = this.session(w.key, w.keyFrom, w.value, extraLabel);
    const protection = this.protection(site, w.value, w.store);
    const out: StorageWrite = { ...w, session, protection };
    this.writes.push(out);
    return out;
  }

  /**
   * For a write inside a helper whose key or value is a parameter, the helper's callers with
   * their arguments; empty when not a helper (or too many callers to be one).
   */
  helperCalls(site: CallSite, keyOrigin: ValueOrigin | null, valueOrigin: ValueOrigin): { caller: CallSite; key: ValueOrigin | null; value: ValueOrigin; keyArg: number | null; valueArg: number | null }[] {
    const keyParam = keyOrigin?.kind === 'parameter' ? Number(keyOrigin.text) : null;
    const valueParam = valueOrigin.kind === 'parameter' ? Number(valueOrigin.text) : null;
    if (keyParam === null && valueParam === null) return [];
    if (!this.code.classByName(site.caller.class)) return [];
    const m = this.code.method(site.caller.class, site.caller.name, site.caller.proto);
    if (!m) return [];
    const shift = (m.accessFlags & ACC_STATIC) !== 0 ? 0 : 1;
    const callers = this.code.callsTo(methodRefOf(site.caller));
    if (callers.length === 0 || callers.length > 64) return [];
    return callers.map((c) => ({
      caller: c,
      key: keyParam !== null ? this.trace(c, keyParam + shift, 1) : null,
      value: valueParam !== null ? this.trace(c, valueParam + shift, 1) : valueOrigin,
      keyArg: keyParam !== null ? keyParam + shift : null,
      valueArg: valueParam !== null ? valueParam + shift : null,
    }));
  }

  collectPrefs(): void {
    for (const [name, type] of PUTS) {
      for (const s of this.code.callsTo(`${EDITOR}->${name}`, { subtypes: true })) {
        if (s.args.length < 3) continue;
        const store = this.editorStore(s) ?? this.prefsStore(null, 'unknown', null);
        const k = this.keyOf(s, 1);
        const value = this.trace(s, 2);
        if ((value.kind === 'null' || (value.kind === 'const' && value.text === '')) && (type === 'string' || type === 'string-set')) {
          this.removals.push({ kind: 'overwrite-empty', storeKind: 'shared-prefs', store, key: k.key, api: `SharedPreferences.Editor.${name}`, at: point(s) });
          continue;
        }
        const helper = k.key === null || value.kind === 'parameter' ? this.helperCalls(s, k.origin, value) : [];
        if (helper.length > 0) {
          for (const h of helper) {
            const hk = h.keyArg !== null ? this.keyOf(h.caller, h.keyArg) : k;
            this.addWrite(
              { store, api: `SharedPreferences.Editor.${name}`, at: point(h.caller), via: point(s), key: hk.key, keyFrom: hk.from, keyResource: hk.resource, value: h.value, valueType: type },
              h.caller,
            );
          }
          continue;
        }
        this.addWrite({ store, api: `SharedPreferences.Editor.${name}`, at: point(s), key: k.key, keyFrom: k.from, keyResource: k.resource, value, valueType: type }, s);
      }
    }
    for (const s of this.code.callsTo(`${EDITOR}->remove`, { subtypes: true })) {
      const store = this.editorStore(s);
      const k = this.keyOf(s, 1);
      const helper = k.key === null ? this.helperCalls(s, k.origin, UNKNOWN_ORIGIN) : [];
      if (helper.length > 0) {
        for (const h of helper) {
          const hk = this.keyOf(h.caller, h.keyArg ?? 1);
          this.removals.push({ kind: 'remove-key', storeKind: 'shared-prefs', store, key: hk.key, api: 'SharedPreferences.Editor.remove', at: point(h.caller) });
        }
      } else this.removals.push({ kind: 'remove-key', storeKind: 'shared-prefs', store, key: k.key, api: 'SharedPreferences.Editor.remove', at: point(s) });
    }
    for (const s of this.code.callsTo(`${EDITOR}->clear`, { subtypes: true })) {
      this.removals.push({ kind: 'clear-store', storeKind: 'shared-prefs', store: this.editorStore(s), key: null, api: 'SharedPreferences.Editor.clear', at: point(s) });
    }
    for (const s of this.code.callsTo('*->deleteSharedPreferences(Ljava/lang/String;)Z')) {
      const k = this.keyOf(s, 1);
      this.removals.push({ kind: 'delete-store', storeKind: 'shared-prefs', store: this.prefsStore(k.key, k.key ? 'const' : 'unknown', null), key: null, api: 'Context.deleteSharedPreferences', at: point(s) });
    }
  }

  collectDataStore(): void {
    const names = new Set<string>();
    for (const ref of ['*->preferencesDataStore', '*->preferencesDataStore$default', 'Landroidx/datastore/preferences/core/PreferenceDataStoreFactory;->create']) {
      for (const s of this.code.callsTo(ref)) {
        for (const a of s.args) if (a.kind === 'string') names.add(a.value);
      }
    }
    const dsName = names.size === 1 ? [...names][0]! : null;
    const store: Store = {
      kind: 'datastore',
      name: dsName,
      nameFrom: dsName ? 'const' : 'unknown',
      mode: null,
      area: 'private',
      encryptedBy: null,
      backup: dsName ? { domain: 'file', path: `datastore/${dsName}.preferences_pb` } : null,
      id: `datastore:${dsName ?? '?'}`,
    };
    for (const [name, type] of DATASTORE_KEYS) {
      for (const s of this.code.callsTo(`*->${name}`)) {
        if (s.invokeKind !== 'static') continue;
        const k = this.keyOf(s, 0);
        if (k.key === null) continue;
        this.addWrite({ store, api: `DataStore ${name}`, at: point(s), key: k.key, keyFrom: k.from, keyResource: k.resource, value: UNKNOWN_ORIGIN, valueType: type }, s);
      }
    }
    for (const ref of ['Landroidx/datastore/preferences/core/MutablePreferences;->remove', 'Landroidx/datastore/preferences/core/MutablePreferences;->clear']) {
      for (const s of this.code.callsTo(ref)) {
        const clear = ref.endsWith('clear');
        this.removals.push({ kind: clear ? 'clear-store' : 'remove-key', storeKind: 'datastore', store, key: null, api: clear ? 'MutablePreferences.clear' : 'MutablePreferences.remove', at: point(s) });
      }
    }
  }

  collectSqlite(): void {
    // Database names per class (SQLiteOpenHelper subclasses, openOrCreateDatabase callers, Room).
    const dbByClass = new Map<string, string>();
    const dbStore = (name: string | null, mode: number | null, encrypted: boolean): Store => ({
      kind: 'sqlite',
      name,
      nameFrom: name ? 'const' : 'unknown',
      mode,
      area: 'private',
      encryptedBy: encrypted ? 'sqlcipher' : null,
      backup: name ? { domain: 'database', path: name } : null,
      id: `sqlite:${name ?? '?'}`,
    });
    for (const helper of ['Landroid/database/sqlite/SQLiteOpenHelper;-><init>', 'Lnet/sqlcipher/database/SQLiteOpenHelper;-><init>', 'Landroidx/sqlite/db/SupportSQLiteOpenHelper$Configuration;->builder']) {
      for (const s of this.code.callsTo(helper)) {
        const n = s.args.find((a) => a.kind === 'string');
        if (n && n.kind === 'string') dbByClass.set(s.caller.class, n.value);
      }
    }
    for (const s of this.code.callsTo('Landroidx/room/Room;->databaseBuilder')) {
      const n = s.args[2];
      if (n && n.kind === 'string') dbByClass.set(s.caller.class, n.value);
    }
    for (const s of this.code.callsTo('*->openOrCreateDatabase')) {
      const p = parseRef(s.target);
      const isStatic = s.invokeKind === 'static';
      const nameArg = isStatic ? 0 : 1;
      const o = this.trace(s, nameArg);
      const name = o.kind === 'const' ? o.text.slice(o.text.lastIndexOf('/') + 1) : null;
      if (name) dbByClass.set(s.caller.class, name);
      const m = !isStatic && p.params[1] === 'I' ? s.args[2] : undefined;
      if (m && m.kind === 'int' && typeof m.value === 'number') {
        this.opens.push({ api: 'Context.openOrCreateDatabase', at: point(s), store: dbStore(name, m.value, p.cls.includes('sqlcipher')), mode: m.value });
      }
    }
    const dbOf = (cls: string): string | null => {
      const direct = dbByClass.get(cls);
      if (direct) return direct;
      const dollar = cls.indexOf('$');
      if (dollar > 0) {
        const outer = `${cls.slice(0, dollar)};`;
        if (dbByClass.has(outer)) return dbByClass.get(outer)!;
        for (const [c, n] of dbByClass) if (c.startsWith(`${cls.slice(0, dollar)}$`)) return n;
      }
      for (const [c, n] of dbByClass) if (c.startsWith(`${cls.slice(0, -1)}$`)) return n;
      return null;
    };
    const sqlcipherIn = (site: CallSite): boolean => this.gather([methodRefOf(site.caller)], true).facts.sqlcipher;

    // SQL text: one pass over the const-strings.
    const SQL = /^\s*(create\s+(?:temp(?:orary)?\s+)?table|insert\s+(?:or\s+\w+\s+)?into|replace\s+into|update\s+(?:or\s+\w+\s+)?[`"\[]?\w+[`"\]]?\s+set|delete\s+from|drop\s+table)\b/i;
    const statements = this.code.stringSites((s) => s.length < 4000 && SQL.test(s));
    const pending: { sql: ParsedSql; site: CallSite | null; at: CodePoint }[] = [];
    for (const { value, sites } of statements) {
      const sql = parseSql(value);
      if (!sql) continue;
      for (const ss of sites) {
        const at: CodePoint = { dex: ss.dex, class: ss.caller.class, method: ss.caller.name, proto: ss.caller.proto, pc: ss.pc };
        if (sql.op === 'create') this.tables.push({ name: sql.table, columns: sql.columns, database: dbOf(ss.caller.class), at });
        else pending.push({ sql, site: null, at });
      }
    }
    const tableCols = new Map<string, string[]>();
    for (const t of this.tables) if (!tableCols.has(t.name.toLowerCase())) tableCols.set(t.name.toLowerCase(), t.columns);
    const tableDb = new Map<string, string | null>();
    for (const t of this.tables) if (!tableDb.has(t.name.toLowerCase()) || tableDb.get(t.name.toLowerCase()) === null) tableDb.set(t.name.toLowerCase(), t.database);
    const written = new Set<string>();
    const fakeSite = (at: CodePoint): CallSite => ({ dex: at.dex, caller: { class: at.class, name: at.method, proto: at.proto }, target: '', invokeKind: 'static', pc: at.pc, args: [] });
    for (const { sql, at } of pending) {
      const db = tableDb.get(sql.table.toLowerCase()) ?? dbOf(at.class);
      const store = dbStore(db ?? null, null, false);
      if (sql.op === 'delete' || sql.op === 'drop') {
        this.removals.push({ kind: sql.op === 'drop' ? 'delete-store' : 'clear-store', storeKind: 'sqlite', store, key: sql.table, api: sql.op === 'drop' ? 'DROP TABLE' : 'DELETE FROM', at });
        continue;
      }
      const cols = sql.columns.length > 0 ? sql.columns : (tableCols.get(sql.table.toLowerCase()) ?? []);
      const site = fakeSite(at);
      const enc = sqlcipherIn(site);
      for (const c of cols) {
        const w = this.addWrite(
          { store: enc ? { ...store, encryptedBy: 'sqlcipher' } : store, api: sql.op === 'update' ? 'SQL UPDATE' : 'SQL INSERT', at, key: c, keyFrom: 'sql-column', table: sql.table, value: UNKNOWN_ORIGIN, valueType: 'string' },
          site,
        );
        if (w.session) written.add(sql.table.toLowerCase());
      }
    }
    // SQLiteDatabase.insert/update/replace with the ContentValues keys of the same method.
    for (const dbCls of SQLITE_DBS) {
      for (const op of ['insert', 'insertOrThrow', 'insertWithOnConflict', 'replace', 'replaceOrThrow', 'update', 'updateWithOnConflict']) {
        for (const s of this.code.callsTo(`${dbCls}->${op}`)) {
          const t = s.args[1];
          const table = t && t.kind === 'string' ? t.value : null;
          const db = (table ? tableDb.get(table.toLowerCase()) : null) ?? dbOf(s.caller.class);
          const enc = dbCls !== SQLITE_DBS[0] || sqlcipherIn(s);
          const store = dbStore(db ?? null, null, enc);
          for (const put of this.sites.in(s.caller, 'Landroid/content/ContentValues;->put')) {
            if (put.pc > s.pc) break;
            const k = this.keyOf(put, 1);
            if (k.key === null) continue;
            const vt = parseRef(put.target).params[1];
            const valueType: ValueType = vt === 'Ljava/lang/String;' ? 'string' : vt === '[B' ? 'bytes' : 'unknown';
            const value = this.trace(put, 2);
            if (value.kind === 'null') continue;
            this.addWrite({ store, api: `SQLiteDatabase.${op}`, at: point(put), key: k.key, keyFrom: k.from, keyResource: k.resource, table: table ?? undefined, value, valueType }, put);
          }
        }
      }
      for (const s of this.code.callsTo(`${dbCls}->delete`)) {
        const t = s.args[1];
        const table = t && t.kind === 'string' ? t.value : null;
        const db = (table ? tableDb.get(table.toLowerCase()) : null) ?? dbOf(s.caller.class);
        this.removals.push({ kind: 'clear-store', storeKind: 'sqlite', store: dbStore(db ?? null, null, false), key: table, api: 'SQLiteDatabase.delete', at: point(s) });
      }
    }
    // A table with a session column that nothing visibly writes: the schema is the evidence.
    for (const t of this.tables) {
      if (written.has(t.name.toLowerCase())) continue;
      if (!t.columns.some((c) => classifyKey(c, this.extra))) continue;
      const site = fakeSite(t.at);
      const enc = sqlcipherIn(site);
      const store = dbStore(t.database, null, enc);
      for (const c of t.columns) {
        const w = this.addWrite({ store, api: 'SQL CREATE TABLE', at: t.at, key: c, keyFrom: 'sql-column', table: t.name, value: UNKNOWN_ORIGIN, valueType: 'string' }, site);
        if (!w.session) this.writes.pop();
      }
    }
    for (const s of this.code.callsTo('*->deleteDatabase(Ljava/lang/String;)Z')) {
      const k = this.keyOf(s, 1);
      this.removals.push({ kind: 'delete-store', storeKind: 'sqlite', store: dbStore(k.key, null, false), key: null, api: 'Context.deleteDatabase', at: point(s) });
    }
  }

  /** The file a File/String path value names: area and name. */
  fileOf(o: ValueOrigin): { area: FileArea; name: string | null } {
    let area: FileArea = 'unknown';
    const names: string[] = [];
    const visit = (x: ValueOrigin, depth: number): void => {
      if (depth > 8) return;
      if (x.kind === 'call') {
        const p = parseRef(x.text);
        const a = DIRS[p.name];
        if (a && area === 'unknown') area = a;
        if (p.name === 'createTempFile' && area === 'unknown') area = 'cache';
        return;
      }
      if (x.kind === 'field') {
        if (/->dataDir:/.test(x.text) && area === 'unknown') area = 'data';
        return;
      }
      if (x.kind === 'const') {
        const t = x.text;
        if (area === 'unknown') {
          if (/^\/(sdcard|mnt\/sdcard|storage\/|mnt\/extSdCard)/.test(t)) area = 'external-public';
          else if (/^\/data\/(data|user\/\d+)\//.test(t)) area = 'data';
        }
        names.push(t);
        return;
      }
      for (const p of x.parts ?? []) visit(p, depth + 1);
    };
    visit(o, 0);
    let name: string | null = null;
    const joined = names.join('');
    if (joined) {
      const base = joined.split('/').filter(Boolean);
      name = base.length > 0 ? base[base.length - 1]! : null;
    }
    return { area, name };
  }

  fileStore(area: FileArea, name: string | null, mode: number | null, nameFrom: Store['nameFrom'] = name ? 'const' : 'unknown'): Store {
    let backup: Store['backup'] = null;
    if (name) {
      if (area === 'files') backup = { domain: 'file', path: name };
      else if (area === 'data') backup = { domain: 'root', path: name };
      else if (area === 'database') backup = { domain: 'database', path: name };
    }
    return { kind: 'file', name, nameFrom, mode, area, encryptedBy: null, backup, id: `file:${name ?? '?'}` };
  }

  /** What the method writes into files after `pc` (the writer calls of the same method). */
  private contentAfter(site: CallSite): ValueOrigin {
    const parts: ValueOrigin[] = [];
    for (const [ref, arg] of FILE_WRITERS) {
      for (const w of this.sites.in(site.caller, ref)) {
        if (w.pc <= site.pc || w.args.length <= arg) continue;
        const o = this.trace(w, arg);
        if (o.kind === 'number') continue;
        parts.push(o);
      }
    }
    if (parts.length === 0) return UNKNOWN_ORIGIN;
    if (parts.length === 1) return parts[0]!;
    return { kind: 'concat', text: 'concat', through: [], parts };
  }

  collectFiles(): void {
    const fileWrite = (site: CallSite, api: string, store: Store, content: ValueOrigin): void => {
      const nameLabel = store.name ? store.name.replace(/\.[A-Za-z0-9]{1,5}$/, '').replace(/\*/g, ' ') : null;
      this.addWrite({ store, api, at: point(site), key: null, keyFrom: 'none', value: content, valueType: 'string' }, site, nameLabel);
    };
    for (const s of this.code.callsTo('*->openFileOutput(Ljava/lang/String;I)Ljava/io/FileOutputStream;')) {
      const k = this.keyOf(s, 1);
      const m = s.args[2];
      const mode = m && m.kind === 'int' && typeof m.value === 'number' ? m.value : null;
      const store = this.fileStore('files', k.key, mode);
      if (mode !== null) this.opens.push({ api: 'Context.openFileOutput', at: point(s), store, mode });
      fileWrite(s, 'Context.openFileOutput', store, this.contentAfter(s));
    }
    for (const s of this.code.callsTo('*->getDir(Ljava/lang/String;I)Ljava/io/File;')) {
      const k = this.keyOf(s, 1);
      const m = s.args[2];
      if (m && m.kind === 'int' && typeof m.value === 'number') {
        this.opens.push({ api: 'Context.getDir', at: point(s), store: this.fileStore('app-dir', k.key ? `app_${k.key}` : null, m.value), mode: m.value });
      }
    }
    const opens: [ref: string, api: string][] = [
      ['Ljava/io/FileOutputStream;-><init>', 'FileOutputStream'],
      ['Ljava/io/FileWriter;-><init>', 'FileWriter'],
      ['Ljava/io/PrintWriter;-><init>', 'PrintWriter'],
      ['Ljava/io/PrintStream;-><init>', 'PrintStream'],
    ];
    for (const [ref, api] of opens) {
      for (const s of this.code.callsTo(ref)) {
        const t = parseRef(s.target).params[0];
        if (t !== 'Ljava/lang/String;' && t !== FILE) continue;
        const path = this.trace(s, 1);
        const f = this.fileOf(path);
        if (f.area === 'unknown' && f.name === null) continue;
        fileWrite(s, api, this.fileStore(f.area, f.name, null), this.contentAfter(s));
      }
    }
    for (const [ref, api] of [
      ['Lkotlin/io/FilesKt;->writeText', 'File.writeText'],
      ['Lkotlin/io/FilesKt;->writeBytes', 'File.writeBytes'],
      ['Lkotlin/io/FilesKt;->appendText', 'File.appendText'],
      ['Lkotlin/io/FilesKt__FileReadWriteKt;->writeText', 'File.writeText'],
      ['Ljava/nio/file/Files;->write', 'Files.write'],
      ['Ljava/nio/file/Files;->writeString', 'Files.writeString'],
    ] as const) {
      for (const s of this.code.callsTo(ref)) {
        const f = this.fileOf(this.trace(s, 0));
        fileWrite(s, api, this.fileStore(f.area, f.name, null), this.trace(s, 1));
      }
    }
    for (const s of this.code.callsTo(`${FILE}->createTempFile`)) {
      const pre = s.args[0];
      const suf = s.args[1];
      const prefix = pre && pre.kind === 'string' ? pre.value : '';
      const suffix = suf && suf.kind === 'string' ? suf.value : suf && suf.kind === 'int' && suf.value === 0 ? '.tmp' : '';
      const dir = s.args.length > 2 ? this.fileOf(this.trace(s, 2)).area : 'cache';
      const name = `${prefix}*${suffix}`;
      // The content is written where the temp file is used; the same method is the best guess.
      fileWrite(s, 'File.createTempFile', { ...this.fileStore(dir === 'unknown' ? 'cache' : dir, name, null), backup: null }, this.contentAfter(s));
    }
    for (const op of ['setReadable', 'setWritable', 'setExecutable']) {
      for (const s of this.code.callsTo(`${FILE}->${op}(ZZ)Z`)) {
        const flag = s.args[1];
        const owner = s.args[2];
        const world = !!flag && flag.kind === 'int' && flag.value !== 0 && !!owner && owner.kind === 'int' && owner.value === 0;
        const f = this.fileOf(this.trace(s, 0));
        this.permissions.push({ api: `File.${op}`, at: point(s), world, store: f.area === 'unknown' && !f.name ? null : this.fileStore(f.area, f.name, null) });
      }
    }
    for (const s of this.code.callsTo(`${FILE}->delete()Z`)) {
      const f = this.fileOf(this.trace(s, 0));
      this.removals.push({ kind: 'delete-store', storeKind: 'file', store: f.name ? this.fileStore(f.area, f.name, null) : null, key: null, api: 'File.delete', at: point(s) });
    }
    for (const ref of [`${FILE}->deleteOnExit`, 'Lkotlin/io/FilesKt;->deleteRecursively']) {
      for (const s of this.code.callsTo(ref)) this.removals.push({ kind: 'delete-store', storeKind: 'file', store: null, key: null, api: shortRef(s.target), at: point(s) });
    }
    for (const s of this.code.callsTo('*->deleteFile(Ljava/lang/String;)Z')) {
      const k = this.keyOf(s, 1);
      this.removals.push({ kind: 'delete-store', storeKind: 'file', store: k.key ? this.fileStore('files', k.key, null) : null, key: null, api: 'Context.deleteFile', at: point(s) });
    }
    for (const s of this.code.callsTo('Landroid/app/ActivityManager;->clearApplicationUserData()Z')) {
      this.removals.push({ kind: 'clear-app-data', storeKind: 'any', store: null, key: null, api: 'ActivityManager.clearApplicationUserData', at: point(s) });
    }
  }

  collectAccounts(): void {
    const store: Store = { kind: 'account-manager', name: 'accounts', nameFrom: 'fixed', mode: null, area: 'system', encryptedBy: null, backup: null, id: 'account-manager:accounts' };
    const write = (s: CallSite, api: string, key: string, valueArg: number, removal: boolean): void => {
      const value = this.trace(s, valueArg);
      if (value.kind === 'null') {
        if (removal) this.removals.push({ kind: 'overwrite-empty', storeKind: 'account-manager', store, key, api, at: point(s) });
        return;
      }
      this.addWrite({ store, api, at: point(s), key, keyFrom: 'fixed', value, valueType: 'string' }, s);
    };
    for (const s of this.code.callsTo(`${ACCOUNTS}->addAccountExplicitly`)) write(s, 'AccountManager.addAccountExplicitly', 'password', 2, false);
    for (const s of this.code.callsTo(`${ACCOUNTS}->setPassword`)) write(s, 'AccountManager.setPassword', 'password', 2, true);
    for (const s of this.code.callsTo(`${ACCOUNTS}->setAuthToken`)) {
      const t = s.args[2];
      write(s, 'AccountManager.setAuthToken', `authtoken${t && t.kind === 'string' ? `:${t.value}` : ''}`, 3, true);
    }
    for (const s of this.code.callsTo(`${ACCOUNTS}->setUserData`)) {
      const k = this.keyOf(s, 2);
      const value = this.trace(s, 3);
      if (value.kind === 'null') {
        this.removals.push({ kind: 'overwrite-empty', storeKind: 'account-manager', store, key: k.key, api: 'AccountManager.setUserData', at: point(s) });
        continue;
      }
      this.addWrite({ store, api: 'AccountManager.setUserData', at: point(s), key: k.key, keyFrom: k.from, value, valueType: 'string' }, s);
    }
    for (const op of ['removeAccount', 'removeAccountExplicitly', 'clearPassword', 'invalidateAuthToken']) {
      for (const s of this.code.callsTo(`${ACCOUNTS}->${op}`)) {
        this.removals.push({ kind: op === 'invalidateAuthToken' || op === 'clearPassword' ? 'remove-key' : 'delete-store', storeKind: 'account-manager', store, key: op === 'clearPassword' ? 'password' : op === 'invalidateAuthToken' ? 'authtoken' : null, api: `AccountManager.${op}`, at: point(s) });
      }
    }
  }

  sessionStores(): SessionStore[] {
    const byId = new Map<string, SessionStore>();
    for (const w of this.writes) {
      if (!w.session) continue;
      if (w.valueType === 'boolean' || w.valueType === 'float') continue;
      let s = byId.get(w.store.id);
      if (!s) byId.set(w.store.id, (s = { store: w.store, writes: [], keys: [] }));
      s.writes.push(w);
      const k = w.key ?? w.store.name ?? '?';
      if (!s.keys.includes(k)) s.keys.push(k);
    }
    return [...byId.values()];
  }
}

function simpleFieldLabel(ref: string): string {
  return fieldName(ref);
}

function isPlatformClass(cls: string): boolean {
  return /^L(android|java|javax|dalvik|kotlin|kotlinx|sun|libcore|org\/json|org\/xml|org\/w3c)\//.test(cls);
}

/** Every call the value went through, including inside concatenation parts. */
function allThrough(o: ValueOrigin): string[] {
  const out = [...o.through];
  for (const p of o.parts ?? []) out.push(...allThrough(p));
  return out;
}

/** App/library methods whose result the value is (or contains). */
function appProducers(o: ValueOrigin): string[] {
  const out: string[] = [];
  if (o.kind === 'call' && o.key === undefined) out.push(o.text);
  for (const p of o.parts ?? []) out.push(...appProducers(p));
  return out;
}

/** A value whose content cannot be seen here (so encryption elsewhere in the code path may have produced it). */
function isOpaque(o: ValueOrigin): boolean {
  switch (o.kind) {
    case 'field':
    case 'parameter':
    case 'unknown':
      return true;
    case 'call':
      return o.key === undefined && !isPlatformClass(parseRef(o.text).cls);
    case 'concat':
    case 'new':
      return (o.parts ?? []).some(isOpaque);
    default:
      return false;
  }
}

// ------------------------------------------------------------------------------------ SQL

interface ParsedSql {
  op: 'create' | 'insert' | 'update' | 'delete' | 'drop';
  table: string;
  columns: string[];
}

const IDENT = '[`"\\[]?([A-Za-z_][\\w$]*)[`"\\]]?';

/** The table and the columns a SQL statement creates or writes (enough for CREATE TABLE, INSERT, UPDATE, DELETE, DROP). */
export function parseSql(sql: string): ParsedSql | null {
  const s = sql.trim();
  let m = new RegExp(`^create\\s+(?:temp(?:orary)?\\s+)?table\\s+(?:if\\s+not\\s+exists\\s+)?(?:\\w+\\.)?${IDENT}\\s*\\(([\\s\\S]*)`, 'i').exec(s);
  if (m) {
    const body = m[2]!.replace(/\)\s*;?\s*$/, '');
    const cols: string[] = [];
    let depth = 0;
    let cur = '';
    for (const ch of body) {
      if (ch === '(') depth++;
      if (ch === ')') depth--;
      if (ch === ',' && depth === 0) {
        cols.push(cur);
        cur = '';
      } else cur += ch;
    }
    cols.push(cur);
    const names = cols
      .map((c) => c.trim())
      .filter((c) => c && !/^(primary|foreign|unique|check|constraint)\b/i.test(c))
      .map((c) => /^[`"\[]?([A-Za-z_][\w$]*)/.exec(c)?.[1])
      .filter((c): c is string => !!c);
    return { op: 'create', table: m[1]!, columns: names };
  }
  m = new RegExp(`^(?:insert\\s+(?:or\\s+\\w+\\s+)?|replace\\s+)into\\s+(?:\\w+\\.)?${IDENT}\\s*(\\(([^)]*)\\))?`, 'i').exec(s);
  if (m) {
    const cols = m[3] ? m[3].split(',').map((c) => c.trim().replace(/^[`"\[]|[`"\]]$/g, '')).filter(Boolean) : [];
    return { op: 'insert', table: m[1]!, columns: cols };
  }
  m = new RegExp(`^update\\s+(?:or\\s+\\w+\\s+)?${IDENT}\\s+set\\s+([\\s\\S]*?)(?:\\swhere\\s|$)`, 'i').exec(s);
  if (m) {
    const cols = [...m[2]!.matchAll(/[`"\[]?([A-Za-z_]\w*)[`"\]]?\s*=/g)].map((x) => x[1]!);
    return { op: 'update', table: m[1]!, columns: cols };
  }
  m = new RegExp(`^delete\\s+from\\s+${IDENT}`, 'i').exec(s);
  if (m) return { op: 'delete', table: m[1]!, columns: [] };
  m = new RegExp(`^drop\\s+table\\s+(?:if\\s+exists\\s+)?${IDENT}`, 'i').exec(s);
  if (m) return { op: 'drop', table: m[1]!, columns: [] };
  return null;
}

// ------------------------------------------------------------------------------------ entry points

const cache = new WeakMap<AppModel, Map<string, StorageModel>>();
const builders = new WeakMap<AppModel, Map<string, Builder>>();

function builderFor(app: AppModel, extra: readonly string[]): Builder {
  const k = JSON.stringify(extra);
  let m = builders.get(app);
  if (!m) builders.set(app, (m = new Map()));
  let b = m.get(k);
  if (!b) m.set(k, (b = new Builder(app, extra)));
  return b;
}

/**
 * The storage model of an app (built once per app and set of extra key patterns, then cached).
 * Never throws on odd code: what cannot be followed is left unknown.
 */
export function storageModel(app: AppModel, options: StorageOptions = {}): StorageModel {
  const extra = options.extraTokenPatterns ?? [];
  const k = JSON.stringify(extra);
  let m = cache.get(app);
  if (!m) cache.set(app, (m = new Map()));
  const hit = m.get(k);
  if (hit) return hit;
  const t0 = performance.now();
  const b = builderFor(app, extra);
  b.collectPrefsOpens();
  b.collectPrefs();
  b.collectDataStore();
  b.collectSqlite();
  b.collectFiles();
  b.collectAccounts();
  const model: StorageModel = {
    writes: b.writes,
    removals: b.removals,
    opens: b.opens,
    permissions: b.permissions,
    tables: b.tables,
    sessionStores: b.sessionStores(),
    timeMs: Math.round((performance.now() - t0) * 10) / 10,
  };
  m.set(k, model);
  return model;
}

/**
 * Where the value of argument `index` of a call comes from, traced inside the calling method
 * (the same tracing the storage model uses; token-logging uses it for log messages).
 */
export function traceArgument(app: AppModel, site: CallSite, index: number, options: StorageOptions = {}): ValueOrigin {
  return builderFor(app, options.extraTokenPatterns ?? []).trace(site, index);
}

/** Splits a session word check over text around a value: the identifier right before it ("token=" -> "token"). */
export function labelBefore(text: string): string | null {
  const m = /([A-Za-z][A-Za-z0-9_.-]*)[\s"'\[(]*[:=]?\s*["'\[(]?$/.exec(text);
  if (!m) return null;
  const w = words(m[1]!);
  return w.length > 0 ? m[1]! : null;
}

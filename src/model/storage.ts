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
 * How: the call-site index gives the entry points (callsTo of a few dozen APIs, answered from its
 * per-target tables: no per-method query). From each call site the model reads the calling
 * method's own instructions (scanned once per method, cached) and walks registers back to what
 * last wrote them, in linear code order like the index, but through loop heads and handlers too.
 *
 * Value origins are traced inside the method (see `traceArgument`): constants, results of calls
 * (through value-preserving calls such as toString/trim/getBytes and through Base64/Cipher/
 * MessageDigest/Tink Aead, which are recorded), fields, parameters (from the invoke's registers), text
 * typed into a view (`EditText.getText()` of `findViewById(R.id.x)` or of a view field),
 * keyed getters (`prefs.getString("k")`, `json.getString("k")`, `map.get("k")`, ...) and
 * StringBuilder/string-template concatenations. A write whose key or value is a parameter of a
 * small app helper (`Prefs.save(key, value)`) is re-attributed to each caller of the helper.
 *
 * Protection: encryption counts when it wraps the value on its way (Cipher.doFinal, an app
 * method that encrypts, the Cipher's IV), when the value is a field or an untraced value and the
 * writing method, the app methods it calls (two levels) or its class encrypt, or when the value is
 * a parameter and the callers encrypt. A Cipher is judged by its key: Android Keystore
 * (`"AndroidKeyStore"`, KeyGenParameterSpec) protects; a `SecretKeySpec` built from a constant
 * (const-string, static or constructor-set field, resource, a constant passed by the callers) does
 * not; a key derived with SecretKeyFactory (PBKDF2) protects; anything else is "key origin not
 * traced". Tink protects; EncryptedSharedPreferences/EncryptedFile protect but the androidx
 * security-crypto library is deprecated (1.1.0-alpha07, 2025); SQLCipher protects; Base64/hex
 * alone is encoding, not protection; a MessageDigest hash is not the secret itself. XOR
 * "encryption" is not recognised (it looks like no protection, which is what it is).
 * Protection is computed when a write's `protection` is first read.
 *
 * Session data: key, column and file names go through `classifyName` (session-data's classifyKey
 * minus media/installer/parser sessions, push-registration and pagination tokens, and names about a
 * session such as "session_start"); constants through classifyValue; null, numbers and flags are
 * never session data.
 *
 * Limits: values are followed in linear code order, so a value written only on the other arm of
 * an if/else may be reported; a store reached only through reflection, JNI, an obfuscated library
 * wrapper, a Kotlin `by lazy` holder or a long chain of helpers keeps an unknown name; DataStore
 * writes are seen through their key declarations only; Room entities only through the SQL text
 * Room generates; EncryptedFile writes are not seen as writes (no finding either way).
 */
import { ACC_STATIC, type DexClass, type DexFile } from '../apk/dex.js';
import { DEST_A16, DEST_A4, DEST_A8, OPCODE_DEST, OPCODE_DEST_WIDE, OPCODE_UNITS, payloadUnits } from '../apk/dex-opcodes.js';
import type { AppModel } from './app.js';
import type { CallSite, CodeIndex, MethodKey } from './code-index.js';
import { classifyKey, classifyValue, type SessionKind } from './session-data.js';

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

const PUTS: [name: string, type: ValueType, proto: string][] = [
  ['putString', 'string', `(Ljava/lang/String;Ljava/lang/String;)${EDITOR}`],
  ['putStringSet', 'string-set', `(Ljava/lang/String;Ljava/util/Set;)${EDITOR}`],
  ['putInt', 'int', `(Ljava/lang/String;I)${EDITOR}`],
  ['putLong', 'long', `(Ljava/lang/String;J)${EDITOR}`],
  ['putBoolean', 'boolean', `(Ljava/lang/String;Z)${EDITOR}`],
  ['putFloat', 'float', `(Ljava/lang/String;F)${EDITOR}`],
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
  ['Lcom/google/crypto/tink/Aead;->encrypt', 1],
  ['Lcom/google/crypto/tink/DeterministicAead;->encryptDeterministically', 1],
  ['Lcom/google/crypto/tink/StreamingAead;->newEncryptingStream', 1],
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

/**
 * Names that use the session words for something else: media/audio/cast sessions and their
 * tokens, package-installer and camera capture sessions, parser/lexer tokens.
 */
const OTHER_SESSIONS = /audio|media|playback|cast|capture|camera|install|tts|speech|voice|video|player|router|xpath|xml|parser|lexer|tokeniz|scanner|grammar|syntax|wifi|bluetooth|nfc|usb/i;

/** Types a secret value can have (a String, its bytes or chars, or an untyped Object). */
const VALUE_TYPES = new Set(['Ljava/lang/String;', 'Ljava/lang/CharSequence;', '[B', '[C', 'Ljava/lang/Object;', 'Landroid/text/Editable;', 'Ljava/lang/StringBuilder;']);

/**
 * Tokens that are not credentials: push/messaging registration tokens, pagination and sync
 * cursors, captcha results. Storing or logging them is not a session flaw.
 */
const NOT_AUTH_TOKENS = /push|fcm|gcm|firebase|notif|messaging|registration|onesignal|apns|pusher|page|paging|sync|continuation|cursor|captcha/i;
/** Trailing words that make a session word describe something about the session, not the secret. */
const ABOUT_SESSION = new Set(['start', 'end', 'started', 'ended', 'duration', 'version', 'index', 'position', 'size', 'dir', 'path', 'level', 'limit', 'key', 'keys', 'alias']);

/**
 * classifyKey for a name seen in code (a stored key, a getter, field or view name, a log label),
 * minus names of other kinds of sessions (media, installer, parser tokens), non-credential tokens
 * (push registration, pagination) and names about a session rather than of it ("session_start").
 * Extra patterns from the configuration always win.
 */
export function classifyName(name: string, extra: readonly string[] = []): ReturnType<typeof classifyKey> {
  const m = classifyKey(name, extra);
  if (!m) return null;
  if (m.word === name && extra.some((p) => safeTest(p, name))) return m;
  if (OTHER_SESSIONS.test(name)) return null;
  if (m.kind === 'token' && NOT_AUTH_TOKENS.test(name)) return null;
  const w = name.split(/[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])/).filter(Boolean);
  const last = (w[w.length - 1] ?? '').toLowerCase();
  if (w.length > 1 && ABOUT_SESSION.has(last)) return null;
  return m;
}

function safeTest(pattern: string, name: string): boolean {
  try {
    return new RegExp(pattern, 'i').test(name);
  } catch {
    return false;
  }
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
      if (o.key !== undefined) return fromKeyMatch(classifyName(o.key, extra), 'origin');
      const p = parseRef(o.text);
      if (p.cls.startsWith('Ljava/') || p.cls.startsWith('Lkotlin/') || p.cls.startsWith('Landroid/widget/') || p.cls.startsWith('Landroid/text/')) return null;
      if (!VALUE_TYPES.has(o.text.slice(o.text.lastIndexOf(')') + 1))) return null;
      if (OTHER_SESSIONS.test(simpleClassName(p.cls))) return null;
      return fromKeyMatch(classifyName(p.name, extra), 'origin');
    }
    case 'field': {
      if (!VALUE_TYPES.has(fieldType(o.text))) return null;
      if (OTHER_SESSIONS.test(simpleClassName(o.text.slice(0, o.text.indexOf('->'))))) return null;
      return fromKeyMatch(classifyName(fieldName(o.text), extra), 'origin');
    }
    case 'input':
      return fromKeyMatch(classifyName(o.text.replace(/^id\//, ''), extra), 'origin');
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

// ------------------------------------------------------------------------------------ method code

/** One method's code, scanned once: instruction starts, register writes, invokes and const-strings. */
interface MCode {
  dex: DexFile;
  key: MethodKey;
  /** "Lx;->m(..)R" */
  ref: string;
  insns: Uint16Array;
  registersSize: number;
  insSize: number;
  isStatic: boolean;
  /** Instruction start pcs in linear order (payloads skipped); a wide write appears twice (vA, vA+1). */
  starts: Int32Array;
  /** Register each instruction writes (-1 none). */
  dest: Int32Array;
  /** For moves: the source register (-1 otherwise). */
  src: Int32Array;
  /** invoke instructions: pc; method id (call_site id for invoke-custom). */
  invokePc: Int32Array;
  invokeIdx: Int32Array;
  /** const-string instructions: pc and string id. */
  constPc: Int32Array;
  constIdx: Int32Array;
}

/** A decoded invoke instruction. */
interface Invoke {
  m: MCode;
  pc: number;
  /** Full method ref, or "call_site@N". */
  target: string;
  static: boolean;
  /** Register of each logical argument (receiver first for non-static calls). */
  regs: number[];
  /** Parameter types of the target, receiver excluded. */
  params: string[];
}

/** Where the value in a register at a point comes from (one step back). */
type Source =
  | { kind: 'invoke'; inv: Invoke }
  | { kind: 'string'; value: string }
  | { kind: 'int'; value: number }
  | { kind: 'class'; type: string }
  | { kind: 'new'; type: string; pc: number; reg: number }
  | { kind: 'field'; ref: string; static: boolean }
  | { kind: 'param'; index: number }
  | { kind: 'unknown' };

const INVOKE_35C = (op: number): boolean => (op >= 0x6e && op <= 0x72) || op === 0xfa || op === 0xfc;
const INVOKE_3RC = (op: number): boolean => (op >= 0x74 && op <= 0x78) || op === 0xfb || op === 0xfd;

function scanCode(dex: DexFile, key: MethodKey, U: Uint16Array, registersSize: number, insSize: number, isStatic: boolean): MCode {
  const starts: number[] = [];
  const dest: number[] = [];
  const src: number[] = [];
  const invokePc: number[] = [];
  const invokeIdx: number[] = [];
  const constPc: number[] = [];
  const constIdx: number[] = [];
  let p = 0;
  const end = U.length;
  while (p < end) {
    const w = U[p];
    const op = w & 0xff;
    if (op === 0 && w !== 0) {
      const pu = payloadUnits(U, p, end);
      if (pu > 0) {
        p += pu;
        continue;
      }
      if (pu < 0) break;
    }
    const len = OPCODE_UNITS[op];
    if (len === 0 || p + len > end) break;
    if (INVOKE_35C(op) || INVOKE_3RC(op)) {
      invokePc.push(p);
      invokeIdx.push(U[p + 1]);
    } else if (op === 0x1a) {
      constPc.push(p);
      constIdx.push(U[p + 1]);
    } else if (op === 0x1b) {
      constPc.push(p);
      constIdx.push(U[p + 1] | (U[p + 2] << 16));
    }
    const dk = OPCODE_DEST[op];
    let a = -1;
    let b = -1;
    if (dk !== 0 && op !== 0x1f) {
      a = dk === DEST_A4 ? (w >> 8) & 15 : dk === DEST_A8 ? w >> 8 : dk === DEST_A16 ? U[p + 1] : -1;
      if (op >= 0x01 && op <= 0x09) {
        const f = (op - 1) % 3;
        b = f === 0 ? w >> 12 : f === 1 ? U[p + 1] : U[p + 2];
      }
    }
    starts.push(p);
    dest.push(a);
    src.push(b);
    if (a >= 0 && OPCODE_DEST_WIDE[op] === 1) {
      starts.push(p);
      dest.push(a + 1);
      src.push(-1);
    }
    p += len;
  }
  return {
    dex,
    key,
    ref: `${key.class}->${key.name}${key.proto}`,
    insns: U,
    registersSize,
    insSize,
    isStatic,
    starts: Int32Array.from(starts),
    dest: Int32Array.from(dest),
    src: Int32Array.from(src),
    invokePc: Int32Array.from(invokePc),
    invokeIdx: Int32Array.from(invokeIdx),
    constPc: Int32Array.from(constPc),
    constIdx: Int32Array.from(constIdx),
  };
}

/**
 * Classes and methods looked up by descriptor without decoding every class name (a binary
 * search in the sorted string and type tables, then a type-index -> class_def table per dex),
 * and method code scanned on demand and cached. The first dex that defines a class wins, as
 * for the runtime.
 */
class Methods {
  private readonly byType: Int32Array[];
  private readonly codes = new Map<string, MCode | null>();

  constructor(readonly dexes: readonly DexFile[]) {
    this.byType = dexes.map((d) => {
      const t = new Int32Array(d.header.typeIdsSize).fill(-1);
      d.classes.forEach((c, i) => {
        if (c.classIdx < t.length && t[c.classIdx] < 0) t[c.classIdx] = i;
      });
      return t;
    });
  }

  private typeId(d: DexFile, desc: string): number {
    const s = d.stringIndex(desc);
    if (s < 0) return -1;
    const types = d.typeDescriptorIdx;
    let lo = 0;
    let hi = types.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = types[mid];
      if (v === s) return mid;
      if (v < s) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  private readonly classCache = new Map<string, { dex: DexFile; cls: DexClass } | null>();

  classOf(desc: string, dexName?: string): { dex: DexFile; cls: DexClass } | null {
    const id = dexName === undefined ? desc : `${dexName}|${desc}`;
    let hit = this.classCache.get(id);
    if (hit === undefined) {
      hit = this.findClass(desc, dexName);
      if (this.classCache.size > 100_000) this.classCache.clear();
      this.classCache.set(id, hit);
    }
    return hit;
  }

  private findClass(desc: string, dexName?: string): { dex: DexFile; cls: DexClass } | null {
    for (let i = 0; i < this.dexes.length; i++) {
      const d = this.dexes[i]!;
      if (dexName !== undefined && d.file !== dexName) continue;
      const t = this.typeId(d, desc);
      if (t < 0) continue;
      const c = this.byType[i]![t];
      if (c >= 0) return { dex: d, cls: d.classes[c]! };
    }
    return null;
  }

  /** Whether the app's dex files define the class (app or bundled library code, not the platform). */
  defines(desc: string): boolean {
    return this.classOf(desc) !== null;
  }

  /** The methods a class defines, as refs. */
  methodsOf(desc: string): string[] {
    const hit = this.classOf(desc);
    if (!hit) return [];
    const { dex, cls } = hit;
    const out: string[] = [];
    for (let s = cls.methodStart; s < cls.methodEnd; s++) {
      const mi = dex.methodSlotIdx[s];
      out.push(`${desc}->${dex.methodName(mi)}${dex.protoString(dex.methodProtoIdx[mi])}`);
    }
    return out;
  }

  /** The method slot of name+proto in a class (names compared by string id, protos only for same-name methods), or -1. */
  private slotOf(dex: DexFile, cls: DexClass, name: string, proto: string): number {
    const nameIdx = dex.stringIndex(name);
    if (nameIdx < 0) return -1;
    for (let s = cls.methodStart; s < cls.methodEnd; s++) {
      const mi = dex.methodSlotIdx[s];
      if (dex.methodNameIdx[mi] !== nameIdx) continue;
      if (dex.protoString(dex.methodProtoIdx[mi]) === proto) return s;
    }
    return -1;
  }

  /** The code of a method given as a full ref (in the dex that defines it, or in `dexName`). */
  code(ref: string, dexName?: string): MCode | null {
    const id = dexName ? `${dexName}|${ref}` : ref;
    const cached = this.codes.get(id);
    if (cached !== undefined) return cached;
    let out: MCode | null = null;
    const arrow = ref.indexOf('->');
    const desc = ref.slice(0, arrow);
    const hit = this.classOf(desc, dexName);
    if (hit) {
      const { dex, cls } = hit;
      const open = ref.indexOf('(', arrow);
      const name = ref.slice(arrow + 2, open);
      const proto = ref.slice(open);
      const s = open < 0 ? -1 : this.slotOf(dex, cls, name, proto);
      if (s >= 0) {
        const ci = dex.codeItem(dex.methodSlotCodeOff[s]);
        if (ci) {
          const key: MethodKey = { class: desc, name, proto };
          out = scanCode(dex, key, ci.insns, ci.registersSize, ci.insSize, (dex.methodSlotAccess[s] & ACC_STATIC) !== 0);
        }
      }
    }
    if (this.codes.size > 50_000) this.codes.clear();
    this.codes.set(id, out);
    return out;
  }

  codeOfSite(site: CallSite): MCode | null {
    return this.code(methodRefOf(site.caller), site.dex);
  }

  invokeAt(m: MCode, pc: number): Invoke | null {
    if (pc < 0 || pc + 2 >= m.insns.length) return null;
    const w0 = m.insns[pc];
    const op = w0 & 0xff;
    const raw: number[] = [];
    if (INVOKE_35C(op)) {
      const n = w0 >> 12;
      const w2 = m.insns[pc + 2];
      const list = [w2 & 0xf, (w2 >> 4) & 0xf, (w2 >> 8) & 0xf, (w2 >> 12) & 0xf, (w0 >> 8) & 0xf];
      for (let i = 0; i < n && i < 5; i++) raw.push(list[i]);
    } else if (INVOKE_3RC(op)) {
      const n = w0 >> 8;
      const first = m.insns[pc + 2];
      for (let i = 0; i < n; i++) raw.push(first + i);
    } else return null;
    const idx = m.insns[pc + 1];
    const custom = op === 0xfc || op === 0xfd;
    const target = custom ? `call_site@${idx}` : idx < m.dex.header.methodIdsSize ? m.dex.methodRef(idx) : `<invalid method #${idx}>`;
    const isStatic = op === 0x71 || op === 0x77 || custom;
    const params = custom ? raw.map(() => 'Ljava/lang/Object;') : parseRef(target).params;
    const regs: number[] = [];
    let w = 0;
    if (!isStatic) {
      regs.push(raw[0] ?? -1);
      w = 1;
    }
    for (const t of params) {
      regs.push(raw[w] ?? -1);
      w += t === 'J' || t === 'D' ? 2 : 1;
    }
    return { m, pc, target, static: isStatic, regs, params };
  }

  /** Per dex: a wanted target (ref or ref without proto) as class type id + name string id, or null when the dex has neither. */
  private readonly wanted = new Map<string, { t: number; n: number; proto: string | null } | null>();

  private want(d: DexFile, target: string): { t: number; n: number; proto: string | null } | null {
    const id = `${d.file}|${target}`;
    let w = this.wanted.get(id);
    if (w === undefined) {
      const arrow = target.indexOf('->');
      const open = target.indexOf('(', arrow);
      const t = this.typeId(d, target.slice(0, arrow));
      const n = d.stringIndex(open < 0 ? target.slice(arrow + 2) : target.slice(arrow + 2, open));
      w = t < 0 || n < 0 ? null : { t, n, proto: open < 0 ? null : target.slice(open) };
      this.wanted.set(id, w);
    }
    return w;
  }

  /** Invokes in the method of `target` (a full ref, or a ref without proto for every overload), in code order. */
  invokesIn(m: MCode, target: string): Invoke[] {
    const out: Invoke[] = [];
    const d = m.dex;
    const w = this.want(d, target);
    if (!w) return out;
    for (let i = 0; i < m.invokePc.length; i++) {
      const op = m.insns[m.invokePc[i]] & 0xff;
      if (op === 0xfc || op === 0xfd) continue;
      const idx = m.invokeIdx[i];
      if (idx >= d.header.methodIdsSize || d.methodClassIdx[idx] !== w.t || d.methodNameIdx[idx] !== w.n) continue;
      if (w.proto !== null && d.protoString(d.methodProtoIdx[idx]) !== w.proto) continue;
      const inv = this.invokeAt(m, m.invokePc[i]);
      if (inv) out.push(inv);
    }
    return out;
  }

  /** Targets of every invoke in the method (unique). */
  targetsOf(m: MCode): string[] {
    const out = new Set<string>();
    for (let i = 0; i < m.invokePc.length; i++) {
      const op = m.insns[m.invokePc[i]] & 0xff;
      if (op === 0xfc || op === 0xfd) continue;
      const idx = m.invokeIdx[i];
      if (idx < m.dex.header.methodIdsSize) out.add(m.dex.methodRef(idx));
    }
    return [...out];
  }

  stringsOf(m: MCode): { pc: number; value: string }[] {
    const out: { pc: number; value: string }[] = [];
    for (let i = 0; i < m.constPc.length; i++) out.push({ pc: m.constPc[i], value: m.dex.string(m.constIdx[i]) });
    return out;
  }

  /** What last wrote `reg` before `pc` (in linear code order, following moves). */
  source(m: MCode, pc: number, reg: number): Source {
    if (reg < 0) return { kind: 'unknown' };
    let r = reg;
    let limit = pc;
    for (let hops = 0; hops < 16; hops++) {
      let found = -1;
      // Last instruction before `limit` (binary search), then backwards to the writer of r.
      let lo = 0;
      let hi = m.starts.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (m.starts[mid] < limit) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo - 1; i >= 0; i--) {
        if (m.dest[i] === r) {
          found = i;
          break;
        }
      }
      if (found < 0) {
        const firstIn = m.registersSize - m.insSize;
        if (r < firstIn) return { kind: 'unknown' };
        let w = r - firstIn;
        if (!m.isStatic) {
          if (w === 0) return { kind: 'param', index: -1 };
          w -= 1;
        }
        const params = parseRef(m.ref).params;
        for (let k = 0; k < params.length; k++) {
          if (w === 0) return { kind: 'param', index: k };
          const t = params[k];
          w -= t === 'J' || t === 'D' ? 2 : 1;
          if (w < 0) break;
        }
        return { kind: 'unknown' };
      }
      if (m.src[found] >= 0) {
        r = m.src[found];
        limit = m.starts[found];
        continue;
      }
      const at = m.starts[found];
      const U = m.insns;
      const w = U[at];
      const op = w & 0xff;
      const d = m.dex;
      switch (op) {
        case 0x0a:
        case 0x0b:
        case 0x0c: {
          let j = found - 1;
          while (j >= 0 && m.starts[j] >= at) j--;
          if (j < 0) return { kind: 'unknown' };
          const inv = this.invokeAt(m, m.starts[j]);
          return inv ? { kind: 'invoke', inv } : { kind: 'unknown' };
        }
        case 0x12:
          return { kind: 'int', value: (w << 16) >> 28 };
        case 0x13:
          return { kind: 'int', value: (U[at + 1] << 16) >> 16 };
        case 0x14:
          return { kind: 'int', value: (U[at + 1] | (U[at + 2] << 16)) | 0 };
        case 0x15:
          return { kind: 'int', value: (U[at + 1] << 16) | 0 };
        case 0x16:
        case 0x17:
        case 0x18:
        case 0x19:
          return { kind: 'int', value: op === 0x16 ? (U[at + 1] << 16) >> 16 : op === 0x17 ? (U[at + 1] | (U[at + 2] << 16)) | 0 : NaN };
        case 0x1a:
          return { kind: 'string', value: d.string(U[at + 1]) };
        case 0x1b:
          return { kind: 'string', value: d.string(U[at + 1] | (U[at + 2] << 16)) };
        case 0x1c:
          return { kind: 'class', type: d.type(U[at + 1]) };
        case 0x22:
          return { kind: 'new', type: d.type(U[at + 1]), pc: at, reg: r };
        default:
          if ((op >= 0x52 && op <= 0x58) || (op >= 0x60 && op <= 0x66)) {
            const f = U[at + 1];
            return f < d.header.fieldIdsSize ? { kind: 'field', ref: d.fieldRef(f), static: op >= 0x60 } : { kind: 'unknown' };
          }
          return { kind: 'unknown' };
      }
    }
    return { kind: 'unknown' };
  }

  /** The source of logical argument `k` of an invoke. */
  argSource(inv: Invoke, k: number): Source {
    const r = inv.regs[k];
    return r === undefined ? { kind: 'unknown' } : this.source(inv.m, inv.pc, r);
  }

  /** The constructor call on a `new T` object created at `newPc` in register `reg`, before `beforePc`. */
  constructorOf(m: MCode, type: string, newPc: number, reg: number, beforePc: number): Invoke | null {
    for (const inv of this.invokesIn(m, `${type}-><init>`)) {
      if (inv.pc <= newPc || inv.pc >= beforePc) continue;
      if (inv.regs[0] === reg) return inv;
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
  /** Methods of the app's dex files this one calls. */
  callees: string[];
}

const NO_FACTS: Facts = { cipher: false, keystore: false, tink: false, jetpack: false, sqlcipher: false, derived: false, hardcoded: null, callees: [] };

// ------------------------------------------------------------------------------------ the builder

interface Opened {
  pc: number;
  store: Store;
}

function invPoint(inv: Invoke): CodePoint {
  return { dex: inv.m.dex.file, class: inv.m.key.class, method: inv.m.key.name, proto: inv.m.key.proto, pc: inv.pc };
}

class Builder {
  readonly methods: Methods;
  private readonly facts = new Map<string, Facts>();
  private readonly fieldWriters = new Map<string, string[]>();
  private readonly prefsOpensByMethod = new Map<string, Opened[]>();
  private readonly pkg: string;

  readonly writes: StorageWrite[] = [];
  readonly removals: StorageRemoval[] = [];
  readonly opens: StoreOpen[] = [];
  readonly permissions: PermissionChange[] = [];
  readonly tables: SqlTable[] = [];

  constructor(
    readonly app: AppModel,
    readonly extra: readonly string[],
  ) {
    this.methods = new Methods(app.code.dexes);
    this.pkg = app.manifest.package;
  }

  get code(): CodeIndex {
    return this.app.code;
  }

  /** The decoded invoke of a call site from the index. */
  invokeOf(site: CallSite): Invoke | null {
    const m = this.methods.codeOfSite(site);
    return m ? this.methods.invokeAt(m, site.pc) : null;
  }

  /** Invokes of every call site of `ref` (callsTo forms), decoded. */
  invokesOf(ref: string): Invoke[] {
    const out: Invoke[] = [];
    for (const s of this.code.callsTo(ref)) {
      const inv = this.invokeOf(s);
      if (inv) out.push(inv);
    }
    return out;
  }

  // ---------------------------------------------------------------- tracing

  /** Where argument `k` of an invoke comes from. */
  arg(inv: Invoke, k: number, depth = 0): ValueOrigin {
    const s = this.methods.argSource(inv, k);
    const t = inv.static ? inv.params[k] : k === 0 ? 'L' : inv.params[k - 1];
    return this.fromSource(s, inv, depth, t === undefined || t.startsWith('L') || t.startsWith('['));
  }

  private fromSource(s: Source, inv: Invoke, depth: number, object: boolean): ValueOrigin {
    switch (s.kind) {
      case 'string':
        return { kind: 'const', text: s.value, through: [] };
      case 'int':
        if (s.value === 0 && object) return { kind: 'null', text: 'null', through: [] };
        return { kind: 'number', text: String(s.value), through: [] };
      case 'class':
        return { kind: 'new', text: s.type, through: [] };
      case 'field': {
        const c = s.static ? this.staticString(s.ref) : null;
        if (c !== null) return { kind: 'const', text: c, through: [] };
        return { kind: 'field', text: s.ref, through: [] };
      }
      case 'param':
        return s.index >= 0 ? { kind: 'parameter', text: String(s.index), through: [], method: inv.m.key } : { kind: 'unknown', text: 'this', through: [] };
      case 'new':
        return this.fromNew(s, inv, depth);
      case 'invoke':
        return this.fromCall(s.inv, depth);
      default:
        return UNKNOWN_ORIGIN;
    }
  }

  private fromNew(s: Extract<Source, { kind: 'new' }>, use: Invoke, depth: number): ValueOrigin {
    const type = s.type;
    if (depth > 10) return { kind: 'new', text: type, through: [] };
    if (type === SB || type === SBUF) return this.concatByRange(use.m, type, s, use.pc, depth);
    if (type === 'Ljava/lang/String;' || type === FILE) {
      const init = this.methods.constructorOf(use.m, type, s.pc, s.reg, use.pc);
      if (init) {
        const parts: ValueOrigin[] = [];
        for (let k = 1; k < init.regs.length; k++) parts.push(this.arg(init, k, depth + 1));
        if (type === 'Ljava/lang/String;') {
          const first = parts[0];
          if (first) return first;
        } else return { kind: 'new', text: type, through: [], parts };
      }
    }
    return { kind: 'new', text: type, through: [] };
  }

  /** The value a call returns, seen through value-preserving calls, encoders and crypto. */
  private fromCall(inv: Invoke, depth: number): ValueOrigin {
    const of = inv.target;
    const plain: ValueOrigin = { kind: 'call', text: of, through: [] };
    if (depth > 10) return plain;
    if (of.startsWith('call_site@')) {
      // invoke-custom: a StringConcatFactory concatenation (the only common use in app code).
      return { kind: 'concat', text: 'concat', through: [], parts: inv.regs.map((_, k) => this.arg(inv, k, depth + 1)) };
    }
    const p = parseRef(of);
    if ((p.cls === SB || p.cls === SBUF) && p.name === 'toString') return this.concatOf(inv, depth + 1);
    // A primitive (getAudioSessionId(), a count, a flag) is not a secret.
    if (/^[IJZSBCFD]$/.test(of.slice(of.lastIndexOf(')') + 1))) return { kind: 'number', text: of, through: [] };
    // A number or flag turned into text (Long.toString(time), String.valueOf(count)) is not a secret.
    if (/^Ljava\/lang\/(Long|Integer|Short|Byte|Boolean|Double|Float);$/.test(p.cls) && p.name === 'toString') return { kind: 'number', text: of, through: [] };
    if (p.cls === 'Ljava/lang/String;' && p.name === 'valueOf' && /^[IJZDFSBC]$/.test(p.params[0] ?? '')) return { kind: 'number', text: of, through: [] };
    if (!inv.static && RECEIVER_PASS.has(p.name) && (p.name !== 'toString' || p.params.length === 0)) {
      const inner = this.arg(inv, 0, depth + 1);
      return p.name === 'toString' || p.name === 'trim' || p.name === 'strip' || p.name === 'intern' ? inner : { ...inner, through: [of, ...inner.through] };
    }
    if (inv.static && STATIC_PASS.has(`${p.cls}->${p.name}`)) return this.arg(inv, 0, depth + 1);
    for (const [prefix, k] of TRANSFORMS) {
      if (of.startsWith(prefix) && of[prefix.length] === '(') {
        if (inv.regs.length <= k) return plain;
        const inner = this.arg(inv, k, depth + 1);
        return { ...inner, through: [of, ...inner.through] };
      }
    }
    // Text typed into a view.
    if (p.name === 'getText' && !inv.static && p.params.length === 0) {
      const view = this.viewOf(inv, depth + 1);
      if (view) return { kind: 'input', text: view, through: [] };
    }
    for (const [prefix, k] of KEYED_GETTERS) {
      if (of.startsWith(prefix) && of[prefix.length] === '(') {
        if (inv.regs.length <= k) return plain;
        const ko = this.arg(inv, k, depth + 1);
        if (ko.kind === 'const') return { kind: 'call', text: of, through: [], key: ko.text };
        if (ko.kind === 'field') return { kind: 'call', text: of, through: [], key: fieldName(ko.text) };
        return plain;
      }
    }
    if (p.cls === 'Landroid/database/Cursor;' && p.name === 'getString') {
      const idx = this.methods.argSource(inv, 1);
      if (idx.kind === 'invoke' && /->getColumnIndex(OrThrow)?\(/.test(idx.inv.target)) {
        const col = this.methods.argSource(idx.inv, 1);
        if (col.kind === 'string') return { kind: 'call', text: of, through: [], key: col.value };
      }
    }
    return plain;
  }

  /** The view whose text is read: "id/<name>" from findViewById(R.id.x), or the field/getter that holds it. */
  private viewOf(getText: Invoke, depth: number): string | null {
    if (depth > 10) return null;
    const r = this.methods.argSource(getText, 0);
    if (r.kind === 'field') return fieldName(r.ref);
    if (r.kind === 'invoke') {
      const p = parseRef(r.inv.target);
      if (/^(findViewById|requireViewById)$/.test(p.name)) {
        const id = this.methods.argSource(r.inv, 1);
        if (id.kind === 'int') {
          const name = this.app.resources?.nameOf(id.value >>> 0) ?? null;
          return name ? name.replace(/^[^:]*:/, '') : `id/0x${(id.value >>> 0).toString(16)}`;
        }
        return 'a view';
      }
      // TextInputLayout.getEditText(), view-binding getters (binding.getPasswordInput()).
      if (p.name === 'getEditText') return this.viewOf(r.inv, depth + 1);
      if (p.name.startsWith('get') && p.name.length > 3) return p.name.slice(3, 4).toLowerCase() + p.name.slice(4);
    }
    return null;
  }

  /** Parts of a StringBuilder whose toString() is `toString`. */
  private concatOf(toString: Invoke, depth: number): ValueOrigin {
    const type = parseRef(toString.target).cls;
    const parts: ValueOrigin[] = [];
    let recv = this.methods.argSource(toString, 0);
    for (let guard = 0; guard < 128; guard++) {
      if (recv.kind === 'invoke' && parseRef(recv.inv.target).name === 'append') {
        // A chain sb.append(a).append(b): follow the receivers back.
        parts.unshift(this.arg(recv.inv, 1, depth + 1));
        recv = this.methods.argSource(recv.inv, 0);
        continue;
      }
      if (recv.kind === 'new') {
        const rest = this.concatByRange(toString.m, type, recv, parts.length > 0 ? -1 : toString.pc, depth);
        return { kind: 'concat', text: 'concat', through: [], parts: [...(rest.parts ?? []), ...parts] };
      }
      break;
    }
    return { kind: 'concat', text: 'concat', through: [], parts };
  }

  /**
   * Parts of a StringBuilder created by `nw`: its constructor argument, then (when `until` >= 0)
   * the appends on its register before `until` (a builder used without move-result).
   */
  private concatByRange(m: MCode, type: string, nw: Extract<Source, { kind: 'new' }>, until: number, depth: number): ValueOrigin {
    const parts: ValueOrigin[] = [];
    const limit = until >= 0 ? until : m.insns.length;
    const init = this.methods.constructorOf(m, type, nw.pc, nw.reg, limit);
    if (init && init.regs.length > 1 && init.params[0] !== 'I') parts.push(this.arg(init, 1, depth + 1));
    if (until >= 0) {
      for (const a of this.methods.invokesIn(m, `${type}->append`)) {
        if (a.pc <= nw.pc || a.pc >= until) continue;
        if (a.regs[0] !== nw.reg) continue;
        parts.push(this.arg(a, 1, depth + 1));
      }
    }
    return { kind: 'concat', text: 'concat', through: [], parts };
  }

  private readonly staticValues = new Map<string, Map<string, string>>();

  /** The value of a static final String field (encoded static value), or null. */
  staticString(fieldRef: string): string | null {
    if (!fieldRef.endsWith(':Ljava/lang/String;')) return null;
    const cls = fieldRef.slice(0, fieldRef.indexOf('->'));
    let values = this.staticValues.get(cls);
    if (!values) {
      values = new Map();
      const hit = this.methods.classOf(cls);
      if (hit && hit.cls.staticValuesOff !== 0) {
        const { dex, cls: c } = hit;
        const encoded = c.staticValues();
        const n = Math.min(encoded.length, c.staticFieldCount);
        for (let k = 0; k < n; k++) {
          const v = encoded[k];
          if (v && v.type === 'string') values.set(dex.fieldRef(dex.fieldSlotIdx[c.fieldStart + k]), v.value);
        }
      }
      this.staticValues.set(cls, values);
    }
    return values.get(fieldRef) ?? null;
  }

  /** Methods (refs) that write a field. */
  writersOf(fieldRef: string): string[] {
    let w = this.fieldWriters.get(fieldRef);
    if (!w) {
      const seen = new Set<string>();
      for (const a of this.code.fieldAccesses(fieldRef)) if (a.access === 'write') seen.add(methodRefOf(a.caller));
      w = [...seen];
      this.fieldWriters.set(fieldRef, w);
    }
    return w;
  }

  // ---------------------------------------------------------------- keys

  keyOf(inv: Invoke, k: number): { key: string | null; from: StorageWrite['keyFrom']; resource?: string; origin: ValueOrigin } {
    const s = this.methods.argSource(inv, k);
    if (s.kind === 'string') return { key: s.value, from: 'const', origin: { kind: 'const', text: s.value, through: [] } };
    if (s.kind === 'field') {
      const c = s.static ? this.staticString(s.ref) : null;
      if (c !== null) return { key: c, from: 'static-field', origin: { kind: 'const', text: c, through: [] } };
      return { key: fieldName(s.ref), from: 'field-name', origin: { kind: 'field', text: s.ref, through: [] } };
    }
    if (s.kind === 'invoke' && /->getString\(I\)Ljava\/lang\/String;$/.test(s.inv.target)) {
      const id = this.methods.argSource(s.inv, s.inv.static ? 0 : 1);
      if (id.kind === 'int') {
        const rid = id.value >>> 0;
        const value = this.app.values.string({ type: 'reference', id: rid });
        const name = this.app.resources?.nameOf(rid)?.replace(/^[^:]*:/, '') ?? `0x${rid.toString(16)}`;
        if (value !== null) return { key: value, from: 'resource', resource: name, origin: { kind: 'const', text: value, through: [] } };
        return { key: name, from: 'resource', resource: name, origin: UNKNOWN_ORIGIN };
      }
    }
    const o = this.arg(inv, k);
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

  private intArg(inv: Invoke, k: number): number | null {
    const s = this.methods.argSource(inv, k);
    return s.kind === 'int' ? s.value : null;
  }

  /** Every prefs-opening call, grouped by calling method. */
  collectPrefsOpens(): void {
    const add = (inv: Invoke, store: Store): void => {
      let l = this.prefsOpensByMethod.get(inv.m.ref);
      if (!l) this.prefsOpensByMethod.set(inv.m.ref, (l = []));
      l.push({ pc: inv.pc, store });
    };
    for (const inv of this.invokesOf('*->getSharedPreferences(Ljava/lang/String;I)Landroid/content/SharedPreferences;')) {
      const n = this.keyOf(inv, 1);
      const mode = this.intArg(inv, 2);
      const nameFrom: Store['nameFrom'] = n.key === null ? 'unknown' : n.from === 'resource' ? 'resource' : n.from === 'static-field' ? 'static-field' : n.from === 'concat' ? 'concat' : 'const';
      const store = this.prefsStore(n.from === 'field-name' ? null : n.key, n.from === 'field-name' ? 'unknown' : nameFrom, mode);
      add(inv, store);
      if (mode !== null) this.opens.push({ api: 'Context.getSharedPreferences', at: invPoint(inv), store, mode });
    }
    for (const ref of ['Landroid/preference/PreferenceManager;->getDefaultSharedPreferences', 'Landroidx/preference/PreferenceManager;->getDefaultSharedPreferences']) {
      for (const inv of this.invokesOf(ref)) add(inv, this.prefsStore(`${this.pkg}_preferences`, 'default-prefs', 0));
    }
    for (const inv of this.invokesOf('*->getPreferences(I)Landroid/content/SharedPreferences;')) {
      const mode = this.intArg(inv, 1);
      const store = this.prefsStore(this.localClassName(parseRef(inv.target).cls, inv.m.key.class), 'activity-prefs', mode);
      add(inv, store);
      if (mode !== null) this.opens.push({ api: 'Activity.getPreferences', at: invPoint(inv), store, mode });
    }
    for (const inv of this.invokesOf('Landroidx/security/crypto/EncryptedSharedPreferences;->create')) {
      // create(fileName, masterKeyAlias, context, ...) (1.0) or create(context, fileName, masterKey, ...) (1.1).
      const k = inv.params[0] === 'Ljava/lang/String;' ? 0 : 1;
      const name = this.keyOf(inv, k).key;
      add(inv, this.prefsStore(name, name ? 'const' : 'unknown', 0, 'encrypted-shared-preferences'));
    }
  }

  /** Activity.getPreferences(): the prefs file is named after Activity.getLocalClassName(). */
  private localClassName(refClass: string, callerClass: string): string {
    const cls = refClass.startsWith('Landroid/') ? callerClass : refClass;
    const dotted = cls.replace(/^L/, '').replace(/;$/, '').replace(/\//g, '.');
    return dotted.startsWith(`${this.pkg}.`) ? dotted.slice(this.pkg.length + 1) : dotted;
  }

  private opensIn(ref: string): Opened[] {
    return this.prefsOpensByMethod.get(ref) ?? [];
  }

  private uniqueStore(list: Opened[]): Store | null {
    if (list.length === 0) return null;
    const first = list[0]!.store;
    return list.every((o) => o.store.id === first.id) || first.name !== null ? first : null;
  }

  /** The store a SharedPreferences value (argument `k` of `inv`, e.g. the receiver of edit()) comes from. */
  prefsOf(inv: Invoke, k: number, depth: number): Store | null {
    if (depth > 4) return null;
    const s = this.methods.argSource(inv, k);
    if (s.kind === 'invoke') {
      const hit = this.opensIn(inv.m.ref).find((o) => o.pc === s.inv.pc);
      if (hit) return hit.store;
      // An app method that returns the prefs (getPrefs()): what it opens.
      if (this.methods.defines(parseRef(s.inv.target).cls)) return this.uniqueStore(this.opensIn(s.inv.target));
      return null;
    }
    if (s.kind === 'field') {
      for (const w of this.writersOf(s.ref)) {
        const st = this.uniqueStore(this.opensIn(w));
        if (st) return st;
      }
    }
    return null;
  }

  /** The prefs store an editor call (put/remove/clear/commit) writes to. */
  editorStore(inv: Invoke): Store | null {
    let at = inv;
    const EDIT = `${PREFS}->edit()${EDITOR}`;
    for (let guard = 0; guard < 64; guard++) {
      const recv = this.methods.argSource(at, 0);
      if (recv.kind === 'invoke') {
        const p = parseRef(recv.inv.target);
        if (EDITOR_CHAIN.has(p.name) && recv.inv.target.endsWith(`)${EDITOR}`)) {
          at = recv.inv;
          continue;
        }
        if (p.name === 'edit') return this.prefsOf(recv.inv, 0, 0) ?? this.fallbackStore(at);
        // An app method that returns an editor: the edit() calls inside it.
        if (this.methods.defines(p.cls)) {
          const m = this.methods.code(recv.inv.target);
          if (m) {
            for (const e of this.methods.invokesIn(m, `${PREFS}->edit`)) {
              const st = this.prefsOf(e, 0, 1);
              if (st) return st;
            }
          }
        }
        break;
      }
      if (recv.kind === 'field') {
        // A field-held editor: the edit() in the methods that set the field.
        for (const w of this.writersOf(recv.ref)) {
          const m = this.methods.code(w);
          if (!m) continue;
          for (const e of this.methods.invokesIn(m, EDIT)) {
            const st = this.prefsOf(e, 0, 1);
            if (st) return st;
          }
          const st = this.uniqueStore(this.opensIn(w));
          if (st) return st;
        }
        break;
      }
      break;
    }
    return this.fallbackStore(at);
  }

  /** When the editor could not be followed: the one prefs store the method opens, if any. */
  private fallbackStore(inv: Invoke): Store | null {
    return this.uniqueStore(this.opensIn(inv.m.ref));
  }

  // ---------------------------------------------------------------- crypto

  factsOf(ref: string): Facts {
    const cached = this.facts.get(ref);
    if (cached) return cached;
    this.facts.set(ref, NO_FACTS); // cycles
    const m = this.methods.code(ref);
    if (!m) return NO_FACTS;
    const f: Facts = { cipher: false, keystore: false, tink: false, jetpack: false, sqlcipher: false, derived: false, hardcoded: null, callees: [] };
    for (const inv of this.methods.targetsOf(m)) {
      if (inv.startsWith('Ljavax/crypto/Cipher;->')) {
        if (/->(doFinal|update|init|updateAAD|wrap|unwrap)\(/.test(inv)) f.cipher = true;
      } else if (inv.startsWith('Ljavax/crypto/CipherOutputStream;-><init>') || inv.startsWith('Ljavax/crypto/CipherInputStream;-><init>')) f.cipher = true;
      else if (inv.startsWith('Landroid/security/keystore/KeyGenParameterSpec$Builder;-><init>') || inv.startsWith('Landroid/security/KeyPairGeneratorSpec$Builder;-><init>')) f.keystore = true;
      else if (inv.startsWith('Lcom/google/crypto/tink/')) f.tink = true;
      else if (inv.startsWith('Landroidx/security/crypto/')) f.jetpack = true;
      else if (inv.startsWith('Lnet/sqlcipher/') || inv.startsWith('Lnet/zetetic/')) f.sqlcipher = true;
      else if (inv.startsWith('Ljavax/crypto/SecretKeyFactory;->generateSecret') || inv.startsWith('Ljavax/crypto/spec/PBEKeySpec;-><init>')) f.derived = true;
      else if (inv.startsWith('Ljavax/crypto/spec/SecretKeySpec;-><init>')) {
        for (const s of this.methods.invokesIn(m, inv)) {
          const why = this.constantKey(this.arg(s, 1), 0);
          if (why) {
            f.hardcoded = why;
            break;
          }
        }
      } else {
        const q = parseRef(inv);
        if (!isPlatformClass(q.cls) && this.methods.defines(q.cls)) f.callees.push(inv);
      }
    }
    for (let i = 0; i < m.constIdx.length; i++) {
      if (m.dex.string(m.constIdx[i]) === 'AndroidKeyStore') f.keystore = true;
    }
    this.facts.set(ref, f);
    return f;
  }

  /** Why a key origin is a constant ("a constant string", "field X set from a constant in its constructor", "a string resource"), or null. */
  constantKey(o: ValueOrigin, depth: number): string | null {
    if (depth > 3) return null;
    switch (o.kind) {
      case 'const':
        return 'a constant string';
      case 'field': {
        const writers = this.writersOf(o.text);
        if (writers.length === 0) return null;
        const ctorOnly = writers.every((w) => /->(<init>|<clinit>)\(/.test(w));
        if (!ctorOnly) return null;
        const isBytes = fieldType(o.text) === '[B';
        const withConst = writers.some((w) => {
          const m = this.methods.code(w);
          return !!m && (m.constIdx.length > 0 || (isBytes && w.includes('-><clinit>(')));
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
        const m = this.methods.code(ref);
        const idx = Number(o.text) + (m && m.isStatic ? 0 : 1);
        for (const inv of this.invokesOf(ref).slice(0, 16)) {
          const why = this.constantKey(this.arg(inv, idx), depth + 1);
          if (why) return `${why} passed to ${simpleClassName(o.method.class)}.${o.method.name}() by ${simpleClassName(inv.m.key.class)}.${inv.m.key.name}()`;
        }
        return null;
      }
      default:
        return null;
    }
  }

  /** Facts of methods, the app methods they call (two levels) and, if asked, every method of their classes. */
  private gather(refs: string[], withClass: boolean): { facts: Facts; where: Map<keyof Facts, string> } {
    const acc: Facts = { ...NO_FACTS, callees: [] };
    const where = new Map<keyof Facts, string>();
    const seen = new Set<string>();
    const visit = (ref: string, depth: number): void => {
      if (seen.has(ref) || seen.size > 300) return;
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
        for (const m of this.methods.methodsOf(cls)) visit(m, 1);
        // The outer class of an inner class (Login$Task -> Login) keeps the helpers too.
        const dollar = cls.indexOf('$');
        if (dollar > 0) for (const m of this.methods.methodsOf(`${cls.slice(0, dollar)};`)) visit(m, 1);
      }
    }
    return { facts: acc, where };
  }

  protection(at: MCode, value: ValueOrigin, store: Store, alsoIn: string[] = []): Protection {
    if (store.encryptedBy === 'encrypted-shared-preferences') {
      return { kind: 'encrypted-shared-preferences', effective: true, deprecated: true, detail: 'stored through EncryptedSharedPreferences (encrypted at rest; the androidx security-crypto library is deprecated)' };
    }
    if (store.encryptedBy === 'encrypted-file') {
      return { kind: 'encrypted-file', effective: true, deprecated: true, detail: 'written through EncryptedFile (encrypted at rest; the androidx security-crypto library is deprecated)' };
    }
    if (store.encryptedBy === 'sqlcipher') return { kind: 'sqlcipher', effective: true, deprecated: false, detail: 'the database is encrypted with SQLCipher' };

    const through = allThrough(value);
    // Ciphertext, or something the Cipher produced beside it (its IV).
    const viaCipher = through.some((r) => r.startsWith('Ljavax/crypto/Cipher;->')) || appProducers(value).some((r) => r.startsWith('Ljavax/crypto/'));
    const viaEncoding = through.some((r) => /Base64|->(encodeHex|toHexString|encodeToString)/.test(r));
    if (through.some((r) => r.startsWith('Lcom/google/crypto/tink/')) || appProducers(value).some((r) => r.startsWith('Lcom/google/crypto/tink/'))) {
      return { kind: 'tink', effective: true, deprecated: false, detail: 'encrypted with Tink' };
    }
    const viaDigest = through.some((r) => r.startsWith('Ljava/security/MessageDigest;->') || r.startsWith('Ljavax/crypto/Mac;->'));
    // App methods the value came out of (token = crypto.encrypt(x)).
    const producers = appProducers(value).filter((r) => !isPlatformClass(parseRef(r).cls) && this.methods.defines(parseRef(r).cls));
    // A field or an untraced value may hold what another method of the class encrypted; a
    // parameter, what the callers passed (save(ctx, encrypt(token))).
    const leaves = leafOrigins(value);
    const fieldLike = leaves.some((l) => l.kind === 'field' || l.kind === 'unknown');
    const params = leaves.filter((l) => l.kind === 'parameter');
    const refs = [at.ref, ...alsoIn, ...producers];
    for (const o of params) {
      if (!o.method) continue;
      for (const c of this.code.callersOf(methodRefOf(o.method)).slice(0, 8)) refs.push(methodRefOf(c));
    }
    const { facts, where } = this.gather(refs, fieldLike || viaCipher || store.kind === 'sqlite');
    if (store.kind === 'sqlite' && facts.sqlcipher) return { kind: 'sqlcipher', effective: true, deprecated: false, detail: 'the database is opened with SQLCipher', where: where.get('sqlcipher') };
    const producerCrypto = producers.some((r) => {
      const g = this.gather([r], false).facts;
      return g.cipher || g.tink || g.jetpack;
    });
    const cryptoApplies = viaCipher || producerCrypto || ((fieldLike || params.length > 0) && (facts.cipher || facts.tink || facts.jetpack));
    if (cryptoApplies) {
      if (facts.tink) return { kind: 'tink', effective: true, deprecated: false, detail: 'encrypted with Tink', where: where.get('tink') };
      if (facts.jetpack && !facts.cipher) {
        return { kind: 'encrypted-shared-preferences', effective: true, deprecated: true, detail: 'encrypted with androidx security-crypto (deprecated library)', where: where.get('jetpack') };
      }
      if (facts.keystore) return { kind: 'keystore', effective: true, deprecated: false, detail: 'encrypted with a key kept in the Android Keystore', where: where.get('keystore') };
      if (facts.hardcoded) {
        return { kind: 'hardcoded-key', effective: false, deprecated: false, detail: `encrypted with a hardcoded key (${facts.hardcoded})`, where: where.get('hardcoded') };
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
    // null, numbers and flags are not secrets whatever the key says ("lastToken" = Long.toString(now)).
    if (value.kind === 'number' || value.kind === 'null') return null;
    if (key !== null && keyFrom !== 'unknown') {
      const label = keyFrom === 'concat' ? key.replace(/\*/g, ' ') : key;
      const m = fromKeyMatch(classifyName(label, this.extra), 'key');
      if (m) return m;
    }
    if (extra) {
      const m = fromKeyMatch(classifyName(extra, this.extra), 'key');
      if (m) return m;
    }
    return originSession(value, this.extra);
  }

  // ---------------------------------------------------------------- collectors

  addWrite(w: Omit<StorageWrite, 'session' | 'protection'>, m: MCode, extraLabel: string | null = null, alsoIn: string[] = []): StorageWrite {
    const session = this.session(w.key, w.keyFrom, w.value, extraLabel);
    const out = { ...w, session } as StorageWrite;
    // Protection is worked out when first read (most writes are never asked: no session data).
    let protection: Protection | null = null;
    Object.defineProperty(out, 'protection', {
      enumerable: true,
      configurable: true,
      get: () => (protection ??= this.protection(m, w.value, w.store, alsoIn)),
    });
    this.writes.push(out);
    return out;
  }

  /**
   * The callers of a helper (Prefs.save(key, value)) whose key or value is one of its
   * parameters, with those arguments; empty when not a helper or too many callers to be one.
   */
  helperCalls(inv: Invoke, keyOrigin: ValueOrigin | null, valueOrigin: ValueOrigin): { caller: Invoke; value: ValueOrigin; keyArg: number | null }[] {
    const keyParam = keyOrigin?.kind === 'parameter' ? Number(keyOrigin.text) : null;
    const valueParam = valueOrigin.kind === 'parameter' ? Number(valueOrigin.text) : null;
    if (keyParam === null) return [];
    const shift = inv.m.isStatic ? 0 : 1;
    const callers = this.code.callsTo(inv.m.ref);
    if (callers.length === 0 || callers.length > 64) return [];
    const out: { caller: Invoke; value: ValueOrigin; keyArg: number | null }[] = [];
    for (const c of callers) {
      const ci = this.invokeOf(c);
      if (!ci) continue;
      out.push({ caller: ci, keyArg: keyParam + shift, value: valueParam !== null ? withThrough(this.arg(ci, valueParam + shift, 1), valueOrigin.through) : valueOrigin });
    }
    return out;
  }

  collectPrefs(): void {
    for (const [name, type, proto] of PUTS) {
      for (const inv of this.invokesOf(`*->${name}${proto}`)) {
        if (inv.regs.length < 3) continue;
        const store = this.editorStore(inv) ?? this.prefsStore(null, 'unknown', null);
        const k = this.keyOf(inv, 1);
        const value = this.arg(inv, 2);
        const api = `SharedPreferences.Editor.${name}`;
        if ((value.kind === 'null' || (value.kind === 'const' && value.text === '')) && (type === 'string' || type === 'string-set')) {
          this.removals.push({ kind: 'overwrite-empty', storeKind: 'shared-prefs', store, key: k.key, api, at: invPoint(inv) });
          continue;
        }
        // A helper (Prefs.save(key, value)): the key is named by its callers.
        const helper = k.key === null ? this.helperCalls(inv, k.origin, value) : [];
        if (helper.length > 0) {
          for (const h of helper) {
            const hk = h.keyArg !== null ? this.keyOf(h.caller, h.keyArg) : k;
            if (h.value.kind === 'null') {
              this.removals.push({ kind: 'overwrite-empty', storeKind: 'shared-prefs', store, key: hk.key, api, at: invPoint(h.caller) });
              continue;
            }
            this.addWrite(
              { store, api, at: invPoint(h.caller), via: invPoint(inv), key: hk.key, keyFrom: hk.from, keyResource: hk.resource, value: h.value, valueType: type },
              h.caller.m,
              null,
              [inv.m.ref],
            );
          }
          continue;
        }
        this.addWrite({ store, api, at: invPoint(inv), key: k.key, keyFrom: k.from, keyResource: k.resource, value, valueType: type }, inv.m);
      }
    }
    for (const inv of this.invokesOf(`*->remove(Ljava/lang/String;)${EDITOR}`)) {
      const store = this.editorStore(inv);
      const k = this.keyOf(inv, 1);
      const helper = k.key === null ? this.helperCalls(inv, k.origin, UNKNOWN_ORIGIN) : [];
      if (helper.length > 0) {
        for (const h of helper) {
          const hk = this.keyOf(h.caller, h.keyArg ?? 1);
          this.removals.push({ kind: 'remove-key', storeKind: 'shared-prefs', store, key: hk.key, api: 'SharedPreferences.Editor.remove', at: invPoint(h.caller) });
        }
      } else this.removals.push({ kind: 'remove-key', storeKind: 'shared-prefs', store, key: k.key, api: 'SharedPreferences.Editor.remove', at: invPoint(inv) });
    }
    for (const inv of this.invokesOf(`*->clear()${EDITOR}`)) {
      this.removals.push({ kind: 'clear-store', storeKind: 'shared-prefs', store: this.editorStore(inv), key: null, api: 'SharedPreferences.Editor.clear', at: invPoint(inv) });
    }
    for (const inv of this.invokesOf('*->deleteSharedPreferences(Ljava/lang/String;)Z')) {
      const k = this.keyOf(inv, 1);
      this.removals.push({ kind: 'delete-store', storeKind: 'shared-prefs', store: this.prefsStore(k.key, k.key ? 'const' : 'unknown', null), key: null, api: 'Context.deleteSharedPreferences', at: invPoint(inv) });
    }
  }

  collectDataStore(): void {
    const names = new Set<string>();
    for (const ref of ['*->preferencesDataStore', '*->preferencesDataStore$default']) {
      for (const inv of this.invokesOf(ref)) {
        for (let k = 0; k < inv.regs.length; k++) {
          const s = this.methods.argSource(inv, k);
          if (s.kind === 'string') names.add(s.value);
        }
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
      for (const inv of this.invokesOf(`*->${name}`)) {
        if (!inv.static) continue;
        const k = this.keyOf(inv, 0);
        if (k.key === null) continue;
        this.addWrite({ store, api: `DataStore ${name}`, at: invPoint(inv), key: k.key, keyFrom: k.from, keyResource: k.resource, value: UNKNOWN_ORIGIN, valueType: type }, inv.m);
      }
    }
    for (const op of ['remove', 'clear']) {
      for (const inv of this.invokesOf(`Landroidx/datastore/preferences/core/MutablePreferences;->${op}`)) {
        this.removals.push({ kind: op === 'clear' ? 'clear-store' : 'remove-key', storeKind: 'datastore', store, key: null, api: `MutablePreferences.${op}`, at: invPoint(inv) });
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
    const stringArg = (inv: Invoke): string | null => {
      for (let k = 0; k < inv.regs.length; k++) {
        const s = this.methods.argSource(inv, k);
        if (s.kind === 'string') return s.value;
      }
      return null;
    };
    for (const helper of ['Landroid/database/sqlite/SQLiteOpenHelper;-><init>', 'Lnet/sqlcipher/database/SQLiteOpenHelper;-><init>', 'Landroidx/room/Room;->databaseBuilder']) {
      for (const inv of this.invokesOf(helper)) {
        const n = stringArg(inv);
        if (n) dbByClass.set(inv.m.key.class, n);
      }
    }
    for (const inv of this.invokesOf('*->openOrCreateDatabase')) {
      const nameArg = inv.static ? 0 : 1;
      const o = this.arg(inv, nameArg);
      const name = o.kind === 'const' ? o.text.slice(o.text.lastIndexOf('/') + 1) : null;
      if (name) dbByClass.set(inv.m.key.class, name);
      const mode = !inv.static && inv.params[1] === 'I' ? this.intArg(inv, 2) : null;
      if (mode !== null) this.opens.push({ api: 'Context.openOrCreateDatabase', at: invPoint(inv), store: dbStore(name, mode, parseRef(inv.target).cls.includes('sqlcipher')), mode });
    }
    const dbOf = (cls: string): string | null => {
      const direct = dbByClass.get(cls);
      if (direct) return direct;
      const dollar = cls.indexOf('$');
      const outer = dollar > 0 ? cls.slice(0, dollar) : cls.slice(0, -1);
      for (const [c, n] of dbByClass) if (c === `${outer};` || c.startsWith(`${outer}$`)) return n;
      return null;
    };

    // SQL text in the methods that run SQL (execSQL/compileStatement/rawQuery callers).
    const SQL = /^\s*(create\s+(?:temp(?:orary)?\s+)?table|insert\s+(?:or\s+\w+\s+)?into|replace\s+into|update\s+(?:or\s+\w+\s+)?[`"\[]?\w+[`"\]]?\s+set|delete\s+from|drop\s+table)\b/i;
    const sqlMethods = new Set<string>();
    for (const ref of ['*->execSQL', '*->compileStatement', '*->rawQuery', '*->rawExecSQL', '*->query(Ljava/lang/String;)Landroid/database/Cursor;']) {
      for (const k of this.code.callersOf(ref)) sqlMethods.add(`${methodRefOf(k)}`);
    }
    const pending: { sql: ParsedSql; m: MCode; at: CodePoint }[] = [];
    for (const ref of sqlMethods) {
      const m = this.methods.code(ref);
      if (!m) continue;
      for (const { pc, value } of this.methods.stringsOf(m)) {
        if (value.length > 4000 || !SQL.test(value)) continue;
        const sql = parseSql(value);
        if (!sql) continue;
        const at: CodePoint = { dex: m.dex.file, class: m.key.class, method: m.key.name, proto: m.key.proto, pc };
        if (sql.op === 'create') this.tables.push({ name: sql.table, columns: sql.columns, database: dbOf(m.key.class), at });
        else pending.push({ sql, m, at });
      }
    }
    const tableCols = new Map<string, string[]>();
    const tableDb = new Map<string, string | null>();
    for (const t of this.tables) {
      const n = t.name.toLowerCase();
      if (!tableCols.has(n)) tableCols.set(n, t.columns);
      if (!tableDb.get(n)) tableDb.set(n, t.database);
    }
    const written = new Set<string>();
    for (const { sql, m, at } of pending) {
      const db = tableDb.get(sql.table.toLowerCase()) ?? dbOf(at.class);
      const store = dbStore(db ?? null, null, false);
      if (sql.op === 'delete' || sql.op === 'drop') {
        this.removals.push({ kind: sql.op === 'drop' ? 'delete-store' : 'clear-store', storeKind: 'sqlite', store, key: sql.table, api: sql.op === 'drop' ? 'DROP TABLE' : 'DELETE FROM', at });
        continue;
      }
      const cols = sql.columns.length > 0 ? sql.columns : (tableCols.get(sql.table.toLowerCase()) ?? []);
      for (const c of cols) {
        const w = this.addWrite({ store, api: sql.op === 'update' ? 'SQL UPDATE' : 'SQL INSERT', at, key: c, keyFrom: 'sql-column', table: sql.table, value: UNKNOWN_ORIGIN, valueType: 'string' }, m);
        if (w.session) written.add(sql.table.toLowerCase());
      }
    }
    // SQLiteDatabase.insert/update/replace with the ContentValues keys of the same method.
    for (const dbCls of SQLITE_DBS) {
      for (const op of ['insert', 'insertOrThrow', 'insertWithOnConflict', 'replace', 'replaceOrThrow', 'update', 'updateWithOnConflict']) {
        for (const inv of this.invokesOf(`${dbCls}->${op}`)) {
          const t = this.methods.argSource(inv, 1);
          const table = t.kind === 'string' ? t.value : null;
          const db = (table ? tableDb.get(table.toLowerCase()) : null) ?? dbOf(inv.m.key.class);
          const store = dbStore(db ?? null, null, dbCls !== SQLITE_DBS[0]);
          for (const put of this.methods.invokesIn(inv.m, 'Landroid/content/ContentValues;->put')) {
            if (put.pc > inv.pc) break;
            const k = this.keyOf(put, 1);
            if (k.key === null) continue;
            const vt = put.params[1];
            const valueType: ValueType = vt === 'Ljava/lang/String;' ? 'string' : vt === '[B' ? 'bytes' : 'unknown';
            const value = this.arg(put, 2);
            if (value.kind === 'null') continue;
            const w = this.addWrite({ store, api: `SQLiteDatabase.${op}`, at: invPoint(put), key: k.key, keyFrom: k.from, keyResource: k.resource, table: table ?? undefined, value, valueType }, inv.m);
            if (w.session && table) written.add(table.toLowerCase());
          }
        }
      }
      for (const inv of this.invokesOf(`${dbCls}->delete`)) {
        const t = this.methods.argSource(inv, 1);
        const table = t.kind === 'string' ? t.value : null;
        const db = (table ? tableDb.get(table.toLowerCase()) : null) ?? dbOf(inv.m.key.class);
        this.removals.push({ kind: 'clear-store', storeKind: 'sqlite', store: dbStore(db ?? null, null, false), key: table, api: 'SQLiteDatabase.delete', at: invPoint(inv) });
      }
    }
    // A table with a session column that nothing visibly writes (Room, helpers): the schema is the evidence.
    for (const t of this.tables) {
      if (written.has(t.name.toLowerCase())) continue;
      const m = this.methods.code(`${t.at.class}->${t.at.method}${t.at.proto}`);
      if (!m) continue;
      const store = dbStore(t.database, null, false);
      for (const c of t.columns) {
        if (!classifyName(c, this.extra)) continue;
        this.addWrite({ store, api: 'SQL CREATE TABLE', at: t.at, key: c, keyFrom: 'sql-column', table: t.name, value: UNKNOWN_ORIGIN, valueType: 'string' }, m);
      }
    }
    for (const inv of this.invokesOf('*->deleteDatabase(Ljava/lang/String;)Z')) {
      const k = this.keyOf(inv, 1);
      this.removals.push({ kind: 'delete-store', storeKind: 'sqlite', store: dbStore(k.key, null, false), key: null, api: 'Context.deleteDatabase', at: invPoint(inv) });
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
    const joined = names.join('');
    const base = joined.split('/').filter(Boolean);
    return { area, name: base.length > 0 ? base[base.length - 1]! : null };
  }

  fileStore(area: FileArea, name: string | null, mode: number | null): Store {
    let backup: Store['backup'] = null;
    if (name) {
      if (area === 'files') backup = { domain: 'file', path: name };
      else if (area === 'data') backup = { domain: 'root', path: name };
      else if (area === 'database') backup = { domain: 'database', path: name };
    }
    return { kind: 'file', name, nameFrom: name ? 'const' : 'unknown', mode, area, encryptedBy: null, backup, id: `file:${name ?? '?'}` };
  }

  /** What the method writes into streams/writers after `pc` (the writer calls of the same method). */
  private contentAfter(inv: Invoke): ValueOrigin {
    const parts: ValueOrigin[] = [];
    for (const [ref, k] of FILE_WRITERS) {
      for (const w of this.methods.invokesIn(inv.m, ref)) {
        if (w.pc <= inv.pc || w.regs.length <= k) continue;
        const o = this.arg(w, k);
        if (o.kind === 'number') continue;
        parts.push(o);
      }
    }
    if (parts.length === 0) return UNKNOWN_ORIGIN;
    if (parts.length === 1) return parts[0]!;
    return { kind: 'concat', text: 'concat', through: [], parts };
  }

  collectFiles(): void {
    const fileWrite = (inv: Invoke, api: string, store: Store, content: ValueOrigin): void => {
      const nameLabel = store.name ? store.name.replace(/\.[A-Za-z0-9]{1,5}$/, '').replace(/\*/g, ' ') : null;
      this.addWrite({ store, api, at: invPoint(inv), key: null, keyFrom: 'none', value: content, valueType: 'string' }, inv.m, nameLabel);
    };
    for (const inv of this.invokesOf('*->openFileOutput(Ljava/lang/String;I)Ljava/io/FileOutputStream;')) {
      const k = this.keyOf(inv, 1);
      const mode = this.intArg(inv, 2);
      const store = this.fileStore('files', k.from === 'field-name' ? null : k.key, mode);
      if (mode !== null) this.opens.push({ api: 'Context.openFileOutput', at: invPoint(inv), store, mode });
      fileWrite(inv, 'Context.openFileOutput', store, this.contentAfter(inv));
    }
    for (const inv of this.invokesOf('*->getDir(Ljava/lang/String;I)Ljava/io/File;')) {
      const k = this.keyOf(inv, 1);
      const mode = this.intArg(inv, 2);
      if (mode !== null) this.opens.push({ api: 'Context.getDir', at: invPoint(inv), store: this.fileStore('app-dir', k.key ? `app_${k.key}` : null, mode), mode });
    }
    const opens: [ref: string, api: string][] = [
      ['Ljava/io/FileOutputStream;-><init>', 'FileOutputStream'],
      ['Ljava/io/FileWriter;-><init>', 'FileWriter'],
      ['Ljava/io/PrintWriter;-><init>', 'PrintWriter'],
      ['Ljava/io/PrintStream;-><init>', 'PrintStream'],
    ];
    for (const [ref, api] of opens) {
      for (const inv of this.invokesOf(ref)) {
        const t = inv.params[0];
        if (t !== 'Ljava/lang/String;' && t !== FILE) continue;
        const path = this.arg(inv, 1);
        // A temp file: File.createTempFile below records it with its content.
        if (path.kind === 'call' && parseRef(path.text).name === 'createTempFile') continue;
        const f = this.fileOf(path);
        if (f.area === 'unknown' && f.name === null) continue;
        fileWrite(inv, api, this.fileStore(f.area, f.name, null), this.contentAfter(inv));
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
      for (const inv of this.invokesOf(ref)) {
        const f = this.fileOf(this.arg(inv, 0));
        fileWrite(inv, api, this.fileStore(f.area, f.name, null), this.arg(inv, 1));
      }
    }
    for (const inv of this.invokesOf(`${FILE}->createTempFile`)) {
      const pre = this.methods.argSource(inv, 0);
      const suf = this.methods.argSource(inv, 1);
      const prefix = pre.kind === 'string' ? pre.value : '';
      const suffix = suf.kind === 'string' ? suf.value : suf.kind === 'int' && suf.value === 0 ? '.tmp' : '';
      const dir = inv.regs.length > 2 ? this.fileOf(this.arg(inv, 2)).area : 'cache';
      // The content is written where the temp file is used; the same method is the best guess.
      fileWrite(inv, 'File.createTempFile', this.fileStore(dir === 'unknown' ? 'cache' : dir, `${prefix}*${suffix}`, null), this.contentAfter(inv));
    }
    for (const op of ['setReadable', 'setWritable', 'setExecutable']) {
      for (const inv of this.invokesOf(`${FILE}->${op}(ZZ)Z`)) {
        const flag = this.intArg(inv, 1);
        const owner = this.intArg(inv, 2);
        const f = this.fileOf(this.arg(inv, 0));
        this.permissions.push({ api: `File.${op}`, at: invPoint(inv), world: !!flag && owner === 0, store: f.area === 'unknown' && !f.name ? null : this.fileStore(f.area, f.name, null) });
      }
    }
    for (const inv of this.invokesOf(`${FILE}->delete()Z`)) {
      const f = this.fileOf(this.arg(inv, 0));
      this.removals.push({ kind: 'delete-store', storeKind: 'file', store: f.name ? this.fileStore(f.area, f.name, null) : null, key: null, api: 'File.delete', at: invPoint(inv) });
    }
    for (const ref of [`${FILE}->deleteOnExit`, 'Lkotlin/io/FilesKt;->deleteRecursively']) {
      for (const inv of this.invokesOf(ref)) this.removals.push({ kind: 'delete-store', storeKind: 'file', store: null, key: null, api: shortRef(inv.target), at: invPoint(inv) });
    }
    for (const inv of this.invokesOf('*->deleteFile(Ljava/lang/String;)Z')) {
      const k = this.keyOf(inv, 1);
      this.removals.push({ kind: 'delete-store', storeKind: 'file', store: k.key ? this.fileStore('files', k.key, null) : null, key: null, api: 'Context.deleteFile', at: invPoint(inv) });
    }
    for (const inv of this.invokesOf('Landroid/app/ActivityManager;->clearApplicationUserData()Z')) {
      this.removals.push({ kind: 'clear-app-data', storeKind: 'any', store: null, key: null, api: 'ActivityManager.clearApplicationUserData', at: invPoint(inv) });
    }
  }

  collectAccounts(): void {
    const store: Store = { kind: 'account-manager', name: 'accounts', nameFrom: 'fixed', mode: null, area: 'system', encryptedBy: null, backup: null, id: 'account-manager:accounts' };
    const write = (inv: Invoke, api: string, key: string | null, keyFrom: StorageWrite['keyFrom'], valueArg: number): void => {
      const value = this.arg(inv, valueArg);
      if (value.kind === 'null') {
        this.removals.push({ kind: 'overwrite-empty', storeKind: 'account-manager', store, key, api, at: invPoint(inv) });
        return;
      }
      this.addWrite({ store, api, at: invPoint(inv), key, keyFrom, value, valueType: 'string' }, inv.m);
    };
    for (const inv of this.invokesOf(`${ACCOUNTS}->addAccountExplicitly`)) {
      if (this.arg(inv, 2).kind !== 'null') write(inv, 'AccountManager.addAccountExplicitly', 'password', 'fixed', 2);
    }
    for (const inv of this.invokesOf(`${ACCOUNTS}->setPassword`)) write(inv, 'AccountManager.setPassword', 'password', 'fixed', 2);
    for (const inv of this.invokesOf(`${ACCOUNTS}->setAuthToken`)) {
      const t = this.methods.argSource(inv, 2);
      write(inv, 'AccountManager.setAuthToken', `authtoken${t.kind === 'string' ? `:${t.value}` : ''}`, 'fixed', 3);
    }
    for (const inv of this.invokesOf(`${ACCOUNTS}->setUserData`)) {
      const k = this.keyOf(inv, 2);
      write(inv, 'AccountManager.setUserData', k.key, k.from, 3);
    }
    for (const op of ['removeAccount', 'removeAccountExplicitly', 'clearPassword', 'invalidateAuthToken']) {
      for (const inv of this.invokesOf(`${ACCOUNTS}->${op}`)) {
        const key = op === 'clearPassword' ? 'password' : op === 'invalidateAuthToken' ? 'authtoken' : null;
        this.removals.push({ kind: key ? 'remove-key' : 'delete-store', storeKind: 'account-manager', store, key, api: `AccountManager.${op}`, at: invPoint(inv) });
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

function isPlatformClass(cls: string): boolean {
  return /^L(android|java|javax|dalvik|kotlin|kotlinx|sun|libcore|org\/json|org\/xml|org\/w3c)\//.test(cls);
}

/** Every call the value went through, including inside concatenation parts. */
function allThrough(o: ValueOrigin): string[] {
  const out = [...o.through];
  for (const p of o.parts ?? []) out.push(...allThrough(p));
  return out;
}

function withThrough(o: ValueOrigin, before: string[]): ValueOrigin {
  return before.length === 0 ? o : { ...o, through: [...before, ...o.through] };
}

/** App/library methods whose result the value is (or contains). */
function appProducers(o: ValueOrigin): string[] {
  const out: string[] = [];
  if (o.kind === 'call' && o.key === undefined) out.push(o.text);
  for (const p of o.parts ?? []) out.push(...appProducers(p));
  return out;
}

/** The non-composite origins a value is made of (the parts of a concatenation, the arguments of a new). */
function leafOrigins(o: ValueOrigin): ValueOrigin[] {
  if ((o.kind === 'concat' || o.kind === 'new') && o.parts && o.parts.length > 0) return o.parts.flatMap(leafOrigins);
  return [o];
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
  const b = builderFor(app, options.extraTokenPatterns ?? []);
  const inv = b.invokeOf(site);
  return inv ? b.arg(inv, index) : UNKNOWN_ORIGIN;
}

/**
 * The name a message gives the value that follows it: "token=" / "password: " / "auth_token = '"
 * give the identifier before the separator (strict); "Bearer " / "token " give the last word
 * (loose: the caller should ask for a strong session word). Null when the text does not end in a label.
 */
export function labelBefore(text: string): { label: string; strict: boolean } | null {
  let m = /([A-Za-z][A-Za-z0-9_-]*)["'\])]?\s*[:=]\s*["'\[(]?$/.exec(text);
  if (m) return { label: m[1]!, strict: true };
  m = /(?:^|[\s,;(\[{])([A-Za-z][A-Za-z0-9_-]*)\s+$/.exec(text);
  return m ? { label: m[1]!, strict: false } : null;
}

// ------------------------------------------------------------------------------------ wording shared by the rules

const MODE_NAMES: Record<number, string> = { 0: 'MODE_PRIVATE', 1: 'MODE_WORLD_READABLE', 2: 'MODE_WORLD_WRITEABLE', 3: 'MODE_WORLD_READABLE|MODE_WORLD_WRITEABLE' };

/** "MODE_PRIVATE", "MODE_WORLD_READABLE", "MODE_WORLD_READABLE|MODE_APPEND" ... */
export function modeName(mode: number): string {
  const base = MODE_NAMES[mode & 3] ?? String(mode & 3);
  const extra: string[] = [];
  if (mode & 0x8000) extra.push('MODE_APPEND');
  if (mode & 4) extra.push('MODE_MULTI_PROCESS');
  return [base, ...extra].join('|');
}

const AREA_WORDS: Record<FileArea, string> = {
  files: "in the app's files directory",
  cache: "in the app's cache directory",
  'no-backup': "in the app's no-backup directory",
  data: "in the app's data directory",
  'app-dir': 'in an app_ directory (Context.getDir)',
  database: "in the app's databases directory",
  'external-app': 'in app-specific external storage (getExternalFilesDir/getExternalCacheDir)',
  'external-public': 'on shared external storage (/sdcard)',
  private: "in the app's private data",
  system: "in the system's accounts database",
  unknown: 'in a file whose directory was not found',
};

/** A store in words: 'SharedPreferences "session" (shared_prefs/session.xml)'. */
export function describeStore(s: Store): string {
  switch (s.kind) {
    case 'shared-prefs':
      if (s.name === null) return 'SharedPreferences (file name not found)';
      return `${s.nameFrom === 'default-prefs' ? 'the default SharedPreferences' : `SharedPreferences "${s.name}"`} (shared_prefs/${s.name}.xml)`;
    case 'datastore':
      return s.name ? `DataStore "${s.name}" (files/datastore/${s.name}.preferences_pb)` : 'a Preferences DataStore';
    case 'sqlite':
      return s.name ? `SQLite database "${s.name}" (databases/${s.name})` : 'a SQLite database (name not found)';
    case 'file':
      return `${s.name ? `file "${s.name}"` : 'a file'} ${AREA_WORDS[s.area]}`;
    case 'account-manager':
      return "the AccountManager (the system's accounts database)";
  }
}

const NOUNS: Record<SessionKind, string> = {
  token: 'session token',
  password: 'password',
  session: 'session identifier',
  cookie: 'session cookie',
  secret: 'secret',
  pin: 'PIN',
  credential: 'credential',
};

/** "session token", "password", ... */
export function sessionNoun(kind: SessionKind): string {
  return NOUNS[kind];
}

/**
 * A redactor for constants in evidence: separators (":", "\n", " + ") stay readable, anything
 * with a letter or digit goes through `secret` (ctx.secret), which hides it unless --show-secrets.
 */
export function evidenceRedactor(secret: (s: string) => string): (s: string) => string {
  return (s) => (/^[^A-Za-z0-9]*$/.test(s) ? JSON.stringify(s) : secret(s));
}

/** The sentence-initial form of a phrase ("the default SharedPreferences" -> "The default ..."). */
export function capitalize(s: string): string {
  return s.length > 0 ? s[0]!.toUpperCase() + s.slice(1) : s;
}

/** "LoginActivity.onLoginClicked()" */
export function methodLabel(p: { class: string; method: string }): string {
  return `${simpleClassName(p.class)}.${p.method}()`;
}

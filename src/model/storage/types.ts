/** Public types of the storage model (see index.ts for what it finds and how). */

import type { MethodKey } from '../code-index.js';
import type { SessionKind } from '../session-data.js';

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

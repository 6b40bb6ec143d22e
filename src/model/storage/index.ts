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

export type {
  CodePoint,
  FileArea,
  OriginKind,
  PermissionChange,
  Protection,
  ProtectionKind,
  RemovalKind,
  SessionMatch,
  SessionStore,
  SqlTable,
  StorageModel,
  StorageOptions,
  StorageRemoval,
  StorageWrite,
  Store,
  StoreKind,
  StoreOpen,
  ValueOrigin,
  ValueType,
} from './types.js';
export { describeOrigin, parseRef, shortRef, simpleClassName } from './names.js';
export { classifyName, originSession } from './classify.js';
export { parseSql } from './sqlite.js';
export { storageModel, traceArgument } from './model.js';
export { capitalize, describeStore, evidenceRedactor, labelBefore, methodLabel, modeName, sessionNoun } from './wording.js';

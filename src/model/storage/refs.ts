/** Framework classes the storage model follows calls on (their tables of calls are with the code that uses them). */

// ------------------------------------------------------------------------------------ refs

export const EDITOR = 'Landroid/content/SharedPreferences$Editor;';
export const PREFS = 'Landroid/content/SharedPreferences;';
export const SB = 'Ljava/lang/StringBuilder;';
export const SBUF = 'Ljava/lang/StringBuffer;';
export const FILE = 'Ljava/io/File;';
export const SQLITE_DBS = ['Landroid/database/sqlite/SQLiteDatabase;', 'Lnet/sqlcipher/database/SQLiteDatabase;', 'Lnet/zetetic/database/sqlcipher/SQLiteDatabase;'];
export const ACCOUNTS = 'Landroid/accounts/AccountManager;';

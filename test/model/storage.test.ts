/**
 * The storage model (src/model/storage.ts): what it finds in the fixtures, the focused smali cases
 * of test/fixtures/rule-src (sources beside the committed dex files, build.sh rebuilds them) and
 * the corpus; the SQL and label parsers; caching and speed on the 18 MB uiautomator2 APK.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  classifyName,
  describeOrigin,
  describeStore,
  labelBefore,
  modeName,
  parseSql,
  storageModel,
  traceArgument,
  type StorageModel,
  type StorageWrite,
} from '../../src/model/storage.js';
import { appOf } from '../helpers/rules.js';
import { caseApp } from '../helpers/rule-cases.js';
import { CORPUS_DIR, NPM_APKS, corpusApk, fixtureApk } from '../helpers/apks.js';

/** One line per write: store, key, value origin, session word, protection. */
const rows = (m: StorageModel, filter: (w: StorageWrite) => boolean = () => true) =>
  m.writes.filter(filter).map((w) => [w.store.id, w.key, describeOrigin(w.value), w.session?.word ?? null, w.protection.kind, `${w.at.class}->${w.at.method}`]);

describe('storage model: fixtures', () => {
  it('insecure-invoice: three plaintext writes to session.xml, two of them session data, nothing removed', () => {
    const m = storageModel(appOf(fixtureApk('insecure-invoice')));
    const at = 'Lcom/example/insecureinvoice/LoginActivity;->onLoginClicked';
    expect(rows(m)).toEqual([
      ['shared-prefs:session', 'auth_token', 'result of TokenFactory.newToken()', 'token', 'none', at],
      ['shared-prefs:session', 'password', 'text typed into passwordField', 'password', 'none', at],
      ['shared-prefs:session', 'user', 'text typed into userField', null, 'none', at],
    ]);
    expect(m.writes[0]!.store).toEqual({
      kind: 'shared-prefs',
      name: 'session',
      nameFrom: 'const',
      mode: 0,
      area: 'private',
      encryptedBy: null,
      backup: { domain: 'sharedpref', path: 'session.xml' },
      id: 'shared-prefs:session',
    });
    expect(m.writes[0]!.at).toEqual({ dex: 'classes.dex', class: 'Lcom/example/insecureinvoice/LoginActivity;', method: 'onLoginClicked', proto: '()V', pc: 37 });
    expect(m.writes[0]!.api).toBe('SharedPreferences.Editor.putString');
    expect(m.removals).toEqual([]);
    expect(m.sessionStores.map((s) => [s.store.id, s.keys])).toEqual([['shared-prefs:session', ['auth_token', 'password']]]);
    expect(m.opens.map((o) => [o.api, o.store.id, o.mode, o.at.method])).toEqual([
      ['Context.getSharedPreferences', 'shared-prefs:session', 0, 'onCreate'],
      ['Context.getSharedPreferences', 'shared-prefs:session', 0, 'onLoginClicked'],
    ]);
  });

  it('secure-invoice: ciphertext and IV under an Android Keystore key; logout removes both keys and clears the file', () => {
    const m = storageModel(appOf(fixtureApk('secure-invoice')));
    expect(rows(m)).toEqual([
      ['shared-prefs:session', 'auth_token_enc', 'Base64.encodeToString() of Cipher.doFinal() of String.getBytes() of parameter 2 of SessionStore.save()', 'token', 'keystore', 'Lcom/example/secureinvoice/SessionStore;->save'],
      ['shared-prefs:session', 'auth_token_iv', 'Base64.encodeToString() of result of Cipher.getIV()', 'token', 'keystore', 'Lcom/example/secureinvoice/SessionStore;->save'],
    ]);
    expect(m.writes[0]!.protection).toEqual({
      kind: 'keystore',
      effective: true,
      deprecated: false,
      detail: 'encrypted with a key kept in the Android Keystore',
      where: 'Lcom/example/secureinvoice/SessionStore;->getOrCreateKey()Ljavax/crypto/SecretKey;',
    });
    expect(m.removals.map((r) => [r.kind, r.store?.id, r.key, r.api, r.at.method])).toEqual([
      ['remove-key', 'shared-prefs:session', 'auth_token_enc', 'SharedPreferences.Editor.remove', 'logout'],
      ['remove-key', 'shared-prefs:session', 'auth_token_iv', 'SharedPreferences.Editor.remove', 'logout'],
      ['clear-store', 'shared-prefs:session', null, 'SharedPreferences.Editor.clear', 'logout'],
    ]);
  });

  it('multidex-app: the write in classes3.dex, its value a parameter of SessionStore.saveToken()', () => {
    const m = storageModel(appOf(fixtureApk('multidex-app')));
    expect(rows(m)).toEqual([['shared-prefs:auth', 'session_token', 'parameter 2 of SessionStore.saveToken()', 'token', 'none', 'Lcom/example/multidex/store/SessionStore;->saveToken']]);
    expect(m.writes[0]!.at.dex).toBe('classes3.dex');
  });

  it('is built once per app and set of extra patterns', () => {
    const app = appOf(fixtureApk('insecure-invoice'));
    expect(storageModel(app)).toBe(storageModel(app, { extraTokenPatterns: [] }));
    expect(storageModel(app, { extraTokenPatterns: ['^user$'] })).not.toBe(storageModel(app));
    expect(storageModel(app, { extraTokenPatterns: ['^user$'] }).sessionStores[0]!.keys).toEqual(['auth_token', 'password', 'user']);
  });
});

describe('storage model: focused cases', () => {
  it('hardcoded-key: a constant SecretKeySpec key, Base64 only, a PBKDF2-derived key, Tink', () => {
    const m = storageModel(caseApp('hardcoded-key'));
    expect(rows(m)).toEqual([
      ['shared-prefs:vault', 'session_token', 'Base64.encodeToString() of result of PinVault.seal()', 'token', 'derived-key', 'Lfix/hk/PinVault;->save'],
      ['shared-prefs:tink_vault', 'access_token', 'Base64.encodeToString() of Aead.encrypt() of String.getBytes() of parameter 3 of TinkVault.save()', 'token', 'tink', 'Lfix/hk/TinkVault;->save'],
      ['shared-prefs:vault', 'refresh_token', 'result of TokenVault.encrypt()', 'token', 'hardcoded-key', 'Lfix/hk/TokenVault;->save'],
      ['shared-prefs:vault', 'password', 'Base64.encodeToString() of String.getBytes() of parameter 2 of TokenVault.savePassword()', 'password', 'encoding', 'Lfix/hk/TokenVault;->savePassword'],
    ]);
    expect(m.writes[2]!.protection).toMatchObject({ effective: false, detail: 'encrypted with a hardcoded key (a constant string)', where: 'Lfix/hk/TokenVault;->encrypt(Ljava/lang/String;)Ljava/lang/String;' });
    expect(m.writes.map((w) => w.protection.effective)).toEqual([true, true, false, false]);
    expect(m.removals.map((r) => [r.kind, r.store?.id, r.api])).toEqual([
      ['clear-store', 'shared-prefs:vault', 'SharedPreferences.Editor.clear'],
      ['delete-store', 'shared-prefs:tink_vault', 'Context.deleteSharedPreferences'],
    ]);
  });

  it('encrypted-prefs: the store comes from EncryptedSharedPreferences.create() inside an app helper', () => {
    const m = storageModel(caseApp('encrypted-prefs'));
    expect(m.writes.map((w) => [w.store.id, w.store.encryptedBy, w.key, w.protection.kind, w.protection.deprecated])).toEqual([
      ['shared-prefs:secure_session', 'encrypted-shared-preferences', 'auth_token', 'encrypted-shared-preferences', true],
    ]);
    expect(m.removals.map((r) => [r.kind, r.store?.id])).toEqual([['clear-store', 'shared-prefs:secure_session']]);
  });

  it('world-readable: opens with their modes (through an Activity subclass), Activity.getPreferences, setReadable(true, false) vs setReadable(true)', () => {
    const m = storageModel(caseApp('world-readable'));
    expect(m.opens.map((o) => [o.api, o.store.id, o.mode, modeName(o.mode), o.at.method])).toEqual([
      ['Context.getSharedPreferences', 'shared-prefs:session', 1, 'MODE_WORLD_READABLE', 'logout'],
      ['Context.getSharedPreferences', 'shared-prefs:session', 1, 'MODE_WORLD_READABLE', 'saveSession'],
      ['Activity.getPreferences', 'shared-prefs:fix.wr.LegacyStore', 0, 'MODE_PRIVATE', 'saveDraft'],
      ['Context.openFileOutput', 'file:notes.txt', 2, 'MODE_WORLD_WRITEABLE', 'saveNotes'],
    ]);
    expect(m.permissions.map((p) => [p.api, p.world, p.store?.id, p.store?.area, p.at.method])).toEqual([['File.setReadable', true, 'file:token.txt', 'files', 'exportToken']]);
    expect(m.writes.map((w) => [w.store.id, w.store.backup, describeOrigin(w.value), w.session?.by ?? null])).toEqual([
      ['shared-prefs:fix.wr.LegacyStore', { domain: 'sharedpref', path: 'fix.wr.LegacyStore.xml' }, 'parameter 1 of LegacyStore.saveDraft()', null],
      ['shared-prefs:session', { domain: 'sharedpref', path: 'session.xml' }, 'parameter 1 of LegacyStore.saveSession()', 'key'],
      ['file:notes.txt', { domain: 'file', path: 'notes.txt' }, 'String.getBytes() of constant "hello"', null],
      ['file:token.txt', { domain: 'file', path: 'token.txt' }, 'parameter 1 of LegacyStore.exportToken()', 'key'],
    ]);
    expect(m.removals.map((r) => [r.kind, r.store?.id, r.api])).toEqual([
      ['clear-store', 'shared-prefs:session', 'SharedPreferences.Editor.clear'],
      ['delete-store', 'file:token.txt', 'Context.deleteFile'],
    ]);
    expect(modeName(0x8001)).toBe('MODE_WORLD_READABLE|MODE_APPEND');
  });

  it('external: the directory of each file (shared, app-specific, a /sdcard path) and what is written into it', () => {
    const m = storageModel(caseApp('external'));
    expect(m.writes.map((w) => [w.store.area, w.store.name, w.store.backup, describeOrigin(w.value), w.session?.word ?? null])).toEqual([
      ['external-app', 'profile.json', null, 'String.getBytes() of result of Api.getAccessToken()', 'token'],
      ['external-public', 'session_token.txt', null, 'parameter 1 of Exporter.exportPublic()', 'token'],
      ['external-public', 'report.txt', null, 'parameter 1 of Exporter.exportReport()', null],
    ]);
    expect(describeStore(m.writes[1]!.store)).toBe('file "session_token.txt" on shared external storage (/sdcard)');
  });

  it('datastore-sqlite: DataStore keys and name, SQLite tables, ContentValues keys, a schema-only table, AccountManager items', () => {
    const m = storageModel(caseApp('datastore-sqlite'));
    expect(m.writes.map((w) => [w.api, w.store.id, w.table ?? null, w.key, w.keyFrom, w.session?.word ?? null])).toEqual([
      ['DataStore stringPreferencesKey', 'datastore:user_prefs', null, 'access_token', 'const', 'token'],
      ['DataStore stringPreferencesKey', 'datastore:user_prefs', null, 'theme', 'const', null],
      ['SQLiteDatabase.insert', 'sqlite:sessions.db', 'sessions', 'user_name', 'const', null],
      ['SQLiteDatabase.insert', 'sqlite:sessions.db', 'sessions', 'refresh_token', 'const', 'token'],
      ['SQL CREATE TABLE', 'sqlite:?', 'web_session', 'auth_cookie', 'sql-column', 'cookie'],
      ['AccountManager.addAccountExplicitly', 'account-manager:accounts', null, 'password', 'fixed', 'password'],
      ['AccountManager.setAuthToken', 'account-manager:accounts', null, 'authtoken:full_access', 'fixed', 'authtoken'],
    ]);
    expect(m.tables.map((t) => [t.name, t.columns, t.database, t.at.method])).toEqual([
      ['sessions', ['id', 'refresh_token', 'user_name'], 'sessions.db', 'onCreate'],
      ['web_session', ['id', 'auth_cookie', 'host'], null, 'createAllTables'],
    ]);
    expect(m.writes[0]!.store.backup).toEqual({ domain: 'file', path: 'datastore/user_prefs.preferences_pb' });
    expect(m.writes[3]!.store.backup).toEqual({ domain: 'database', path: 'sessions.db' });
  });

  it('rstring-key: keys from getString(R.string.x) through resources.arsc, the password from findViewById(R.id.password_input)', () => {
    const m = storageModel(caseApp('rstring-key'));
    expect(m.writes.map((w) => [w.store.id, w.store.nameFrom, w.key, w.keyFrom, w.keyResource, describeOrigin(w.value)])).toEqual([
      ['shared-prefs:com.example.multidex_preferences', 'default-prefs', 'session_token', 'resource', 'string/pref_token_key', 'parameter 1 of RememberActivity.remember()'],
      ['shared-prefs:com.example.multidex_preferences', 'default-prefs', 'user_password', 'resource', 'string/pref_pwd_key', 'text typed into id/password_input'],
      ['shared-prefs:com.example.multidex_preferences', 'default-prefs', 'theme', 'resource', 'string/pref_theme_key', 'constant "dark"'],
    ]);
  });

  it('obfuscated: a field-held editor, a helper whose callers name the keys (and a remove through it), numbers and flags', () => {
    const m = storageModel(caseApp('obfuscated'));
    expect(m.writes.map((w) => [w.store.id, w.key, w.valueType, describeOrigin(w.value), w.session?.word ?? null, `${w.at.class}->${w.at.method}`, w.via ? `${w.via.class}->${w.via.method}` : null])).toEqual([
      ['shared-prefs:prefs_v2', 'jwt', 'string', 'parameter 1 of a.a()', 'jwt', 'La/a;->a', null],
      ['shared-prefs:prefs_v2', 'last_token_refresh', 'string', 'number Ljava/lang/Long;->toString(J)Ljava/lang/String;', null, 'La/a;->c', null],
      ['shared-prefs:prefs_v2', 'ctx_handle', 'string', 'parameter 1 of a.d()', null, 'La/a;->d', null],
      ['shared-prefs:prefs_v2', 'fcm_token', 'string', 'parameter 1 of a.e()', null, 'La/a;->e', null],
      ['shared-prefs:prefs_v2', 'next_page_token', 'string', 'parameter 2 of a.e()', null, 'La/a;->e', null],
      ['shared-prefs:kv', 'access_token', 'string', 'parameter 2 of c.a()', 'token', 'La/c;->a', 'La/b;->a'],
      ['shared-prefs:kv', 'theme', 'string', 'constant "dark"', null, 'La/c;->a', 'La/b;->a'],
      ['shared-prefs:kv', 'demo_jwt', 'string', 'constant "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkZW1vIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ"', 'jwt', 'La/c;->c', 'La/b;->a'],
      ['shared-prefs:prefs_v2', 'token_expiry', 'long', 'parameter 1 of a.b()', null, 'La/a;->b', null],
      ['shared-prefs:prefs_v2', 'remember_password', 'boolean', 'number 1', null, 'La/a;->c', null],
    ]);
    expect(m.removals.map((r) => [r.kind, r.store?.id, r.key, r.at.class, r.at.method])).toEqual([['remove-key', 'shared-prefs:kv', 'access_token', 'La/c;', 'b']]);
    expect(m.sessionStores.map((s) => [s.store.id, s.keys])).toEqual([
      ['shared-prefs:prefs_v2', ['jwt']],
      ['shared-prefs:kv', ['access_token', 'demo_jwt']],
    ]);
  });

  it('traceArgument: log messages through StringBuilder chains, keyed getters and string templates', () => {
    const app = caseApp('obfuscated');
    const logs = ['i', 'd', 'w'].flatMap((n) => app.code.callsTo(`Landroid/util/Log;->${n}`)).filter((s) => s.caller.class === 'La/c;' && s.caller.name === 'a');
    expect(logs.map((s) => [s.target.replace(/\(.*/, ''), describeOrigin(traceArgument(app, s, 1))])).toEqual([
      ['Landroid/util/Log;->i', 'concatenation "Bearer " + <parameter 2 of c.a()>'],
      ['Landroid/util/Log;->d', 'result of SharedPreferences.getString()("jwt")'],
      ['Landroid/util/Log;->w', 'concatenation "Token refresh failed: " + <result of RuntimeException.getMessage()>'],
    ]);
  });
});

describe('storage model: parsers', () => {
  it('parseSql: tables and columns of CREATE/INSERT/UPDATE/DELETE/DROP, with quoting and constraints', () => {
    expect(parseSql('CREATE TABLE IF NOT EXISTS myuser(user VARCHAR, password VARCHAR);')).toEqual({ op: 'create', table: 'myuser', columns: ['user', 'password'] });
    expect(parseSql('CREATE TABLE IF NOT EXISTS `s` (`id` INTEGER NOT NULL, `tok` TEXT, PRIMARY KEY(`id`))')).toEqual({ op: 'create', table: 's', columns: ['id', 'tok'] });
    expect(parseSql('insert into info (sessionToken, userName) values (?,?)')).toEqual({ op: 'insert', table: 'info', columns: ['sessionToken', 'userName'] });
    expect(parseSql("INSERT INTO myuser VALUES ('")).toEqual({ op: 'insert', table: 'myuser', columns: [] });
    expect(parseSql('INSERT OR REPLACE INTO `web` (`id`,`cookie`) VALUES (?,?)')).toEqual({ op: 'insert', table: 'web', columns: ['id', 'cookie'] });
    expect(parseSql('update info set isPublic = ?, autoCheckin = ? where id = 1')).toEqual({ op: 'update', table: 'info', columns: ['isPublic', 'autoCheckin'] });
    expect(parseSql('delete from info')).toEqual({ op: 'delete', table: 'info', columns: [] });
    expect(parseSql('DROP TABLE IF EXISTS sqliuser;')).toEqual({ op: 'drop', table: 'sqliuser', columns: [] });
    expect(parseSql('SELECT * FROM info')).toBeNull();
  });

  it('classifyName: session words minus other sessions, non-credential tokens and names about a session', () => {
    const word = (n: string, extra: string[] = []) => classifyName(n, extra)?.word ?? null;
    expect(['auth_token', 'refreshToken', 'JSESSIONID', 'user_password', 'pin'].map((n) => word(n))).toEqual(['token', 'token', 'jsessionid', 'password', 'pin']);
    expect(['fcm_token', 'pushToken', 'next_page_token', 'mMediaSessionToken', 'audioSessionId', 'session_start', 'getTokenizer', 'recaptcha_token'].map((n) => word(n))).toEqual([
      null, null, null, null, null, null, null, null,
    ]);
    expect(word('fcm_token', ['^fcm_token$'])).toBe('fcm_token');
  });

  it('labelBefore: the name a log message gives the value after it', () => {
    expect(labelBefore('token=')).toEqual({ label: 'token', strict: true });
    expect(labelBefore('Login ok, auth_token: "')).toEqual({ label: 'auth_token', strict: true });
    expect(labelBefore('Bearer ')).toEqual({ label: 'Bearer', strict: false });
    expect(labelBefore('Dead object in getSessionActivity. ')).toBeNull();
    expect(labelBefore('Token refresh failed: ')).toEqual({ label: 'failed', strict: true });
  });
});

const HAVE_CORPUS = existsSync(CORPUS_DIR);
describe.skipIf(!HAVE_CORPUS)(`storage model: corpus${HAVE_CORPUS ? '' : ' (skipped: ../shared/corpus not present)'}`, () => {
  it('DIVA: every credential store of expectations.json, including the PIN set after a loop head (AccessControl3Activity.addPin)', () => {
    const m = storageModel(appOf(corpusApk('diva-beta.apk')));
    expect(m.sessionStores.map((s) => [s.store.id, s.store.area, s.keys])).toEqual([
      ['shared-prefs:jakhar.aseem.diva_preferences', 'private', ['notespin', 'password']],
      ['sqlite:ids2', 'private', ['password']],
      ['sqlite:sqli', 'private', ['password']],
      ['file:.uinfo.txt', 'external-public', ['.uinfo.txt']],
      ['file:uinfo*tmp', 'data', ['uinfo*tmp']],
    ]);
    const pin = m.writes.find((w) => w.key === 'notespin')!;
    expect([pin.keyFrom, pin.keyResource, describeOrigin(pin.value), pin.session?.kind]).toEqual(['resource', 'string/pkey', 'text typed into id/aci3Pin', 'pin']);
  });

  it('InsecureBankv2: the hardcoded AES key is traced through CryptoClass to the constant set in its constructor', () => {
    const m = storageModel(appOf(corpusApk('insecurebankv2.apk')));
    const w = m.writes.find((x) => x.key === 'superSecurePassword')!;
    expect([w.store.id, describeOrigin(w.value), w.protection.kind, w.protection.detail]).toEqual([
      'shared-prefs:mySharedPreferences',
      'field DoLogin.superSecurePassword',
      'hardcoded-key',
      'encrypted with a hardcoded key (field CryptoClass.key, set from a constant in its constructor passed to CryptoClass.aes256encrypt() by CryptoClass.aesEncryptedString())',
    ]);
  });

  it('GoatDroid: MODE_WORLD_READABLE prefs and the info table of userinfo.db', () => {
    const m = storageModel(appOf(corpusApk('goatdroid-qark.apk')));
    expect(m.sessionStores.map((s) => [s.store.id, s.store.mode, s.keys])).toEqual([
      ['shared-prefs:credentials', 1, ['password']],
      ['sqlite:userinfo.db', null, ['sessionToken']],
    ]);
  });
});

describe('storage model: the npm APKs', () => {
  it('no session data in any store, and a quick build on the 18 MB uiautomator2 server', () => {
    for (const path of Object.values(NPM_APKS)) {
      const m = storageModel(appOf(path));
      expect(m.sessionStores, path).toEqual([]);
    }
    // Generous bound: the model adds tens of milliseconds on this APK (measured, see the report).
    expect(storageModel(appOf(NPM_APKS.uia2server)).timeMs).toBeLessThan(1500);
  });
});

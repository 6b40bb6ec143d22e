/**
 * plaintext-session-storage: the invoice fixtures (vulnerable / fixed), multidex-app, the focused
 * smali cases of test/fixtures/rule-src (hardcoded key, Base64, PBKDF2, EncryptedSharedPreferences,
 * DataStore, SQLite, AccountManager, R.string keys, R8-renamed Kotlin code with a field-held editor
 * and a key/value helper), the corpus against expectations.json, and the npm APKs (no finding).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import rule from '../../static-rules/plaintext-session-storage.js';
import { RULES } from '../../static-rules/index.js';
import { fingerprintOf } from '../../src/rules/rule.js';
import type { Finding } from '../../src/report/types.js';
import { findings } from '../helpers/rules.js';
import { caseApp } from '../helpers/rule-cases.js';
import { CORPUS_DIR, NPM_APKS, corpusApk, fixtureApk } from '../helpers/apks.js';

const ID = 'plaintext-session-storage';
const brief = (f: Finding[]) => f.map((x) => [x.severity, x.confidence, `${x.location.class}->${x.location.method}`]);
const FP = (...parts: string[]) => fingerprintOf(ID, parts);
const LOGIN = 'Lcom/example/insecureinvoice/LoginActivity;';

describe('plaintext-session-storage', () => {
  it('is registered once, high, with its standards', () => {
    expect(RULES.filter((r) => r.meta.id === ID)).toEqual([rule]);
    expect(rule.meta).toMatchObject({ severity: 'high', masvs: ['MASVS-STORAGE-1'], mastg: ['MASTG-TEST-0287', 'MASTG-TEST-0207'], cwe: ['CWE-312', 'CWE-522'] });
    expect(rule.meta.remediation).toContain('AndroidKeyStore');
    expect(rule.meta.remediation).toContain('Tink');
    expect(rule.meta.remediation).toContain('deprecated');
  });

  it('insecure-invoice: the plaintext token and password of LoginActivity.onLoginClicked(), not the user name', () => {
    const f = findings(rule, fixtureApk('insecure-invoice'));
    expect(f.map((x) => [x.ruleId, x.severity, x.confidence, x.location, x.fingerprint])).toEqual([
      [ID, 'high', 'high', { class: LOGIN, method: 'onLoginClicked' }, FP('shared-prefs', 'session', '', 'auth_token', LOGIN, 'onLoginClicked')],
      [ID, 'high', 'high', { class: LOGIN, method: 'onLoginClicked' }, FP('shared-prefs', 'session', '', 'password', LOGIN, 'onLoginClicked')],
    ]);
    expect(f[0]!.message).toBe(
      'LoginActivity.onLoginClicked() writes a session token (key "auth_token") to SharedPreferences "session" (shared_prefs/session.xml) in plaintext. ' +
        "Whoever gets a copy of the app's data (backup, device transfer, run-as on a debuggable build, a rooted device) can read it and replay the session.",
    );
    expect(f[0]!.evidence).toBe(
      `${LOGIN}->onLoginClicked()V; SharedPreferences.Editor.putString to SharedPreferences "session" (shared_prefs/session.xml), MODE_PRIVATE; ` +
        'key "auth_token"; value: result of TokenFactory.newToken(); protection: none; recognised by the key name ("token")',
    );
    expect(f[1]!.message).toContain('writes a password (key "password")');
    expect(f[1]!.message).toContain('log in as the user');
    expect(f[1]!.evidence).toContain('value: text typed into passwordField');
  });

  it('secure-invoice: the token is encrypted with an Android Keystore key (and its IV is not a secret): nothing', () => {
    expect(findings(rule, fixtureApk('secure-invoice'))).toEqual([]);
  });

  it('multidex-app: the token written in classes3.dex', () => {
    const f = findings(rule, fixtureApk('multidex-app'));
    expect(brief(f)).toEqual([['high', 'high', 'Lcom/example/multidex/store/SessionStore;->saveToken']]);
    expect(f[0]!.message).toContain('writes a session token (key "session_token") to SharedPreferences "auth" (shared_prefs/auth.xml) in plaintext');
  });

  it('hardcoded key: still a finding; Base64 only: a finding; a PBKDF2-derived key or Tink: none', () => {
    const f = findings(rule, caseApp('hardcoded-key'));
    expect(brief(f)).toEqual([
      ['high', 'high', 'Lfix/hk/TokenVault;->save'],
      ['high', 'high', 'Lfix/hk/TokenVault;->savePassword'],
    ]);
    expect(f[0]!.message).toBe(
      'TokenVault.save() writes a session token (key "refresh_token") to SharedPreferences "vault" (shared_prefs/vault.xml) encrypted with a hardcoded key ' +
        '(a constant string): encrypted with a hardcoded key is not protection, anyone with the APK can decrypt it. ' +
        "Whoever gets a copy of the app's data (backup, device transfer, run-as on a debuggable build, a rooted device) can read it and replay the session.",
    );
    expect(f[0]!.evidence).toContain('value: result of TokenVault.encrypt(); protection: encrypted with a hardcoded key (a constant string)');
    expect(f[1]!.message).toContain('writes a password (key "password") to SharedPreferences "vault" (shared_prefs/vault.xml) only Base64/hex-encoded (encoding is not encryption)');
    expect(f[1]!.evidence).toContain('value: Base64.encodeToString() of String.getBytes() of parameter 2 of TokenVault.savePassword(); protection: only encoded (Base64/hex), which is not encryption');
    expect(f.some((x) => x.location.class === 'Lfix/hk/PinVault;' || x.location.class === 'Lfix/hk/TinkVault;')).toBe(false);
  });

  it('EncryptedSharedPreferences: no plaintext finding, an info note that the library is deprecated', () => {
    const f = findings(rule, caseApp('encrypted-prefs'));
    expect(f.map((x) => [x.severity, x.title, x.location, x.fingerprint])).toEqual([
      ['info', 'Session data stored with the deprecated EncryptedSharedPreferences', { class: 'Lfix/ep/SecurePrefs;', method: 'save' }, FP('deprecated-encryption', 'shared-prefs', 'secure_session')],
    ]);
    expect(f[0]!.message).toBe(
      'SecurePrefs.save() stores session data in SharedPreferences "secure_session" (shared_prefs/secure_session.xml) through androidx.security.crypto ' +
        '(EncryptedSharedPreferences/EncryptedFile). It is encrypted at rest, but the library is deprecated (security-crypto 1.1.0-alpha07): plan a move to an ' +
        'Android Keystore key (KeyGenerator with "AndroidKeyStore") or Tink.',
    );
  });

  it('DataStore, SQLite (ContentValues and a Room-like schema) and the AccountManager', () => {
    const f = findings(rule, caseApp('datastore-sqlite'));
    expect(f.map((x) => [x.severity, x.confidence, `${x.location.class}->${x.location.method}`, x.fingerprint])).toEqual([
      ['high', 'high', 'Lfix/ds/Keys;-><clinit>', FP('datastore', 'user_prefs', '', 'access_token', 'Lfix/ds/Keys;', '<clinit>')],
      ['high', 'high', 'Lfix/ds/SessionDb;->store', FP('sqlite', 'sessions.db', 'sessions', 'refresh_token', 'Lfix/ds/SessionDb;', 'store')],
      ['high', 'medium', 'Lfix/ds/WebSessionDao_Impl;->createAllTables', FP('sqlite', '?', 'web_session', 'auth_cookie', 'Lfix/ds/WebSessionDao_Impl;', 'createAllTables')],
      ['high', 'high', 'Lfix/ds/Accounts;->add', FP('account-manager', 'accounts', '', 'password', 'Lfix/ds/Accounts;', 'add')],
      ['medium', 'high', 'Lfix/ds/Accounts;->add', FP('account-manager', 'accounts', '', 'authtoken:full_access', 'Lfix/ds/Accounts;', 'add')],
    ]);
    const [ds, db, schema, pwd, tok] = f;
    expect(ds!.message).toContain('writes a session token (key "access_token") to DataStore "user_prefs" (files/datastore/user_prefs.preferences_pb) in plaintext');
    expect(db!.message).toContain('writes a session token (key "refresh_token") to SQLite database "sessions.db" (databases/sessions.db) in plaintext');
    expect(schema!.message).toMatch(/^The SQLite table "web_session" of a SQLite database \(name not found\) has a session cookie column \("auth_cookie"\) that nothing encrypts\./);
    expect(pwd!.message).toContain('writes a password (account password) to the AccountManager');
    expect(tok!.message).toContain('writes a session token (auth token of type "full_access") to the AccountManager');
    expect(f.some((x) => /theme|user_name/.test(x.message))).toBe(false);
  });

  it('keys kept as string resources are resolved through resources.arsc (DIVA style)', () => {
    const f = findings(rule, caseApp('rstring-key'));
    expect(brief(f)).toEqual([
      ['high', 'high', 'Lfix/rs/RememberActivity;->remember'],
      ['high', 'high', 'Lfix/rs/RememberActivity;->remember'],
    ]);
    expect(f[0]!.message).toContain('writes a session token (key "session_token" from R.string.pref_token_key) to the default SharedPreferences (shared_prefs/com.example.multidex_preferences.xml)');
    expect(f[1]!.message).toContain('writes a password (key "user_password" from R.string.pref_pwd_key)');
    expect(f[1]!.evidence).toContain('value: text typed into id/password_input');
  });

  it('R8-renamed Kotlin code: a field-held editor, a key/value helper named by its callers, no flags/numbers/timestamps', () => {
    const f = findings(rule, caseApp('obfuscated'));
    expect(f.map((x) => [x.severity, `${x.location.class}->${x.location.method}`, x.fingerprint])).toEqual([
      ['high', 'La/a;->a', FP('shared-prefs', 'prefs_v2', '', 'jwt', 'La/a;', 'a')],
      ['high', 'La/c;->a', FP('shared-prefs', 'kv', '', 'access_token', 'La/c;', 'a')],
      ['high', 'La/c;->c', FP('shared-prefs', 'kv', '', 'demo_jwt', 'La/c;', 'c')],
    ]);
    expect(f[1]!.message).toBe(
      'c.a() (through b.a()) writes a session token (key "access_token") to SharedPreferences "kv" (shared_prefs/kv.xml) in plaintext. ' +
        "Whoever gets a copy of the app's data (backup, device transfer, run-as on a debuggable build, a rooted device) can read it and replay the session.",
    );
    expect(f[1]!.evidence).toMatch(/^La\/c;->a\(Landroid\/content\/Context;Ljava\/lang\/String;\)V via La\/b;->a\(Landroid\/content\/Context;Ljava\/lang\/String;Ljava\/lang\/String;\)V; /);
  });

  it('a constant token is redacted in the evidence unless --show-secrets', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkZW1vIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    const hidden = findings(rule, caseApp('obfuscated')).find((x) => x.location.method === 'c')!;
    expect(hidden.evidence).toMatch(/value: constant eyJh… \(redacted, 67 chars, sha256 [0-9a-f]{12}\);/);
    expect(hidden.evidence).not.toContain(jwt);
    const shown = findings(rule, caseApp('obfuscated'), { showSecrets: true }).find((x) => x.location.method === 'c')!;
    expect(shown.evidence).toContain(`value: constant ${jwt};`);
  });

  it('extraTokenPatterns extend the key names', () => {
    const f = findings(rule, caseApp('obfuscated'), { extraTokenPatterns: ['^ctx_handle$'] });
    expect(f.map((x) => `${x.location.class}->${x.location.method}`)).toEqual(['La/a;->a', 'La/a;->d', 'La/c;->a', 'La/c;->c']);
    expect(f[1]!.message).toContain('key "ctx_handle"');
    expect(findings(rule, caseApp('obfuscated')).some((x) => x.location.method === 'd')).toBe(false);
  });

  it('the same flaws in a rebuilt app with unrelated changes keep their fingerprints', () => {
    const before = findings(rule, fixtureApk('insecure-invoice')).map((x) => x.fingerprint);
    const after = findings(rule, caseApp('insecure-rebuilt')).map((x) => x.fingerprint);
    expect(after).toEqual(before);
    expect(after).toHaveLength(2);
  });

  it('the npm APKs (apidemos has prefs demos and world-readable files, none with session data): nothing', () => {
    for (const path of Object.values(NPM_APKS)) expect(findings(rule, path), path).toEqual([]);
  });
});

const HAVE_CORPUS = existsSync(CORPUS_DIR);
describe.skipIf(!HAVE_CORPUS)(`corpus against expectations.json${HAVE_CORPUS ? '' : ' (skipped: ../shared/corpus not present)'}`, () => {
  const exp = HAVE_CORPUS ? JSON.parse(readFileSync(join(CORPUS_DIR, 'expectations.json'), 'utf8')) : {};
  const where = (name: string) => findings(rule, corpusApk(name)).map((x) => `${x.location.class}->${x.location.method}`);

  it.each(['diva-beta.apk', 'insecurebankv2.apk', 'goatdroid-qark.apk', 'uncrackable-l1.apk'])('%s: a finding exactly when plaintextCredentialStorage is true', (name) => {
    expect(where(name).length > 0).toBe(exp[name].plaintextCredentialStorage === true);
  });

  it('DIVA: prefs (user/password and the PIN key R.string.pkey), both SQLite tables, the temp file and the /sdcard file', () => {
    const f = findings(rule, corpusApk('diva-beta.apk'));
    expect(f.map((x) => `${x.location.class}->${x.location.method}`).sort()).toEqual(
      [
        'Ljakhar/aseem/diva/AccessControl3Activity;->addPin',
        'Ljakhar/aseem/diva/InsecureDataStorage1Activity;->saveCredentials',
        'Ljakhar/aseem/diva/InsecureDataStorage2Activity;->saveCredentials',
        'Ljakhar/aseem/diva/InsecureDataStorage3Activity;->saveCredentials',
        'Ljakhar/aseem/diva/InsecureDataStorage4Activity;->saveCredentials',
        'Ljakhar/aseem/diva/SQLInjectionActivity;->onCreate',
      ].sort(),
    );
    expect(f.find((x) => x.location.class === 'Ljakhar/aseem/diva/InsecureDataStorage1Activity;')!.message).toContain(
      'writes a password (key "password") to the default SharedPreferences (shared_prefs/jakhar.aseem.diva_preferences.xml) in plaintext',
    );
    expect(f.find((x) => x.location.class === 'Ljakhar/aseem/diva/AccessControl3Activity;')!.message).toContain('writes a PIN (key "notespin" from R.string.pkey)');
    expect(f.find((x) => x.location.class === 'Ljakhar/aseem/diva/InsecureDataStorage2Activity;')!.message).toContain('to SQLite database "ids2" (databases/ids2)');
    expect(f.find((x) => x.location.class === 'Ljakhar/aseem/diva/InsecureDataStorage4Activity;')!.message).toContain('file ".uinfo.txt" on shared external storage (/sdcard)');
  });

  it('InsecureBankv2: the password in mySharedPreferences, AES-encrypted with a hardcoded key, is still a finding', () => {
    const f = findings(rule, corpusApk('insecurebankv2.apk'));
    expect(brief(f)).toEqual([['high', 'high', 'Lcom/android/insecurebankv2/DoLogin$RequestTask;->saveCreds']]);
    expect(f[0]!.message).toContain(
      'writes a password (key "superSecurePassword") to SharedPreferences "mySharedPreferences" (shared_prefs/mySharedPreferences.xml) encrypted with a hardcoded key ' +
        '(field CryptoClass.key, set from a constant in its constructor passed to CryptoClass.aes256encrypt() by CryptoClass.aesEncryptedString()): ' +
        'encrypted with a hardcoded key is not protection, anyone with the APK can decrypt it.',
    );
  });

  it('GoatDroid: the credentials prefs (MODE_WORLD_READABLE) and the sessionToken column', () => {
    const f = findings(rule, corpusApk('goatdroid-qark.apk'));
    expect(brief(f)).toEqual([
      ['high', 'high', 'Lorg/owasp/goatdroid/fourgoats/activities/Login;->saveCredentials'],
      ['high', 'high', 'Lorg/owasp/goatdroid/fourgoats/db/UserInfoDBHelper;-><init>'],
    ]);
    expect(f[0]!.evidence).toContain('to SharedPreferences "credentials" (shared_prefs/credentials.xml), MODE_WORLD_READABLE; key "password"');
    expect(f[1]!.message).toContain('writes a session token (column "sessionToken" of table "info") to SQLite database "userinfo.db"');
  });
});

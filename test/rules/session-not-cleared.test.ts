/**
 * session-not-cleared: insecure-invoice (logout leaves session.xml), secure-invoice (logout removes
 * the keys and clears the file), the smali cases (clear() in a logout, remove(key) through a
 * helper, deleteFile, DataStore/SQLite/AccountManager never cleared) and the corpus.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import rule from '../../static-rules/session-not-cleared.js';
import { RULES } from '../../static-rules/index.js';
import { fingerprintOf } from '../../src/rules/rule.js';
import { findings } from '../helpers/rules.js';
import { caseApp } from '../helpers/rule-cases.js';
import { CORPUS_DIR, NPM_APKS, corpusApk, fixtureApk } from '../helpers/apks.js';

const ID = 'session-not-cleared';

describe('session-not-cleared', () => {
  it('is registered once, medium, with its standards (MASWE-0024)', () => {
    expect(RULES.filter((r) => r.meta.id === ID)).toEqual([rule]);
    expect(rule.meta).toMatchObject({ severity: 'medium', masvs: ['MASVS-AUTH-1', 'MASVS-STORAGE-1'], mastg: ['MASWE-0024', 'MASTG-TEST-0207'], cwe: ['CWE-613'] });
  });

  it('insecure-invoice: logout never removes auth_token/password from session.xml', () => {
    const f = findings(rule, fixtureApk('insecure-invoice'));
    expect(f.map((x) => [x.ruleId, x.severity, x.confidence, x.location, x.fingerprint])).toEqual([
      [ID, 'medium', 'medium', { class: 'Lcom/example/insecureinvoice/LoginActivity;', method: 'onLoginClicked' }, fingerprintOf(ID, ['shared-prefs', 'session'])],
    ]);
    expect(f[0]!.message).toBe(
      'Session data written to SharedPreferences "session" (shared_prefs/session.xml) by LoginActivity.onLoginClicked() (auth_token, password) is never removed: ' +
        'no Editor.remove() of these keys, no clear() of this file and no deleteSharedPreferences() anywhere in the code. After logout it stays on the device, ' +
        "where the next launch, a backup or anyone reading the app's data finds a live session (to be confirmed by the dynamic logout probe).",
    );
    expect(f[0]!.evidence).toBe(
      'SharedPreferences "session" (shared_prefs/session.xml); session keys auth_token, password; written by Lcom/example/insecureinvoice/LoginActivity;->onLoginClicked; ' +
        'removals of this store found: none',
    );
  });

  it('secure-invoice: logout removes both keys and clears the file: nothing', () => {
    expect(findings(rule, fixtureApk('secure-invoice'))).toEqual([]);
  });

  it('multidex-app: the token is never removed', () => {
    expect(findings(rule, fixtureApk('multidex-app')).map((x) => [x.location.method, x.fingerprint])).toEqual([['saveToken', fingerprintOf(ID, ['shared-prefs', 'auth'])]]);
  });

  it('clear() (also through EncryptedSharedPreferences) and Context.deleteFile: nothing', () => {
    for (const n of ['hardcoded-key', 'encrypted-prefs', 'world-readable']) expect(findings(rule, caseApp(n)), n).toEqual([]);
  });

  it('remove(key) through a helper clears that key only: prefs_v2 (jwt) is reported, kv (access_token) is not', () => {
    const f = findings(rule, caseApp('obfuscated'));
    expect(f.map((x) => [x.location.class, x.location.method, x.fingerprint])).toEqual([
      ['La/a;', 'a', fingerprintOf(ID, ['shared-prefs', 'prefs_v2'])],
      ['La/c;', 'c', fingerprintOf(ID, ['shared-prefs', 'kv'])],
    ]);
    // kv: access_token is removed by c.b() -> b.b(ctx, "access_token"); demo_jwt is not.
    expect(f[1]!.message).toContain('(demo_jwt) is never removed');
    expect(f[1]!.evidence).toContain('removals of this store found: SharedPreferences.Editor.remove(access_token) in c.b()');
  });

  it('DataStore, SQLite and AccountManager stores that nothing clears', () => {
    const f = findings(rule, caseApp('datastore-sqlite'));
    expect(f.map((x) => x.fingerprint)).toEqual([
      fingerprintOf(ID, ['datastore', 'user_prefs']),
      fingerprintOf(ID, ['sqlite', 'sessions.db']),
      fingerprintOf(ID, ['sqlite', '?']),
      fingerprintOf(ID, ['account-manager', 'accounts']),
    ]);
    expect(f[1]!.message).toContain('no DELETE/DROP of the table and no deleteDatabase()');
    expect(f[3]!.message).toContain('(password, authtoken:full_access) is never removed: no removeAccount/clearPassword/invalidateAuthToken');
  });

  it('a rebuilt app with unrelated changes keeps the fingerprint; the npm APKs store no session data: nothing', () => {
    expect(findings(rule, caseApp('insecure-rebuilt')).map((x) => x.fingerprint)).toEqual([fingerprintOf(ID, ['shared-prefs', 'session'])]);
    for (const path of Object.values(NPM_APKS)) expect(findings(rule, path), path).toEqual([]);
  });
});

const HAVE_CORPUS = existsSync(CORPUS_DIR);
describe.skipIf(!HAVE_CORPUS)(`corpus${HAVE_CORPUS ? '' : ' (skipped: ../shared/corpus not present)'}`, () => {
  it('DIVA keeps every credential; the sqli table is dropped on each start; GoatDroid deletes the session row but not the prefs', () => {
    const where = (n: string) => findings(rule, corpusApk(n)).map((x) => `${x.location.class}->${x.location.method}`);
    expect(where('diva-beta.apk')).toEqual([
      'Ljakhar/aseem/diva/AccessControl3Activity;->addPin',
      'Ljakhar/aseem/diva/InsecureDataStorage2Activity;->saveCredentials',
      'Ljakhar/aseem/diva/InsecureDataStorage4Activity;->saveCredentials',
      'Ljakhar/aseem/diva/InsecureDataStorage3Activity;->saveCredentials',
    ]);
    expect(where('goatdroid-qark.apk')).toEqual(['Lorg/owasp/goatdroid/fourgoats/activities/Login;->saveCredentials']);
    expect(where('insecurebankv2.apk')).toEqual(['Lcom/android/insecurebankv2/DoLogin$RequestTask;->saveCreds']);
    expect(where('uncrackable-l1.apk')).toEqual([]);
  });
});

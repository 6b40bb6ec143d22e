/**
 * app-backup: the invoice fixtures (insecure: session.xml in every channel; secure: excluded by
 * both rule files), multidex-app (allowBackup absent, targetSdk 30), obfuscated-nsc (allowBackup
 * false, targetSdk 28), manifest variations for Android 12+ (allowBackup="false" still allows
 * device-to-device transfer; adb backup only when debuggable), the "no session store" case and the
 * corpus (a finding exactly where allowBackup is true).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import rule from '../../static-rules/app-backup.js';
import { RULES } from '../../static-rules/index.js';
import { fingerprintOf } from '../../src/rules/rule.js';
import type { AppModel } from '../../src/model/app.js';
import { readBackup } from '../../src/model/backup.js';
import { appOf, findings } from '../helpers/rules.js';
import { caseApp } from '../helpers/rule-cases.js';
import { bool } from '../helpers/xml-tree.js';
import { CORPUS_DIR, NPM_APKS, corpusApk, fixtureApk } from '../helpers/apks.js';
import { manifestTree, remodel, type ManifestSpec } from '../fixtures/rule-data/remodel.js';

const ID = 'app-backup';
const FP_SESSION = fingerprintOf(ID, ['session-store', 'shared-prefs:session']);
const FP_NO_RULES = fingerprintOf(ID, ['backup-without-rules']);

/** insecure-invoice's code with another manifest, the backup model recomputed from it. */
function withManifest(spec: Partial<ManifestSpec> & { app?: ManifestSpec['app'] }): AppModel {
  const base = appOf(fixtureApk('insecure-invoice'));
  const { root } = manifestTree({ pkg: 'com.example.insecureinvoice', minSdk: 21, targetSdk: 33, ...spec });
  const m = remodel(base, { manifest: root });
  return { ...m, backup: readBackup(m.manifest, m.values, m.xml) };
}

describe('app-backup', () => {
  it('is registered once, high, with its standards', () => {
    expect(RULES.filter((r) => r.meta.id === ID)).toEqual([rule]);
    expect(rule.meta).toMatchObject({ severity: 'high', masvs: ['MASVS-STORAGE-2'], mastg: ['MASTG-TEST-0262'], cwe: ['CWE-530'] });
  });

  it('insecure-invoice: session.xml leaves through every channel, on the <application> line', () => {
    const f = findings(rule, fixtureApk('insecure-invoice'));
    expect(f.map((x) => [x.ruleId, x.severity, x.confidence, x.location, x.fingerprint])).toEqual([
      [ID, 'high', 'high', { file: 'AndroidManifest.xml', line: 21, element: 'application' }, FP_SESSION],
    ]);
    expect(f[0]!.message).toBe(
      'SharedPreferences "session" (shared_prefs/session.xml) holds session data (auth_token, password) and leaves the device through cloud backup (Android 12+), ' +
        'device-to-device transfer (Android 12+), adb backup (Android 12+), cloud backup (Android 11 and lower), device-to-device transfer (Android 11 and lower), ' +
        'adb backup (Android 11 and lower): android:allowBackup="true" and no backup rules filter it; device-to-device transfer takes all app data (no ' +
        '<device-transfer> rules); adb backup works on Android 12+ because the app is debuggable.',
    );
    expect(f[0]!.evidence).toBe(
      'store sharedpref/session.xml written by Lcom/example/insecureinvoice/LoginActivity;->onLoginClicked()V; allowBackup=true; fullBackupContent=none; ' +
        'dataExtractionRules=none; targetSdk=33',
    );
  });

  it('secure-invoice: session.xml is excluded from cloud backup and device transfer (both rule files): nothing', () => {
    expect(findings(rule, fixtureApk('secure-invoice'))).toEqual([]);
  });

  it('multidex-app: allowBackup not set (true) at targetSdk 30: the Android 11 semantics on every device', () => {
    const f = findings(rule, fixtureApk('multidex-app'));
    expect(f.map((x) => [x.severity, x.fingerprint])).toEqual([['high', fingerprintOf(ID, ['session-store', 'shared-prefs:auth'])]]);
    expect(f[0]!.message).toBe(
      'SharedPreferences "auth" (shared_prefs/auth.xml) holds session data (session_token) and leaves the device through cloud backup, device-to-device transfer, ' +
        'adb backup: allowBackup is not set (defaults to true) and no backup rules filter it.',
    );
  });

  it('obfuscated-nsc: allowBackup="false" at targetSdk 28: nothing', () => {
    expect(findings(rule, fixtureApk('obfuscated-nsc'))).toEqual([]);
  });

  it('Android 12+: allowBackup="false" still lets device-to-device transfer take the session (medium)', () => {
    const f = findings(rule, withManifest({ app: { 'android:allowBackup': bool(false) } }));
    expect(f.map((x) => [x.severity, x.fingerprint])).toEqual([['medium', FP_SESSION]]);
    expect(f[0]!.message).toContain('leaves the device through device-to-device transfer (Android 12+): device-to-device transfer still runs on Android 12+ despite allowBackup="false"');
    expect(f[0]!.message).toContain('On Android 12+ adb backup leaves the app out (it is not debuggable). android:allowBackup="false" does not stop device-to-device transfer on Android 12+.');
  });

  it('Android 12+, not debuggable, minSdk 31: cloud backup and device transfer, not adb backup', () => {
    const f = findings(rule, withManifest({ minSdk: 31 }));
    expect(f.map((x) => [x.severity, x.fingerprint])).toEqual([['high', FP_SESSION]]);
    expect(f[0]!.message).toContain('leaves the device through cloud backup (Android 12+), device-to-device transfer (Android 12+):');
    expect(f[0]!.message).not.toContain('adb backup (');
  });

  it('backup on with no rules and no session store it copies: medium', () => {
    const app = caseApp('external');
    const f = findings(rule, app);
    expect(f.map((x) => [x.severity, x.confidence, x.location, x.fingerprint])).toEqual([
      ['medium', 'medium', { file: 'AndroidManifest.xml', line: 21, element: 'application' }, FP_NO_RULES],
    ]);
    expect(f[0]!.message).toMatch(/^Backup is on with no rules \(android:allowBackup ="true", neither fullBackupContent nor dataExtractionRules\): cloud backup \(Android 12\+\), /);
  });

  it('several session stores: one finding per store, same fingerprints after a rebuild with unrelated changes', () => {
    const f = findings(rule, caseApp('datastore-sqlite', 'ds.apk'));
    expect(f.map((x) => [x.severity, x.confidence, x.fingerprint])).toEqual([
      ['high', 'high', fingerprintOf(ID, ['session-store', 'datastore:user_prefs'])],
      ['high', 'high', fingerprintOf(ID, ['session-store', 'sqlite:sessions.db'])],
      ['high', 'medium', fingerprintOf(ID, ['session-store', 'sqlite:?'])],
    ]);
    expect(f[0]!.evidence).toMatch(/^store file\/datastore\/user_prefs\.preferences_pb written by Lfix\/ds\/Keys;-><clinit>\(\)V; /);
    const rebuilt = caseApp('insecure-rebuilt', 'rebuilt.apk');
    expect(findings(rule, rebuilt).map((x) => x.fingerprint)).toEqual([FP_SESSION]);
  });

  it('the npm APKs: backup on without rules, no session store: medium at most', () => {
    for (const path of Object.values(NPM_APKS)) {
      for (const x of findings(rule, path)) expect([x.severity, x.fingerprint], path).toEqual(['medium', FP_NO_RULES]);
    }
  });
});

const HAVE_CORPUS = existsSync(CORPUS_DIR);
describe.skipIf(!HAVE_CORPUS)(`corpus against expectations.json${HAVE_CORPUS ? '' : ' (skipped: ../shared/corpus not present)'}`, () => {
  const exp = HAVE_CORPUS ? JSON.parse(readFileSync(join(CORPUS_DIR, 'expectations.json'), 'utf8')) : {};
  it.each(['diva-beta.apk', 'insecurebankv2.apk', 'goatdroid-qark.apk', 'uncrackable-l1.apk'])('%s: findings exactly when allowBackup is true, on <application>', (name) => {
    const f = findings(rule, corpusApk(name));
    expect(f.length > 0).toBe(exp[name].allowBackup === true);
    const line = appOf(corpusApk(name)).manifest.application.line;
    for (const x of f) expect(x.location).toEqual({ file: 'AndroidManifest.xml', line, element: 'application' });
  });

  it('the stores holding credentials are named; UnCrackable (no storage) gets the medium no-rules finding', () => {
    const stores = (name: string) => findings(rule, corpusApk(name)).map((x) => `${x.severity} ${x.message.slice(0, x.message.indexOf(' holds'))}`);
    expect(stores('diva-beta.apk')).toEqual([
      'high The default SharedPreferences (shared_prefs/jakhar.aseem.diva_preferences.xml)',
      'high SQLite database "ids2" (databases/ids2)',
      'high SQLite database "sqli" (databases/sqli)',
      'high File "uinfo*tmp" in the app\'s data directory',
    ]);
    expect(stores('insecurebankv2.apk')).toEqual(['high SharedPreferences "mySharedPreferences" (shared_prefs/mySharedPreferences.xml)']);
    expect(stores('goatdroid-qark.apk')).toEqual(['high SharedPreferences "credentials" (shared_prefs/credentials.xml)', 'high SQLite database "userinfo.db" (databases/userinfo.db)']);
    expect(findings(rule, corpusApk('uncrackable-l1.apk')).map((x) => [x.severity, x.fingerprint])).toEqual([['medium', FP_NO_RULES]]);
  });
});

/**
 * external-storage-session: the "external" smali case (shared and app-specific external storage,
 * and a non-session report on /sdcard), the fixtures (nothing external), DIVA's /sdcard/.uinfo.txt
 * (InsecureDataStorage4Activity) and InsecureBankv2's statements on /sdcard (not session data).
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import rule from '../../static-rules/external-storage-session.js';
import { RULES } from '../../static-rules/index.js';
import { fingerprintOf } from '../../src/rules/rule.js';
import { findings } from '../helpers/rules.js';
import { caseApp } from '../helpers/rule-cases.js';
import { CORPUS_DIR, NPM_APKS, corpusApk, fixtureApk } from '../helpers/apks.js';

const ID = 'external-storage-session';

describe('external-storage-session', () => {
  it('is registered once, high, with its standards', () => {
    expect(RULES.filter((r) => r.meta.id === ID)).toEqual([rule]);
    expect(rule.meta).toMatchObject({ severity: 'high', masvs: ['MASVS-STORAGE-2'], mastg: ['MASTG-TEST-0200', 'MASTG-TEST-0202'], cwe: ['CWE-922'] });
  });

  it('shared external storage: high; app-specific external storage: medium; a report without session data: nothing', () => {
    const f = findings(rule, caseApp('external'));
    expect(f.map((x) => [x.ruleId, x.severity, x.confidence, x.location, x.fingerprint])).toEqual([
      [ID, 'high', 'high', { class: 'Lfix/ext/Exporter;', method: 'exportPublic' }, fingerprintOf(ID, ['external-public', 'session_token.txt', 'Lfix/ext/Exporter;', 'exportPublic'])],
      [ID, 'medium', 'high', { class: 'Lfix/ext/Exporter;', method: 'exportAppSpecific' }, fingerprintOf(ID, ['external-app', 'profile.json', 'Lfix/ext/Exporter;', 'exportAppSpecific'])],
    ]);
    expect(f[0]!.message).toBe(
      'Exporter.exportPublic() writes a session token to file "session_token.txt" on shared external storage (/sdcard) in plaintext: any app with the storage ' +
        'permission (every app on Android 4.3 and lower), anyone with adb or USB access, and anyone holding the SD card can read it.',
    );
    expect(f[0]!.evidence).toBe(
      'Lfix/ext/Exporter;->exportPublic(Ljava/lang/String;)V; FileWriter to file "session_token.txt" on shared external storage (/sdcard); ' +
        'content: parameter 1 of Exporter.exportPublic(); recognised by the file name ("token")',
    );
    expect(f[1]!.message).toContain('in app-specific external storage (getExternalFilesDir/getExternalCacheDir) in plaintext: other apps with the storage permission could read it before scoped storage');
    expect(f[1]!.evidence).toContain('content: String.getBytes() of result of Api.getAccessToken(); recognised by the content\'s origin ("token")');
  });

  it('the fixtures and the npm APKs write nothing to external storage: nothing', () => {
    for (const n of ['insecure-invoice', 'secure-invoice', 'multidex-app', 'obfuscated-nsc']) expect(findings(rule, fixtureApk(n))).toEqual([]);
    for (const path of Object.values(NPM_APKS)) expect(findings(rule, path), path).toEqual([]);
  });
});

const HAVE_CORPUS = existsSync(CORPUS_DIR);
describe.skipIf(!HAVE_CORPUS)(`corpus${HAVE_CORPUS ? '' : ' (skipped: ../shared/corpus not present)'}`, () => {
  it('DIVA: user:password written to /sdcard/.uinfo.txt by InsecureDataStorage4Activity', () => {
    const f = findings(rule, corpusApk('diva-beta.apk'));
    expect(f.map((x) => [x.severity, x.location])).toEqual([['high', { class: 'Ljakhar/aseem/diva/InsecureDataStorage4Activity;', method: 'saveCredentials' }]]);
    expect(f[0]!.message).toContain('writes a password to file ".uinfo.txt" on shared external storage (/sdcard) in plaintext');
    expect(f[0]!.evidence).toContain('content: concatenation <text typed into id/ids4Usr> + ":" + <text typed into id/ids4Pwd> + "\\n"');
  });

  it('InsecureBankv2 (statements, not credentials), GoatDroid and UnCrackable: nothing', () => {
    for (const n of ['insecurebankv2.apk', 'goatdroid-qark.apk', 'uncrackable-l1.apk']) expect(findings(rule, corpusApk(n)), n).toEqual([]);
  });
});

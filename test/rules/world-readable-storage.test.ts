/**
 * world-readable-storage: the "world-readable" smali case with the insecure-invoice manifest
 * (targetSdk 33: Android 7+ throws for MODE_WORLD_*, severity one step lower) and with a manifest
 * targeting API 23 (the mode works everywhere), the fixtures (all MODE_PRIVATE), GoatDroid
 * (MODE_WORLD_READABLE credentials) and InsecureBankv2 (MyBroadCastReceiver).
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import rule from '../../static-rules/world-readable-storage.js';
import { RULES } from '../../static-rules/index.js';
import { fingerprintOf } from '../../src/rules/rule.js';
import type { Finding } from '../../src/report/types.js';
import { findings } from '../helpers/rules.js';
import { caseApp } from '../helpers/rule-cases.js';
import { CORPUS_DIR, NPM_APKS, corpusApk, fixtureApk } from '../helpers/apks.js';
import { manifestTree, remodel } from '../fixtures/rule-data/remodel.js';

const ID = 'world-readable-storage';
const CLS = 'Lfix/wr/LegacyStore;';
const brief = (f: Finding[]) => f.map((x) => [x.severity, x.confidence, x.location.method]);

describe('world-readable-storage', () => {
  it('is registered once, with its standards', () => {
    expect(RULES.filter((r) => r.meta.id === ID)).toEqual([rule]);
    expect(rule.meta).toMatchObject({ severity: 'high', masvs: ['MASVS-STORAGE-2'], cwe: ['CWE-276', 'CWE-732'] });
  });

  it('targetSdk 33: MODE_WORLD_* one step lower (SecurityException on Android 7+), setReadable(true, false) on the token file stays high', () => {
    const f = findings(rule, caseApp('world-readable'));
    expect(brief(f)).toEqual([
      ['high', 'medium', 'exportToken'],
      ['medium', 'high', 'logout'],
      ['medium', 'high', 'saveSession'],
      ['low', 'high', 'saveNotes'],
    ]);
    const session = f.find((x) => x.location.method === 'saveSession')!;
    expect(session.message).toBe(
      'LegacyStore.saveSession() opens SharedPreferences "session" (shared_prefs/session.xml) with MODE_WORLD_READABLE: it is readable by every app, and it holds ' +
        'session data (session_id). The app targets API 33: Android 7.0 and later throw SecurityException for this mode (the call crashes there), but on Android 6.0 ' +
        'and lower (minSdk 21) the data is exposed.',
    );
    expect(session.evidence).toBe(`${CLS}->saveSession(Ljava/lang/String;)V; Context.getSharedPreferences("session", 1 = MODE_WORLD_READABLE)`);
    expect(session.fingerprint).toBe(fingerprintOf(ID, ['Context.getSharedPreferences', 'shared-prefs', 'session', CLS, 'saveSession']));
    const notes = f.find((x) => x.location.method === 'saveNotes')!;
    expect(notes.message).toMatch(/^LegacyStore\.saveNotes\(\) opens file "notes\.txt" in the app's files directory with MODE_WORLD_WRITEABLE: it is writable by every app\. /);
    const file = f.find((x) => x.location.method === 'exportToken')!;
    expect(file.message).toMatch(/^LegacyStore\.exportToken\(\) makes file "token\.txt" in the app's files directory readable by every app \(setReadable\(true, false\)\), and it holds session data\./);
    expect(file.evidence).toBe(`${CLS}->exportToken(Ljava/lang/String;)V; File.setReadable(true, false) on file "token.txt" in the app's files directory`);
    expect(file.fingerprint).toBe(fingerprintOf(ID, ['File.setReadable', 'token.txt', CLS, 'exportToken']));
  });

  it('targetSdk 23: the modes work on every Android version, full severity', () => {
    const { root } = manifestTree({ pkg: 'com.example.insecureinvoice', minSdk: 21, targetSdk: 23 });
    const f = findings(rule, remodel(caseApp('world-readable'), { manifest: root }));
    expect(brief(f)).toEqual([
      ['high', 'high', 'logout'],
      ['high', 'high', 'saveSession'],
      ['high', 'medium', 'exportToken'],
      ['medium', 'high', 'saveNotes'],
    ]);
    expect(f[1]!.message).toContain('The app targets API 23 (below 24), so Android honours the mode on every version.');
    // The same flaw keeps its fingerprint whatever the severity.
    expect(f[1]!.fingerprint).toBe(fingerprintOf(ID, ['Context.getSharedPreferences', 'shared-prefs', 'session', CLS, 'saveSession']));
  });

  it('the fixtures (MODE_PRIVATE everywhere): nothing; ApiDemos: two world-readable files without session data, low (targetSdk >= 24)', () => {
    for (const n of ['insecure-invoice', 'secure-invoice', 'multidex-app', 'obfuscated-nsc']) expect(findings(rule, fixtureApk(n))).toEqual([]);
    const f = findings(rule, NPM_APKS.apidemos);
    expect(f.map((x) => [x.severity, x.location.method, x.evidence?.replace(/^.*; /, '')])).toEqual([
      ['low', 'copyPrivateRawResuorceToPubliclyAccessibleFile', 'Context.openFileOutput("shared.png", 32769 = MODE_WORLD_READABLE|MODE_APPEND)'],
      ['low', 'prepareApk', 'Context.openFileOutput("tmp.apk", 1 = MODE_WORLD_READABLE)'],
    ]);
  });
});

const HAVE_CORPUS = existsSync(CORPUS_DIR);
describe.skipIf(!HAVE_CORPUS)(`corpus${HAVE_CORPUS ? '' : ' (skipped: ../shared/corpus not present)'}`, () => {
  it('GoatDroid: credentials.xml (session data) high, destination_info/proxy_info medium', () => {
    const f = findings(rule, corpusApk('goatdroid-qark.apk'));
    expect(f.filter((x) => x.severity === 'high').map((x) => x.location.method)).toEqual(['onCreate', 'saveCredentials']);
    expect(f.filter((x) => x.severity === 'medium').map((x) => x.location.method)).toEqual(['getDestinationInfo', 'getDestinationInfoMap', 'getProxyMap', 'writeDestinationInfo', 'writeProxyInfo']);
    expect(f[0]!.message).toContain('opens SharedPreferences "credentials" (shared_prefs/credentials.xml) with MODE_WORLD_READABLE: it is readable by every app, and it holds session data (password)');
  });

  it('InsecureBankv2: MyBroadCastReceiver opens mySharedPreferences (the encrypted password) world-readable', () => {
    const f = findings(rule, corpusApk('insecurebankv2.apk')).filter((x) => !x.library);
    expect(f.map((x) => [x.severity, x.location])).toEqual([['high', { class: 'Lcom/android/insecurebankv2/MyBroadCastReceiver;', method: 'onReceive' }]]);
  });
});

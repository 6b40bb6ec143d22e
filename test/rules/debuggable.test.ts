import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import rule from '../../static-rules/debuggable.js';
import { RULES } from '../../static-rules/index.js';
import { fingerprintOf } from '../../src/rules/rule.js';
import { appOf, findings } from '../helpers/rules.js';
import { CORPUS_DIR, NPM_APKS, corpusApk, fixtureApk } from '../helpers/apks.js';
import { bool } from '../helpers/xml-tree.js';
import { manifestTree, remodel } from '../fixtures/rule-data/remodel.js';

const ID = 'debuggable';
const FP = fingerprintOf(ID, ['android:debuggable']);

describe('debuggable', () => {
  it('is registered once, high, with its standards', () => {
    expect(RULES.filter((r) => r.meta.id === ID)).toEqual([rule]);
    expect(rule.meta).toMatchObject({ severity: 'high', masvs: ['MASVS-RESILIENCE-4', 'MASVS-STORAGE-2'], mastg: ['MASTG-TEST-0226'], cwe: ['CWE-489'] });
  });

  it('insecure-invoice: android:debuggable="true", located at <application>, with the chained impact', () => {
    const f = findings(rule, fixtureApk('insecure-invoice'));
    expect(f.map((x) => [x.ruleId, x.severity, x.confidence, x.location, x.evidence, x.fingerprint])).toEqual([
      [ID, 'high', 'high', { file: 'AndroidManifest.xml', line: 21, element: 'application' }, 'android:debuggable="true"', FP],
    ]);
    expect(f[0]!.message).toBe(
      'android:debuggable="true" is set on <application> (line 21): this is a debug build. Consequences: `adb shell run-as com.example.insecureinvoice` gives anyone with adb access a shell as the app, ' +
        'which reads its sandbox (shared_prefs, databases, files: stored session tokens and credentials); `adb backup` copies the app\'s data, on Android 12 and later too ' +
        '(where adb backup is otherwise limited to debuggable apps); a debugger (JDWP) can attach to the running app, read tokens from memory and change its behaviour.',
    );
  });

  it('secure-invoice, multidex-app and obfuscated-nsc (no attribute): nothing', () => {
    for (const n of ['secure-invoice', 'multidex-app', 'obfuscated-nsc']) expect(findings(rule, fixtureApk(n))).toEqual([]);
  });

  it('debuggable="false" written out: nothing', () => {
    const { root } = manifestTree({ pkg: 'com.example.x', targetSdk: 33, app: { 'android:debuggable': bool(false) } });
    expect(findings(rule, remodel(appOf(fixtureApk('secure-invoice')), { manifest: root }))).toEqual([]);
  });

  it('with debug-overrides and allowBackup="false": the active overrides are named, adb backup is not', () => {
    const { root, application } = manifestTree({ pkg: 'com.example.obfnsc', minSdk: 24, targetSdk: 28, app: { 'android:debuggable': bool(true), 'android:allowBackup': bool(false) } });
    const f = findings(rule, remodel(appOf(fixtureApk('obfuscated-nsc')), { manifest: root }));
    expect(f.map((x) => [x.location, x.fingerprint])).toEqual([[{ file: 'AndroidManifest.xml', line: application.line, element: 'application' }, FP]]);
    expect(f[0]!.message).toContain("the network security config's <debug-overrides> (res/4u.xml line 29) is active: every connection also trusts user certificates, which override certificate pins");
    expect(f[0]!.message).toContain('(adb backup stays off, but only because android:allowBackup="false")');
    expect(f[0]!.message).not.toContain('`adb backup` copies');
  });

  it('the npm APKs are debug builds: one finding each', () => {
    for (const path of Object.values(NPM_APKS)) {
      const f = findings(rule, path);
      expect(f.map((x) => [x.severity, x.location.element, x.fingerprint])).toEqual([['high', 'application', FP]]);
    }
  });

  const HAVE_CORPUS = existsSync(CORPUS_DIR);
  describe.skipIf(!HAVE_CORPUS)(`corpus${HAVE_CORPUS ? '' : ' (skipped: ../shared/corpus not present)'}`, () => {
    const exp = HAVE_CORPUS ? JSON.parse(readFileSync(`${CORPUS_DIR}/expectations.json`, 'utf8')) : {};
    it.each(['diva-beta.apk', 'insecurebankv2.apk', 'goatdroid-qark.apk', 'uncrackable-l1.apk'])('%s: exactly when expectations say debuggable', (name) => {
      const f = findings(rule, corpusApk(name));
      expect(f.length).toBe(exp[name].debuggable ? 1 : 0);
      if (exp[name].debuggable) {
        expect(f[0]!.location).toEqual({ file: 'AndroidManifest.xml', line: appOf(corpusApk(name)).manifest.application.line, element: 'application' });
        expect(f[0]!.message).toContain(`run-as ${exp[name].package}`);
      }
    });
  });
});

import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import rule from '../../static-rules/test-only.js';
import { RULES } from '../../static-rules/index.js';
import { fingerprintOf } from '../../src/rules/rule.js';
import { appOf, findings } from '../helpers/rules.js';
import { CORPUS_DIR, NPM_APKS, corpusApk, fixtureApk } from '../helpers/apks.js';
import { bool } from '../helpers/xml-tree.js';
import { manifestTree, remodel } from '../fixtures/rule-data/remodel.js';

const ID = 'test-only';
const FP = fingerprintOf(ID, ['android:testOnly']);

describe('test-only', () => {
  it('is registered once, medium, CWE-489', () => {
    expect(RULES.filter((r) => r.meta.id === ID)).toEqual([rule]);
    expect(rule.meta).toMatchObject({ severity: 'medium', cwe: ['CWE-489'] });
  });

  it('android:testOnly="true": medium at <application>', () => {
    const { root, application } = manifestTree({ pkg: 'com.example.secureinvoice', targetSdk: 33, app: { 'android:testOnly': bool(true) } });
    const f = findings(rule, remodel(appOf(fixtureApk('secure-invoice')), { manifest: root }));
    expect(f.map((x) => [x.ruleId, x.severity, x.location, x.evidence, x.fingerprint])).toEqual([
      [ID, 'medium', { file: 'AndroidManifest.xml', line: application.line, element: 'application' }, 'android:testOnly="true"', FP],
    ]);
    expect(f[0]!.message).toBe(
      `android:testOnly="true" is set on <application> (line ${application.line}): this is a test build, installable only with \`adb install -t\` and refused by Google Play. It should not be distributed to users.`,
    );
  });

  it('a debuggable test build says so', () => {
    const { root } = manifestTree({ pkg: 'com.example.secureinvoice', targetSdk: 33, app: { 'android:testOnly': bool(true), 'android:debuggable': bool(true) } });
    const f = findings(rule, remodel(appOf(fixtureApk('secure-invoice')), { manifest: root }));
    expect(f[0]!.message).toContain('It is also debuggable (see the debuggable finding).');
    expect(f[0]!.fingerprint).toBe(FP);
  });

  it('testOnly="false" or absent: nothing (fixtures, npm APKs)', () => {
    const { root } = manifestTree({ pkg: 'com.example.secureinvoice', targetSdk: 33, app: { 'android:testOnly': bool(false) } });
    expect(findings(rule, remodel(appOf(fixtureApk('secure-invoice')), { manifest: root }))).toEqual([]);
    for (const n of ['insecure-invoice', 'secure-invoice', 'multidex-app', 'obfuscated-nsc']) expect(findings(rule, fixtureApk(n))).toEqual([]);
    for (const p of Object.values(NPM_APKS)) expect(findings(rule, p)).toEqual([]);
  });

  it.skipIf(!existsSync(CORPUS_DIR))(`corpus: none is a test-only build${existsSync(CORPUS_DIR) ? '' : ' (skipped: ../shared/corpus not present)'}`, () => {
    for (const n of ['diva-beta.apk', 'insecurebankv2.apk', 'goatdroid-qark.apk', 'uncrackable-l1.apk']) expect(findings(rule, corpusApk(n))).toEqual([]);
  });
});

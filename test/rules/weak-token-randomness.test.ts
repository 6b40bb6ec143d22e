/**
 * weak-token-randomness: the fixture apps (insecure-invoice's TokenFactory), focused smali cases
 * (test/fixtures/rule-src2/weak-token, built by build.sh), the npm APKs (UI and library
 * randomness must not be reported) and the corpus ground truth (weakSessionTokenGeneration).
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import rule from '../../static-rules/weak-token-randomness.js';
import { RULES } from '../../static-rules/index.js';
import { fingerprintOf } from '../../src/rules/rule.js';
import { findings } from '../helpers/rules.js';
import { CORPUS_DIR, NPM_APKS, ROOT, corpusApk, fixtureApk } from '../helpers/apks.js';
import { withDex } from '../helpers/synth-app.js';

const ID = 'weak-token-randomness';
const fp = (...parts: string[]) => fingerprintOf(ID, parts);
const SRC = join(ROOT, 'test/fixtures/rule-src2');
const dex = (name: string) => new Uint8Array(readFileSync(join(SRC, `${name}.dex`)));

describe('meta and registration', () => {
  it('is registered once with its standards', () => {
    expect(RULES.filter((r) => r.meta.id === ID)).toEqual([rule]);
    expect(rule.meta).toMatchObject({
      severity: 'high',
      masvs: ['MASVS-CRYPTO-1', 'MASVS-AUTH-1'],
      mastg: ['MASTG-TEST-0204', 'MASTG-TEST-0205'],
      cwe: ['CWE-330', 'CWE-338'],
    });
    expect(rule.meta.remediation).toMatch(/SecureRandom/);
  });
});

describe('fixture apps', () => {
  it('insecure-invoice: TokenFactory.newToken (Random seeded with the clock), and where the token goes', () => {
    const f = findings(rule, fixtureApk('insecure-invoice'));
    expect(f.map((x) => [x.severity, x.confidence, x.location, x.fingerprint])).toEqual([
      ['high', 'high', { class: 'Lcom/example/insecureinvoice/TokenFactory;', method: 'newToken' }, fp('Lcom/example/insecureinvoice/TokenFactory;', 'newToken')],
    ]);
    expect(f[0]!.message).toBe(
      'TokenFactory.newToken() makes a token from java.util.Random.nextLong() seeded with System.currentTimeMillis(), which an attacker can predict: ' +
        'it is appended after "\\",\\"nonce\\":"; the token-named method newToken() returns it; LoginActivity.onLoginClicked() stores it under "auth_token". Use SecureRandom.',
    );
    expect(f[0]!.evidence).toBe(
      [
        'sources: System.currentTimeMillis(), new java.util.Random(), java.util.Random.nextLong(), String.hashCode() (Random seeded with System.currentTimeMillis())',
        'becomes a token: it is appended after "\\",\\"nonce\\":"; the token-named method newToken() returns it',
        'then: LoginActivity.onLoginClicked() stores it under "auth_token"',
      ].join('\n'),
    );
    expect(f[0]).toMatchObject({ ruleId: ID, stage: 'static', masvs: ['MASVS-CRYPTO-1', 'MASVS-AUTH-1'], cwe: ['CWE-330', 'CWE-338'] });
  });

  it('secure-invoice: nothing (SecureRandom nonce; the hashCode() of SecureRandom output is not a weak source)', () => {
    expect(findings(rule, fixtureApk('secure-invoice'))).toEqual([]);
  });

  it('multidex-app (UUID.randomUUID) and obfuscated-nsc: nothing', () => {
    expect(findings(rule, fixtureApk('multidex-app'))).toEqual([]);
    expect(findings(rule, fixtureApk('obfuscated-nsc'))).toEqual([]);
  });
});

describe('focused cases (rule-src2/weak-token.dex)', () => {
  const f = findings(rule, withDex(fixtureApk('insecure-invoice'), [dex('weak-token')]));

  it('finds the weak token makers and nothing else (dice, jitter, isTokenExpired, a timestamped URL, SecureRandom)', () => {
    expect(f.map((x) => [x.severity, x.confidence, x.location, x.fingerprint])).toEqual([
      ['high', 'high', { class: 'Lcom/example/rnd/SessionIds;', method: 'generateSessionId' }, fp('Lcom/example/rnd/SessionIds;', 'generateSessionId')],
      ['high', 'medium', { class: 'Lcom/example/rnd/OtpSender;', method: 'sendOtp' }, fp('Lcom/example/rnd/OtpSender;', 'sendOtp')],
      ['high', 'high', { class: 'Lcom/example/rnd/TimeToken;', method: 'newSessionId' }, fp('Lcom/example/rnd/TimeToken;', 'newSessionId')],
      ['high', 'high', { class: 'Lcom/example/rnd/TokenClient;', method: 'call' }, fp('Lcom/example/rnd/TokenClient;', 'call')],
    ]);
  });

  it('says what the weak value becomes', () => {
    expect(f.map((x) => x.message)).toEqual([
      'SessionIds.generateSessionId() makes a token from java.util.Random.nextLong(), which an attacker can predict: the token-named method generateSessionId() returns it. Use SecureRandom.',
      'OtpSender.sendOtp() makes a token from Math.random(), which an attacker can predict: a value computed from it is stored under "otp_code". Use SecureRandom.',
      'TimeToken.newSessionId() makes a token from System.currentTimeMillis(), which an attacker can predict: the token-named method newSessionId() returns it. Use SecureRandom.',
      'TokenClient.call() makes a token from Utils.randomString() (java.util.Random-based helper), which an attacker can predict: it is sent as header "X-Auth-Token". Use SecureRandom.',
    ]);
    expect(f[1]!.evidence).toBe('sources: Math.random()\nbecomes a token: a value computed from it is stored under "otp_code"');
    expect(f[3]!.evidence).toBe('sources: Utils.randomString() (java.util.Random-based helper)\nbecomes a token: it is sent as header "X-Auth-Token"');
  });

  it('the helper itself (Utils.randomString) is not reported: only where its value becomes a token', () => {
    expect(f.some((x) => x.location.class === 'Lcom/example/rnd/Utils;')).toBe(false);
  });

  it('fingerprints do not depend on the APK around the code', () => {
    const other = findings(rule, withDex(fixtureApk('secure-invoice'), [dex('weak-token')], 'other.apk'));
    expect(other.map((x) => x.fingerprint)).toEqual(f.map((x) => x.fingerprint));
  });
});

describe('npm APKs: UI, test-runner and library randomness is not a token', () => {
  it.each([
    ['ApiDemos (Math.random in animations, Random in games and notifications)', NPM_APKS.apidemos],
    ['io.appium.settings', NPM_APKS.settings],
    ['uiautomator2 server (netty, kotlin.random, xerces)', NPM_APKS.uia2server],
    ['uiautomator2 test APK', NPM_APKS.uia2test],
  ])('%s: nothing', (_name, path) => {
    expect(findings(rule, path)).toEqual([]);
  });
});

const HAVE_CORPUS = existsSync(CORPUS_DIR);
describe.skipIf(!HAVE_CORPUS)(`corpus${HAVE_CORPUS ? '' : ' (skipped: ../shared/corpus not present)'}`, () => {
  const exp = HAVE_CORPUS ? (JSON.parse(readFileSync(join(CORPUS_DIR, 'expectations.json'), 'utf8')) as Record<string, { weakSessionTokenGeneration?: unknown }>) : {};
  it.each(['diva-beta.apk', 'insecurebankv2.apk', 'goatdroid-qark.apk', 'uncrackable-l1.apk'])('%s matches weakSessionTokenGeneration (false / not-in-apk: no finding)', (name) => {
    const truth = exp[name]!.weakSessionTokenGeneration;
    expect([false, 'not-in-apk']).toContain(truth);
    expect(findings(rule, corpusApk(name))).toEqual([]);
  });
});

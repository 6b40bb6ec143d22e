/**
 * token-logging: insecure-invoice's Log.d("InvoiceAuth", "token=" + token), secure-invoice (logs
 * nothing secret), the "obfuscated" case (a stored JWT logged directly, "Bearer " + token, a
 * constant JWT, and an exception message that must not count), and the corpus (InsecureBankv2 and
 * GoatDroid log passwords).
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import rule from '../../static-rules/token-logging.js';
import { RULES } from '../../static-rules/index.js';
import { fingerprintOf } from '../../src/rules/rule.js';
import { findings } from '../helpers/rules.js';
import { caseApp } from '../helpers/rule-cases.js';
import { CORPUS_DIR, NPM_APKS, corpusApk, fixtureApk } from '../helpers/apks.js';

const ID = 'token-logging';
const LOGIN = 'Lcom/example/insecureinvoice/LoginActivity;';

describe('token-logging', () => {
  it('is registered once, high, with its standards', () => {
    expect(RULES.filter((r) => r.meta.id === ID)).toEqual([rule]);
    expect(rule.meta).toMatchObject({ severity: 'high', masvs: ['MASVS-STORAGE-2'], mastg: ['MASTG-TEST-0231', 'MASTG-TEST-0203'], cwe: ['CWE-532'] });
  });

  it('insecure-invoice: Log.d("InvoiceAuth", "token=" + token) through a StringBuilder, the token coming from TokenFactory.newToken()', () => {
    const f = findings(rule, fixtureApk('insecure-invoice'));
    expect(f.map((x) => [x.ruleId, x.severity, x.confidence, x.location, x.fingerprint])).toEqual([
      [ID, 'high', 'high', { class: LOGIN, method: 'onLoginClicked' }, fingerprintOf(ID, [LOGIN, 'onLoginClicked', 'Log.d', 'token'])],
    ]);
    expect(f[0]!.message).toBe(
      'LoginActivity.onLoginClicked() writes a session token to the log with Log.d: the logged value includes result of TokenFactory.newToken(). ' +
        'Logcat is readable over adb, by apps with READ_LOGS on old Android versions, and by log-collecting crash reporters.',
    );
    expect(f[0]!.evidence).toBe(`${LOGIN}->onLoginClicked()V; Log.d("InvoiceAuth", concatenation "token=" + <result of TokenFactory.newToken()>)`);
  });

  it('secure-invoice logs only a fixed warning; multidex-app and obfuscated-nsc log nothing secret: nothing', () => {
    for (const n of ['secure-invoice', 'multidex-app', 'obfuscated-nsc']) expect(findings(rule, fixtureApk(n)), n).toEqual([]);
  });

  it('a stored JWT logged directly (high), "Bearer " + token (medium: only the label names it), a constant JWT (high, redacted), not an exception message', () => {
    const f = findings(rule, caseApp('obfuscated'));
    expect(f.map((x) => [x.severity, x.confidence, `${x.location.class}->${x.location.method}`, x.fingerprint])).toEqual([
      ['high', 'high', 'La/c;->a', fingerprintOf(ID, ['La/c;', 'a', 'Log.d', 'jwt'])],
      ['high', 'high', 'La/c;->c', fingerprintOf(ID, ['La/c;', 'c', 'Log.d', 'jwt'])],
      ['medium', 'medium', 'La/c;->a', fingerprintOf(ID, ['La/c;', 'a', 'Log.i', 'bearer'])],
    ]);
    expect(f[0]!.message).toContain('with Log.d: the logged value includes result of SharedPreferences.getString()("jwt")');
    expect(f[1]!.evidence).toMatch(/^La\/c;->c\(Landroid\/content\/Context;\)V; Log\.d\("Auth", constant eyJh… \(redacted, 67 chars, sha256 [0-9a-f]{12}\)\)$/);
    expect(f[2]!.message).toContain('with Log.i: the message labels a value as "bearer" (parameter 2 of c.a())');
    expect(f[2]!.evidence).toBe('La/c;->a(Landroid/content/Context;Ljava/lang/String;)V; Log.i("Auth", concatenation "Bearer " + <parameter 2 of c.a()>)');
    expect(f.some((x) => x.location.method === 'a' && x.evidence?.includes('Token refresh failed'))).toBe(false);
  });

  it('a rebuilt insecure-invoice (unrelated changes, shifted code) keeps the fingerprint', () => {
    expect(findings(rule, caseApp('insecure-rebuilt')).map((x) => x.fingerprint)).toEqual([fingerprintOf(ID, [LOGIN, 'onLoginClicked', 'Log.d', 'token'])]);
  });

  it('the npm APKs: media/audio "sessions" and parser tokens are not session data; library code is not searched', () => {
    for (const path of Object.values(NPM_APKS)) expect(findings(rule, path), path).toEqual([]);
  });
});

const HAVE_CORPUS = existsSync(CORPUS_DIR);
describe.skipIf(!HAVE_CORPUS)(`corpus${HAVE_CORPUS ? '' : ' (skipped: ../shared/corpus not present)'}`, () => {
  it('InsecureBankv2 logs username:password after login; GoatDroid logs the typed password on failure', () => {
    const ib = findings(rule, corpusApk('insecurebankv2.apk'));
    expect(ib.map((x) => [x.severity, x.location])).toEqual([['high', { class: 'Lcom/android/insecurebankv2/DoLogin$RequestTask;', method: 'postData' }]]);
    expect(ib[0]!.evidence).toContain('Log.d("Successful Login:", concatenation ", account=" + <field DoLogin.username> + ":" + <field DoLogin.password>)');
    const gd = findings(rule, corpusApk('goatdroid-qark.apk'));
    expect(gd.map((x) => [x.severity, x.location.class])).toEqual([
      ['high', 'Lorg/owasp/goatdroid/fourgoats/activities/Login$ValidateCredsAsyncTask;'],
      ['high', 'Lorg/owasp/goatdroid/fourgoats/activities/SocialAPIAuthentication$AuthenticateAsyncTask;'],
    ]);
    expect(gd[0]!.message).toContain('writes a password to the log with Log.w: the logged value includes text typed into passwordEditText');
    expect(findings(rule, corpusApk('diva-beta.apk'))).toEqual([]);
    expect(findings(rule, corpusApk('uncrackable-l1.apk'))).toEqual([]);
  });
});

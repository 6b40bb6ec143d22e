/**
 * hardcoded-secret: the fixture apps (insecure-invoice's fake Stripe key), focused smali cases
 * (test/fixtures/rule-src2/hardcoded-*, built by build.sh), asset samples
 * (test/fixtures/rule-data2/hardcoded), the npm APKs and the corpus ground truth (hardcodedSecrets).
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import rule from '../../static-rules/hardcoded-secret.js';
import { RULES } from '../../static-rules/index.js';
import { fingerprintOf } from '../../src/rules/rule.js';
import { redact } from '../../src/report/redact.js';
import { findSecrets, isPlaceholder, plausibleSecretValue } from '../../src/model/secret-patterns.js';
import { findings } from '../helpers/rules.js';
import { CORPUS_DIR, NPM_APKS, ROOT, corpusApk, fixtureApk } from '../helpers/apks.js';
import { variant, withDex } from '../helpers/synth-app.js';
import { ZipArchive } from '../../src/apk/zip.js';

/** An entry of the insecure-invoice fixture APK. */
function variantEntry(name: string): Uint8Array {
  return ZipArchive.open(new Uint8Array(readFileSync(fixtureApk('insecure-invoice'))), 'insecure-invoice.apk').read(name);
}

const ID = 'hardcoded-secret';
const fp = (...parts: string[]) => fingerprintOf(ID, parts);
const SRC = join(ROOT, 'test/fixtures/rule-src2');
const DATA = join(ROOT, 'test/fixtures/rule-data2/hardcoded');
const dex = (name: string) => new Uint8Array(readFileSync(join(SRC, `${name}.dex`)));
const K = 'Lcom/example/sec/Keys;';
const API = 'Lcom/example/sec/ApiClient;';

describe('meta and registration', () => {
  it('is registered once with its standards', () => {
    expect(RULES.filter((r) => r.meta.id === ID)).toEqual([rule]);
    expect(rule.meta).toMatchObject({ severity: 'high', masvs: ['MASVS-AUTH-1', 'MASVS-STORAGE-1'], mastg: ['MASWE-0005'], cwe: ['CWE-798', 'CWE-321'] });
    expect(rule.meta.remediation).toMatch(/rotate/);
  });
});

describe('fixture apps', () => {
  it('insecure-invoice: the fake sk_live_ key, one finding for Config.BILLING_SECRET_KEY and the X-Api-Key header (shape-based: high)', () => {
    const f = findings(rule, fixtureApk('insecure-invoice'));
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({
      ruleId: ID,
      severity: 'high',
      confidence: 'high',
      title: 'Hardcoded secret: Stripe live secret key',
      location: { class: 'Lcom/example/insecureinvoice/Config;', element: 'BILLING_SECRET_KEY' },
      fingerprint: fp('stripe-live-secret-key', 'Lcom/example/insecureinvoice/Config;', 'BILLING_SECRET_KEY', ''),
      cwe: ['CWE-798', 'CWE-321'],
    });
    expect(f[0]!.message).toBe(
      'Stripe live secret key hardcoded in Config.BILLING_SECRET_KEY; also in LoginRequest.run() (sent as header "X-Api-Key"). Anyone who has the APK can read it.',
    );
    expect(f[0]!.evidence).toBe(`BILLING_SECRET_KEY = ${redact('sk_live_FAKEFIXTUREnotARealKey00')}`);
    expect(f[0]!.evidence).toMatch(/^BILLING_SECRET_KEY = sk_l… \(redacted, 32 chars, sha256 [0-9a-f]{12}\)$/);
    expect(f[0]!.evidence).not.toContain('FAKEFIXTURE');
  });

  it('--show-secrets shows the value', () => {
    const f = findings(rule, fixtureApk('insecure-invoice'), { showSecrets: true });
    expect(f[0]!.evidence).toBe('BILLING_SECRET_KEY = sk_live_FAKEFIXTUREnotARealKey00');
  });

  it.each(['secure-invoice', 'multidex-app', 'obfuscated-nsc'])('%s: nothing', (name) => {
    expect(findings(rule, fixtureApk(name))).toEqual([]);
  });
});

describe('focused cases (rule-src2/hardcoded-vulnerable.dex)', () => {
  const f = findings(rule, withDex(fixtureApk('insecure-invoice'), [dex('hardcoded-vulnerable')]));
  const row = (x: (typeof f)[number]) => [x.severity, x.confidence, x.title.replace('Hardcoded secret: ', ''), x.location];

  it('one finding per secret, by severity; library code one step lower; examples, placeholders and key names skipped', () => {
    expect(f.map(row)).toEqual([
      ['high', 'high', 'AWS secret access key', { class: API, method: 'awsCredentials' }],
      ['high', 'high', 'credentials in a URL', { class: API, method: 'call' }],
      ['high', 'high', 'HTTP Basic credentials', { class: API, method: 'call' }],
      ['high', 'high', 'GitHub token', { class: K, element: 'GITHUB_TOKEN' }],
      ['high', 'high', 'private key (PEM)', { class: K, element: 'PRIVATE_KEY_PEM' }],
      ['high', 'medium', 'secret (by its name)', { class: K, element: 'CLIENT_SECRET' }],
      ['high', 'medium', 'secret (by its name)', { class: API, method: 'call' }],
      ['high', 'high', 'password or key compared in code', { class: 'Lcom/example/sec/PinActivity;', method: 'onUnlock' }],
      ['high', 'medium', 'password or key compared in code', { class: 'Lcom/example/sec/LoginChecker;', method: 'checkCredentials' }],
      ['high', 'high', 'encryption key', { class: 'Lcom/example/sec/CryptoHelper;', element: 'KEY' }],
      ['medium', 'high', 'AWS access key id', { class: API, method: 'awsCredentials' }],
      ['medium', 'high', 'Slack incoming webhook URL', { class: K, element: 'SLACK_WEBHOOK' }],
      ['medium', 'high', 'Stripe live secret key', { class: 'Lcom/squareup/fakesdk/Billing;', method: 'key' }],
      ['low', 'high', 'Google API key', { class: K, element: 'GOOGLE_API_KEY' }],
      ['low', 'high', 'Stripe test-mode secret key', { class: K, element: 'STRIPE_TEST_KEY' }],
    ]);
    const all = f.map((x) => `${x.message}\n${x.evidence}`).join('\n');
    for (const v of ['IOSFODNN7EXAMPLE', 'YOUR_API_KEY', 'auth_token']) expect(all).not.toContain(v);
  });

  it('evidence is redacted, with the name or the text around the value', () => {
    const ev = (title: string, cls?: string) => f.find((x) => x.title === `Hardcoded secret: ${title}` && (!cls || x.location.class === cls))!.evidence;
    expect(ev('GitHub token')).toBe(`GITHUB_TOKEN = ${redact('ghp_FAKEfixtureTOKEN0000notReal0a1b2c3d4')}`);
    expect(ev('credentials in a URL')).toBe(`https://admin:${redact('Adm1nFixturePw')}@api.example-invoice.com`);
    expect(ev('HTTP Basic credentials')).toBe(`Basic ${redact('ZGVtbzpzM2NyZXQhUGFzcw==')}`);
    expect(ev('AWS secret access key')).toBe(redact('fAkEfixtureSecret/Key9zQ4mV7xR2pL8nW5tY3'));
    expect(ev('secret (by its name)', API)).toBe(`X-Api-Key = ${redact('k3yFAKE9fixture7Qz1Lm4Np8')}`);
    expect(ev('encryption key')).toBe(`KEY = ${redact('3f9a1c7e5b2d8046e1a7c3b9d5f20864')}`);
    expect(ev('password or key compared in code', 'Lcom/example/sec/PinActivity;')).toBe(
      `compared with text typed by the user in PinActivity.onUnlock()\n${redact('letmein2024!')}`,
    );
    expect(ev('password or key compared in code', 'Lcom/example/sec/LoginChecker;')).toBe(
      `compared with a value in LoginChecker.checkCredentials(); also compared there: s… (7 chars)\n${redact('Sup3r$ecretAdm1n')}`,
    );
  });

  it('messages say where and why', () => {
    const msg = (title: string) => f.find((x) => x.title === `Hardcoded secret: ${title}`)!.message;
    expect(msg('encryption key')).toBe(
      'Encryption key hardcoded in CryptoHelper.KEY (hex, 128 bits, reaches new SecretKeySpec(…) in com.example.sec.CryptoHelper.encrypt() through String.getBytes()). Anyone who has the APK can read it.',
    );
    expect(msg('Google API key')).toBe(
      'Google API key hardcoded in Keys.GOOGLE_API_KEY (a public identifier by design (MASWE-0005): restrict it to this app and the APIs it needs). Anyone who has the APK can read it.',
    );
    // Billing is not a constant-holder class and LIVE_KEY is not secret-named: the use site is the place.
    expect(msg('Stripe live secret key')).toBe('Stripe live secret key hardcoded in Billing.key(). Anyone who has the APK can read it. (in third-party library code: Square)');
    expect(msg('AWS secret access key')).toBe('AWS secret access key hardcoded in ApiClient.awsCredentials() (next to access key id AKIA…). Anyone who has the APK can read it.');
  });

  it('fingerprints come from names (pattern, class, field or method, key), not from the values or the APK', () => {
    expect(f.find((x) => x.location.element === 'CLIENT_SECRET')!.fingerprint).toBe(fp('named-secret', K, 'CLIENT_SECRET', ''));
    expect(f.find((x) => x.evidence?.startsWith('X-Api-Key'))!.fingerprint).toBe(fp('named-secret', API, 'call', 'X-Api-Key'));
    const other = findings(rule, withDex(fixtureApk('secure-invoice'), [dex('hardcoded-vulnerable')], 'other.apk'));
    expect(other.map((x) => x.fingerprint)).toEqual(f.map((x) => x.fingerprint));
  });
});

describe('fixed twin (rule-src2/hardcoded-fixed.dex)', () => {
  it('names, placeholders, documentation examples, a publishable key, a certificate pin, a regex and runtime values: nothing', () => {
    expect(findings(rule, withDex(fixtureApk('insecure-invoice'), [dex('hardcoded-fixed')]))).toEqual([]);
  });
});

describe('assets and res/raw (rule-data2/hardcoded)', () => {
  const app = variant(fixtureApk('secure-invoice'), {
    'assets/config/keys.json': readFileSync(join(DATA, 'config.json')),
    'assets/app.properties': readFileSync(join(DATA, 'app.properties')),
    'res/raw/client_key.pem': readFileSync(join(DATA, 'client_key.pem')),
  });
  const f = findings(rule, app);

  it('provider shapes and secret-named keys, located by file and line; hints, URLs and placeholders skipped', () => {
    expect(f.map((x) => [x.severity, x.confidence, x.title.replace('Hardcoded secret: ', ''), x.location, x.evidence])).toEqual([
      ['high', 'high', 'Stripe live secret key', { file: 'assets/config/keys.json', line: 3 }, `stripeSecretKey = ${redact('sk_live_FAKEFIXTUREassetKey000000')}`],
      ['high', 'medium', 'password (by its name)', { file: 'assets/config/keys.json', line: 5 }, `db_password = ${redact('Fixture#Passw0rd')}`],
      ['high', 'medium', 'secret (by its name)', { file: 'assets/app.properties', line: 1 }, `api.secret = ${redact('FAKEfixture7Secret9Value')}`],
      ['high', 'high', 'private key (PEM)', { file: 'res/raw/client_key.pem', line: 1 }, redact(readFileSync(join(DATA, 'client_key.pem'), 'utf8').trim())],
      ['low', 'high', 'Google API key', { file: 'assets/config/keys.json', line: 4 }, `api_key = ${redact('AIzaSyFAKEfixtureAsset-0123456789_abcde')}`],
    ]);
    expect(f.map((x) => x.fingerprint)).toEqual([
      fp('stripe-live-secret-key', 'assets/config/keys.json', '', 'stripeSecretKey'),
      fp('named-secret', 'assets/config/keys.json', '', 'db_password'),
      fp('named-secret', 'assets/app.properties', '', 'api.secret'),
      fp('private-key', 'res/raw/client_key.pem', '', ''),
      fp('google-api-key', 'assets/config/keys.json', '', 'api_key'),
    ]);
  });
});

describe('string resources (resources.arsc of insecure-invoice, patched in place)', () => {
  // aapt writes UTF-8 string pools: same-length replacements keep the table valid.
  const arsc = variantEntry('resources.arsc');
  const patch = (from: string, to: string, bytes = arsc): Uint8Array => {
    expect(to.length).toBe(from.length);
    const out = Uint8Array.from(bytes);
    const at = Buffer.from(out).indexOf(Buffer.from(from, 'utf8'));
    expect(at).toBeGreaterThan(0);
    out.set(Buffer.from(to, 'utf8'), at);
    return out;
  };
  const URL = 'http://api.example-invoice.com/v1';

  it('a provider-shaped value: found in the default configuration, located by resource name', () => {
    const f = findings(rule, variant(fixtureApk('insecure-invoice'), { 'resources.arsc': patch(URL, 'sk_live_FAKEFIXTUREresKey0a1b2c3d') }));
    const r = f.find((x) => x.location.file === 'resources.arsc')!;
    expect([r.severity, r.location, r.evidence, r.fingerprint]).toEqual([
      'high',
      { file: 'resources.arsc', element: '@string/api_base' },
      `api_base = ${redact('sk_live_FAKEFIXTUREresKey0a1b2c3d')}`,
      fp('stripe-live-secret-key', 'resources.arsc', '@string/api_base', 'api_base'),
    ]);
  });

  it('a random-looking value under a secret name (@string/apikey_x): a named secret; the same name with a URL value is not', () => {
    const named = patch(URL, 'Zq8Vd3kR9tZ2mW7xP4nB6cJ1hL5yF0sG3', patch('api_base', 'apikey_x'));
    const f = findings(rule, variant(fixtureApk('insecure-invoice'), { 'resources.arsc': named }));
    const r = f.find((x) => x.location.file === 'resources.arsc')!;
    expect([r.severity, r.confidence, r.message, r.evidence]).toEqual([
      'high',
      'medium',
      'Secret (by its name) hardcoded in string resource @string/apikey_x. Anyone who has the APK can read it.',
      redact('Zq8Vd3kR9tZ2mW7xP4nB6cJ1hL5yF0sG3'),
    ]);
    const urlOnly = findings(rule, variant(fixtureApk('insecure-invoice'), { 'resources.arsc': patch('api_base', 'apikey_x') }));
    expect(urlOnly.filter((x) => x.location.file === 'resources.arsc')).toEqual([]);
  });
});

describe('pattern and value helpers', () => {
  it('matches provider shapes and skips documentation examples', () => {
    const ids = (s: string) => findSecrets(s).map((m) => m.pattern.id);
    expect(ids('key AKIAFAKEFIXTURE2345Q here')).toEqual(['aws-access-key-id']);
    expect(ids('AKIAIOSFODNN7EXAMPLE')).toEqual([]);
    expect(ids('xoxb-1234567890-FAKEfixture0token')).toEqual(['slack-token']);
    expect(ids('SG.FAKEfixture0a1b2c3d4e5.FAKEfixtureFAKEfixtureFAKE0a1b2c3d4e5f6g7h8')).toEqual(['sendgrid-api-key']);
    expect(ids('key-0123456789abcdef0123456789abcdef')).toEqual(['mailgun-api-key']);
    expect(ids('-----BEGIN PRIVATE KEY-----')).toEqual([]); // a parser's header constant, no key body
    expect(ids('eyJhbGciOiJIUzI1NiJ9.')).toEqual([]); // insecure-invoice's token prefix is not a JWT
    expect(ids('pk_live_FAKEFIXTUREpublishable00')).toEqual([]);
    const anon = `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.${Buffer.from('{"role":"anon","iss":"fixture"}').toString('base64url')}.FAKEfixtureSignature0000`;
    expect(findSecrets(anon).map((m) => [m.pattern.id, m.severity])).toEqual([['jwt', 'low']]);
  });

  it('tells values from names and placeholders', () => {
    expect(isPlaceholder('YOUR_API_KEY')).toBe(true);
    expect(isPlaceholder('${API_KEY}')).toBe(true);
    expect(plausibleSecretValue('auth_token', 'secret')).toBe(false);
    expect(plausibleSecretValue('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 'secret')).toBe(false);
    expect(plausibleSecretValue('9f8Kq2LmZx7Vt4Rb1Nc6', 'secret')).toBe(true);
    expect(plausibleSecretValue('https://api.example.com/v1', 'secret')).toBe(false);
  });
});

describe('npm APKs', () => {
  it('uiautomator2 server: only Netty\'s probing key, as info (a throwaway key, labelled as library code)', () => {
    const f = findings(rule, NPM_APKS.uia2server);
    expect(f.map((x) => [x.severity, x.library, x.location, x.title])).toEqual([
      ['info', 'Netty', { class: 'Lio/netty/handler/ssl/JdkSslServerContext;', method: 'checkIfWrappingTrustManagerIsSupported' }, 'Hardcoded secret: private key (PEM)'],
    ]);
    expect(f[0]!.message).toContain('a throwaway key Netty ships to probe TLS support');
  });

  it.each([
    ['ApiDemos', NPM_APKS.apidemos],
    ['io.appium.settings', NPM_APKS.settings],
    ['uiautomator2 test APK', NPM_APKS.uia2test],
  ])('%s: nothing (UI labels such as "Password" are not secrets)', (_name, path) => {
    expect(findings(rule, path)).toEqual([]);
  });
});

const HAVE_CORPUS = existsSync(CORPUS_DIR);
describe.skipIf(!HAVE_CORPUS)(`corpus${HAVE_CORPUS ? '' : ' (skipped: ../shared/corpus not present)'}`, () => {
  const exp = HAVE_CORPUS ? (JSON.parse(readFileSync(join(CORPUS_DIR, 'expectations.json'), 'utf8')) as Record<string, { hardcodedSecrets: { value: string }[] }>) : {};
  const values = (name: string) => exp[name]!.hardcodedSecrets.map((s) => s.value);

  it('DIVA: the vendor key compared in HardcodeActivity and both API keys (plus the API passwords next to them); the native-library key is out of scope', () => {
    expect(values('diva-beta.apk')).toEqual(['vendorsecretkey', '123secretapikey123', 'secrettveeterapikey', 'olsdfgad;lh']);
    const f = findings(rule, corpusApk('diva-beta.apk'));
    const D = 'Ljakhar/aseem/diva/';
    expect(f.map((x) => [x.severity, x.location, x.evidence])).toEqual([
      ['high', { class: `${D}APICreds2Activity;`, method: 'onCreate' }, `TVEETER API Key = ${redact('secrettveeterapikey')}`],
      ['high', { class: `${D}APICreds2Activity;`, method: 'onCreate' }, `API Password = ${redact('p@ssword2')}`],
      ['high', { class: `${D}APICredsActivity;`, method: 'onCreate' }, `API Key = ${redact('123secretapikey123')}`],
      ['high', { class: `${D}APICredsActivity;`, method: 'onCreate' }, `API Password = ${redact('p@ssword')}`],
      // The APK (a re-upload) compares "vendorsecretkey123"; the source at the ground-truth commit says "vendorsecretkey".
      ['high', { class: `${D}HardcodeActivity;`, method: 'access' }, `compared with text typed by the user in HardcodeActivity.access()\n${redact('vendorsecretkey123')}`],
    ]);
  });

  it('InsecureBank: the hardcoded AES key (through the CryptoClass.key field) and the devadmin backdoor username', () => {
    expect(values('insecurebankv2.apk')).toEqual(['This is the super secret key 123', 'devadmin']);
    const f = findings(rule, corpusApk('insecurebankv2.apk'));
    expect(f.map((x) => [x.severity, x.location, x.evidence])).toEqual([
      ['high', { class: 'Lcom/android/insecurebankv2/CryptoClass;', element: 'key' }, `key = ${redact('This is the super secret key 123')}`],
      ['medium', { class: 'Lcom/android/insecurebankv2/DoLogin$RequestTask;', method: 'postData' }, `compared with field username in DoLogin$RequestTask.postData()\n${redact('devadmin')}`],
    ]);
  });

  it('GoatDroid: the customerservice backdoor password compared in the login task', () => {
    expect(values('goatdroid-qark.apk')).toEqual(['customerservice / Acc0uNTM@n@g3mEnT']);
    const f = findings(rule, corpusApk('goatdroid-qark.apk'));
    expect(f.map((x) => [x.severity, x.confidence, x.location, x.evidence])).toEqual([
      [
        'high',
        'medium',
        { class: 'Lorg/owasp/goatdroid/fourgoats/activities/Login$ValidateCredsAsyncTask;', method: 'doInBackground' },
        `compared with a value in Login$ValidateCredsAsyncTask.doInBackground(); also compared there: cu… (15 chars)\n${redact('Acc0uNTM@n@g3mEnT')}`,
      ],
    ]);
  });

  it('UnCrackable L1: the hex AES key, found through the decrypt helper it is passed to', () => {
    expect(values('uncrackable-l1.apk')).toEqual(['8d127684cbc37c17616d806cf50473cc']);
    const f = findings(rule, corpusApk('uncrackable-l1.apk'));
    expect(f.map((x) => [x.severity, x.confidence, x.location, x.evidence])).toEqual([
      ['high', 'medium', { class: 'Lsg/vantagepoint/uncrackable1/a;', method: 'a' }, redact('8d127684cbc37c17616d806cf50473cc')],
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import rule, { safeUrl } from '../../static-rules/cleartext-traffic.js';
import { RULES } from '../../static-rules/index.js';
import { fingerprintOf, runRules, DEFAULT_RULE_OPTIONS } from '../../src/rules/rule.js';
import { loadApp } from '../../src/model/app.js';
import { isProse, urlUse } from '../../src/model/url-use.js';
import { collectEndpoints } from '../../src/model/endpoints.js';
import { appOf, findings } from '../helpers/rules.js';
import { CORPUS_DIR, NPM_APKS, corpusApk, fixtureApk } from '../helpers/apks.js';
import { variant } from '../helpers/synth-app.js';
import { el, str, bool } from '../helpers/xml-tree.js';
import { manifestTree, remodel } from '../fixtures/rule-data/remodel.js';

const ID = 'cleartext-traffic';
const fp = (...parts: string[]) => fingerprintOf(ID, parts);

describe('meta and registration', () => {
  it('is registered once, with its standards and a remediation', () => {
    expect(RULES.filter((r) => r.meta.id === ID)).toEqual([rule]);
    expect(rule.meta).toMatchObject({ severity: 'high', masvs: ['MASVS-NETWORK-1'], mastg: ['MASTG-TEST-0235', 'MASTG-TEST-0233'], cwe: ['CWE-319'] });
    expect(rule.meta.remediation).toMatch(/cleartextTrafficPermitted="false"/);
  });
});

describe('fixture apps', () => {
  it('insecure-invoice: high for api.example-invoice.com with every source, and low for Android 6 and lower', () => {
    const f = findings(rule, fixtureApk('insecure-invoice'));
    expect(f.map((x) => [x.severity, x.confidence, x.location, x.fingerprint])).toEqual([
      ['high', 'high', { class: 'Lcom/example/insecureinvoice/LoginRequest;', method: 'run' }, fp('host', 'api.example-invoice.com')],
      ['low', 'high', { file: 'AndroidManifest.xml', line: 21, element: 'application' }, fp('below-api-24')],
    ]);
    expect(f[0]!.message).toBe(
      'Cleartext HTTP to api.example-invoice.com is permitted on Android 7+ by <domain-config cleartextTrafficPermitted="true"> for api.example-invoice.com and its subdomains ' +
        '(res/xml/network_security_config.xml line 11), and the app uses 2 http:// URLs for it: http://api.example-invoice.com/v1/login (LoginRequest.run(), Config.LOGIN_URL); ' +
        'http://api.example-invoice.com/v1 (Config.API_BASE, @string/api_base, assets/config.json). Anything sent there (passwords, session tokens, cookies) can be read and changed by anyone on the network path.',
    );
    expect(f[0]!.evidence).toBe(
      [
        'http://api.example-invoice.com/v1/login <- LoginRequest.run() (passed to Ljava/net/URL;-><init>)',
        'http://api.example-invoice.com/v1/login <- Config.LOGIN_URL',
        'http://api.example-invoice.com/v1 <- Config.API_BASE',
        'http://api.example-invoice.com/v1 <- @string/api_base',
        'http://api.example-invoice.com/v1 <- assets/config.json',
        'policy: res/xml/network_security_config.xml:11 <domain-config>',
      ].join('\n'),
    );
    expect(f[0]).toMatchObject({ ruleId: ID, stage: 'static', masvs: ['MASVS-NETWORK-1'], cwe: ['CWE-319'] });
    expect(f[0]!.library).toBeUndefined();
    expect(f[1]!.message).toBe(
      "On Android 6 and lower (the app's minSdk is 21), cleartext HTTP is permitted to every host by android:usesCleartextTraffic=\"true\" on <application> (AndroidManifest.xml line 21): " +
        'those versions do not read the network security config that blocks it on Android 7+.',
    );
  });

  it('secure-invoice: nothing (https only, base-config forbids cleartext)', () => {
    expect(findings(rule, fixtureApk('secure-invoice'))).toEqual([]);
  });

  it('obfuscated-nsc: high for the nested legacy host, medium for the base-config, nothing for secure.example.com', () => {
    const f = findings(rule, fixtureApk('obfuscated-nsc'));
    expect(f.map((x) => [x.severity, x.location, x.fingerprint])).toEqual([
      ['high', { class: 'Lcom/example/obfnsc/LegacyPing;', method: 'run' }, fp('host', 'legacy.secure.example.com')],
      ['medium', { file: 'res/4u.xml', line: 6, element: 'base-config' }, fp('base-policy')],
    ]);
    expect(f[0]!.confidence).toBe('high'); // run() passes it to get(String), which calls new URL(...)
    expect(f[0]!.message).toContain('by <domain-config cleartextTrafficPermitted="true"> for legacy.secure.example.com (res/4u.xml line 23)');
    expect(f[0]!.evidence).toContain('(passed to Lcom/example/obfnsc/LegacyPing;->get -> Ljava/net/URL;-><init>)');
    expect(f[1]!.message).toBe(
      'Cleartext HTTP is permitted by default for every host without its own domain-config, on Android 7+, by <base-config cleartextTrafficPermitted="true"> (res/4u.xml line 6). ' +
        'Any http:// request the app or its libraries make, including to URLs built at runtime or received from a server, goes out unencrypted.',
    );
    expect(f.some((x) => x.message.includes('secure.example.com ') && !x.message.includes('legacy'))).toBe(false);
  });

  it('multidex-app: its http:// URL is blocked by the targetSdk 30 default, so nothing is reported', () => {
    const app = appOf(fixtureApk('multidex-app'));
    expect(collectEndpoints(app).map((e) => e.url)).toEqual(['http://api.example-multidex.com/v1/session']);
    expect(findings(rule, app)).toEqual([]);
  });
});

describe('hand-built policies over the fixtures\' code', () => {
  it('no config and android:usesCleartextTraffic="true": the attribute permits the host and every host', () => {
    const { root, application } = manifestTree({ pkg: 'com.example.multidex', targetSdk: 30, app: { 'android:usesCleartextTraffic': bool(true) } });
    const app = remodel(appOf(fixtureApk('multidex-app')), { manifest: root });
    const f = findings(rule, app);
    expect(f.map((x) => [x.severity, x.location, x.fingerprint])).toEqual([
      ['high', { class: 'Lcom/example/multidex/net/ApiClient;', method: 'run' }, fp('host', 'api.example-multidex.com')],
      ['medium', { file: 'AndroidManifest.xml', line: application.line, element: 'application' }, fp('base-policy')],
    ]);
    expect(f[0]!.message).toContain(`permitted on Android 7+ by android:usesCleartextTraffic="true" on <application> (AndroidManifest.xml line ${application.line})`);
  });

  it('no config at targetSdk 27: the targetSdk default, located at <uses-sdk>', () => {
    const { root, usesSdk } = manifestTree({ pkg: 'com.example.multidex', minSdk: 24, targetSdk: 27 });
    const f = findings(rule, remodel(appOf(fixtureApk('multidex-app')), { manifest: root }));
    expect(f.map((x) => [x.severity, x.location])).toEqual([
      ['high', { class: 'Lcom/example/multidex/net/ApiClient;', method: 'run' }],
      ['medium', { file: 'AndroidManifest.xml', line: usesSdk.line, element: 'uses-sdk' }],
    ]);
    expect(f[1]!.message).toContain('by the platform default for targetSdk 27 (apps targeting API 27 or lower may use cleartext unless they opt out; from API 28 it is blocked)');
  });

  it('a domain-config that permits cleartext to a domain with no literal URL: low, located at the domain-config', () => {
    const dc = el('domain-config', { cleartextTrafficPermitted: bool(true) }, [el('domain', { includeSubdomains: bool(true) }, ['legacy.example.org'])]);
    const nsc = el('network-security-config', {}, [el('base-config', { cleartextTrafficPermitted: bool(false) }), dc]);
    const f = findings(rule, remodel(appOf(fixtureApk('secure-invoice')), { nsc }));
    expect(f.map((x) => [x.severity, x.confidence, x.location, x.fingerprint])).toEqual([
      ['low', 'medium', { file: 'res/xml/network_security_config.xml', line: dc.line, element: 'domain-config' }, fp('domain', 'legacy.example.org')],
    ]);
    expect(f[0]!.message).toContain('permits cleartext HTTP to legacy.example.org and its subdomains');
  });

  it('a domain-config inheriting cleartext from its parent names the parent', () => {
    const inner = el('domain-config', {}, [el('domain', {}, ['api.example-invoice.com'])]);
    const outer = el('domain-config', { cleartextTrafficPermitted: bool(true) }, [el('domain', {}, ['example-invoice.com']), inner]);
    const nsc = el('network-security-config', {}, [outer]);
    const f = findings(rule, remodel(appOf(fixtureApk('insecure-invoice')), { nsc }));
    expect(f[0]!.message).toContain(
      `by the enclosing <domain-config cleartextTrafficPermitted="true"> (res/xml/network_security_config.xml line ${outer.line}), inherited by the <domain-config> for api.example-invoice.com (line ${inner.line})`,
    );
  });

  it('fingerprints come from names: the same flaw with the config on other lines keeps its fingerprint', () => {
    const before = findings(rule, fixtureApk('insecure-invoice'));
    const padded = el('network-security-config', {}, [
      el('base-config', {}, [el('trust-anchors', {}, [el('certificates', { src: str('system') })])]),
      el('domain-config', { cleartextTrafficPermitted: bool(false) }, [el('domain', {}, ['other.example.net'])]),
      el('domain-config', { cleartextTrafficPermitted: bool(true) }, [el('domain', { includeSubdomains: bool(true) }, ['api.example-invoice.com'])]),
    ]);
    const after = findings(rule, remodel(appOf(fixtureApk('insecure-invoice')), { nsc: padded }));
    expect(after[0]!.message).not.toBe(before[0]!.message); // other line
    expect(after.map((x) => x.fingerprint)).toEqual(before.map((x) => x.fingerprint));
  });
});

describe('assets, loopback hosts and secrets in URLs', () => {
  const app = variant(fixtureApk('obfuscated-nsc'), {
    'assets/endpoints.json': JSON.stringify({ api: 'http://svc:hunter2hunter2@api.leaky.example/v1?access_token=abcdef123456&page=2', local: 'http://127.0.0.1:8080/debug' }),
  });

  it('an asset URL is a finding located at the asset, with user:password and token values redacted', () => {
    const f = findings(rule, app).filter((x) => x.fingerprint === fp('host', 'api.leaky.example'));
    expect(f.map((x) => [x.severity, x.confidence, x.location])).toEqual([['high', 'medium', { file: 'assets/endpoints.json' }]]);
    expect(f[0]!.message).not.toContain('hunter2hunter2');
    expect(f[0]!.message).not.toContain('abcdef123456');
    expect(f[0]!.message).toContain('page=2');
    expect(f[0]!.evidence).not.toContain('hunter2hunter2');
    expect(findings(rule, app, { showSecrets: true }).find((x) => x.fingerprint === fp('host', 'api.leaky.example'))!.message).toContain('svc:hunter2hunter2@');
  });

  it('a loopback host ranks low', () => {
    const f = findings(rule, app).filter((x) => x.fingerprint === fp('host', '127.0.0.1'));
    expect(f.map((x) => [x.severity, x.location])).toEqual([['low', { file: 'assets/endpoints.json' }]]);
    expect(f[0]!.message).toContain('The host is the device itself');
  });

  it('safeUrl leaves URLs without secrets alone', () => {
    const ctx = { secret: (v: string) => `<${v.length}>`, options: DEFAULT_RULE_OPTIONS };
    expect(safeUrl('http://a.example/x?q=1', ctx)).toBe('http://a.example/x?q=1');
    expect(safeUrl('http://u:pw@a.example/x?session_id=42&q=1', ctx)).toBe('http://u:<2>@a.example/x?session_id=<2>&q=1');
  });
});

describe('text is not traffic', () => {
  it('prose: a URL among words, not a request line or markup', () => {
    expect(isProse('Register yourself at http://payatu.com to get your PIN', 'http://payatu.com')).toBe(true);
    expect(isProse('See http://goo.gl/8Rd3yj for instructions', 'http://goo.gl/8Rd3yj')).toBe(true);
    expect(isProse('http://api.example.com/v1', 'http://api.example.com/v1')).toBe(false);
    expect(isProse('GET http://api.example.com/v1 HTTP/1.1', 'http://api.example.com/v1')).toBe(false);
    expect(isProse('<img src="http://cdn.example.com/a.png"> hello there', 'http://cdn.example.com/a.png')).toBe(false);
  });
});

describe('APKs shipped in npm packages (benign, targetSdk >= 33, no config): no cleartext-traffic finding', () => {
  it.each(Object.entries(NPM_APKS))('%s', (_n, path) => {
    const app = appOf(path);
    expect(app.cleartext.permitted).toBe(false);
    expect(findings(rule, app)).toEqual([]);
  });

  it('apidemos carries http://www.android.com-style strings, whose host is blocked', () => {
    const eps = collectEndpoints(appOf(NPM_APKS.apidemos)).filter((e) => e.scheme === 'http');
    expect(eps.map((e) => e.host)).toContain('www.android.com');
  });
});

const HAVE_CORPUS = existsSync(CORPUS_DIR);
describe.skipIf(!HAVE_CORPUS)(`corpus${HAVE_CORPUS ? '' : ' (skipped: ../shared/corpus not present)'}`, () => {
  const exp = HAVE_CORPUS ? JSON.parse(readFileSync(`${CORPUS_DIR}/expectations.json`, 'utf8')) : {};

  it.each(['diva-beta.apk', 'insecurebankv2.apk', 'goatdroid-qark.apk', 'uncrackable-l1.apk'])('%s: fires exactly where cleartextPermitted is true', (name) => {
    const f = findings(rule, corpusApk(name));
    const base = f.filter((x) => x.fingerprint === fp('base-policy'));
    expect(base.length).toBe(exp[name].cleartextPermitted ? 1 : 0);
    expect(f.length > 0).toBe(exp[name].cleartextPermitted);
    // No first-party http endpoint in any of them (hardcodedHttpEndpoints is empty): no high finding.
    expect(exp[name].hardcodedHttpEndpoints).toEqual([]);
    expect(f.filter((x) => x.severity === 'high')).toEqual([]);
  });

  it('diva: the cleartext default of targetSdk 23 at <uses-sdk>; http://payatu.com is UI text (TextView.setText), not a host finding', () => {
    const app = appOf(corpusApk('diva-beta.apk'));
    const f = findings(rule, app);
    expect(f.map((x) => [x.severity, x.location])).toEqual([['medium', { file: 'AndroidManifest.xml', element: 'uses-sdk' }]]);
    expect(f[0]!.message).toContain('by the platform default for targetSdk 23');
    expect(f[0]!.evidence).toContain('not counted (text, not requests): http://payatu.com in APICreds2Activity.onCreate() (passed to Landroid/widget/TextView;->setText)');
    const ep = collectEndpoints(app).find((e) => e.url === 'http://payatu.com')!;
    expect(urlUse(app, ep.sources[0]!, ep.url)).toEqual({ use: 'text', via: 'Landroid/widget/TextView;->setText' });
  });

  it('insecurebankv2: the medium finding names the code that builds http:// URLs at runtime; Play services URLs rank low and are labelled', () => {
    const f = findings(rule, corpusApk('insecurebankv2.apk'));
    const base = f.find((x) => x.fingerprint === fp('base-policy'))!;
    expect(base.severity).toBe('medium');
    expect(base.location).toEqual({ file: 'AndroidManifest.xml', line: 7, element: 'uses-sdk' });
    expect(base.message).toContain('in ChangePassword.<init>(), DoLogin.<init>(), DoTransfer.<init>()');
    const lib = f.filter((x) => x !== base);
    expect(lib.map((x) => [x.severity, x.library, x.fingerprint]).sort()).toEqual(
      [
        ['low', 'Google Play services', fp('host', 'plus.google.com')],
        ['low', 'Google Play services', fp('host', 'www.google-analytics.com')],
        ['low', 'Google Play services', fp('host', 'www.google.com')],
      ].sort(),
    );
    // "See http://goo.gl/8Rd3yj for instructions" messages are prose inside Play services logging wrappers.
    expect(f.some((x) => x.fingerprint === fp('host', 'goo.gl'))).toBe(false);
  });

  it('goatdroid: the targetSdk 15 default only (its REST calls use https://)', () => {
    const f = findings(rule, corpusApk('goatdroid-qark.apk'));
    expect(f.map((x) => [x.severity, x.location, x.fingerprint])).toEqual([['medium', { file: 'AndroidManifest.xml', line: 7, element: 'uses-sdk' }, fp('base-policy')]]);
  });
});

describe('speed', () => {
  it('the network and manifest rules stay cheap on the 18 MB uiautomator2 server APK', () => {
    const mine = RULES.filter((r) => ['cleartext-traffic', 'nsc-trust', 'debuggable', 'test-only', 'exported-session-component'].includes(r.meta.id));
    expect(mine.length).toBe(5);
    const app = loadApp(new Uint8Array(readFileSync(NPM_APKS.uia2server)), 'uia2.apk');
    const t0 = performance.now();
    const f = runRules(app, mine, DEFAULT_RULE_OPTIONS);
    // About 40 ms warm and 90 ms cold on one core; the bound leaves room for a loaded CI machine.
    expect(performance.now() - t0).toBeLessThan(500);
    expect(f.filter((x) => x.ruleId === ID)).toEqual([]);
  });
});

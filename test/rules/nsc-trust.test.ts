import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import defaultRule, { createNscTrustRule, parseExpiration } from '../../static-rules/nsc-trust.js';
import { RULES } from '../../static-rules/index.js';
import { fingerprintOf } from '../../src/rules/rule.js';
import { appOf, findings } from '../helpers/rules.js';
import { CORPUS_DIR, NPM_APKS, corpusApk, fixtureApk } from '../helpers/apks.js';
import { el, str, bool } from '../helpers/xml-tree.js';
import { manifestTree, remodel } from '../fixtures/rule-data/remodel.js';

const ID = 'nsc-trust';
const fp = (...parts: string[]) => fingerprintOf(ID, parts);
const rule = createNscTrustRule({ now: () => new Date('2026-06-01T00:00:00Z') });
const later = createNscTrustRule({ now: () => new Date('2031-01-01T00:00:00Z') });
const NSC = 'res/xml/network_security_config.xml';
const certs = (src: string, extra: Record<string, ReturnType<typeof str>> = {}) => el('certificates', { src: str(src), ...extra });
const pins = (expiration: string | null, n: number) =>
  el('pin-set', expiration ? { expiration: str(expiration) } : {}, Array.from({ length: n }, (_, i) => el('pin', { digest: str('SHA-256') }, [`${'A'.repeat(42)}${i}=`])));

describe('meta and registration', () => {
  it('is registered once, with its standards', () => {
    expect(RULES.filter((r) => r.meta.id === ID)).toEqual([defaultRule]);
    expect(defaultRule.meta).toMatchObject({ masvs: ['MASVS-NETWORK-1', 'MASVS-NETWORK-2'], mastg: ['MASTG-TEST-0286', 'MASTG-TEST-0285', 'MASTG-TEST-0243'], cwe: ['CWE-295'] });
  });
});

describe('fixture apps', () => {
  it('insecure-invoice: the base-config trusts user CAs (high); debuggable but without debug-overrides, nothing more', () => {
    const f = findings(rule, fixtureApk('insecure-invoice'));
    expect(f.map((x) => [x.severity, x.confidence, x.location, x.fingerprint])).toEqual([
      ['high', 'high', { file: NSC, line: 4, element: 'base-config' }, fp('base-config', 'base-config', 'user-ca')],
    ]);
    expect(f[0]!.message).toBe(
      '<base-config> trusts user-installed CA certificates (<certificates src="user"/>): anyone who gets a CA onto the device (a proxy, an MDM profile, an attacker who talks the user into it) ' +
        'can read and change every TLS connection of the app, including sign-in and session tokens.',
    );
    expect(f[0]!.evidence).toBe('<trust-anchors>: system, user');
  });

  it('secure-invoice: system CAs only is not a finding', () => {
    expect(findings(rule, fixtureApk('secure-invoice'))).toEqual([]);
  });

  it('multidex-app (targetSdk 30, no config) and the default "now": nothing', () => {
    expect(findings(rule, fixtureApk('multidex-app'))).toEqual([]);
    expect(findings(defaultRule, fixtureApk('secure-invoice'))).toEqual([]);
  });

  it('obfuscated-nsc: the pinned secure.example.com subtree re-enables cleartext for legacy; debug-overrides ignored (not debuggable)', () => {
    const f = findings(rule, fixtureApk('obfuscated-nsc'));
    expect(f.map((x) => [x.severity, x.location, x.fingerprint])).toEqual([
      ['medium', { file: 'res/4u.xml', line: 23, element: 'domain-config' }, fp('cleartext-on-pinned-domain', 'legacy.secure.example.com')],
    ]);
    expect(f[0]!.message).toBe(
      'legacy.secure.example.com is pinned but permits cleartext HTTP (the effective cleartextTrafficPermitted of its <domain-config> at line 23 is true): ' +
        'pins only apply to TLS, so http:// requests to it are neither encrypted nor pinned.',
    );
  });

  it('obfuscated-nsc after 2030-01-01: the pins have expired (medium)', () => {
    const f = findings(later, fixtureApk('obfuscated-nsc'));
    const expired = f.filter((x) => x.fingerprint === fp('pin-set', 'secure.example.com', 'expired'));
    expect(expired.map((x) => [x.severity, x.location])).toEqual([['medium', { file: 'res/4u.xml', line: 14, element: 'domain-config' }]]);
    expect(expired[0]!.message).toBe(
      'The certificate pins for secure.example.com (and subdomains) expired on 2030-01-01: Android no longer enforces expired pins, so connections to these hosts accept any certificate a trusted CA issues (pinning is silently off).',
    );
    expect(expired[0]!.evidence).toBe('<pin-set expiration="2030-01-01"> with 2 pin(s); checked against 2031-01-01');
  });

  it('obfuscated-nsc made debuggable: its debug-overrides (user CAs, overriding pins) are active (medium)', () => {
    const { root } = manifestTree({ pkg: 'com.example.obfnsc', minSdk: 24, targetSdk: 28, app: { 'android:debuggable': bool(true) } });
    const f = findings(rule, remodel(appOf(fixtureApk('obfuscated-nsc')), { manifest: root }));
    const dbg = f.filter((x) => x.fingerprint === fp('debug-overrides'));
    expect(dbg.map((x) => [x.severity, x.location])).toEqual([['medium', { file: 'res/4u.xml', line: 29, element: 'debug-overrides' }]]);
    expect(dbg[0]!.message).toBe(
      'The app is debuggable, so Android applies the config\'s <debug-overrides>: every configuration also trusts user (overridePins) certificates, and they override pins (the default inside debug-overrides). ' +
        'Debug overrides meant for development are active in this build.',
    );
  });
});

describe('hand-built configs', () => {
  const base = () => appOf(fixtureApk('secure-invoice'));
  const withTarget = (targetSdk: number) => manifestTree({ pkg: 'com.example.secureinvoice', targetSdk });

  it('targetSdk 23 without a config: user CAs are trusted by default (medium, at <uses-sdk>)', () => {
    const { root, usesSdk } = withTarget(23);
    const f = findings(rule, remodel(base(), { manifest: root, nsc: null }));
    expect(f.map((x) => [x.severity, x.location, x.fingerprint])).toEqual([['medium', { file: 'AndroidManifest.xml', line: usesSdk.line, element: 'uses-sdk' }, fp('implicit-user-ca')]]);
    expect(f[0]!.message).toContain('The app targets API 23: Android\'s default network security config for apps targeting API 23 and lower trusts user-installed CA certificates (from targetSdk 24, Android 7.0');
    expect(f[0]!.message).toContain('The app has no network security config that would restrict this.');
  });

  it('targetSdk 24 without a config: nothing', () => {
    expect(findings(rule, remodel(base(), { manifest: withTarget(24).root, nsc: null }))).toEqual([]);
  });

  it('targetSdk 23 with a base-config that sets no trust anchors: the default still trusts user CAs (at the base-config)', () => {
    const b = el('base-config', { cleartextTrafficPermitted: bool(false) });
    const f = findings(rule, remodel(base(), { manifest: withTarget(23).root, nsc: el('network-security-config', {}, [b]) }));
    expect(f.map((x) => [x.severity, x.location, x.fingerprint])).toEqual([['medium', { file: NSC, line: b.line, element: 'base-config' }, fp('implicit-user-ca')]]);
    expect(f[0]!.evidence).toBe('targetSdkVersion=23; effective base trust anchors: system, user');
  });

  it('targetSdk 23 with a base-config trusting system CAs only: nothing', () => {
    const nsc = el('network-security-config', {}, [el('base-config', {}, [el('trust-anchors', {}, [certs('system')])])]);
    expect(findings(rule, remodel(base(), { manifest: withTarget(23).root, nsc }))).toEqual([]);
  });

  it('user CAs for one domain: medium; with overridePins: high', () => {
    const d1 = el('domain-config', {}, [el('domain', {}, ['api.example.com']), el('trust-anchors', {}, [certs('system'), certs('user')])]);
    const d2 = el('domain-config', {}, [el('domain', { includeSubdomains: bool(true) }, ['pay.example.com']), el('trust-anchors', {}, [certs('user', { overridePins: str('true') })])]);
    const f = findings(rule, remodel(base(), { nsc: el('network-security-config', {}, [d1, d2]) }));
    expect(f.map((x) => [x.severity, x.location, x.fingerprint])).toEqual([
      ['high', { file: NSC, line: d2.line, element: 'domain-config' }, fp('domain-config', 'pay.example.com', 'user-ca')],
      ['medium', { file: NSC, line: d1.line, element: 'domain-config' }, fp('domain-config', 'api.example.com', 'user-ca')],
    ]);
    expect(f[0]!.message).toContain('the <domain-config> for pay.example.com (and subdomains) trusts user-installed CA certificates (<certificates src="user" overridePins="true"/>)');
    expect(f[0]!.message).toContain('overridePins="true" also lets those certificates bypass any pins.');
  });

  it('overridePins="true" on system CAs in the base-config: high', () => {
    const b = el('base-config', {}, [el('trust-anchors', {}, [certs('system', { overridePins: str('true') })])]);
    const f = findings(rule, remodel(base(), { nsc: el('network-security-config', {}, [b]) }));
    expect(f.map((x) => [x.severity, x.location, x.fingerprint])).toEqual([['high', { file: NSC, line: b.line, element: 'base-config' }, fp('base-config', 'base-config', 'overridePins', 'system')]]);
    expect(f[0]!.message).toBe(
      '<base-config> sets overridePins="true" on <certificates src="system"/>: a certificate from any of those CAs is accepted even where the pins would reject it, so pinning does not stop an attacker who obtains one.',
    );
  });

  it('pins: expired (medium), a single pin (low), no expiration and two pins (nothing); "now" is injected', () => {
    const expired = el('domain-config', {}, [el('domain', {}, ['old.example.com']), pins('2020-01-01', 2)]);
    const single = el('domain-config', {}, [el('domain', {}, ['one.example.com']), pins(null, 1)]);
    const fine = el('domain-config', {}, [el('domain', {}, ['ok.example.com']), pins(null, 2)]);
    const app = remodel(base(), { nsc: el('network-security-config', {}, [expired, single, fine]) });
    const f = findings(rule, app);
    expect(f.map((x) => [x.severity, x.location, x.fingerprint])).toEqual([
      ['medium', { file: NSC, line: expired.line, element: 'domain-config' }, fp('pin-set', 'old.example.com', 'expired')],
      ['low', { file: NSC, line: single.line, element: 'domain-config' }, fp('pin-set', 'one.example.com', 'no-backup-pin')],
    ]);
    expect(f[1]!.message).toContain('has a single pin and no backup pin');
    const before = createNscTrustRule({ now: () => new Date('2019-12-31T00:00:00Z') });
    expect(findings(before, app).map((x) => x.fingerprint)).toEqual([fp('pin-set', 'one.example.com', 'no-backup-pin')]);
  });

  it('an expiration that is not yyyy-MM-dd makes Android reject the config (medium, correctness)', () => {
    const dc = el('domain-config', {}, [el('domain', {}, ['bad.example.com']), pins('2030/01/01', 2)]);
    const f = findings(rule, remodel(base(), { nsc: el('network-security-config', {}, [dc]) }));
    expect(f.map((x) => [x.severity, x.title, x.location, x.fingerprint])).toEqual([
      ['medium', 'Network security config rejected by Android', { file: NSC, line: dc.line, element: 'domain-config' }, fp('config-error', 'pin-set expiration', 'bad.example.com')],
    ]);
    expect(parseExpiration('2030-02-30')).toBe(null);
    expect(parseExpiration('2030-02-28')?.toISOString()).toBe('2030-02-28T00:00:00.000Z');
  });

  it('configs Android rejects (app.nsc.errors): one medium finding per error, fingerprinted without line numbers', () => {
    const build = () =>
      el('network-security-config', {}, [
        el('base-config', { cleartextTrafficPermitted: bool(false) }),
        el('base-config', {}),
        el('domain-config', {}, [el('domain', {}, ['dup.example.com'])]),
        el('domain-config', {}, [el('domain', {}, ['dup.example.com'])]),
      ]);
    const a = build();
    const f = findings(rule, remodel(base(), { nsc: a }));
    expect(f.map((x) => [x.severity, x.confidence, x.location])).toEqual([
      ['medium', 'high', { file: NSC, line: a.children[1]!.line, element: 'network-security-config' }],
      ['medium', 'high', { file: NSC, line: a.children[3]!.children[0]!.line, element: 'network-security-config' }],
    ]);
    expect(f[0]!.message).toBe(
      `Android rejects this network security config: more than one <base-config> (line ${a.children[1]!.line}). The platform throws when it loads the config, at the app's first network connection, so the app crashes instead of connecting.`,
    );
    expect(f.map((x) => x.fingerprint)).toEqual([fp('config-error', 'more than one <base-config>'), fp('config-error', 'duplicate domain "dup.example.com"')]);
    // Built again: every element is on another line, the fingerprints stay.
    expect(findings(rule, remodel(base(), { nsc: build() })).map((x) => x.fingerprint)).toEqual(f.map((x) => x.fingerprint));
  });
});

describe('APKs shipped in npm packages (targetSdk >= 33, no config): nothing', () => {
  it.each(Object.entries(NPM_APKS))('%s', (_n, path) => {
    expect(findings(rule, path)).toEqual([]);
  });
});

const HAVE_CORPUS = existsSync(CORPUS_DIR);
describe.skipIf(!HAVE_CORPUS)(`corpus${HAVE_CORPUS ? '' : ' (skipped: ../shared/corpus not present)'}`, () => {
  const exp = HAVE_CORPUS ? JSON.parse(readFileSync(`${CORPUS_DIR}/expectations.json`, 'utf8')) : {};
  it.each(['diva-beta.apk', 'insecurebankv2.apk', 'goatdroid-qark.apk', 'uncrackable-l1.apk'])('%s: implicit user-CA trust exactly when targetSdk <= 23 and no config', (name) => {
    const e = exp[name];
    const f = findings(rule, corpusApk(name));
    const implicit = e.targetSdk <= 23 && e.networkSecurityConfig === null;
    expect(f.map((x) => [x.severity, x.fingerprint])).toEqual(implicit ? [['medium', fp('implicit-user-ca')]] : []);
    if (implicit) expect(f[0]!.message).toContain(`The app targets API ${e.targetSdk}:`);
  });
});

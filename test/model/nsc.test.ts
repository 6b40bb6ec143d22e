import { describe, expect, it } from 'vitest';
import { readNetworkSecurityConfig, effectiveCleartext, policyForHost, platformDefault } from '../../src/model/nsc.js';
import { ValueResolver } from '../../src/model/values.js';
import { el, doc, bool, str } from '../helpers/xml-tree.js';

const values = new ValueResolver(null);
const read = (root: ReturnType<typeof el>) => readNetworkSecurityConfig(doc(root), 'res/xml/nsc.xml', values);
const base = { minSdk: 24, usesCleartextTrafficAttr: null, debuggable: false };

describe('platform default by targetSdk', () => {
  it.each([
    [22, true, ['system', 'user']],
    [23, true, ['system', 'user']],
    [24, true, ['system']],
    [27, true, ['system']],
    [28, false, ['system']],
    [34, false, ['system']],
  ])('targetSdk %i: cleartext %s, anchors %j', (target, permitted, anchors) => {
    const d = platformDefault(target);
    expect(d.permitted).toBe(permitted);
    expect(d.trustAnchors.map((a) => a.src)).toEqual(anchors);
  });
});

describe('effective cleartext policy without a config', () => {
  it('targetSdk < 28 permits cleartext by default', () => {
    expect(effectiveCleartext(null, { ...base, targetSdk: 27 })).toMatchObject({ permitted: true, source: 'targetSdk-default' });
  });
  it('the manifest attribute decides when set', () => {
    expect(effectiveCleartext(null, { ...base, targetSdk: 33, usesCleartextTrafficAttr: true })).toMatchObject({ permitted: true, source: 'manifest-attribute', attributeIgnored: false });
    expect(effectiveCleartext(null, { ...base, targetSdk: 22, usesCleartextTrafficAttr: false })).toMatchObject({ permitted: false, source: 'manifest-attribute' });
  });
  it('says what devices below API 24 do when minSdk lets the app run there', () => {
    expect(effectiveCleartext(null, { ...base, minSdk: 21, targetSdk: 33 }).permittedBelowApi24).toBe(false);
    expect(effectiveCleartext(null, { ...base, minSdk: 24, targetSdk: 33 }).permittedBelowApi24).toBe(null);
  });
});

describe('network security config', () => {
  const nested = el('network-security-config', {}, [
    el('base-config', { cleartextTrafficPermitted: bool(true) }, [el('trust-anchors', {}, [el('certificates', { src: str('system') })])]),
    el('domain-config', { cleartextTrafficPermitted: bool(false) }, [
      el('domain', { includeSubdomains: bool(true) }, ['Secure.Example.com']),
      el('pin-set', { expiration: str('2030-01-01') }, [el('pin', { digest: str('SHA-256') }, ['7HIpactkIAq2Y49orFOOQKurWxmmSFZhBCoQYcRhJ3Y='])]),
      el('domain-config', { cleartextTrafficPermitted: bool(true) }, [el('domain', {}, ['legacy.secure.example.com'])]),
    ]),
    el('domain-config', {}, [el('domain', {}, ['inherit.example.com'])]),
    el('debug-overrides', {}, [el('trust-anchors', {}, [el('certificates', { src: str('user') })])]),
  ]);

  it('overrides the manifest attribute and follows nested inheritance', () => {
    const nsc = read(nested);
    expect(nsc.errors).toEqual([]);
    const p = effectiveCleartext(nsc, { ...base, targetSdk: 28, usesCleartextTrafficAttr: false });
    expect(p.permitted).toBe(true);
    expect(p.source).toBe('nsc-base-config');
    expect(p.attributeIgnored).toBe(true);
    expect(p.domains.map((d) => [d.domain, d.includeSubdomains, d.permitted, d.pinned])).toEqual([
      ['secure.example.com', true, false, true],
      ['legacy.secure.example.com', false, true, true],
      ['inherit.example.com', false, true, false],
    ]);
  });

  it('matches hosts as Android does: exact first, then the longest includeSubdomains domain, else base', () => {
    const p = effectiveCleartext(read(nested), { ...base, targetSdk: 28 });
    expect(policyForHost(p, 'legacy.secure.example.com')).toMatchObject({ permitted: true, matched: { domain: 'legacy.secure.example.com' } });
    expect(policyForHost(p, 'api.secure.example.com')).toMatchObject({ permitted: false, matched: { domain: 'secure.example.com' } });
    expect(policyForHost(p, 'x.legacy.secure.example.com')).toMatchObject({ permitted: false, matched: { domain: 'secure.example.com' } });
    expect(policyForHost(p, 'SECURE.example.com.')).toMatchObject({ permitted: false });
    expect(policyForHost(p, 'other.org')).toEqual({ permitted: true, matched: null });
  });

  it('applies debug-overrides only to debuggable apps, with overridePins defaulting to true', () => {
    const nsc = read(nested);
    expect(nsc.debugOverrides?.trustAnchors).toEqual([{ src: 'user', overridePins: true }]);
    const release = effectiveCleartext(nsc, { ...base, targetSdk: 28 });
    const debug = effectiveCleartext(nsc, { ...base, targetSdk: 28, debuggable: true });
    expect(release.baseTrustAnchors.map((a) => a.src)).toEqual(['system']);
    expect(debug.baseTrustAnchors).toEqual([{ src: 'system', overridePins: false }, { src: 'user', overridePins: true }]);
    expect(debug.domains[2]!.trustAnchors.map((a) => a.src)).toEqual(['system', 'user']);
  });

  it('without a base-config the platform default of the targetSdk applies', () => {
    const only = read(el('network-security-config', {}, [el('domain-config', { cleartextTrafficPermitted: bool(true) }, [el('domain', {}, ['a.example'])])]));
    expect(effectiveCleartext(only, { ...base, targetSdk: 27, usesCleartextTrafficAttr: false })).toMatchObject({ permitted: true, source: 'nsc-platform-default' });
    expect(effectiveCleartext(only, { ...base, targetSdk: 28, usesCleartextTrafficAttr: true })).toMatchObject({ permitted: false, source: 'nsc-platform-default' });
  });

  it('lists the structures Android rejects at runtime', () => {
    const bad = read(
      el('network-security-config', {}, [
        el('base-config', {}, [el('pin-set')]),
        el('base-config'),
        el('domain-config', {}, [el('domain', {}, ['a.example']), el('trust-anchors'), el('trust-anchors')]),
        el('domain-config', {}, [el('domain', {}, ['A.example'])]),
        el('domain-config'),
        el('debug-overrides'),
        el('debug-overrides'),
      ]),
    );
    expect(bad.errors.map((e) => e.replace(/ \(line \d+\)| at line \d+/g, ''))).toEqual([
      '<pin-set> outside a <domain-config>',
      'more than one <base-config>',
      'more than one <trust-anchors> in one config',
      'duplicate domain "a.example"',
      '<domain-config> names no <domain>',
      'more than one <debug-overrides>',
    ]);
  });

  it('a file with another root element is an error, not a config', () => {
    expect(read(el('resources')).errors).toEqual(['root element is <resources>, not <network-security-config>']);
  });
});

/**
 * Network security config (res/xml/..., found through android:networkSecurityConfig and
 * resources.arsc, never by file name) and the effective cleartext policy.
 *
 * Platform rules (AOSP frameworks/base/core/java/android/security/net/config/):
 * - NetworkSecurityConfig.getDefaultBuilder(targetSdk): cleartext permitted iff targetSdk < 28
 *   (Build.VERSION_CODES.P); system CAs always trusted; user CAs trusted iff targetSdk <= 23.
 * - ManifestConfigSource: when the app has a network security config, it is used and
 *   android:usesCleartextTraffic is ignored (API 24+). Without one, the attribute (default: the
 *   targetSdk rule above) sets the base config's cleartext flag.
 * - XmlConfigSource: base-config's parent is the platform default; a domain-config's parent is the
 *   base config, a nested domain-config's parent is the enclosing domain-config; unset attributes
 *   inherit. At most one base-config and one debug-overrides; a domain may appear in one
 *   domain-config only; a domain-config needs a <domain>; trust-anchors and pin-set at most once per
 *   config. Violations throw at the app's first network use.
 * - debug-overrides is read only when the app is debuggable; its trust anchors default to
 *   overridePins="true" and are added to every config.
 * - Host lookup (ApplicationConfig.getConfigForHostname): an exact domain match wins, otherwise the
 *   longest matching domain with includeSubdomains="true", otherwise the base config.
 * On API 23 the manifest attribute alone applies; below API 23 nothing restricts cleartext.
 */
import type { AxmlDocument, AxmlElement } from '../apk/axml.js';
import type { ValueResolver } from './values.js';

export interface TrustAnchor {
  /** system | user | wfa | @raw/… (or a resolved res/raw path). */
  src: string;
  overridePins: boolean;
}

export interface PinSet {
  expiration: string | null;
  pins: { digest: string; value: string }[];
}

export interface NscDomain {
  name: string;
  includeSubdomains: boolean;
}

export interface NscConfigNode {
  kind: 'base-config' | 'domain-config';
  line: number;
  /** Explicit attribute values (null = inherited). */
  cleartextTrafficPermitted: boolean | null;
  hstsEnforced: boolean | null;
  trustAnchors: TrustAnchor[] | null;
  pinSet: PinSet | null;
  domains: NscDomain[];
  children: NscConfigNode[];
}

export interface NetworkSecurityConfig {
  /** The res/ path it was read from. */
  file: string;
  base: NscConfigNode | null;
  domainConfigs: NscConfigNode[];
  debugOverrides: { trustAnchors: TrustAnchor[]; line: number } | null;
  /** Structures for which Android throws at the first network use (the config is rejected). */
  errors: string[];
}

export interface EffectiveDomainPolicy {
  domain: string;
  includeSubdomains: boolean;
  permitted: boolean;
  trustAnchors: TrustAnchor[];
  pinned: boolean;
  pinExpiration: string | null;
  line: number;
}

export interface CleartextPolicy {
  /** Default for hosts no domain-config names, on API 24+ devices. */
  permitted: boolean;
  /** Where that default comes from. */
  source: 'nsc-base-config' | 'nsc-platform-default' | 'manifest-attribute' | 'targetSdk-default';
  /** Devices below API 24 ignore the network security config: the policy there, when minSdk allows them. */
  permittedBelowApi24: boolean | null;
  /** Every domain a domain-config names, with its effective policy. */
  domains: EffectiveDomainPolicy[];
  /** Trust anchors of the base configuration (after defaults). */
  baseTrustAnchors: TrustAnchor[];
  /** The attribute is set but ignored on API 24+ because a network security config exists. */
  attributeIgnored: boolean;
}

function bool(s: string | null): boolean | null {
  if (s === null) return null;
  if (/^true$/i.test(s)) return true;
  if (/^false$/i.test(s)) return false;
  return null;
}

/** Reads un-namespaced attributes (NSC attributes carry no android: prefix). */
function plainAttr(el: AxmlElement, name: string, values: ValueResolver): string | null {
  const a = el.attributes.find((x) => x.name === name);
  if (!a) return null;
  const b = values.bool(a.value);
  if (b !== null && (a.value.type === 'bool' || a.value.type === 'reference')) return String(b);
  return values.string(a.value);
}

function textOf(el: AxmlElement): string {
  return (el.text ?? '').trim();
}

export function readNetworkSecurityConfig(doc: AxmlDocument, file: string, values: ValueResolver): NetworkSecurityConfig {
  const errors: string[] = [];
  const root = doc.root;
  const nsc: NetworkSecurityConfig = { file, base: null, domainConfigs: [], debugOverrides: null, errors };
  if (!root || root.name !== 'network-security-config') {
    errors.push(`root element is <${root?.name ?? 'none'}>, not <network-security-config>`);
    return nsc;
  }
  const seenDomains = new Set<string>();

  const anchors = (el: AxmlElement, defaultOverride: boolean): TrustAnchor[] => {
    const out: TrustAnchor[] = [];
    for (const c of el.children) {
      if (c.name !== 'certificates') continue;
      const srcAttr = c.attributes.find((x) => x.name === 'src');
      let src = srcAttr ? values.string(srcAttr.value) : null;
      if (srcAttr && !src) src = values.refName(srcAttr.value);
      if (!src) {
        errors.push(`<certificates> at line ${c.line} has no src`);
        continue;
      }
      out.push({ src, overridePins: bool(plainAttr(c, 'overridePins', values)) ?? defaultOverride });
    }
    return out;
  };

  const readNode = (el: AxmlElement, kind: NscConfigNode['kind']): NscConfigNode => {
    const node: NscConfigNode = {
      kind,
      line: el.line,
      cleartextTrafficPermitted: bool(plainAttr(el, 'cleartextTrafficPermitted', values)),
      hstsEnforced: bool(plainAttr(el, 'hstsEnforced', values)),
      trustAnchors: null,
      pinSet: null,
      domains: [],
      children: [],
    };
    for (const c of el.children) {
      switch (c.name) {
        case 'domain': {
          if (kind === 'base-config') {
            errors.push(`<domain> inside <base-config> (line ${c.line})`);
            break;
          }
          const name = textOf(c).toLowerCase();
          if (!name) {
            errors.push(`empty <domain> at line ${c.line}`);
            break;
          }
          if (seenDomains.has(name)) errors.push(`duplicate domain "${name}" (line ${c.line})`);
          seenDomains.add(name);
          node.domains.push({ name, includeSubdomains: bool(plainAttr(c, 'includeSubdomains', values)) ?? false });
          break;
        }
        case 'trust-anchors':
          if (node.trustAnchors) errors.push(`more than one <trust-anchors> in one config (line ${c.line})`);
          node.trustAnchors = [...(node.trustAnchors ?? []), ...anchors(c, false)];
          break;
        case 'pin-set': {
          if (kind === 'base-config') errors.push(`<pin-set> outside a <domain-config> (line ${c.line})`);
          if (node.pinSet) errors.push(`more than one <pin-set> in one config (line ${c.line})`);
          const pins = c.children
            .filter((p) => p.name === 'pin')
            .map((p) => ({ digest: plainAttr(p, 'digest', values) ?? '', value: textOf(p) }));
          node.pinSet = { expiration: plainAttr(c, 'expiration', values), pins };
          break;
        }
        case 'domain-config':
          if (kind === 'base-config') errors.push(`<domain-config> nested in <base-config> (line ${c.line})`);
          else node.children.push(readNode(c, 'domain-config'));
          break;
        default:
          break;
      }
    }
    if (kind === 'domain-config' && node.domains.length === 0) errors.push(`<domain-config> at line ${el.line} names no <domain>`);
    return node;
  };

  for (const c of root.children) {
    switch (c.name) {
      case 'base-config':
        if (nsc.base) errors.push(`more than one <base-config> (line ${c.line})`);
        else nsc.base = readNode(c, 'base-config');
        break;
      case 'domain-config':
        nsc.domainConfigs.push(readNode(c, 'domain-config'));
        break;
      case 'debug-overrides': {
        if (nsc.debugOverrides) errors.push(`more than one <debug-overrides> (line ${c.line})`);
        const ta = c.children.filter((x) => x.name === 'trust-anchors');
        nsc.debugOverrides = { trustAnchors: ta.flatMap((t) => anchors(t, true)), line: c.line };
        break;
      }
      default:
        break;
    }
  }
  return nsc;
}

interface Inherited {
  permitted: boolean;
  trustAnchors: TrustAnchor[];
  pinSet: PinSet | null;
}

export function platformDefault(targetSdk: number): Inherited {
  const trust: TrustAnchor[] = [{ src: 'system', overridePins: false }];
  if (targetSdk <= 23) trust.push({ src: 'user', overridePins: false });
  return { permitted: targetSdk < 28, trustAnchors: trust, pinSet: null };
}

function applyNode(parent: Inherited, node: NscConfigNode, debug: TrustAnchor[]): Inherited {
  let trust = node.trustAnchors ?? parent.trustAnchors;
  if (node.trustAnchors && debug.length) trust = [...trust, ...debug];
  return {
    permitted: node.cleartextTrafficPermitted ?? parent.permitted,
    trustAnchors: trust,
    pinSet: node.pinSet ?? parent.pinSet,
  };
}

export function effectiveCleartext(
  nsc: NetworkSecurityConfig | null,
  opts: { targetSdk: number; minSdk: number; usesCleartextTrafficAttr: boolean | null; debuggable: boolean },
): CleartextPolicy {
  const def = platformDefault(opts.targetSdk);
  const attrOrDefault = opts.usesCleartextTrafficAttr ?? def.permitted;
  const below24 = opts.minSdk < 24 ? attrOrDefault : null;
  if (!nsc) {
    return {
      permitted: attrOrDefault,
      source: opts.usesCleartextTrafficAttr === null ? 'targetSdk-default' : 'manifest-attribute',
      permittedBelowApi24: below24,
      domains: [],
      baseTrustAnchors: def.trustAnchors,
      attributeIgnored: false,
    };
  }
  const debug = opts.debuggable && nsc.debugOverrides ? nsc.debugOverrides.trustAnchors : [];
  // Debug anchors join the base too when the base config sets no anchors of its own (AOSP adds them
  // to every config that has anchors, and the platform default always has some).
  const baseEff = nsc.base ? applyNode(def, nsc.base, debug) : { ...def, trustAnchors: debug.length ? [...def.trustAnchors, ...debug] : def.trustAnchors };
  if (nsc.base && !nsc.base.trustAnchors && debug.length) baseEff.trustAnchors = [...baseEff.trustAnchors, ...debug];
  const domains: EffectiveDomainPolicy[] = [];
  const walk = (node: NscConfigNode, parent: Inherited): void => {
    const eff = applyNode(parent, node, node.trustAnchors ? debug : []);
    for (const d of node.domains) {
      domains.push({
        domain: d.name,
        includeSubdomains: d.includeSubdomains,
        permitted: eff.permitted,
        trustAnchors: eff.trustAnchors,
        pinned: !!eff.pinSet && eff.pinSet.pins.length > 0,
        pinExpiration: eff.pinSet?.expiration ?? null,
        line: node.line,
      });
    }
    for (const c of node.children) walk(c, eff);
  };
  for (const dc of nsc.domainConfigs) walk(dc, baseEff);
  return {
    permitted: baseEff.permitted,
    source: nsc.base && nsc.base.cleartextTrafficPermitted !== null ? 'nsc-base-config' : 'nsc-platform-default',
    permittedBelowApi24: below24,
    domains,
    baseTrustAnchors: baseEff.trustAnchors,
    attributeIgnored: opts.usesCleartextTrafficAttr !== null,
  };
}

/** The policy Android applies to one host name on API 24+ (exact match, then longest includeSubdomains match). */
export function policyForHost(policy: CleartextPolicy, host: string): { permitted: boolean; matched: EffectiveDomainPolicy | null } {
  const h = host.toLowerCase().replace(/\.$/, '');
  const exact = policy.domains.find((d) => d.domain === h);
  if (exact) return { permitted: exact.permitted, matched: exact };
  let best: EffectiveDomainPolicy | null = null;
  for (const d of policy.domains) {
    if (d.includeSubdomains && h.endsWith(`.${d.domain}`) && (!best || d.domain.length > best.domain.length)) best = d;
  }
  return best ? { permitted: best.permitted, matched: best } : { permitted: policy.permitted, matched: null };
}

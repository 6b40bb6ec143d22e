/**
 * Why the effective cleartext policy is what it is, and where that is written: the explanation a
 * finding needs ("<domain-config> at res/xml/nsc.xml line 12 sets cleartextTrafficPermitted=true",
 * "the default for targetSdk 23"). The policy itself is computed in ./nsc.ts; this module only walks
 * the same inheritance chain back to the element that decided it.
 */
import type { AppModel } from './app.js';
import { policyForHost, type EffectiveDomainPolicy, type NscConfigNode } from './nsc.js';

export interface PlaceInApk {
  file: string;
  line?: number;
  element: string;
}

export interface PolicyOrigin {
  /** What sets the policy, as a phrase: "android:usesCleartextTraffic=\"true\" on <application> (line 20)". */
  text: string;
  /** Where it is written. */
  place: PlaceInApk;
  kind: 'domain-config' | 'base-config' | 'nsc-platform-default' | 'manifest-attribute' | 'targetSdk-default';
}

/**
 * The line of the first element with that name in AndroidManifest.xml (e.g. uses-sdk, which the
 * manifest model does not keep a line for). The manifest is parsed again through `app.xml`; its
 * warnings were already reported when the app was loaded, so the copies are dropped.
 */
export function manifestElementLine(app: AppModel, name: string): number | undefined {
  const before = app.warnings.length;
  let doc = null;
  try {
    doc = app.xml('AndroidManifest.xml');
  } finally {
    app.warnings.splice(before);
  }
  const root = doc?.root;
  if (!root) return undefined;
  // Line 0: the element carries no line (added by a build tool, or stripped): no line at all.
  const known = (line: number): number | undefined => (line > 0 ? line : undefined);
  if (root.name === name) return known(root.line);
  const stack = [...root.children];
  while (stack.length) {
    const el = stack.shift()!;
    if (el.name === name) return known(el.line);
    stack.push(...el.children);
  }
  return undefined;
}

function targetSdkDefault(app: AppModel): PolicyOrigin {
  const t = app.manifest.targetSdk;
  return {
    kind: 'targetSdk-default',
    text: `the platform default for targetSdk ${t} (apps targeting API 27 or lower may use cleartext unless they opt out; from API 28 it is blocked)`,
    place: { file: 'AndroidManifest.xml', line: manifestElementLine(app, 'uses-sdk'), element: 'uses-sdk' },
  };
}

/** What sets the default policy (hosts no domain-config names) on Android 7+. */
export function baseCleartextOrigin(app: AppModel): PolicyOrigin {
  const nsc = app.nsc;
  const attr = app.manifest.application.usesCleartextTrafficAttr;
  const appLine = app.manifest.application.line;
  if (!nsc) {
    if (attr !== null) {
      return {
        kind: 'manifest-attribute',
        text: `android:usesCleartextTraffic="${attr}" on <application> (AndroidManifest.xml line ${appLine})`,
        place: { file: 'AndroidManifest.xml', line: appLine, element: 'application' },
      };
    }
    return targetSdkDefault(app);
  }
  if (nsc.base && nsc.base.cleartextTrafficPermitted !== null) {
    return {
      kind: 'base-config',
      text: `<base-config cleartextTrafficPermitted="${nsc.base.cleartextTrafficPermitted}"> (${nsc.file} line ${nsc.base.line})`,
      place: { file: nsc.file, line: nsc.base.line, element: 'base-config' },
    };
  }
  const t = app.manifest.targetSdk;
  return {
    kind: 'nsc-platform-default',
    text: `the platform default for targetSdk ${t}, which ${nsc.file} does not override (its ${nsc.base ? '<base-config>' : 'missing <base-config>'} sets no cleartextTrafficPermitted)`,
    place: nsc.base ? { file: nsc.file, line: nsc.base.line, element: 'base-config' } : { file: nsc.file, element: 'network-security-config' },
  };
}

/** The domain-config node that names `matched`, with its ancestors (outermost first). */
function chainOf(roots: NscConfigNode[], matched: EffectiveDomainPolicy): NscConfigNode[] | null {
  const walk = (node: NscConfigNode, path: NscConfigNode[]): NscConfigNode[] | null => {
    const here = [...path, node];
    if (node.line === matched.line && node.domains.some((d) => d.name === matched.domain)) return here;
    for (const c of node.children) {
      const hit = walk(c, here);
      if (hit) return hit;
    }
    return null;
  };
  for (const r of roots) {
    const hit = walk(r, []);
    if (hit) return hit;
  }
  return null;
}

export interface HostPolicy {
  /** Cleartext allowed to this host on Android 7+. */
  permitted: boolean;
  matched: EffectiveDomainPolicy | null;
  origin: PolicyOrigin;
}

/** The Android 7+ cleartext policy for one host and what sets it. */
export function hostCleartextPolicy(app: AppModel, host: string): HostPolicy {
  const { permitted, matched } = policyForHost(app.cleartext, host);
  if (!matched || !app.nsc) return { permitted, matched, origin: baseCleartextOrigin(app) };
  const nsc = app.nsc;
  const chain = chainOf(nsc.domainConfigs, matched) ?? [];
  const scope = `${matched.domain}${matched.includeSubdomains ? ' and its subdomains' : ''}`;
  for (let i = chain.length - 1; i >= 0; i--) {
    const node = chain[i]!;
    if (node.cleartextTrafficPermitted === null) continue;
    const own = i === chain.length - 1;
    return {
      permitted,
      matched,
      origin: {
        kind: 'domain-config',
        text: own
          ? `<domain-config cleartextTrafficPermitted="${node.cleartextTrafficPermitted}"> for ${scope} (${nsc.file} line ${node.line})`
          : `the enclosing <domain-config cleartextTrafficPermitted="${node.cleartextTrafficPermitted}"> (${nsc.file} line ${node.line}), inherited by the <domain-config> for ${scope} (line ${matched.line})`,
        place: { file: nsc.file, line: node.line, element: 'domain-config' },
      },
    };
  }
  const base = baseCleartextOrigin(app);
  return {
    permitted,
    matched,
    origin: { ...base, text: `${base.text}, inherited by the <domain-config> for ${scope} (${nsc.file} line ${matched.line})` },
  };
}

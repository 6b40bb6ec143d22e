/**
 * cleartext-traffic: http:// endpoints the platform lets the app reach in cleartext, and the
 * configuration that permits it.
 *
 * The effective policy comes from the model (src/model/nsc.ts: network security config with its
 * inheritance, the manifest attribute, the targetSdk default); the endpoints from
 * src/model/endpoints.ts (code, static fields, string resources, assets). Findings:
 *  - high, one per host: an http:// URL the app uses whose host Android 7+ lets through in
 *    cleartext, with every URL and where it is used, and what permits it. Loopback hosts rank low
 *    (the traffic does not leave the device). URLs found only in third-party library code are
 *    located there, so the framework ranks them one step lower and labels the library.
 *  - medium, once: cleartext permitted by default for every host (base-config, the manifest
 *    attribute without a config, or the targetSdk < 28 default). Code that builds http:// URLs at
 *    runtime ("http://" + host) is named here: such URLs have no literal host to report.
 *  - low, once, instead of the medium one: Android 7+ is protected, but the app runs on Android 6
 *    and lower (minSdk < 24), where the network security config is not read and
 *    android:usesCleartextTraffic (or its targetSdk default) permits cleartext everywhere. Lower
 *    than medium because it concerns old devices only. Android 5.x enforces no cleartext policy at
 *    all, whatever the app declares, so minSdk < 23 alone is not reported (no configuration fixes it).
 *  - low, per domain: a domain-config that permits cleartext to a domain the app has no literal
 *    http:// URL for (MASTG-TEST-0235 fails on it; the URL may be built at runtime).
 * Not findings: http:// URLs whose host the policy blocks (the request fails at runtime; the
 * benign test APKs are full of http://www.android.com-style strings), and URLs that are only text
 * shown to the user or logged (src/model/url-use.ts: DIVA's "Register yourself at
 * http://payatu.com" flows only into TextView.setText).
 */
import { defineRule, type RuleContext } from '../src/rules/rule.js';
import type { AppModel } from '../src/model/app.js';
import { collectEndpoints, type Endpoint, type EndpointSource } from '../src/model/endpoints.js';
import { urlUse, type UrlUseVerdict } from '../src/model/url-use.js';
import { baseCleartextOrigin, hostCleartextPolicy, manifestElementLine, type HostPolicy, type PlaceInApk, type PolicyOrigin } from '../src/model/network-policy.js';
import { methodLabel, sourceLabel } from '../src/model/describe.js';
import { classifyKey } from '../src/model/session-data.js';
import { libraryOf } from '../src/model/libraries.js';
import type { FindingLocation } from '../src/report/types.js';

const ID = 'cleartext-traffic';

interface UsedSource {
  source: EndpointSource;
  verdict: UrlUseVerdict;
  /** In third-party library code (well-known packages, or --config ignoredLibraries). */
  library: boolean;
}

interface HostGroup {
  host: string;
  policy: HostPolicy;
  urls: { url: string; used: UsedSource[] }[];
}

const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|\[?::1\]?)$/i;

function isLibrary(app: AppModel, s: EndpointSource, ignored: readonly string[]): boolean {
  if (s.kind === 'resource' || s.kind === 'asset') return false;
  if (s.library) return true;
  if (!ignored.length) return false;
  const cls = s.kind === 'code' ? s.method.class : s.field.slice(0, s.field.indexOf('->'));
  return libraryOf(cls, ignored, app.manifest.package) !== null;
}

/** Where a host finding points: the first-party request site if any, else the best other source. */
function primary(group: HostGroup): UsedSource {
  const all = group.urls.flatMap((u) => u.used);
  const rank = (u: UsedSource): number => {
    const s = u.source;
    const fp = u.library ? 10 : 0;
    const req = u.verdict.use === 'request' ? 0 : 1;
    const kind = s.kind === 'code' ? 0 : s.kind === 'field' ? 2 : s.kind === 'resource' ? 4 : 6;
    return fp + kind + req;
  };
  return all.reduce((best, u) => (rank(u) < rank(best) ? u : best));
}

function locationOf(s: EndpointSource): FindingLocation {
  switch (s.kind) {
    case 'code':
      return { class: s.method.class, method: s.method.name };
    case 'field': {
      const arrow = s.field.indexOf('->');
      return { class: s.field.slice(0, arrow), element: s.field.slice(arrow + 2).replace(/:.*$/, '') };
    }
    case 'resource':
      return { file: 'resources.arsc', element: s.name };
    case 'asset':
      return { file: s.file };
  }
}

/** A URL with its secrets (user:password@, token-like query values) redacted. */
export function safeUrl(url: string, ctx: Pick<RuleContext, 'secret' | 'options'>): string {
  let out = url.replace(/^(https?:\/\/)([^@/?#:]+):([^@/?#]+)@/i, (_m, p: string, user: string, pass: string) => `${p}${user}:${ctx.secret(pass)}@`);
  out = out.replace(/([?&])([^=&#]+)=([^&#]*)/g, (m, sep: string, key: string, value: string) =>
    value && classifyKey(key, ctx.options.extraTokenPatterns) ? `${sep}${key}=${ctx.secret(value)}` : m,
  );
  return out;
}

function listSources(used: UsedSource[], max = 3): string {
  const labels = [...new Set(used.map((u) => sourceLabel(u.source)))];
  return labels.length > max ? `${labels.slice(0, max).join(', ')} and ${labels.length - max} more` : labels.join(', ');
}

/** First-party methods that load a bare "http://" to build URLs at runtime (InsecureBankv2's "http://" + serverip). */
function runtimeHttpBuilders(app: AppModel, ignoredLibraries: readonly string[]): string[] {
  const out = new Set<string>();
  for (const { sites } of app.code.stringSites((s) => /^http:\/\/?$/i.test(s))) {
    for (const site of sites) {
      if (!libraryOf(site.caller.class, ignoredLibraries, app.manifest.package)) out.add(methodLabel(site.caller));
    }
  }
  return [...out].sort();
}

export default defineRule({
  meta: {
    id: ID,
    title: 'Cleartext HTTP permitted',
    severity: 'high',
    masvs: ['MASVS-NETWORK-1'],
    mastg: ['MASTG-TEST-0235', 'MASTG-TEST-0233'],
    cwe: ['CWE-319'],
    description:
      'Android lets this app send unencrypted HTTP: to hosts its code, resources or assets name with http:// URLs, or to every host by default. ' +
      'Anyone on the network path (public Wi-Fi, a rogue access point, a compromised router) can read and change that traffic: ' +
      'credentials, session tokens and cookies sent over it are stolen, and responses can be altered. The effective policy is computed as Android does ' +
      '(network security config with inheritance and includeSubdomains, android:usesCleartextTraffic when there is no config, the targetSdk default), ' +
      'and http:// URLs whose host the policy blocks, or that are only text shown to the user, are not reported.',
    remediation:
      'Use https:// for every endpoint. Declare a network security config with <base-config cleartextTrafficPermitted="false"> (the default from targetSdk 28), ' +
      'remove domain-configs that set cleartextTrafficPermitted="true", and on apps that still run on Android 6 and lower also set ' +
      'android:usesCleartextTraffic="false" (the config is only read from Android 7). If a legacy host truly cannot do TLS, ' +
      'never send credentials or session tokens to it.',
    references: [
      'https://developer.android.com/privacy-and-security/security-config',
      'https://mas.owasp.org/MASTG/tests/android/MASVS-NETWORK/MASTG-TEST-0235/',
      'https://mas.owasp.org/MASTG/tests/android/MASVS-NETWORK/MASTG-TEST-0233/',
    ],
  },
  check(app, ctx) {
    const policy = app.cleartext;
    const below24 = policy.permittedBelowApi24 === true;
    // Nothing can go out in cleartext (the common case for current apps): no need to look at URLs.
    if (!policy.permitted && !below24 && !policy.domains.some((d) => d.permitted)) return;
    const hostPolicies = new Map<string, HostPolicy>();
    const policyOf = (host: string): HostPolicy => {
      let p = hostPolicies.get(host);
      if (!p) hostPolicies.set(host, (p = hostCleartextPolicy(app, host)));
      return p;
    };

    const groups = new Map<string, HostGroup>();
    const onlyOld = new Map<string, Endpoint[]>();
    const text: string[] = [];
    for (const ep of collectEndpoints(app)) {
      if (ep.scheme !== 'http') continue;
      const hp = policyOf(ep.host);
      if (!hp.permitted && !below24) continue; // blocked: the request fails at runtime
      const used: UsedSource[] = [];
      for (const source of ep.sources) {
        const verdict = urlUse(app, source, ep.url);
        if (verdict.use === 'text') text.push(`${safeUrl(ep.url, ctx)} in ${sourceLabel(source)} (${verdict.via === 'prose' ? 'inside a sentence' : `passed to ${verdict.via}`})`);
        else used.push({ source, verdict, library: isLibrary(app, source, ctx.options.ignoredLibraries) });
      }
      if (used.length === 0) continue;
      if (!hp.permitted) {
        const l = onlyOld.get(ep.host) ?? [];
        l.push(ep);
        onlyOld.set(ep.host, l);
        continue;
      }
      let g = groups.get(ep.host);
      if (!g) groups.set(ep.host, (g = { host: ep.host, policy: hp, urls: [] }));
      g.urls.push({ url: ep.url, used });
    }

    for (const g of [...groups.values()].sort((a, b) => a.host.localeCompare(b.host))) {
      const main = primary(g);
      const loopback = LOOPBACK.test(g.host);
      const anyRequest = g.urls.some((u) => u.used.some((x) => x.verdict.use === 'request'));
      const urlList = g.urls.map((u) => `${safeUrl(u.url, ctx)} (${listSources(u.used)})`).join('; ');
      const libsOnly = g.urls.every((u) => u.used.every((x) => x.library));
      // Library constants whose use is not seen (default URLs of an SDK, intent targets) start
      // one step lower still: the framework lowers library findings once more and labels them.
      const severity = loopback ? 'low' : libsOnly && !anyRequest ? 'medium' : 'high';
      ctx.report({
        severity,
        confidence: anyRequest ? 'high' : 'medium',
        message:
          `Cleartext HTTP to ${g.host} is permitted on Android 7+ by ${g.policy.origin.text}, and the app ${libsOnly ? 'carries' : 'uses'} ` +
          `${g.urls.length === 1 ? 'an http:// URL' : `${g.urls.length} http:// URLs`} for it: ${urlList}. ` +
          (loopback
            ? 'The host is the device itself, so the traffic does not cross the network, but any app on the device can listen on that port.'
            : 'Anything sent there (passwords, session tokens, cookies) can be read and changed by anyone on the network path.'),
        location: locationOf(main.source),
        evidence: g.urls
          .flatMap((u) => u.used.map((x) => `${safeUrl(u.url, ctx)} <- ${sourceLabel(x.source)}${x.verdict.use === 'request' ? ` (passed to ${x.verdict.via})` : ''}`))
          .concat(`policy: ${g.policy.origin.place.file}${g.policy.origin.place.line ? `:${g.policy.origin.place.line}` : ''} <${g.policy.origin.place.element}>`)
          .join('\n'),
        fingerprint: ['host', g.host],
      });
    }

    const builders = runtimeHttpBuilders(app, ctx.options.ignoredLibraries);
    const runtimeNote = builders.length
      ? ` The code also builds http:// URLs at runtime (a literal "http://" joined to a host) in ${builders.slice(0, 5).join(', ')}${builders.length > 5 ? ` and ${builders.length - 5} more` : ''}; those requests go out in cleartext too.`
      : '';
    const textEvidence = text.length ? `\nnot counted (text, not requests): ${text.slice(0, 10).join('; ')}` : '';

    if (policy.permitted) {
      const origin = baseCleartextOrigin(app);
      const oldNote =
        app.manifest.minSdk < 24 && policy.permittedBelowApi24 === false
          ? ' (On Android 6 and lower, android:usesCleartextTraffic or its default blocks it.)'
          : '';
      ctx.report({
        severity: 'medium',
        message:
          `Cleartext HTTP is permitted by default for every host without its own domain-config, on Android 7+, by ${origin.text}.` +
          ` Any http:// request the app or its libraries make, including to URLs built at runtime or received from a server, goes out unencrypted.` +
          runtimeNote + oldNote,
        location: placeLocation(origin.place),
        evidence: `cleartextPermitted=true (${policy.source})${groups.size ? `; hosts with http:// URLs: ${[...groups.keys()].sort().join(', ')}` : ''}${textEvidence}`,
        fingerprint: ['base-policy'],
      });
    } else if (below24) {
      const attr = app.manifest.application.usesCleartextTrafficAttr;
      const origin: PolicyOrigin =
        attr !== null
          ? {
              kind: 'manifest-attribute',
              text: `android:usesCleartextTraffic="${attr}" on <application> (AndroidManifest.xml line ${app.manifest.application.line})`,
              place: { file: 'AndroidManifest.xml', line: app.manifest.application.line, element: 'application' },
            }
          : {
              kind: 'targetSdk-default',
              text: `the default for targetSdk ${app.manifest.targetSdk} (below 28, cleartext is allowed unless the app opts out)`,
              place: { file: 'AndroidManifest.xml', line: manifestElementLine(app, 'uses-sdk'), element: 'uses-sdk' },
            };
      const oldHosts = [...onlyOld.keys()].sort();
      ctx.report({
        severity: 'low',
        message:
          `On Android 6 and lower (the app's minSdk is ${app.manifest.minSdk}), cleartext HTTP is permitted to every host by ${origin.text}:` +
          ` those versions do not read the network security config that blocks it on Android 7+.` +
          (oldHosts.length ? ` The app has http:// URLs for ${oldHosts.join(', ')}, which go out in cleartext there.` : '') +
          runtimeNote,
        location: placeLocation(origin.place),
        evidence: `permittedBelowApi24=true; Android 7+ default: blocked (${policy.source})${textEvidence}`,
        fingerprint: ['below-api-24'],
      });
    }

    if (!policy.permitted && app.nsc) {
      for (const d of policy.domains) {
        if (!d.permitted) continue;
        const covered = [...groups.keys()].some((h) => {
          const m = policyOf(h).matched;
          return m !== null && m.domain === d.domain && m.line === d.line;
        });
        if (covered) continue;
        const hp = hostCleartextPolicy(app, d.domain);
        const origin = hp.matched && hp.matched.domain === d.domain ? hp.origin : baseCleartextOrigin(app);
        ctx.report({
          severity: 'low',
          confidence: 'medium',
          message:
            `The network security config permits cleartext HTTP to ${d.domain}${d.includeSubdomains ? ' and its subdomains' : ''} (${origin.text}), ` +
            'but no literal http:// URL for it was found: the URL may be built at runtime, or the exception is left over.',
          location: placeLocation({ file: app.nsc.file, line: d.line, element: 'domain-config' }),
          evidence: `domain ${d.domain}, includeSubdomains=${d.includeSubdomains}, cleartextTrafficPermitted=true (effective)`,
          fingerprint: ['domain', d.domain],
        });
      }
    }
  },
});

/** A manifest or config location; an unknown line (0 or none) is left out. */
function placeLocation(p: PlaceInApk): FindingLocation {
  return { file: p.file, ...(p.line ? { line: p.line } : {}), element: p.element };
}

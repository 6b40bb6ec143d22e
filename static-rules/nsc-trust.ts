/**
 * nsc-trust: what the app trusts for TLS, from the network security config (or its absence).
 *
 * Findings (the platform semantics are in src/model/nsc.ts):
 *  - user-installed CAs trusted: <certificates src="user"/> in the base-config (high: every
 *    connection) or in a domain-config (medium, per domain-config); implicitly, by the platform
 *    default, when targetSdk <= 23 and nothing sets trust anchors for the base (medium).
 *  - overridePins="true" on a trust anchor outside debug-overrides (high): certificates from those
 *    CAs are accepted even where pins say otherwise.
 *  - <debug-overrides> in a debuggable build (medium): Android applies it (not a finding when the
 *    app is not debuggable, where Android ignores it).
 *  - pins: a pin-set whose expiration is before "now" (medium: Android stops enforcing expired pins,
 *    MASTG-TEST-0243), a pin-set with a single pin (low: no backup pin, a key rotation locks the app
 *    out, which pushes teams to drop pinning), a pinned domain that permits cleartext (medium: pins
 *    do not apply to plain HTTP).
 *  - a config Android rejects (medium, a correctness bug): the model's `errors` (duplicate
 *    domains, two base-configs, pin-set outside a domain-config...) and unparsable pin expiration
 *    dates make Android throw at the app's first network use, which crashes it.
 * Trusting the system CA store is the platform default and is not a finding (MobSF's noise).
 * Android 6 and lower trust user CAs for every app whatever the config says; that is not reported
 * (no configuration of the app changes it).
 *
 * "Now" is injected (createNscTrustRule({ now })) so that tests do not depend on the date.
 */
import { defineRule, type Rule, type RuleContext } from '../src/rules/rule.js';
import type { AppModel } from '../src/model/app.js';
import type { NscConfigNode, TrustAnchor } from '../src/model/nsc.js';
import { manifestElementLine } from '../src/model/network-policy.js';
import type { FindingLocation } from '../src/report/types.js';

const ID = 'nsc-trust';

export interface NscTrustOptions {
  /** The date pin expirations are compared with (default: the current time). */
  now?: () => Date;
}

function domainsOf(node: NscConfigNode): string {
  return node.domains.map((d) => `${d.name}${d.includeSubdomains ? ' (and subdomains)' : ''}`).join(', ');
}

function domainKey(node: NscConfigNode): string {
  return node.domains.map((d) => d.name).sort().join(',');
}

/** "yyyy-MM-dd" as Android's SimpleDateFormat reads it (strictly), or null. */
export function parseExpiration(s: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return date;
}

/** A location in a file; a line of 0 (unknown) or none is left out. */
function at(file: string, line: number | undefined, element: string): FindingLocation {
  return line && line > 0 ? { file, line, element } : { file, element };
}

function lineOf(error: string): number | undefined {
  const m = /line (\d+)/.exec(error);
  return m ? Number(m[1]) : undefined;
}

function withoutLines(error: string): string {
  return error.replace(/\s*\((?:at )?line \d+\)|\s+at line \d+/g, '').trim();
}

function check(app: AppModel, ctx: RuleContext, now: Date): void {
  const nsc = app.nsc;
  const t = app.manifest.targetSdk;
  const implicitText =
    `The app targets API ${t}: Android's default network security config for apps targeting API 23 and lower trusts user-installed CA certificates ` +
    '(from targetSdk 24, Android 7.0, apps trust only system CAs by default). A CA the user installs (a corporate proxy, or one an attacker talks the user ' +
    'into installing) can then intercept the app\'s TLS traffic, including sign-in and session tokens.';
  if (!nsc) {
    if (t <= 23) {
      ctx.report({
        severity: 'medium',
        message: `${implicitText} The app has no network security config that would restrict this.`,
        location: at('AndroidManifest.xml', manifestElementLine(app, 'uses-sdk'), 'uses-sdk'),
        evidence: `targetSdkVersion=${t}; no android:networkSecurityConfig`,
        fingerprint: ['implicit-user-ca'],
      });
    }
    return;
  }
  const file = nsc.file;

  for (const e of nsc.errors) {
    ctx.report({
      severity: 'medium',
      title: 'Network security config rejected by Android',
      message: `Android rejects this network security config: ${e}. The platform throws when it loads the config, at the app's first network connection, so the app crashes instead of connecting.`,
      location: at(file, lineOf(e), 'network-security-config'),
      evidence: e,
      fingerprint: ['config-error', withoutLines(e)],
    });
  }

  const anchorsFindings = (node: NscConfigNode, anchors: TrustAnchor[]): void => {
    const base = node.kind === 'base-config';
    const where = base ? '<base-config>' : `the <domain-config> for ${domainsOf(node)}`;
    const key = base ? 'base-config' : domainKey(node);
    const user = anchors.filter((a) => a.src === 'user');
    if (user.length) {
      const overrides = user.some((a) => a.overridePins);
      ctx.report({
        severity: base || overrides ? 'high' : 'medium',
        message:
          `${where} trusts user-installed CA certificates (<certificates src="user"${overrides ? ' overridePins="true"' : ''}/>): anyone who gets a CA onto the device ` +
          `(a proxy, an MDM profile, an attacker who talks the user into it) can read and change ${base ? 'every TLS connection of the app' : 'TLS connections to these hosts'}, ` +
          `including sign-in and session tokens.${overrides ? ' overridePins="true" also lets those certificates bypass any pins.' : ''}`,
        location: at(file, node.line, node.kind),
        evidence: `<trust-anchors>: ${anchors.map((a) => `${a.src}${a.overridePins ? ' (overridePins)' : ''}`).join(', ')}`,
        fingerprint: [node.kind, key, 'user-ca'],
      });
    }
    for (const a of anchors) {
      if (!a.overridePins || a.src === 'user') continue;
      ctx.report({
        severity: 'high',
        message: `${where} sets overridePins="true" on <certificates src="${a.src}"/>: a certificate from any of those CAs is accepted even where the pins would reject it, so pinning does not stop an attacker who obtains one.`,
        location: at(file, node.line, node.kind),
        evidence: `<certificates src="${a.src}" overridePins="true"/>`,
        fingerprint: [node.kind, key, 'overridePins', a.src],
      });
    }
  };

  if (nsc.base?.trustAnchors) anchorsFindings(nsc.base, nsc.base.trustAnchors);
  else if (t <= 23) {
    ctx.report({
      severity: 'medium',
      message: `${implicitText} ${nsc.base ? `The <base-config> (line ${nsc.base.line}) sets no <trust-anchors>` : 'The network security config has no <base-config>'}, so the default applies to every host without its own trust anchors.`,
      location: nsc.base ? at(file, nsc.base.line, 'base-config') : at(file, undefined, 'network-security-config'),
      evidence: `targetSdkVersion=${t}; effective base trust anchors: ${app.cleartext.baseTrustAnchors.map((a) => a.src).join(', ')}`,
      fingerprint: ['implicit-user-ca'],
    });
  }

  const walk = (node: NscConfigNode): void => {
    if (node.trustAnchors) anchorsFindings(node, node.trustAnchors);
    const ps = node.pinSet;
    if (ps) {
      const key = domainKey(node);
      if (ps.expiration !== null) {
        const exp = parseExpiration(ps.expiration);
        if (!exp) {
          ctx.report({
            severity: 'medium',
            title: 'Network security config rejected by Android',
            message: `The <pin-set> for ${domainsOf(node)} has expiration="${ps.expiration}", which is not a yyyy-MM-dd date: Android rejects the config and the app crashes at its first network connection.`,
            location: at(file, node.line, 'domain-config'),
            evidence: `<pin-set expiration="${ps.expiration}">`,
            fingerprint: ['config-error', 'pin-set expiration', key],
          });
        } else if (exp.getTime() <= now.getTime()) {
          ctx.report({
            severity: 'medium',
            message: `The certificate pins for ${domainsOf(node)} expired on ${ps.expiration}: Android no longer enforces expired pins, so connections to these hosts accept any certificate a trusted CA issues (pinning is silently off).`,
            location: at(file, node.line, 'domain-config'),
            evidence: `<pin-set expiration="${ps.expiration}"> with ${ps.pins.length} pin(s); checked against ${now.toISOString().slice(0, 10)}`,
            fingerprint: ['pin-set', key, 'expired'],
          });
        }
      }
      if (ps.pins.length === 1) {
        ctx.report({
          severity: 'low',
          message: `The <pin-set> for ${domainsOf(node)} has a single pin and no backup pin: when the server's key changes (rotation, a new CA, a compromise), the app cannot connect until users update it. Pin a backup key too.`,
          location: at(file, node.line, 'domain-config'),
          evidence: `<pin digest="${ps.pins[0]!.digest}">`,
          fingerprint: ['pin-set', key, 'no-backup-pin'],
        });
      }
    }
    for (const c of node.children) walk(c);
  };
  for (const dc of nsc.domainConfigs) walk(dc);

  for (const d of app.cleartext.domains) {
    if (!d.pinned || !d.permitted) continue;
    ctx.report({
      severity: 'medium',
      message:
        `${d.domain}${d.includeSubdomains ? ' (and its subdomains)' : ''} is pinned but permits cleartext HTTP (the effective cleartextTrafficPermitted of its <domain-config> at line ${d.line} is true): ` +
        'pins only apply to TLS, so http:// requests to it are neither encrypted nor pinned.',
      location: at(file, d.line, 'domain-config'),
      evidence: `domain ${d.domain}: pinned, cleartextTrafficPermitted=true (effective)`,
      fingerprint: ['cleartext-on-pinned-domain', d.domain],
    });
  }

  if (nsc.debugOverrides && app.manifest.application.debuggable) {
    const dbg = nsc.debugOverrides;
    const srcs = dbg.trustAnchors.map((a) => `${a.src}${a.overridePins ? ' (overridePins)' : ''}`);
    ctx.report({
      severity: 'medium',
      message:
        `The app is debuggable, so Android applies the config's <debug-overrides>${srcs.length ? `: every configuration also trusts ${srcs.join(', ')} certificates` : ''}` +
        `${dbg.trustAnchors.some((a) => a.overridePins) ? ', and they override pins (the default inside debug-overrides)' : ''}. ` +
        'Debug overrides meant for development are active in this build.',
      location: at(file, dbg.line, 'debug-overrides'),
      evidence: `<debug-overrides> trust anchors: ${srcs.join(', ') || 'none'}; android:debuggable="true"`,
      fingerprint: ['debug-overrides'],
    });
  }
}

export function createNscTrustRule(opts: NscTrustOptions = {}): Rule {
  const now = opts.now ?? (() => new Date());
  return defineRule({
    meta: {
      id: ID,
      title: 'Weak TLS trust in the network security config',
      severity: 'high',
      masvs: ['MASVS-NETWORK-1', 'MASVS-NETWORK-2'],
      mastg: ['MASTG-TEST-0286', 'MASTG-TEST-0285', 'MASTG-TEST-0243'],
      cwe: ['CWE-295'],
      description:
        'The network security config decides which certificate authorities the app trusts and which pins it enforces. Trusting user-installed CAs ' +
        '(explicitly, or by default when targeting API 23 or lower), letting CAs override pins, shipping active debug-overrides, expired or single pins, ' +
        'or cleartext on a pinned domain let a network attacker with a certificate read and change TLS traffic, including session tokens. A config Android ' +
        'rejects crashes the app at its first connection.',
      remediation:
        'Trust only <certificates src="system"/> (the default from targetSdk 24) and target a current API level; keep user CAs inside <debug-overrides> only, ' +
        'and ship release builds non-debuggable. Do not set overridePins="true" outside debug-overrides. Pin with at least two keys (one backup), keep the ' +
        'expiration ahead of the release lifetime, and set cleartextTrafficPermitted="false" on pinned domains. Fix config errors (one base-config, each ' +
        'domain once, pin-set only inside domain-config, expiration as yyyy-MM-dd).',
      references: [
        'https://developer.android.com/privacy-and-security/security-config',
        'https://mas.owasp.org/MASTG/tests/android/MASVS-NETWORK/MASTG-TEST-0286/',
        'https://mas.owasp.org/MASTG/tests/android/MASVS-NETWORK/MASTG-TEST-0243/',
      ],
    },
    check(app, ctx) {
      check(app, ctx, now());
    },
  });
}

export default createNscTrustRule();

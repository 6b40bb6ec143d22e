/**
 * exported-session-component: components any app on the device can start, bind, broadcast to or
 * query (exported as Android computes it, enabled, and without a permission that stops other
 * apps), ranked by what they do with the session.
 *
 * Exported state comes from the manifest model (explicit android:exported; an intent-filter
 * without it below targetSdk 31; providers by default at targetSdk <= 16). A permission protects
 * unless it is `normal`-level (src/model/permissions.ts: the app's own <permission> with
 * protectionLevel normal or none, or a normal platform permission such as INTERNET).
 *
 * Ranking:
 *  - high: the component handles login, session, account or token data: by its class name
 *    (Login, Session, Account, Token, Auth, Password, Creds...; confidence medium on the name
 *    alone) or by what its code does (src/model/component-signals.ts: reads or stores session
 *    keys in SharedPreferences, calls AccountManager.getAuthToken, returns token extras through
 *    setResult, takes a token extra, reads token-like deep-link query parameters, has a logout
 *    action, or is opened by the login screen after sign-in: a post-login screen), or it accepts
 *    browsable deep links whose host/path names a token or auth callback.
 *  - high: a content provider readable or writable by any app that is backed by an SQLite
 *    database (it exposes the tables through content:// URIs).
 *  - medium: other open services, receivers and providers (they act or answer without any UI),
 *    and activities that accept browsable deep links (any web page can start them with data).
 *  - low: other open activities (an entry point that shows a screen).
 * The plain launcher activity is not reported (every app exports it); it is when it also leaks
 * or accepts session data (setResult with a token, token extras or deep-link parameters).
 */
import { defineRule } from '../src/rules/rule.js';
import type { Component, Manifest } from '../src/model/manifest.js';
import type { Severity } from '../src/report/types.js';
import { componentSignals, sessionNameWord, type CodeSignal } from '../src/model/component-signals.js';
import { permissionInfo, type PermissionInfo } from '../src/model/permissions.js';
import { descriptorOf, methodLabel } from '../src/model/describe.js';

const ID = 'exported-session-component';

const KIND_LABEL: Record<Component['kind'], string> = {
  activity: 'Activity',
  'activity-alias': 'Activity alias',
  service: 'Service',
  receiver: 'Broadcast receiver',
  provider: 'Content provider',
};

const LEAK_KINDS = new Set<CodeSignal['kind']>(['returns-extra', 'extra-in', 'query-param']);
const SESSION_KINDS = new Set<CodeSignal['kind']>(['prefs-read', 'prefs-write', 'account-manager', 'returns-extra', 'extra-out', 'extra-in', 'query-param', 'logout', 'after-login']);
const DEEP_LINK_WORDS = /(?:^|[^a-z])(?:token|oauth|oauth2|auth|callback|login|signin|sso|session|magic|verify|redirect)(?:[^a-z]|$)/i;

function howExported(c: Component, m: Manifest): string {
  switch (c.how) {
    case 'explicit':
      return 'android:exported="true"';
    case 'implicit-intent-filter':
      return `it has an intent-filter and no android:exported, which means exported for targetSdk ${m.targetSdk} (below 31)`;
    case 'default-provider':
      return `providers are exported by default for targetSdk 16 and lower (this app targets ${m.targetSdk})`;
    default:
      return 'exported';
  }
}

function protectionText(p: PermissionInfo): string {
  if (!p.name) return 'no permission';
  if (p.declaredLine !== null) return `only the permission ${p.name}, which the app declares with protectionLevel normal (line ${p.declaredLine}): any app that asks for it is granted it at install, without the user`;
  return `only the permission ${p.name}, a normal permission any app can hold`;
}

function reach(c: Component): string {
  switch (c.kind) {
    case 'service':
      return 'start or bind to it';
    case 'receiver':
      return 'send it broadcasts';
    case 'provider':
      return `query or change its data${c.authorities.length ? ` through content://${c.authorities[0]}` : ''}`;
    default:
      return 'start it, with any extras';
  }
}

export default defineRule({
  meta: {
    id: ID,
    title: 'Exported component reachable by any app',
    severity: 'medium',
    masvs: ['MASVS-PLATFORM-1'],
    mastg: ['MASTG-TEST-0029', 'MASWE-0018'],
    cwe: ['CWE-926'],
    description:
      'The component is exported without a permission that stops other apps (MASWE-0018, lack of authorization on app components), so any app on the device can ' +
      'start it, bind to it, send it broadcasts or query it. When the component handles login, session, account or token data, this bypasses the app\'s own ' +
      'sign-in: a malicious app opens a post-login screen directly, receives a token the component returns, injects its own token, or reads an exported database.',
    remediation:
      'Set android:exported="false" on every component other apps do not need (and on every component with an intent-filter from targetSdk 31, explicitly). ' +
      'When another app must reach it, protect it with a signature-level permission (<permission android:protectionLevel="signature">) or check the caller. ' +
      'Never return or accept session tokens through Intents of exported components, validate deep-link parameters, and give content providers ' +
      'android:readPermission/android:writePermission (or exported="false" with grantUriPermissions for one-off sharing).',
    references: [
      'https://developer.android.com/privacy-and-security/risks/android-exported',
      'https://mas.owasp.org/MASTG/tests/android/MASVS-PLATFORM/MASTG-TEST-0029/',
      'https://mas.owasp.org/MASWE/MASVS-AUTH/MASWE-0018/',
    ],
  },
  check(app, ctx) {
    const m = app.manifest;
    const open: { c: Component; code: string; read: PermissionInfo; write: PermissionInfo }[] = [];
    for (const c of m.components) {
      if (!c.exported || !c.enabled) continue;
      const read = permissionInfo(m, c.kind === 'provider' ? (c.readPermission ?? c.permission) : c.permission);
      const write = permissionInfo(m, c.kind === 'provider' ? (c.writePermission ?? c.permission) : c.permission);
      if (!read.open && !write.open) continue;
      const code = descriptorOf(c.kind === 'activity-alias' && c.targetActivity ? c.targetActivity : c.name);
      open.push({ c, code, read, write });
    }
    if (open.length === 0) return;
    const signals = componentSignals(app, open.map((o) => o.code), ctx.options.extraTokenPatterns);

    for (const { c, code, read, write } of open) {
      const sig = signals.of(code);
      const nameWord = sessionNameWord(descriptorOf(c.name)) ?? (code !== descriptorOf(c.name) ? sessionNameWord(code) : null);
      const browsable = c.intentFilters.filter((f) => f.actions.includes('android.intent.action.VIEW') && f.categories.includes('android.intent.category.BROWSABLE') && f.data.some((d) => d.scheme));
      const tokenLinks = browsable.flatMap((f) =>
        f.data.filter((d) => d.scheme && DEEP_LINK_WORDS.test(`${d.host ?? ''} ${d.path ?? ''} ${d.pathPrefix ?? ''} ${d.pathPattern ?? ''}`)).map((d) => `${d.scheme}://${d.host ?? '*'}${d.path ?? d.pathPrefix ?? d.pathPattern ?? ''}`),
      );
      const leaks = sig.filter((s) => LEAK_KINDS.has(s.kind));
      if (c.launcher && leaks.length === 0 && tokenLinks.length === 0) continue;

      const sessionSignals = sig.filter((s) => SESSION_KINDS.has(s.kind));
      const db = c.kind === 'provider' && sig.some((s) => s.kind === 'database');
      const session = nameWord !== null || sessionSignals.length > 0 || tokenLinks.length > 0;
      let severity: Severity;
      let confidence: 'high' | 'medium' = 'high';
      if (session) {
        severity = 'high';
        if (sessionSignals.length === 0 && tokenLinks.length === 0) confidence = 'medium';
      } else if (db) severity = 'high';
      else if (c.kind === 'activity' || c.kind === 'activity-alias') severity = browsable.length ? 'medium' : 'low';
      else severity = 'medium';

      const perm = read.open ? read : write;
      const access = c.kind === 'provider' ? ` (${read.open && write.open ? 'readable and writable' : read.open ? 'readable' : 'writable'} by any app)` : '';
      const why: string[] = [];
      if (nameWord) why.push(`its name says "${nameWord}"`);
      for (const s of sessionSignals) why.push(s.detail);
      if (tokenLinks.length) why.push(`it accepts browsable deep links for ${tokenLinks.slice(0, 3).join(', ')}`);
      let impact: string;
      if (session) {
        impact =
          ` It handles session data: ${why.join('; ')}.` +
          (c.kind === 'activity' || c.kind === 'activity-alias'
            ? ' Another app can open it directly, skipping the sign-in flow, and read what it shows or returns, or feed it a token of its choosing.'
            : c.kind === 'provider'
              ? ' Another app can read or change the session data it serves.'
              : ' Another app can trigger it and make it act on, or hand out, the session.');
      } else if (db) {
        impact = ' It is backed by an SQLite database: other apps can read and change its tables through content:// URIs (and try SQL injection through selection arguments).';
      } else if (browsable.length) {
        impact = ' It also accepts browsable deep links, so any web page can start it with data of its choosing.';
      } else {
        impact = '';
      }
      const dbNote = db && session ? ' It is backed by an SQLite database.' : '';
      ctx.report({
        severity,
        confidence,
        message: `${KIND_LABEL[c.kind]} ${c.name} is exported (${howExported(c, m)}) with ${protectionText(perm)}${access}: any app on the device can ${reach(c)}.${impact}${dbNote}`,
        location: { file: 'AndroidManifest.xml', line: c.line, element: c.kind, class: code },
        evidence: [
          `<${c.kind} android:name="${c.rawName}"> exported=${c.how}; permission=${c.permission ?? 'none'}${c.kind === 'provider' ? `; readPermission=${c.readPermission ?? 'none'}; writePermission=${c.writePermission ?? 'none'}` : ''}`,
          ...c.intentFilters.map((f) => `intent-filter (line ${f.line}): ${[...f.actions, ...f.categories].join(', ')}${f.data.length ? `; data ${f.data.map((d) => `${d.scheme ?? ''}://${d.host ?? ''}${d.path ?? d.pathPrefix ?? d.pathPattern ?? ''}`).join(', ')}` : ''}`),
          ...sig.map((s) => `${methodLabel(s.method)}: ${s.detail}`),
        ].join('\n'),
        fingerprint: [c.kind, c.name],
      });
    }
  },
});


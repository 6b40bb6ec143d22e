/**
 * token-logging: a session token, password or other credential reaches a log sink:
 * android.util.Log.v/d/i/w/e/wtf/println, System.out/System.err print/println,
 * java.util.logging.Logger and Timber. (printStackTrace is not a sink here: it logs a stack, not a
 * value the app chose.)
 *
 * Only first-party code is searched (libraryOf): library log calls are not the developer's to fix
 * and are most of the log calls of a large app. The logged message is traced inside the method (src/model/storage.ts traceArgument), through
 * StringBuilder/string-template concatenations:
 *  - high: the value, or one part of the concatenation, is itself session data: a getter, field
 *    or input field named like a credential (getToken(), mAuthToken, R.id.password), a keyed read
 *    (prefs.getString("auth_token"), json.getString("access_token")), or a constant shaped like a
 *    token (JWT, "Bearer ...");
 *  - medium: only the text around a value names it ("token=" + x, "password: " + x) and the value's
 *    own origin says nothing (exception messages and numbers are left out).
 */
import { defineRule } from '../src/rules/rule.js';
import { libraryOf } from '../src/model/libraries.js';
import type { CallSite } from '../src/model/code-index.js';
import { classifyValue } from '../src/model/session-data.js';
import { classifyName, describeOrigin, labelBefore, methodLabel, originSession, parseRef, sessionNoun, traceArgument, type SessionMatch, type ValueOrigin } from '../src/model/storage.js';

interface Sink {
  ref: string;
  label: string;
}

const SINKS: Sink[] = [
  ...['v', 'd', 'i', 'w', 'e', 'wtf', 'println'].map((n) => ({ ref: `Landroid/util/Log;->${n}`, label: `Log.${n}` })),
  ...['print', 'println'].map((n) => ({ ref: `Ljava/io/PrintStream;->${n}`, label: `System.out.${n}` })),
  ...['info', 'warning', 'severe', 'fine', 'finer', 'finest', 'config', 'log'].map((n) => ({ ref: `Ljava/util/logging/Logger;->${n}`, label: `Logger.${n}` })),
  ...['v', 'd', 'i', 'w', 'e', 'wtf'].flatMap((n) => [
    { ref: `Ltimber/log/Timber;->${n}`, label: `Timber.${n}` },
    { ref: `Ltimber/log/Timber$Forest;->${n}`, label: `Timber.${n}` },
  ]),
];

/** Index (receiver counted) of the logged message: the last String parameter (Log.d(tag, msg), println(prio, tag, msg)), or the first for Timber. */
function messageArg(site: CallSite): number | null {
  const p = parseRef(site.target);
  const shift = site.invokeKind === 'static' ? 0 : 1;
  const strings = p.params.map((t, i) => (t === 'Ljava/lang/String;' || (p.cls === 'Ljava/io/PrintStream;' && t.startsWith('L')) ? i : -1)).filter((i) => i >= 0);
  if (strings.length === 0) return null;
  const i = p.cls.startsWith('Ltimber/') ? strings[0]! : strings[strings.length - 1]!;
  return i + shift;
}

/** Parts of a message that are exception text or numbers: their label does not make them secrets. */
function harmless(o: ValueOrigin): boolean {
  if (o.kind === 'number' || o.kind === 'null') return true;
  if (o.kind === 'call' && /->(getMessage|getLocalizedMessage|getCause|getStackTrace|getStackTraceString|length|size|hashCode|getClass|getName|getSimpleName)\(/.test(o.text)) return true;
  if (o.kind === 'call' && /^Ljava\/lang\/(Throwable|Exception);->toString/.test(o.text)) return true;
  return false;
}

interface Hit {
  level: 'high' | 'medium';
  match: SessionMatch;
  part: ValueOrigin;
}

function analyse(o: ValueOrigin, extra: readonly string[]): Hit | null {
  const parts = o.kind === 'concat' ? (o.parts ?? []) : [o];
  let best: Hit | null = null;
  for (const p of parts) {
    if (p.kind === 'const') {
      const shape = classifyValue(p.text);
      if (shape) return { level: 'high', match: { kind: 'token', strength: 'high', word: shape, by: 'value' }, part: p };
      continue;
    }
    const m = originSession(p, extra);
    if (m && (!best || best.level === 'medium' || (best.match.strength === 'medium' && m.strength === 'high'))) best = { level: 'high', match: m, part: p };
  }
  if (best) return best;
  // Only the text before a value names it ("token=" + x).
  for (let i = 1; i < parts.length; i++) {
    const p = parts[i]!;
    const before = parts[i - 1]!;
    if (p.kind === 'const' || before.kind !== 'const' || harmless(p)) continue;
    const label = labelBefore(before.text);
    if (!label) continue;
    const k = classifyName(label.label, extra);
    if (k && (label.strict || k.strength === 'high')) return { level: 'medium', match: { kind: k.kind, strength: k.strength, word: k.word, by: 'key' }, part: p };
  }
  return null;
}

export default defineRule({
  meta: {
    id: 'token-logging',
    title: 'Session token or credential written to the log',
    severity: 'high',
    masvs: ['MASVS-STORAGE-2'],
    mastg: ['MASTG-TEST-0231', 'MASTG-TEST-0203'],
    cwe: ['CWE-532'],
    description:
      'The app passes a session token, password or other credential to a logging API (android.util.Log, System.out/err, java.util.logging, Timber). ' +
      'Log calls are not removed from release builds by default: the value lands in logcat, where anyone with adb access reads it, apps holding ' +
      'READ_LOGS (any app before Android 4.1) read it, and crash/diagnostic tools that collect logs upload it.',
    remediation:
      'Never log session data, even in debug builds: remove the call or log a fixed placeholder. Strip Log.v/d/i in release builds ' +
      '(R8 -assumenosideeffects class android.util.Log { ... }) or route logging through a wrapper that is a no-op in release, and scrub tokens from ' +
      'exception messages before logging them.',
    references: [
      'https://developer.android.com/privacy-and-security/risks/log-info-disclosure',
      'https://mas.owasp.org/MASTG/tests/android/MASVS-STORAGE/MASTG-TEST-0231/',
    ],
  },
  check(app, ctx) {
    const extra = ctx.options.extraTokenPatterns;
    const pkg = app.manifest.package;
    for (const sink of SINKS) {
      for (const site of app.code.callsTo(sink.ref)) {
        const idx = messageArg(site);
        if (idx === null) continue;
        if (sink.ref.startsWith('Ljava/io/PrintStream;')) {
          const r = site.args[0];
          // Only System.out / System.err (a PrintStream on a file is storage, not a log).
          if (!r || (r.kind === 'field' ? !/^Ljava\/lang\/System;->(out|err):/.test(r.ref) : r.kind !== 'unknown')) continue;
        }
        // Third-party library code is left out: its logging is not the app developer's to fix,
        // and on large apps it is most of the log calls.
        if (libraryOf(site.caller.class, ctx.options.ignoredLibraries, pkg)) continue;
        const a = site.args[idx];
        if (!a || a.kind === 'int' || a.kind === 'class' || (a.kind === 'string' && !classifyValue(a.value))) continue;
        const msg = traceArgument(app, site, idx, { extraTokenPatterns: extra });
        const hit = analyse(msg, extra);
        if (!hit) continue;
        const tag = idx > 0 ? site.args[idx - 1] : undefined;
        const tagText = tag && tag.kind === 'string' ? `${JSON.stringify(tag.value)}, ` : '';
        const noun = sessionNoun(hit.match.kind);
        const shown = describeOrigin(msg, (s) => (classifyValue(s) ? ctx.secret(s) : JSON.stringify(s)));
        const why =
          hit.level === 'high'
            ? `the logged value includes ${describeOrigin(hit.part, ctx.secret)}`
            : `the message labels a value as "${hit.match.word}" (${describeOrigin(hit.part, ctx.secret)})`;
        ctx.report({
          message:
            `${methodLabel({ class: site.caller.class, method: site.caller.name })} writes a ${noun} to the log with ${sink.label}: ${why}. ` +
            'Logcat is readable over adb, by apps with READ_LOGS on old Android versions, and by log-collecting crash reporters.',
          location: { class: site.caller.class, method: site.caller.name },
          evidence: `${site.caller.class}->${site.caller.name}${site.caller.proto}; ${sink.label}(${tagText}${shown})`,
          severity: hit.level,
          confidence: hit.level === 'high' && hit.match.strength === 'high' ? 'high' : 'medium',
          fingerprint: [site.caller.class, site.caller.name, sink.label, hit.match.word],
        });
      }
    }
  },
});

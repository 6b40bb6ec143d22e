/**
 * webview-session: WebView settings and code that expose or keep the session of a WebView.
 *
 * One finding per call site (class + method), for:
 *  - CookieManager.setAcceptThirdPartyCookies(webView, true)            medium
 *  - CookieManager.setAcceptFileSchemeCookies(true)                      high
 *  - WebView.addJavascriptInterface(obj, name)                           high when the exposed
 *    object can read the session (token-named getters, session prefs, CookieManager.getCookie,
 *    AccountManager tokens, token fields) or every public method is exposed (minSdk < 17),
 *    medium otherwise; the exposed (@JavascriptInterface) methods are listed
 *  - WebView.setWebContentsDebuggingEnabled(true) without a debuggable-flag check   high
 *  - SslErrorHandler.proceed() in WebViewClient.onReceivedSslError (high) or elsewhere, e.g. a
 *    "continue anyway" dialog (medium)
 *  - WebSettings.setAllowFileAccessFromFileURLs(true) / setAllowUniversalAccessFromFileURLs(true)   medium
 * and one app-wide finding when the app puts session cookies into WebViews (CookieManager.setCookie,
 * or a WebView loading a login/auth page) and no code ever clears them (removeAllCookies,
 * removeSessionCookies, removeAllCookie, removeSessionCookie, WebStorage.deleteAllData).
 */
import { defineRule, type RuleContext } from '../src/rules/rule.js';
import type { AppModel } from '../src/model/app.js';
import type { ArgValue, CallSite, CodeIndex, MethodSummary } from '../src/model/code-index.js';
import type { DexClass, DexFile } from '../src/apk/dex.js';
import { methodsAnnotatedWith } from '../src/apk/dex-annotations.js';
import { fieldName, fieldType, intArg, returnTypeOf, shortName, simpleClassName, sitesIn, stringArg, summaryOf } from '../src/model/method-flow.js';
import { classifyKey } from '../src/model/session-data.js';
import { tokenWordIn } from '../src/model/token-words.js';
import { libraryOf } from '../src/model/libraries.js';

const CM = 'Landroid/webkit/CookieManager;';
const WV = 'Landroid/webkit/WebView;';
const WS = 'Landroid/webkit/WebSettings;';
const JS_ANNOTATION = 'Landroid/webkit/JavascriptInterface;';
const ACC_PUBLIC = 0x1;
const ACC_CONSTRUCTOR = 0x10000;

const CLEARING = [
  `${CM}->removeAllCookies`,
  `${CM}->removeAllCookie`,
  `${CM}->removeSessionCookies`,
  `${CM}->removeSessionCookie`,
  'Landroid/webkit/WebStorage;->deleteAllData',
];

/** A page whose cookies are a login session. */
const LOGIN_URL = /(?:log-?in|sign-?in|sign-?on|\bauth|oauth|\bsso\b|account|session|passw)/i;

const TOKEN_CALLS = [
  `${CM}->getCookie`,
  'Landroid/accounts/AccountManager;->getAuthToken',
  'Landroid/accounts/AccountManager;->blockingGetAuthToken',
  'Landroid/accounts/AccountManager;->peekAuthToken',
  'Landroid/accounts/AccountManager;->getPassword',
];

/** The last boolean argument of a setter, or null when not a constant. */
function boolArg(s: CallSite): number | null {
  return intArg(s.args[s.args.length - 1]);
}

function loc(s: CallSite): { class: string; method: string } {
  return { class: s.caller.class, method: s.caller.name };
}

function classOfArg(a: ArgValue | undefined): string | null {
  if (!a) return null;
  if (a.kind === 'new') return a.type;
  if (a.kind === 'field') return fieldType(a.ref) || null;
  if (a.kind === 'result') {
    const r = returnTypeOf(a.of);
    return r.startsWith('L') ? r : null;
  }
  return null;
}

function findClass(code: CodeIndex, name: string): { dex: DexFile; cls: DexClass } | null {
  for (const dex of code.dexes) {
    const cls = dex.classes.find((c) => c.name === name);
    if (cls) return { dex, cls };
  }
  return null;
}

interface Exposure {
  cls: string;
  /** Methods JavaScript can call. */
  exposed: string[];
  annotated: boolean;
  /** What in the exposed code reads session data. */
  session: string[];
}

/** What an object handed to addJavascriptInterface exposes (its class and superclasses in the app). */
function exposureOf(code: CodeIndex, clsName: string, allPublic: boolean): Exposure | null {
  const exposed: string[] = [];
  const session: string[] = [];
  let annotated = false;
  let cur: string | null = clsName;
  let found = false;
  for (let depth = 0; cur && depth < 4; depth++) {
    const hit = findClass(code, cur);
    if (!hit) break;
    found = true;
    const { dex, cls } = hit;
    const withAnnotation = new Set(methodsAnnotatedWith(dex, cls, JS_ANNOTATION));
    if (withAnnotation.size > 0) annotated = true;
    for (const em of [...cls.directMethods, ...cls.virtualMethods]) {
      const name = dex.methodName(em.methodIdx);
      const isPublic = (em.accessFlags & ACC_PUBLIC) !== 0 && (em.accessFlags & ACC_CONSTRUCTOR) === 0 && !name.startsWith('<');
      const isExposed = withAnnotation.has(name) || (allPublic && isPublic);
      if (!isExposed) continue;
      if (!exposed.includes(name)) exposed.push(name);
      const proto = dex.protoString(dex.methodProtoIdx[em.methodIdx]);
      const m = code.method(cur, name, proto);
      if (m) session.push(...sessionReads(code, m));
    }
    cur = cls.superclass;
    if (cur && (cur.startsWith('Ljava/') || cur.startsWith('Landroid/'))) break;
  }
  if (!found) return null;
  return { cls: clsName, exposed, annotated, session: [...new Set(session)] };
}

/** How a method (callable from JavaScript) reads the session, in words. */
function sessionReads(code: CodeIndex, m: MethodSummary): string[] {
  const out: string[] = [];
  const ret = returnTypeOf(m.key.proto);
  if (ret === 'Ljava/lang/String;' && tokenWordIn(m.key.name, false)) out.push(`${m.key.name}() returns a ${tokenWordIn(m.key.name, false)!.word}`);
  for (const t of m.invokes) {
    if (TOKEN_CALLS.some((p) => t.startsWith(p))) out.push(`${m.key.name}() calls ${shortName({ class: t.slice(0, t.indexOf('->')), name: t.slice(t.indexOf('->') + 2, t.indexOf('(')), proto: '' })}()`);
    else {
      const name = t.slice(t.indexOf('->') + 2, t.indexOf('('));
      const w = tokenWordIn(name, false);
      if (w && /^(get|read|load|fetch|peek|current)/.test(name) && returnTypeOf(t) === 'Ljava/lang/String;') {
        out.push(`${m.key.name}() calls ${shortName({ class: t.slice(0, t.indexOf('->')), name, proto: '' })}()`);
      }
    }
  }
  if (m.invokes.some((t) => t.startsWith('Landroid/content/SharedPreferences;->get'))) {
    for (const s of sitesIn(code, m, (t) => t.startsWith('Landroid/content/SharedPreferences;->get'))) {
      const key = stringArg(s.args[1]);
      if (key && classifyKey(key)) out.push(`${m.key.name}() reads preference ${JSON.stringify(key)}`);
    }
  }
  for (const f of m.fieldsRead) {
    const n = fieldName(f);
    if (fieldType(f) === 'Ljava/lang/String;' && classifyKey(n)) out.push(`${m.key.name}() reads field ${n}`);
  }
  return out;
}

/** Whether a method checks that the app is debuggable (ApplicationInfo.flags, BuildConfig.DEBUG). */
function checksDebuggable(m: MethodSummary | undefined): boolean {
  if (!m) return false;
  return (
    m.fieldsRead.some((f) => f === 'Landroid/content/pm/ApplicationInfo;->flags:I' || /BuildConfig;->DEBUG:Z$/.test(f)) ||
    m.invokes.some((t) => /->isDebug(gable|Build)?\(/i.test(t))
  );
}

export default defineRule({
  meta: {
    id: 'webview-session',
    title: 'WebView exposes or keeps the session',
    severity: 'high',
    masvs: ['MASVS-PLATFORM-2', 'MASVS-PLATFORM-3'],
    mastg: ['MASTG-TEST-0037', 'MASTG-TEST-0227', 'MASTG-TEST-0284'],
    cwe: ['CWE-1004', 'CWE-749', 'CWE-295', 'CWE-613'],
    description:
      'WebViews hold their own session: cookies in app_webview/Cookies, localStorage, and whatever the app bridges into JavaScript. A JavaScript interface lets any page loaded in the WebView (or injected into it over cleartext or a bad certificate) call into the app and read the token; remote debugging lets anyone with adb read cookies and storage; proceeding on SSL errors hands the session cookie to a man in the middle; file-scheme cookies and file URL access let a local HTML file read other origins; third-party cookies let embedded sites track the session; and cookies that logout never clears keep the user logged in inside the WebView.',
    remediation:
      'Expose only narrow, non-secret methods through @JavascriptInterface and only to pages you control (or use WebViewCompat.addWebMessageListener with an origin allow-list); call WebView.setWebContentsDebuggingEnabled(true) only when (ApplicationInfo.flags & FLAG_DEBUGGABLE) != 0; never call SslErrorHandler.proceed() (call cancel()); leave file access from file URLs, universal access, file-scheme cookies and third-party cookies off; on logout call CookieManager.getInstance().removeAllCookies(null) (or removeSessionCookies), flush(), WebStorage.getInstance().deleteAllData() and WebView.clearCache(true).',
    references: [
      'https://developer.android.com/reference/android/webkit/CookieManager',
      'https://mas.owasp.org/MASTG/tests/android/MASVS-PLATFORM/MASTG-TEST-0037/',
    ],
  },
  check(app: AppModel, ctx: RuleContext) {
    const code = app.code;

    // Cookie settings.
    for (const s of code.callsTo(`${CM}->setAcceptThirdPartyCookies`, { subtypes: true })) {
      if (boolArg(s) !== 1) continue;
      ctx.report({
        message: `${shortName(s.caller)}() accepts third-party cookies in a WebView (CookieManager.setAcceptThirdPartyCookies(webView, true)): embedded third-party content gets and sends its own cookies alongside the session.`,
        location: loc(s),
        evidence: 'CookieManager.setAcceptThirdPartyCookies(webView, true)',
        severity: 'medium',
        fingerprint: [s.caller.class, s.caller.name, 'third-party-cookies'],
      });
    }
    for (const s of code.callsTo(`${CM}->setAcceptFileSchemeCookies`)) {
      if (boolArg(s) !== 1) continue;
      ctx.report({
        message: `${shortName(s.caller)}() enables cookies for file:// URLs (CookieManager.setAcceptFileSchemeCookies(true)): a local HTML file, e.g. one written by another app to shared storage, can read and set the session cookies.`,
        location: loc(s),
        evidence: 'CookieManager.setAcceptFileSchemeCookies(true)',
        severity: 'high',
        fingerprint: [s.caller.class, s.caller.name, 'file-scheme-cookies'],
      });
    }

    // JavaScript bridges.
    const allPublicOnOldDevices = app.manifest.minSdk < 17 || app.manifest.targetSdk < 17;
    for (const s of code.callsTo(`${WV}->addJavascriptInterface`, { subtypes: true })) {
      const jsName = stringArg(s.args[2]);
      const ifaceClass = classOfArg(s.args[1]);
      const exp = ifaceClass ? exposureOf(code, ifaceClass, app.manifest.targetSdk < 17) : null;
      const exposedText = exp
        ? exp.exposed.length > 0
          ? `exposed methods: ${exp.exposed.join(', ')}${app.manifest.targetSdk < 17 ? ' (targetSdk < 17: every public method)' : exp.annotated ? ' (@JavascriptInterface)' : ''}`
          : 'no @JavascriptInterface method found'
        : 'the exposed object\'s class is not in the app';
      const reads = exp?.session ?? [];
      const high = reads.length > 0 || allPublicOnOldDevices;
      const why = reads.length > 0
        ? `JavaScript in the page can reach the session: ${reads.slice(0, 4).join('; ')}`
        : allPublicOnOldDevices
          ? `on Android < 4.2 (minSdk ${app.manifest.minSdk}, targetSdk ${app.manifest.targetSdk}) every public method, getClass() included, is callable: any page can run code in the app (CVE-2012-6636)`
          : 'any page loaded in this WebView, or script injected into it, can call these methods';
      ctx.report({
        message: `${shortName(s.caller)}() exposes ${ifaceClass ? simpleClassName(ifaceClass) : 'an object'} to JavaScript as ${jsName !== null ? JSON.stringify(jsName) : 'a computed name'}: ${why}.`,
        location: loc(s),
        evidence: `addJavascriptInterface(${ifaceClass ? `new ${simpleClassName(ifaceClass)}(…)` : '…'}, ${jsName !== null ? JSON.stringify(jsName) : '…'}); ${exposedText}`,
        severity: high ? 'high' : 'medium',
        confidence: ifaceClass ? 'high' : 'medium',
        fingerprint: [s.caller.class, s.caller.name, 'javascript-interface', jsName ?? '', ifaceClass ?? ''],
      });
    }

    // Remote debugging.
    for (const s of code.callsTo(`${WV}->setWebContentsDebuggingEnabled`, { subtypes: true })) {
      if (boolArg(s) !== 1) continue;
      if (checksDebuggable(summaryOf(code, s.caller))) continue;
      ctx.report({
        message: `${shortName(s.caller)}() turns on WebView remote debugging unconditionally (WebView.setWebContentsDebuggingEnabled(true)): anyone with adb access can open chrome://inspect and read the WebView's cookies, storage and page contents.`,
        location: loc(s),
        evidence: 'WebView.setWebContentsDebuggingEnabled(true), no FLAG_DEBUGGABLE / BuildConfig.DEBUG check in the method',
        severity: 'high',
        fingerprint: [s.caller.class, s.caller.name, 'webcontents-debugging'],
      });
    }

    // SSL errors.
    for (const s of code.callsTo('Landroid/webkit/SslErrorHandler;->proceed')) {
      const inCallback = s.caller.name === 'onReceivedSslError';
      const m = summaryOf(code, s.caller);
      const conditional = m?.invokes.some((t) => t.startsWith('Landroid/net/http/SslError;->')) ?? false;
      ctx.report({
        message: inCallback
          ? `${shortName(s.caller)}() calls SslErrorHandler.proceed(): the WebView accepts ${conditional ? 'some' : 'any'} invalid certificate, so a man in the middle gets the page and its session cookies.`
          : `${shortName(s.caller)}() calls SslErrorHandler.proceed() outside onReceivedSslError (e.g. a "continue anyway" dialog): users will accept a man-in-the-middle certificate and hand over the session.`,
        location: loc(s),
        evidence: `SslErrorHandler.proceed() in ${shortName(s.caller)}()${conditional ? ' (after inspecting the SslError)' : ''}`,
        severity: inCallback ? 'high' : 'medium',
        confidence: inCallback && !conditional ? 'high' : 'medium',
        fingerprint: [s.caller.class, s.caller.name, 'ssl-error-proceed'],
      });
    }

    // File URL access.
    for (const [setter, what] of [
      ['setAllowFileAccessFromFileURLs', 'JavaScript in a file:// page can read other local files'],
      ['setAllowUniversalAccessFromFileURLs', 'JavaScript in a file:// page can read any origin, with its cookies'],
    ] as const) {
      for (const s of code.callsTo(`${WS}->${setter}`, { subtypes: true })) {
        if (boolArg(s) !== 1) continue;
        ctx.report({
          message: `${shortName(s.caller)}() calls WebSettings.${setter}(true): ${what}.`,
          location: loc(s),
          evidence: `WebSettings.${setter}(true)`,
          severity: 'medium',
          fingerprint: [s.caller.class, s.caller.name, setter],
        });
      }
    }

    // Session cookies that logout never clears.
    const clears = CLEARING.some((r) => code.callersOf(r).length > 0);
    if (!clears) {
      const users: { site: CallSite; what: string }[] = [];
      for (const s of code.callsTo(`${CM}->setCookie`, { subtypes: true })) {
        const cookie = stringArg(s.args[2]);
        users.push({ site: s, what: `CookieManager.setCookie(${stringArg(s.args[1]) !== null ? JSON.stringify(stringArg(s.args[1])) : '…'}, ${cookie !== null ? JSON.stringify(cookie.split('=')[0] + '=…') : '…'})` });
      }
      for (const ref of [`${WV}->loadUrl`, `${WV}->postUrl`]) {
        for (const s of code.callsTo(ref, { subtypes: true })) {
          const url = stringArg(s.args[1]);
          if (url !== null && /^https?:/i.test(url) && LOGIN_URL.test(url)) users.push({ site: s, what: `WebView.${ref.slice(ref.indexOf('->') + 2)}(${JSON.stringify(url)})` });
        }
      }
      if (users.length > 0) {
        const pkg = app.manifest.package;
        users.sort((a, b) => Number(libraryOf(a.site.caller.class, ctx.options.ignoredLibraries, pkg) !== null) - Number(libraryOf(b.site.caller.class, ctx.options.ignoredLibraries, pkg) !== null));
        const first = users[0]!;
        ctx.report({
          message: `The app puts a session into WebView cookies (${first.what} in ${shortName(first.site.caller)}()${users.length > 1 ? ` and ${users.length - 1} more` : ''}) but no code clears them (no CookieManager.removeAllCookies/removeSessionCookies, WebStorage.deleteAllData): after logout the WebView stays logged in.`,
          location: loc(first.site),
          evidence: users.slice(0, 5).map((u) => `${u.what} in ${shortName(u.site.caller)}()`).join('\n'),
          severity: 'medium',
          confidence: 'medium',
          fingerprint: ['cookies-never-cleared'],
        });
      }
    }
  },
});

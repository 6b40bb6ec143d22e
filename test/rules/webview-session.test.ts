/**
 * webview-session: focused smali cases (test/fixtures/rule-src2/webview-*, built by build.sh),
 * the fixture apps, the npm APKs and the corpus.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import rule from '../../static-rules/webview-session.js';
import { RULES } from '../../static-rules/index.js';
import { fingerprintOf } from '../../src/rules/rule.js';
import { findings } from '../helpers/rules.js';
import { CORPUS_DIR, NPM_APKS, ROOT, corpusApk, fixtureApk } from '../helpers/apks.js';
import { withDex } from '../helpers/synth-app.js';

const ID = 'webview-session';
const fp = (...parts: string[]) => fingerprintOf(ID, parts);
const SRC = join(ROOT, 'test/fixtures/rule-src2');
const dex = (name: string) => new Uint8Array(readFileSync(join(SRC, `${name}.dex`)));
const ACT = 'Lcom/example/wv/LoginWebActivity;';

describe('meta and registration', () => {
  it('is registered once with its standards', () => {
    expect(RULES.filter((r) => r.meta.id === ID)).toEqual([rule]);
    expect(rule.meta).toMatchObject({
      severity: 'high',
      masvs: ['MASVS-PLATFORM-2', 'MASVS-PLATFORM-3'],
      mastg: ['MASTG-TEST-0037', 'MASTG-TEST-0227', 'MASTG-TEST-0284'],
      cwe: ['CWE-1004', 'CWE-749', 'CWE-295', 'CWE-613'],
    });
    expect(rule.meta.remediation).toMatch(/removeAllCookies/);
  });
});

describe('focused cases (rule-src2/webview-vulnerable.dex in the insecure-invoice manifest)', () => {
  const app = withDex(fixtureApk('insecure-invoice'), [dex('webview-vulnerable')]);
  const f = findings(rule, app);

  it('reports every flaw once, by severity, with class + method locations and name-based fingerprints', () => {
    expect(f.map((x) => [x.severity, x.confidence, x.location, x.fingerprint])).toEqual([
      ['high', 'high', { class: ACT, method: 'onCreate' }, fp(ACT, 'onCreate', 'file-scheme-cookies')],
      ['high', 'high', { class: ACT, method: 'onCreate' }, fp(ACT, 'onCreate', 'javascript-interface', 'Android', 'Lcom/example/wv/SessionBridge;')],
      ['high', 'high', { class: ACT, method: 'onCreate' }, fp(ACT, 'onCreate', 'webcontents-debugging')],
      ['high', 'high', { class: 'Lcom/example/wv/TrustingClient;', method: 'onReceivedSslError' }, fp('Lcom/example/wv/TrustingClient;', 'onReceivedSslError', 'ssl-error-proceed')],
      ['medium', 'high', { class: ACT, method: 'onCreate' }, fp(ACT, 'onCreate', 'third-party-cookies')],
      ['medium', 'high', { class: ACT, method: 'onCreate' }, fp(ACT, 'onCreate', 'javascript-interface', 'Ui', 'Lcom/example/wv/UiBridge;')],
      ['medium', 'high', { class: ACT, method: 'onCreate' }, fp(ACT, 'onCreate', 'setAllowFileAccessFromFileURLs')],
      ['medium', 'high', { class: ACT, method: 'onCreate' }, fp(ACT, 'onCreate', 'setAllowUniversalAccessFromFileURLs')],
      ['medium', 'medium', { class: ACT, method: 'onCreate' }, fp('cookies-never-cleared')],
    ]);
    expect(f.every((x) => x.ruleId === ID && x.library === undefined)).toBe(true);
  });

  it('a bridge that returns the stored token is high and lists only the @JavascriptInterface methods', () => {
    const bridge = f.find((x) => x.fingerprint === fp(ACT, 'onCreate', 'javascript-interface', 'Android', 'Lcom/example/wv/SessionBridge;'))!;
    expect(bridge.message).toBe(
      'LoginWebActivity.onCreate() exposes SessionBridge to JavaScript as "Android": JavaScript in the page can reach the session: getToken() returns a token; getToken() reads preference "auth_token".',
    );
    expect(bridge.evidence).toBe('addJavascriptInterface(new SessionBridge(…), "Android"); exposed methods: getToken (@JavascriptInterface)');
    const ui = f.find((x) => x.fingerprint === fp(ACT, 'onCreate', 'javascript-interface', 'Ui', 'Lcom/example/wv/UiBridge;'))!;
    expect(ui.message).toBe('LoginWebActivity.onCreate() exposes UiBridge to JavaScript as "Ui": any page loaded in this WebView, or script injected into it, can call these methods.');
    expect(ui.evidence).toBe('addJavascriptInterface(new UiBridge(…), "Ui"); exposed methods: vibrate (@JavascriptInterface)');
  });

  it('messages and evidence of the settings and SSL findings', () => {
    const by = (part: string) => f.find((x) => x.fingerprint === fp(...(part === 'ssl' ? ['Lcom/example/wv/TrustingClient;', 'onReceivedSslError', 'ssl-error-proceed'] : [ACT, 'onCreate', part])))!;
    expect(by('webcontents-debugging').message).toBe(
      "LoginWebActivity.onCreate() turns on WebView remote debugging unconditionally (WebView.setWebContentsDebuggingEnabled(true)): anyone with adb access can open chrome://inspect and read the WebView's cookies, storage and page contents.",
    );
    expect(by('ssl').message).toBe('TrustingClient.onReceivedSslError() calls SslErrorHandler.proceed(): the WebView accepts any invalid certificate, so a man in the middle gets the page and its session cookies.');
    expect(by('third-party-cookies').evidence).toBe('CookieManager.setAcceptThirdPartyCookies(webView, true)');
    expect(by('file-scheme-cookies').evidence).toBe('CookieManager.setAcceptFileSchemeCookies(true)');
    expect(by('setAllowUniversalAccessFromFileURLs').message).toBe(
      'LoginWebActivity.onCreate() calls WebSettings.setAllowUniversalAccessFromFileURLs(true): JavaScript in a file:// page can read any origin, with its cookies.',
    );
  });

  it('session cookies that no code clears: names the setCookie and the login page, hides the cookie value', () => {
    const c = f.find((x) => x.fingerprint === fp('cookies-never-cleared'))!;
    expect(c.message).toBe(
      'The app puts a session into WebView cookies (CookieManager.setCookie("https://app.example-invoice.com", "SESSION=…") in LoginWebActivity.onCreate() and 1 more) but no code clears them (no CookieManager.removeAllCookies/removeSessionCookies, WebStorage.deleteAllData): after logout the WebView stays logged in.',
    );
    expect(c.evidence).toBe(
      'CookieManager.setCookie("https://app.example-invoice.com", "SESSION=…") in LoginWebActivity.onCreate()\nWebView.loadUrl("https://app.example-invoice.com/login") in LoginWebActivity.onCreate()',
    );
    expect(c.evidence).not.toContain('abc');
  });

  it('debugging enabled only after a FLAG_DEBUGGABLE check (DebugSetup.enable) is not reported', () => {
    expect(f.some((x) => x.location.class === 'Lcom/example/wv/DebugSetup;')).toBe(false);
  });

  it('fingerprints are stable: the same code in another app (secure-invoice manifest) gives the same ones', () => {
    const other = findings(rule, withDex(fixtureApk('secure-invoice'), [dex('webview-vulnerable')], 'other.apk'));
    expect(other.map((x) => x.fingerprint)).toEqual(f.map((x) => x.fingerprint));
  });
});

describe('fixed twin (rule-src2/webview-fixed.dex)', () => {
  it('reports nothing: settings off, no bridge, guarded debugging, cancel() on SSL errors, logout clears cookies and storage', () => {
    expect(findings(rule, withDex(fixtureApk('insecure-invoice'), [dex('webview-fixed')]))).toEqual([]);
  });
});

describe('fixture apps', () => {
  it.each(['insecure-invoice', 'secure-invoice', 'multidex-app', 'obfuscated-nsc'])('%s: no WebView, nothing', (name) => {
    expect(findings(rule, fixtureApk(name))).toEqual([]);
  });
});

describe('npm APKs', () => {
  it('ApiDemos: the two WebView demos turn on remote debugging unconditionally (high)', () => {
    const f = findings(rule, NPM_APKS.apidemos);
    expect(f.map((x) => [x.severity, x.location, x.fingerprint])).toEqual([
      ['high', { class: 'Lio/appium/android/apis/view/WebView1;', method: 'onCreate' }, fp('Lio/appium/android/apis/view/WebView1;', 'onCreate', 'webcontents-debugging')],
      ['high', { class: 'Lio/appium/android/apis/view/WebView2;', method: 'onCreate' }, fp('Lio/appium/android/apis/view/WebView2;', 'onCreate', 'webcontents-debugging')],
    ]);
  });

  it.each([
    ['io.appium.settings', NPM_APKS.settings],
    ['uiautomator2 server', NPM_APKS.uia2server],
    ['uiautomator2 test APK', NPM_APKS.uia2test],
  ])('%s: no WebView use, nothing', (_name, path) => {
    expect(findings(rule, path)).toEqual([]);
  });
});

const HAVE_CORPUS = existsSync(CORPUS_DIR);
describe.skipIf(!HAVE_CORPUS)(`corpus${HAVE_CORPUS ? '' : ' (skipped: ../shared/corpus not present)'}`, () => {
  it('goatdroid: six JavaScript bridges, all high (targetSdk 15: every public method is exposed; ViewCheckinJSInterface reads the session token)', () => {
    const f = findings(rule, corpusApk('goatdroid-qark.apk'));
    const A = 'Lorg/owasp/goatdroid/fourgoats/';
    expect(f.map((x) => [x.severity, x.location.class, x.location.method])).toEqual([
      ['high', `${A}activities/History;`, 'onCreate'],
      ['high', `${A}activities/ViewCheckin;`, 'onCreate'],
      ['high', `${A}activities/ViewCheckin;`, 'onCreate'],
      ['high', `${A}activities/ViewCheckin;`, 'onCreate'],
      ['high', `${A}fragments/HistoryDialogFragment;`, 'onCreateView'],
      ['high', `${A}fragments/HistoryFragment;`, 'onCreateView'],
    ]);
    expect(f[0]!.message).toBe(
      'History.onCreate() exposes ViewCheckinJSInterface to JavaScript as "jsInterface": JavaScript in the page can reach the session: deleteComment() calls UserInfoDBHelper.getSessionToken().',
    );
    expect(f[1]!.message).toBe(
      'ViewCheckin.onCreate() exposes SmsJSInterface to JavaScript as "smsJSInterface": on Android < 4.2 (minSdk 9, targetSdk 15) every public method, getClass() included, is callable: any page can run code in the app (CVE-2012-6636).',
    );
  });

  it('insecurebank: only the Google ads bridge, in library code (ranked medium, labelled)', () => {
    const f = findings(rule, corpusApk('insecurebankv2.apk'));
    expect(f.map((x) => [x.severity, x.library, x.location])).toEqual([['medium', 'Google Play services', { class: 'Lcom/google/android/gms/internal/zzig;', method: '<init>' }]]);
  });

  it.each(['diva-beta.apk', 'uncrackable-l1.apk'])('%s: nothing (DIVA\'s WebView loads a typed URL with default settings)', (name) => {
    expect(findings(rule, corpusApk(name))).toEqual([]);
  });
});

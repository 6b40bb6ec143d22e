/**
 * hybrid-app-storage: session tokens written to the plaintext key-value stores of React Native,
 * Cordova/Capacitor/Ionic and Flutter apps, found in the JavaScript (or its compiled strings)
 * shipped in the APK.
 *
 *  - React Native, plain JS bundle (assets/index.android.bundle, usually minified):
 *    `AsyncStorage.setItem("<key>", …)` / `@react-native-async-storage` (`.setItem("key", …)`,
 *    `.setItem(\`key_${id}\`, …)`, `.setItem(X.TOKEN_KEY, …)`, `.multiSet([["key", …]])`) and
 *    react-native-mmkv `.set("key", …)` when the bundle uses MMKV.
 *  - React Native, Hermes bytecode (the bundle starts with c6 1f bc 03 c1 03 19 1f): only the
 *    string table can be read here, so a finding says which session-named keys and storage
 *    modules appear together ("Hermes bytecode: string evidence only", low confidence).
 *  - Cordova / Capacitor / Ionic (assets/www/**, assets/public/**): `localStorage.setItem`,
 *    `localStorage["token"] = …`, `localStorage.token = …`, `@capacitor/preferences`
 *    `Preferences.set({ key: 'token', … })` (and the older `Storage.set`), Ionic Storage
 *    `storage.set('token', …)`, cordova-plugin-nativestorage `NativeStorage.setItem`.
 *  - Flutter: shared_preferences keys live in Dart code. Release builds compile it to
 *    lib/<abi>/libapp.so (AOT), whose strings the model does not expose: a warning says the
 *    check was not done. Debug builds ship assets/flutter_assets/kernel_blob.bin, whose strings
 *    are searched (string evidence only).
 * A write whose key names a token, session, password or secret (classifyKey) is reported; writes
 * through secure stores (react-native-keychain, expo-secure-store, react-native-encrypted-storage,
 * flutter_secure_storage, Capacitor secure storage plugins) are not, and a value passed through
 * an encrypt(...) call is not.
 */
import { defineRule, type RuleContext } from '../src/rules/rule.js';
import type { AppModel } from '../src/model/app.js';
import type { Severity } from '../src/report/types.js';
import { classifyKey, type SessionKeyMatch } from '../src/model/session-data.js';
import { hermesStrings, isHermesBytecode, printableRuns } from '../src/model/hermes.js';

/** Raw bytes of an asset (Hermes bundles, Flutter kernels); null when missing or unreadable. */
function assetBytes(app: AppModel, name: string): Uint8Array | null {
  return app.content.bytes(name);
}

type Store = 'AsyncStorage' | 'localStorage' | 'sessionStorage' | 'MMKV' | 'Capacitor Preferences' | 'Ionic Storage' | 'NativeStorage' | 'key-value storage';

const SECURE_RECEIVER = /EncryptedStorage|SecureStore|Keychain|SensitiveInfo|secureStorage|SecureStorage|CapacitorSecure|secure_storage/i;
const ENCRYPTED_VALUE = /encrypt|cipher|\bAES\b|seal\(/i;

const REMEDIATION_BY_STORE: Record<Store, string> = {
  AsyncStorage: 'react-native-keychain (Android Keystore) or expo-secure-store',
  MMKV: 'react-native-keychain, or MMKV with an encryptionKey kept in the Keystore',
  localStorage: 'a Keystore-backed plugin (@capacitor-community/secure-storage, cordova-plugin-secure-storage-echo)',
  sessionStorage: 'memory only, or a Keystore-backed plugin if it must survive a restart',
  'Capacitor Preferences': '@capacitor-community/secure-storage or capacitor-secure-storage-plugin (Keystore-backed)',
  'Ionic Storage': '@ionic-enterprise/identity-vault or a Keystore-backed secure storage plugin',
  NativeStorage: 'cordova-plugin-secure-storage-echo (Keystore-backed)',
  'key-value storage': 'a Keystore-backed secure storage module',
};

interface Write {
  store: Store;
  key: string;
  /** The key as written in the code: "@auth_token", `token_${…}`, o.PASSWORD_KEY ("@pwd"). */
  display: string;
  /** How sure we are that the receiver is that store. */
  known: boolean;
  index: number;
  snippet: string;
  match: SessionKeyMatch;
}

function lineOf(text: string, index: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** The store a `.setItem(` call goes to, from the ~60 characters before it. */
function storeBefore(text: string, at: number, mmkv: boolean): { store: Store; known: boolean } | null {
  const before = text.slice(Math.max(0, at - 60), at);
  if (SECURE_RECEIVER.test(before)) return null;
  if (/sessionStorage\s*$/.test(before)) return { store: 'sessionStorage', known: true };
  if (/localStorage\s*$/.test(before)) return { store: 'localStorage', known: true };
  if (/AsyncStorage\s*$/.test(before)) return { store: 'AsyncStorage', known: true };
  if (/NativeStorage\s*$/.test(before)) return { store: 'NativeStorage', known: true };
  if (/MMKV\w*\s*$/i.test(before) && mmkv) return { store: 'MMKV', known: true };
  return null;
}

/** A key written literally, as a template prefix, or as a member name (X.AUTH_TOKEN_KEY). */
const KEY_ARG = String.raw`\s*(?:(?<q>['"])(?<lit>(?:(?!\k<q>)[^\\\n]){1,100})\k<q>|\x60(?<tpl>[^\x60$\n]{1,100})(?:\$\{[^\x60\n]{0,80}\}[^\x60\n]{0,40})?\x60|[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*\.(?<mem>[A-Za-z_$][\w$]*))\s*,`;

function keyOf(m: RegExpMatchArray): string {
  const g = m.groups ?? {};
  return g.lit ?? g.tpl ?? g.mem ?? '';
}
const SET_ITEM = new RegExp(String.raw`\.\s*setItem\s*\(` + KEY_ARG, 'g');
const MULTI_SET = /\.\s*multiSet\s*\(\s*\[\s*\[\s*(['"])([^'"\n]{1,100})\1\s*,/g;
// Both start at ".set(" (a leading receiver pattern would be tried at every position of a
// multi-megabyte bundle); the receiver is read backwards from the match (identBefore).
const KV_SET = new RegExp(String.raw`\.\s*set\s*\(` + KEY_ARG, 'g');
const PREFS_SET = /\.\s*set\s*\(\s*\{\s*key\s*:\s*(['"`])([^'"`\n]{1,100})\1/g;

/** The identifier just before `at` ("Preferences" in "Preferences.set("). */
function identBefore(text: string, at: number): string {
  let j = at;
  while (j > 0 && at - j < 40 && /[\w$]/.test(text[j - 1]!)) j--;
  return text.slice(j, at);
}
const LS_INDEX = /\b(localStorage|sessionStorage)\s*\[\s*(['"`])([^'"`\n]{1,100})\2\s*\]\s*=(?!=)/g;
const LS_PROP = /\b(localStorage|sessionStorage)\s*\.\s*([A-Za-z_$][\w$]*)\s*=(?!=)/g;

function keyMatch(key: string, extra: readonly string[]): SessionKeyMatch | null {
  const k = classifyKey(key.replace(/^[@#:._-]+/, ''), extra);
  if (!k) return null;
  if (k.kind === 'cookie' && !/cookie/i.test(key)) return null;
  return k;
}

/** The arguments text after the key, up to the call's end (for the encrypt check and the snippet). */
function callTail(text: string, from: number): string {
  const end = text.indexOf(')', from);
  return text.slice(from, end < 0 ? from + 80 : Math.min(end + 1, from + 160));
}

/** Start of the receiver expression before `at` (n.default, r(d[1]).default, window.localStorage). */
function receiverStart(text: string, at: number): number {
  let j = at;
  while (j > 0 && at - j < 48 && /[\w$.[\]()]/.test(text[j - 1]!)) j--;
  return j;
}

function scanJs(text: string, extra: readonly string[]): Write[] {
  const out: Write[] = [];
  const mmkv = /react-native-mmkv|\bMMKV\b/.test(text);
  const capacitorPrefs = /CapacitorStorage|@capacitor\/preferences|@capacitor\/storage|registerPlugin\(\s*["'](?:Preferences|Storage)["']/.test(text);
  const ionicStorage = /@ionic\/storage|IonicStorage|_ionicstorage/.test(text);
  const asyncStorageModule = /@react-native-async-storage|RNCAsyncStorage|AsyncStorage/.test(text);
  const constants = new Map<string, string | null>();
  /** The string a minified constant (e.PASSWORD_KEY="@pwd") holds, when the bundle assigns it once. */
  const constant = (name: string): string | null => {
    if (!constants.has(name)) {
      const re = new RegExp(`[.\\s,;{]${name.replace(/\$/g, '\\$')}\\s*[=:]\\s*(["'])([^"'\\n]{1,100})\\1`, 'g');
      const values = new Set([...text.matchAll(re)].map((m) => m[2]!));
      constants.set(name, values.size === 1 ? [...values][0]! : null);
    }
    return constants.get(name)!;
  };
  const add = (store: Store, known: boolean, m: RegExpMatchArray | { key: string; display: string }, index: number, end: number, call: boolean): void => {
    let key: string;
    let display: string;
    if ('key' in m) ({ key, display } = m);
    else {
      const g = m.groups ?? {};
      if (g.lit !== undefined) [key, display] = [g.lit, JSON.stringify(g.lit)];
      else if (g.tpl !== undefined) [key, display] = [g.tpl, `\`${g.tpl}\${…}\``];
      else {
        const c = g.mem ? constant(g.mem) : null;
        [key, display] = [c ?? g.mem ?? '', c !== null ? `${g.mem} (${JSON.stringify(c)})` : g.mem ?? ''];
        const byName = keyMatch(g.mem ?? '', extra);
        if (byName && !keyMatch(key, extra)) key = g.mem ?? '';
      }
    }
    const match = keyMatch(key, extra);
    if (!match) return;
    const tail = call ? callTail(text, end) : text.slice(end, text.indexOf(';', end) < 0 ? end + 80 : Math.min(text.indexOf(';', end), end + 160));
    if (ENCRYPTED_VALUE.test(tail)) return;
    const snippet = `${text.slice(receiverStart(text, index), end).replace(/\s+/g, ' ').slice(-140)}${call ? ' …)' : ' …'}`;
    out.push({ store, key, display, known, index, snippet, match });
  };
  if (text.includes('setItem')) {
    for (const m of text.matchAll(SET_ITEM)) {
      const at = m.index ?? 0;
      if (SECURE_RECEIVER.test(text.slice(Math.max(0, at - 60), at))) continue;
      const recv = storeBefore(text, at, mmkv);
      // Minified RN: `r(d[3]).default.setItem(...)` — AsyncStorage if the bundle has the module.
      const store: Store = recv?.store ?? (asyncStorageModule ? 'AsyncStorage' : 'key-value storage');
      add(store, recv?.known ?? false, m, at, at + m[0].length, true);
    }
  }
  if (text.includes('multiSet')) {
    for (const m of text.matchAll(MULTI_SET)) {
      const at = m.index ?? 0;
      if (SECURE_RECEIVER.test(text.slice(Math.max(0, at - 60), at))) continue;
      add('AsyncStorage', /AsyncStorage\s*$/.test(text.slice(Math.max(0, at - 20), at)), { key: m[2]!, display: JSON.stringify(m[2]!) }, at, at + m[0].length, true);
    }
  }
  if (text.includes('Storage')) {
    for (const m of text.matchAll(LS_INDEX)) add(m[1] as Store, true, { key: m[3]!, display: JSON.stringify(m[3]!) }, m.index ?? 0, (m.index ?? 0) + m[0].length, false);
    for (const m of text.matchAll(LS_PROP)) {
      if (/^(setItem|getItem|removeItem|clear|key|length)$/.test(m[2]!)) continue;
      add(m[1] as Store, true, { key: m[2]!, display: m[2]! }, m.index ?? 0, (m.index ?? 0) + m[0].length, false);
    }
  }
  if (text.includes('.set(') || text.includes('.set (')) {
    for (const m of text.matchAll(PREFS_SET)) {
      const recv = identBefore(text, m.index ?? 0);
      if (SECURE_RECEIVER.test(recv)) continue;
      add('Capacitor Preferences', capacitorPrefs || /^(Preferences|Storage)$/.test(recv), { key: m[2]!, display: JSON.stringify(m[2]!) }, m.index ?? 0, (m.index ?? 0) + m[0].length, true);
    }
    if (mmkv || ionicStorage) {
      for (const m of text.matchAll(KV_SET)) {
        const recv = identBefore(text, m.index ?? 0);
        const key = keyOf(m);
        if (SECURE_RECEIVER.test(recv) || /^(headers?|params|searchParams|map|cache|cookies?|formData)$/i.test(recv)) continue;
        if (/^(authorization|cookie|x-[\w-]+)$/i.test(key)) continue; // HTTP headers, not storage
        if (/storage$/i.test(recv) && ionicStorage) add('Ionic Storage', true, m, m.index ?? 0, (m.index ?? 0) + m[0].length, true);
        else if (mmkv && /mmkv|storage/i.test(recv)) add('MMKV', /mmkv/i.test(recv), m, m.index ?? 0, (m.index ?? 0) + m[0].length, true);
      }
    }
  }
  return out;
}

const JS_FILE = /^assets\/.+\.(js|mjs|cjs|bundle|html?)$/i;

function frameworkOf(file: string, frameworks: readonly string[]): string {
  if (/\.bundle$/i.test(file)) return 'React Native';
  if (file.startsWith('assets/www/')) return 'Cordova';
  if (file.startsWith('assets/public/')) return 'Capacitor';
  if (frameworks.includes('react-native')) return 'React Native';
  if (frameworks.includes('capacitor')) return 'Capacitor';
  if (frameworks.includes('cordova')) return 'Cordova';
  return 'WebView';
}

function severityOf(w: Write): Severity {
  if (w.store === 'sessionStorage') return 'low';
  return w.match.strength === 'high' ? 'high' : 'medium';
}

function what(m: SessionKeyMatch): string {
  return m.kind === 'password' ? 'a password' : m.kind === 'secret' ? 'a secret' : m.kind === 'pin' ? 'a PIN/OTP' : m.kind === 'credential' ? 'credentials' : m.kind === 'cookie' ? 'a cookie' : m.kind === 'session' ? 'a session id' : 'a session token';
}

export default defineRule({
  meta: {
    id: 'hybrid-app-storage',
    title: 'Session token in a hybrid app\'s plaintext storage',
    severity: 'high',
    masvs: ['MASVS-STORAGE-1'],
    mastg: ['MASTG-TEST-0287', 'MASTG-TEST-0207'],
    cwe: ['CWE-312', 'CWE-922'],
    description:
      'React Native\'s AsyncStorage (a SQLite database or files), react-native-mmkv without an encryption key, WebView localStorage (Cordova, Capacitor, Ionic), Capacitor Preferences and Flutter\'s shared_preferences (a SharedPreferences XML file) all keep values in plaintext in the app sandbox. A token written there can be read from a backup, a rooted or compromised device, or by anything that runs as the app, and it survives logout unless it is removed. The keys are found in the JavaScript shipped in assets/ (or the strings of a Hermes or Flutter kernel build).',
    remediation:
      'Keep tokens in Keystore-backed storage: react-native-keychain or expo-secure-store (React Native), flutter_secure_storage (Flutter), @capacitor-community/secure-storage or cordova-plugin-secure-storage-echo (Capacitor/Cordova); keep only non-secret data in AsyncStorage/localStorage/Preferences; remove the token on logout.',
    references: ['https://mas.owasp.org/MASTG/tests/android/MASVS-STORAGE/MASTG-TEST-0287/', 'https://github.com/oblador/react-native-keychain'],
  },
  check(app: AppModel, ctx: RuleContext) {
    const extra = ctx.options.extraTokenPatterns;
    const frameworks = app.content.frameworks;
    const texts = app.content.textFiles();
    const textNames = new Set(texts.map((t) => t.name));

    // JavaScript shipped as text: RN bundles, Cordova www/, Capacitor public/, local web content.
    for (const file of texts) {
      if (!JS_FILE.test(file.name)) continue;
      const seen = new Set<string>();
      const fw = frameworkOf(file.name, frameworks);
      for (const w of scanJs(file.text, extra)) {
        const id = `${w.store}\u0000${w.key}`;
        if (seen.has(id)) continue;
        seen.add(id);
        const line = lineOf(file.text, w.index);
        ctx.report({
          message: `${fw} code writes ${what(w.match)} to ${w.store} under ${w.display}: ${w.store === 'sessionStorage' ? 'WebView sessionStorage is kept until the WebView\'s session ends and is written to the app\'s WebView data' : 'stored unencrypted in the app sandbox'}. Use ${REMEDIATION_BY_STORE[w.store]}.`,
          location: { file: file.name, line },
          evidence: w.snippet,
          severity: severityOf(w),
          confidence: w.known ? 'high' : 'medium',
          fingerprint: [file.name, w.store, w.key],
        });
      }
    }

    // React Native bundles that are not text: Hermes bytecode.
    for (const name of app.content.assets) {
      if (!/\.bundle$/i.test(name) || textNames.has(name)) continue;
      const bytes = assetBytes(app, name);
      if (!bytes || !isHermesBytecode(bytes)) continue;
      const hs = hermesStrings(bytes);
      if (!hs) continue;
      const strings = new Set(hs.strings);
      const has = (re: RegExp): boolean => hs.strings.some((s) => re.test(s));
      const async = has(/^(AsyncStorage|RNCAsyncStorage|RNC_AsyncSQLiteDBStorage)$|@react-native-async-storage/) && (strings.has('setItem') || strings.has('multiSet'));
      const mmkv = has(/MMKV/) && strings.has('set');
      const secure = has(/^(RNKeychainManager|RNSensitiveInfo|ExpoSecureStore|RNEncryptedStorage)$/);
      if (!async && !mmkv) continue;
      const keys = hs.strings.filter((s) => s.length <= 64 && !/\s/.test(s) && keyMatch(s, extra)?.strength === 'high');
      if (keys.length === 0) continue;
      const stores = [async ? 'AsyncStorage' : null, mmkv ? 'MMKV' : null].filter(Boolean).join(' and ');
      const shown = [...new Set(keys)].slice(0, 8);
      ctx.report({
        message: `Hermes bytecode: string evidence only. The React Native bundle uses ${stores} and contains session-named keys (${shown.map((k) => JSON.stringify(k)).join(', ')}${keys.length > shown.length ? ', …' : ''}); which call writes them cannot be read without disassembling the bytecode${secure ? ', and the app also ships a Keystore-backed store' : ''}. Check that tokens go to react-native-keychain / expo-secure-store, not ${stores}.`,
        location: { file: name },
        evidence: `Hermes bytecode v${hs.version}, ${hs.fromTable ? `${hs.strings.length} strings in the string table` : 'string table not parsed: printable runs'}; storage strings: ${[async ? 'AsyncStorage setItem' : '', mmkv ? 'MMKV set' : ''].filter(Boolean).join(', ')}; keys: ${shown.join(', ')}`,
        severity: 'medium',
        confidence: 'low',
        fingerprint: [name, 'hermes', stores],
      });
    }

    // Flutter: shared_preferences writes "flutter."-prefixed keys from Dart code.
    if (frameworks.includes('flutter')) {
      const kernel = 'assets/flutter_assets/kernel_blob.bin';
      const appSo = app.content.nativeLibs.find((l) => l.name === 'libapp.so');
      if (app.content.assets.includes(kernel)) {
        const bytes = assetBytes(app, kernel);
        if (bytes) {
          const runs = printableRuns(bytes, 3);
          const prefs = runs.some((s) => s.includes('package:shared_preferences/'));
          const secure = runs.some((s) => s.includes('package:flutter_secure_storage/'));
          const keys = [...new Set(runs.filter((s) => s.length <= 64 && !/\s/.test(s) && keyMatch(s, extra)?.strength === 'high'))];
          if (prefs && keys.length > 0) {
            ctx.report({
              message: `Flutter debug kernel: string evidence only. The Dart code uses shared_preferences (stored as "flutter.<key>" in FlutterSharedPreferences.xml, plaintext) and contains session-named keys (${keys.slice(0, 8).map((k) => JSON.stringify(k)).join(', ')})${secure ? '; it also uses flutter_secure_storage, so check which store each key goes to' : ''}. Use flutter_secure_storage for tokens.`,
              location: { file: kernel },
              evidence: `kernel strings: package:shared_preferences/…; keys: ${keys.slice(0, 8).join(', ')}`,
              severity: 'medium',
              confidence: 'low',
              fingerprint: [kernel, 'shared_preferences'],
            });
          }
        }
      } else if (appSo) {
        app.warnings.push({
          code: 'analysis-incomplete',
          file: `lib/${appSo.abi}/libapp.so`,
          message: 'Flutter release build: Dart code is AOT-compiled into libapp.so; shared_preferences keys ("flutter.<key>") were not analysed by hybrid-app-storage',
        });
      }
    }
  },
});

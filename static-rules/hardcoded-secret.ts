/**
 * hardcoded-secret: credentials shipped in the APK, in dex code, static fields, string
 * resources, assets and res/raw.
 *
 * What is found, in order of how sure we are:
 *  1. Provider shapes (src/model/secret-patterns.ts): AWS, Stripe, GitHub, GitLab, Slack, Twilio,
 *     SendGrid, Mailgun, PEM private keys, JWTs, credentials in URLs, Basic/Bearer literals,
 *     Google API keys (low: public identifiers), Google OAuth client secrets, Facebook, Square,
 *     Shopify, npm, OpenAI, Anthropic, Telegram, Azure, Hugging Face. Shape-based: a value that
 *     has a live key's shape is reported as one even if its text says "fake"; documentation
 *     examples ("EXAMPLE") and placeholders are skipped.
 *  2. Cryptographic keys: a literal that reaches `new SecretKeySpec(...)`/PBEKeySpec through
 *     getBytes()/toCharArray()/a decoder, in the same method or from a caller (one level), or via
 *     a field assigned that literal (CWE-321).
 *  3. Hardcoded credential checks: a literal compared (String.equals/equalsIgnoreCase,
 *     TextUtils.equals, Kotlin ==) in app code with text typed by the user, with a
 *     password/secret/username field or getter, or a password-shaped literal compared with
 *     anything in login code (backdoor accounts).
 *  4. Named secrets: a random-looking literal assigned to a secret-named field (API_KEY,
 *     clientSecret, password...), passed under a secret-named key or header (putString,
 *     setRequestProperty("X-Api-Key", ...), Map.put, JSONObject.put...), written as
 *     "Password: ..." / "client_secret=..." inside a string, a secret-named string resource, or a
 *     secret-named key in an asset (JSON, properties, JS).
 * One finding per secret value: the best place (first-party before library, declaration before
 * use) is the location, the other places are listed. Evidence shows values only through
 * ctx.secret(). Library code is ranked lower by the rule runner.
 *
 * Cost: one stringSites() pass with a cheap categoriser (length and character checks before the
 * regexes), the static values of constant-holder classes only, a scan of the field-id tables for
 * secret-named String fields of app classes; callsTo() of common APIs (equals, Map.put) only when
 * a candidate method calls them. The first stringSites() of a scan also decodes every const
 * string of every dex (a model cost, paid once by whichever rule asks first).
 */
import { createHash } from 'node:crypto';
import { defineRule, type RuleContext } from '../src/rules/rule.js';
import type { AppModel } from '../src/model/app.js';
import type { ArgValue, CallSite, CodeIndex, MethodKey, MethodSummary, StringSite } from '../src/model/code-index.js';
import type { Severity } from '../src/report/types.js';
import { libraryOf } from '../src/model/libraries.js';
import { classifyKey, entropy, words } from '../src/model/session-data.js';
import {
  PREFILTER,
  awsSecretCandidates,
  charClasses,
  findSecrets,
  isExampleValue,
  isPlaceholder,
  looksLikeAlphabet,
  looksLikeIdentifier,
  plausibleSecretValue,
  type SecretMatch,
} from '../src/model/secret-patterns.js';
import {
  FieldLiterals,
  fieldName,
  javaName,
  methodRefOf,
  ownerOf,
  shortName,
  simpleClassName,
  sitesIn,
  staticStringsOf,
  stringArg,
  summaryOf,
} from '../src/model/method-flow.js';

// ------------------------------------------------------------------------------ names

type SecretKind = 'password' | 'secret' | 'token' | 'account';

const TOKENISH = /tok|sess|pass|pwd|secret|cred|key|auth|pin|jwt|bearer|cookie/i;
const USERISH = /user|login|account|admin/i;
const KEY_QUALIFIERS = new Set(['access', 'encryption', 'aes', 'signing', 'hmac', 'master', 'crypt', 'crypto', 'cipher', 'private', 'secret', 'api', 'consumer', 'app']);
/** Resource names of SDK configuration that is public by design (Firebase/Google services, Facebook). */
const PUBLIC_NAMES = new Set([
  'google_api_key', 'google_crash_reporting_api_key', 'google_app_id', 'gcm_defaultsenderid', 'default_web_client_id',
  'firebase_database_url', 'google_storage_bucket', 'project_id', 'facebook_app_id', 'facebook_client_token',
  'fb_login_protocol_scheme', 'com.google.firebase.crashlytics.mapping_file_id', 'mapbox_access_token',
]);

/** Last words that make a name about the secret's format, not the secret (PASSWORD_PATTERN, TOKEN_PREFIX). */
const NAME_META = new Set(['pattern', 'regex', 'regexp', 'format', 'prefix', 'suffix', 'separator', 'delimiter', 'charset', 'chars', 'alphabet', 'placeholder', 'mask', 'param', 'parameter', 'column', 'key_name', 'keyname', 'extra', 'action', 'intent', 'request', 'code']);

/** What a field, key, header or resource name says about its value, or null. */
function secretName(name: string): { kind: SecretKind; strength: 'high' | 'medium' } | null {
  if (name.length < 3 || name.length > 64) return null;
  if (TOKENISH.test(name)) {
    const ws = words(name);
    if (ws.length > 1 && NAME_META.has(ws[ws.length - 1]!)) return null;
    const k = classifyKey(name);
    if (k) {
      if (k.kind === 'password' || k.kind === 'pin') return k.kind === 'pin' ? null : { kind: 'password', strength: k.strength };
      if (k.kind === 'secret' || k.kind === 'credential') return { kind: 'secret', strength: k.strength };
      if (k.kind === 'token') return { kind: 'token', strength: k.strength };
      return null; // session ids and cookies named in code are names, not shipped secrets
    }
    const last = ws[ws.length - 1];
    if (last === 'key' && ws.length >= 2 && KEY_QUALIFIERS.has(ws[ws.length - 2]!)) return { kind: 'secret', strength: 'high' };
  }
  return null;
}

const ACCOUNT_ENDINGS = ['username', 'userid', 'user', 'login', 'loginname', 'loginid', 'account', 'accountname', 'admin', 'adminuser'];

/** A name for an account identifier: username, userName, login, adminUser (not userAgent, accountType). */
function accountName(name: string): boolean {
  if (!USERISH.test(name)) return false;
  const w = words(name);
  if (w.length === 0 || w.length > 3) return false;
  const joined = w.join('');
  return ACCOUNT_ENDINGS.some((e) => joined.endsWith(e)) && !/^(is|has|get|set|on|should)/.test(joined);
}

// ------------------------------------------------------------------------------ string categories

const C_PROVIDER = 1;
const C_PROSE = 2;
const C_KEYNAME = 4;

/** "Label: value" / "key=value" pairs inside one string. */
const PROSE_HINT = /(?:pass|pwd|secret|key|token|cred)[\w .-]{0,20}\s*[:=]\s*\S/i;

function categorize(s: string): number {
  const n = s.length;
  if (n < 3 || n > 8192) return 0;
  let c = 0;
  // Each test only on the strings it can match: provider shapes are 14+ characters, key names
  // have no spaces, labelled pairs have a ':' or '='.
  if (n >= 14 && PREFILTER.test(s)) c |= C_PROVIDER;
  if (n <= 64 && s.indexOf(' ') < 0 && TOKENISH.test(s) && !/\s/.test(s) && secretName(s) !== null) c |= C_KEYNAME;
  if (n >= 8 && n <= 2000 && (s.indexOf(':') >= 0 || s.indexOf('=') >= 0) && PROSE_HINT.test(s)) c |= C_PROSE;
  return c;
}

/** A literal that looks like a password in its own right (a backdoor compared with input). */
function passwordShaped(v: string): boolean {
  if (v.length < 8 || v.length > 64 || /\s/.test(v)) return false;
  if (/^v?\d+(\.\d+)+/.test(v) || /^[a-z]+:\/\//i.test(v) || v.includes('/') || /%[sd]|\{\d\}|\$\{/.test(v)) return false;
  // Java, intent and resource names (android.intent.action.SEND, ga_appName, Theme.AppCompat).
  if (/^[A-Za-z_$][\w$]*([.:-][A-Za-z_$][\w$]*)+$/.test(v) || looksLikeIdentifier(v)) return false;
  if (/^(Hmac|SHA|MD5|AES|RSA|DES|PBKDF|PBE|EC|X\.?509|PKCS|TLS|SSL|UTF|ISO|GMT|UTC)/i.test(v)) return false;
  if (looksLikeAlphabet(v) || isPlaceholder(v)) return false;
  return /[A-Za-z]/.test(v) && /[0-9]/.test(v) && charClasses(v) >= 3 && entropy(v) >= 2.8;
}

/** Names of code that checks credentials: where a password-shaped literal compared with anything is a backdoor. */
const AUTH_WORDS = new Set(['login', 'logon', 'signin', 'auth', 'authenticate', 'authentication', 'credential', 'credentials', 'creds', 'cred', 'password', 'passwd', 'pwd', 'passcode', 'secret', 'admin', 'unlock', 'backdoor', 'pincode']);

/** Where typed text comes from (the static type javac writes in the call). */
const GET_TEXT = ['Landroid/widget/EditText;->getText', 'Landroid/widget/TextView;->getText', 'Lcom/google/android/material/textfield/TextInputEditText;->getText'];

const AUTH_HINT = /log_?[io]n|sign_?in|auth|cred|passw|pwd|passcode|secret|admin|unlock|backdoor|pincode/i;

function authContext(k: MethodKey): boolean {
  if (!AUTH_HINT.test(k.class) && !AUTH_HINT.test(k.name)) return false;
  const w = [...words(simpleClassName(k.class)), ...words(k.name)];
  for (let i = 0; i < w.length; i++) if (AUTH_WORDS.has(w[i]!) || (i + 1 < w.length && AUTH_WORDS.has(w[i]! + w[i + 1]!))) return true;
  return false;
}

/** A value for a secret-named field/key/resource: random-looking, and not itself a label ("Password:") or a public key. */
/** Words that make a value a name or a label when little else is left ("Authorization2", "password_1"). */
const NAME_WORDS = /authorization|authentication|credentials?|password|passwd|passcode|secret|session|bearer|cookie|token|apikey|api_key|access|refresh|auth|pass|pwd|key/g;

function namedValueOk(value: string, kind: SecretKind, relaxed = false): boolean {
  if (publicValue(value) || secretName(value.replace(/[^A-Za-z0-9_ -]/g, '')) !== null) return false;
  const rest = value.toLowerCase().replace(NAME_WORDS, '').replace(/[^a-z0-9]/g, '');
  if (rest.length < 6) return false;
  // A word with punctuation is UI text ("Password:", "Required"); a long lowercase word after a label may be a key.
  if (/^[A-Z][a-z]+[\p{P}\u2026]*$/u.test(value) || (/^[a-z]+[\p{P}\u2026]*$/u.test(value) && (!relaxed || value.length < 12))) return false;
  // Regular expressions and format patterns (PASSWORD_PATTERN, TOKEN = "([a-z...]+)").
  if ((value.match(/[[\]()|\\^$*+?{}]/g)?.length ?? 0) >= 3) return false;
  return plausibleSecretValue(value, kind === 'password' ? 'password' : 'secret', relaxed);
}

/** A literal with the shape of a raw key: hex of 128/192/256 bits, or 16/24/32 printable characters. */
function keyShaped(v: string, allowBase64: boolean): string | null {
  if (/^[0-9a-fA-F]+$/.test(v) && (v.length === 32 || v.length === 48 || v.length === 64) && !/^(.)\1+$/.test(v)) return `hex, ${v.length * 4} bits`;
  if ((v.length === 16 || v.length === 24 || v.length === 32) && /^[\x20-\x7e]+$/.test(v) && !/^(AES|DES|RSA|PBE|Hmac|SHA|PBKDF|EC|Blowfish|ARC4|RC4|ChaCha|Android)/i.test(v) && !v.includes('/') && new Set(v).size >= 6) {
    return `${v.length} characters, ${v.length * 8} bits`;
  }
  if (allowBase64 && /^[A-Za-z0-9+/]+={0,2}$/.test(v) && v.length >= 20) {
    const bytes = Buffer.from(v, 'base64').length;
    if (bytes === 16 || bytes === 24 || bytes === 32) return `base64, ${bytes * 8} bits`;
  }
  return null;
}

// ------------------------------------------------------------------------------ aggregation

interface Place {
  kind: 'field' | 'code' | 'resource' | 'asset';
  class?: string;
  method?: string;
  field?: string;
  file?: string;
  line?: number;
  resource?: string;
  /** The name the value is assigned to / sent as / compared with. */
  key?: string;
  how?: string;
  library: boolean;
}

interface Entry {
  id: string;
  label: string;
  severity: Severity;
  confidence: 'high' | 'medium' | 'low';
  value: string;
  note?: string;
  places: Place[];
  /** Extra evidence lines (what the value is compared with, sibling literals, redacted). */
  related?: string[];
  /** Replaces "<Label> hardcoded in <place>" at the start of the message. */
  headline?: string;
  /** Text shown around the redacted value (the URL around a password). */
  around?: [string, string];
}

const RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
const SPECIFIC: Record<string, number> = { 'hardcoded-crypto-key': 1, 'credential-check': 2, 'labelled-credential': 3, 'named-secret': 4 };

class Findings {
  private byValue = new Map<string, Entry>();
  constructor(private readonly app: AppModel, private readonly ctx: RuleContext) {}

  private libCache = new Map<string, boolean>();

  isLib(cls: string | undefined): boolean {
    if (!cls) return false;
    let v = this.libCache.get(cls);
    if (v === undefined) {
      v = libraryOf(cls, this.ctx.options.ignoredLibraries, this.app.manifest.package) !== null;
      this.libCache.set(cls, v);
    }
    return v;
  }

  has(value: string): boolean {
    return this.byValue.has(value);
  }

  add(e: Omit<Entry, 'places'>, place: Place): void {
    const cur = this.byValue.get(e.value);
    if (!cur) {
      this.byValue.set(e.value, { ...e, places: [place] });
      return;
    }
    // Provider patterns beat heuristics; among those the more specific, then the more severe.
    const better = (SPECIFIC[e.id] ?? 0) < (SPECIFIC[cur.id] ?? 0) || ((SPECIFIC[e.id] ?? 0) === (SPECIFIC[cur.id] ?? 0) && RANK[e.severity] < RANK[cur.severity]);
    if (better) Object.assign(cur, { ...e, places: cur.places });
    if (!cur.places.some((p) => samePlace(p, place))) cur.places.push(place);
    else if (place.key) for (const p of cur.places) if (samePlace(p, place) && !p.key) Object.assign(p, { key: place.key, how: place.how });
  }

  addKey(value: string, place: Place): void {
    const cur = this.byValue.get(value);
    if (cur) {
      const p = cur.places.find((x) => samePlace(x, place));
      if (p) {
        if (!p.key) Object.assign(p, { key: place.key, how: place.how });
      } else cur.places.push(place);
    }
  }

  report(): void {
    const used = new Set<string>();
    for (const e of this.byValue.values()) {
      const places = [...e.places].sort((a, b) => Number(a.library) - Number(b.library) || order(a) - order(b));
      const best = places[0]!;
      const known = KNOWN_PUBLIC.find((k) => k.pattern === e.id && places.every((p) => p.class?.startsWith(k.classPrefix)));
      if (known) Object.assign(e, { severity: 'info', note: known.note });
      const withKey = (p: Place): string => `${describe(p)}${p.key && !(p.kind === 'field' && p.key === p.field) ? ` (${p.how ?? 'as'} ${JSON.stringify(p.key)})` : ''}`;
      const others = places.slice(1, 4).map(withKey);
      const more = places.length > 4 ? ` and ${places.length - 4} more places` : '';
      const message =
        (e.headline ?? `${capital(e.label)} hardcoded in ${withKey(best)}`) +
        (others.length ? `; also in ${others.join(', ')}${more}` : '') +
        (e.note ? ` (${e.note})` : '') +
        '. Anyone who has the APK can read it.';
      const location = best.kind === 'field' ? { class: best.class!, element: best.field! } : best.kind === 'code' ? { class: best.class!, method: best.method! } : { file: best.file!, ...(best.line ? { line: best.line } : {}), ...(best.resource ? { element: best.resource } : {}) };
      // Names only: rule id, pattern, where (class + field/method, resource, asset file) and the key it is under.
      const fp = [e.id, best.class ?? best.file ?? '', best.field ?? best.method ?? best.resource ?? '', best.kind === 'field' ? '' : best.key ?? ''];
      let fpKey = fp.join('\u0000');
      if (used.has(fpKey)) {
        // Two different secrets of the same kind in one place: the value tells them apart.
        fp.push(createHash('sha256').update(e.value).digest('hex').slice(0, 12));
        fpKey = fp.join('\u0000');
      }
      used.add(fpKey);
      this.ctx.report({
        message,
        location,
        evidence: `${e.related ? `${e.related.join('; ')}\n` : ''}${best.key ? `${best.key} = ` : ''}${e.around?.[0] ?? ''}${this.ctx.secret(e.value)}${e.around?.[1] ?? ''}`,
        severity: e.severity,
        confidence: e.confidence,
        title: `Hardcoded secret: ${e.label}`,
        fingerprint: fp,
      });
    }
  }
}

function samePlace(a: Place, b: Place): boolean {
  return a.kind === b.kind && a.class === b.class && a.method === b.method && a.field === b.field && a.file === b.file && a.resource === b.resource;
}

function order(p: Place): number {
  return p.kind === 'field' ? 0 : p.kind === 'code' ? 1 : p.kind === 'resource' ? 2 : 3;
}

function describe(p: Place): string {
  const cls = p.class ? simpleClassName(p.class) : '';
  if (p.kind === 'field') return `${cls}.${p.field}`;
  if (p.kind === 'code') return `${cls}.${p.method}()`;
  if (p.kind === 'resource') return `string resource ${p.resource}`;
  return `${p.file}${p.line ? `:${p.line}` : ''}`;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function codePlace(f: Findings, k: MethodKey, extra: Partial<Place> = {}): Place {
  return { kind: 'code', class: k.class, method: k.name, library: f.isLib(k.class), ...extra };
}

function fieldPlace(f: Findings, ref: string, extra: Partial<Place> = {}): Place {
  const cls = ownerOf(ref);
  const name = fieldName(ref);
  return { kind: 'field', class: cls, field: name, key: name, how: 'assigned to', library: f.isLib(cls), ...extra };
}

function provider(m: SecretMatch): Omit<Entry, 'places'> {
  const note = m.note ?? (m.pattern.id === 'google-api-key' ? 'a public identifier by design (MASWE-0005): restrict it to this app and the APIs it needs' : undefined);
  return { id: m.pattern.id, label: m.pattern.label, severity: m.severity, confidence: 'high', value: m.value, ...(note ? { note } : {}), ...(m.around ? { around: m.around } : {}) };
}

/** Values that libraries ship on purpose and that are not anyone's credential. */
const KNOWN_PUBLIC: { pattern: string; classPrefix: string; note: string }[] = [
  // SslUtils.PROBING_KEY, used by OpenSsl and JdkSslServerContext to test what the TLS engine supports.
  { pattern: 'private-key', classPrefix: 'Lio/netty/handler/ssl/', note: 'a throwaway key Netty ships to probe TLS support; not a credential' },
];

function named(kind: SecretKind, strength: 'high' | 'medium', value: string, relaxed = false): Omit<Entry, 'places'> {
  const label = kind === 'password' ? 'password' : kind === 'token' ? 'token' : 'secret';
  return {
    id: relaxed ? 'labelled-credential' : 'named-secret',
    label: `${label} (by its name)`,
    severity: strength === 'high' ? 'high' : 'medium',
    confidence: 'medium',
    value,
  };
}

/** Public-by-design values that a secret-looking name may hold (Google API keys, Stripe/Mapbox publishable keys). */
function publicValue(v: string): boolean {
  return /^(AIza|pk_live_|pk_test_|pk\.eyJ|sha256\/|sha1\/)/.test(v);
}

// ------------------------------------------------------------------------------ code paths

const COMPARE_REFS = [
  'Ljava/lang/String;->equals',
  'Ljava/lang/String;->equalsIgnoreCase',
  'Landroid/text/TextUtils;->equals',
  'Lkotlin/jvm/internal/Intrinsics;->areEqual',
];
const KEYED_PREFIXES = [
  'Landroid/content/SharedPreferences$Editor;->putString',
  'Lorg/json/JSONObject;->put',
  'Ljava/util/Map;->put',
  'Ljava/util/HashMap;->put',
  'Ljava/util/LinkedHashMap;->put',
  'Ljava/util/Hashtable;->put',
  'Ljava/util/Properties;->setProperty',
  'Landroid/os/Bundle;->putString',
  'Landroid/content/Intent;->putExtra',
  'Landroid/content/ContentValues;->put',
  'Lorg/apache/http/message/BasicNameValuePair;-><init>',
  'Lorg/apache/http/message/BasicHeader;-><init>',
  'Landroid/net/Uri$Builder;->appendQueryParameter',
  'Lokhttp3/FormBody$Builder;->add',
  'Lokhttp3/HttpUrl$Builder;->addQueryParameter',
  'Lokhttp3/Request$Builder;->header',
  'Lokhttp3/Request$Builder;->addHeader',
  'Lokhttp3/Headers$Builder;->add',
  'Lokhttp3/Headers$Builder;->set',
];
const HEADER_METHODS = new Set(['setRequestProperty', 'addRequestProperty', 'setHeader', 'addHeader', 'header']);

const keyedCache = new Map<string, [number, number, string] | null>();

/** [key arg, value arg, how] of a call that stores or sends a value under a name. */
function keyedCall(target: string): [number, number, string] | null {
  let v = keyedCache.get(target);
  if (v === undefined) {
    v = keyedCallUncached(target);
    if (keyedCache.size > 50_000) keyedCache.clear();
    keyedCache.set(target, v);
  }
  return v;
}

function keyedCallUncached(target: string): [number, number, string] | null {
  const a = target.indexOf('->');
  const p = target.indexOf('(', a);
  const name = target.slice(a + 2, p);
  const proto = target.slice(p);
  if (HEADER_METHODS.has(name) && proto.startsWith('(Ljava/lang/String;Ljava/lang/String;)')) return [1, 2, 'sent as header'];
  for (const k of KEYED_PREFIXES) {
    if (target.startsWith(k) && (proto.startsWith('(Ljava/lang/String;') || proto.startsWith('(Ljava/lang/Object;'))) {
      return [1, 2, k.includes('SharedPreferences') ? 'stored under' : k.includes('Builder;->header') || k.includes('BasicHeader') || k.includes('Headers') ? 'sent as header' : 'put under'];
    }
  }
  return null;
}

const DECODERS = (t: string): boolean =>
  t.startsWith('Ljava/lang/String;->getBytes') ||
  t.startsWith('Ljava/lang/String;->toCharArray') ||
  t.startsWith('Landroid/util/Base64;->decode') ||
  t.startsWith('Ljava/util/Base64$Decoder;->decode') ||
  // app hex/base64 helpers: static (String...)[B
  (/^\(Ljava\/lang\/String;[^)]*\)\[B$/.test(t.slice(t.indexOf('('))) && !t.startsWith('Ljava/') && !t.startsWith('Landroid/'));

const KEY_SPECS = [
  'Ljavax/crypto/spec/SecretKeySpec;-><init>',
  'Ljavax/crypto/spec/PBEKeySpec;-><init>',
  'Ljavax/crypto/spec/DESKeySpec;-><init>',
  'Ljavax/crypto/spec/DESedeKeySpec;-><init>',
];

export default defineRule({
  meta: {
    id: 'hardcoded-secret',
    title: 'Hardcoded secret in the APK',
    severity: 'high',
    masvs: ['MASVS-AUTH-1', 'MASVS-STORAGE-1'],
    mastg: ['MASWE-0005'],
    cwe: ['CWE-798', 'CWE-321'],
    description:
      'An API key, token, password, private key or encryption key is written into the app: in code, a static field, a string resource or an asset. Everything in an APK is readable by anyone who has it (unzip, jadx), so the secret is public: a server API key lets anyone call the API as the app, a hardcoded account or compared password is a backdoor, and a hardcoded encryption key makes "encrypted" tokens and passwords on the device readable. Matching is by shape (provider key formats) and by name (secret-named fields, keys and resources with random-looking values); Google/Firebase API keys are reported low because they are public identifiers meant to be restricted, not secrets (MASWE-0005).',
    remediation:
      'Remove the secret from the app and rotate it. Keep server credentials on a backend the app calls with the user\'s session; restrict public client keys (Google API key restrictions, Firebase App Check); generate encryption keys at runtime in the Android Keystore (KeyGenerator with "AndroidKeyStore") instead of shipping them; never check passwords or backdoor accounts in the client.',
    references: ['https://mas.owasp.org/MASWE/MASVS-AUTH/MASWE-0005/', 'https://cwe.mitre.org/data/definitions/798.html'],
  },
  check(app: AppModel, ctx: RuleContext) {
    const code = app.code;
    const f = new Findings(app, ctx);
    const literals = new FieldLiterals(code);

    // Secret-named String fields; the literals written into app fields are found in the same
    // stringSites() pass as everything else.
    const secretFields = namedStringFields(code, (cls) => f.isLib(cls));
    const wanted = literals.plan(secretFields.keys());

    // ---- 1. dex const-strings, one pass.
    const cats = new Map<string, number>();
    const groups = code.stringSites((s) => {
      const c = categorize(s);
      if (c !== 0) cats.set(s, c);
      return c !== 0 || wanted.has(s);
    });
    literals.resolve(groups);
    const keyNameMethods = new Map<string, MethodKey>();
    for (const g of groups) {
      const c = cats.get(g.value) ?? 0;
      if (c & C_PROVIDER) {
        for (const m of findSecrets(g.value)) {
          for (const s of g.sites) f.add(provider(m), codePlace(f, s.caller));
          if (m.pattern.id === 'aws-access-key-id') pairAws(code, f, m, g.sites);
        }
      }
      if (c & C_PROSE) for (const s of g.sites) prose(f, g.value, codePlace(f, s.caller));
      if (c & C_KEYNAME) for (const s of g.sites) keyNameMethods.set(`${s.dex}\u0000${methodRefOf(s.caller)}`, s.caller);
    }

    // ---- 2. static final String fields (static_values) of constant-holder classes (BuildConfig,
    // Config, Constants, Keys, Secrets...) by shape, and secret-named fields of app classes by
    // name. Constants used in code are also const-strings at their use sites (javac and R8 inline
    // them), so pass 1 sees them; reading every class's static values would cost more than the
    // rest of the rule on a large app.
    for (const cls of constantHolders(code)) {
      for (const v of staticStringsOf(code, cls)) {
        if (v.value.length >= 14 && PREFILTER.test(v.value)) for (const m of findSecrets(v.value)) f.add(provider(m), fieldPlace(f, v.field));
      }
    }
    for (const [ref, sn] of secretFields) {
      for (const lit of literals.of(ref)) {
        const place = fieldPlace(f, ref);
        if (f.has(lit.value)) {
          f.addKey(lit.value, { ...place, key: fieldName(ref), how: 'assigned to' });
          continue;
        }
        if (!namedValueOk(lit.value, sn.kind)) continue;
        f.add(named(sn.kind, sn.strength, lit.value), place);
      }
    }

    // ---- 3. values stored or sent under a secret-named key, only in methods that name one.
    const keyedDone = new Set<string>();
    for (const k of keyNameMethods.values()) {
      if (f.isLib(k.class)) continue; // library secrets are found by shape (provider patterns) only
      const m = summaryOf(code, k);
      if (!m || !m.invokes.some((t) => keyedCall(t) !== null)) continue;
      keyedDone.add(methodRefOf(k));
      // Only worth the call sites when the method also holds a candidate value.
      if (!m.strings.some((s) => f.has(s) || (secretName(s) === null && plausibleSecretValue(s, 'password')))) continue;
      for (const s of sitesIn(code, m, (t) => keyedCall(t) !== null)) {
        const [ki, vi, how] = keyedCall(s.target)!;
        const key = stringArg(s.args[ki]);
        const value = stringArg(s.args[vi]);
        if (key === null || value === null) continue;
        const place = codePlace(f, s.caller, { key, how });
        if (f.has(value)) {
          f.addKey(value, place);
          continue;
        }
        const sn = secretName(key);
        if (!sn || !namedValueOk(value, sn.kind)) continue;
        f.add(named(sn.kind, sn.strength, value), place);
      }
    }

    // ---- 4. literal compared with user input, a credential field/getter, or a password-shaped literal.
    credentialChecks(code, f);

    // ---- 5. literal encryption keys.
    cryptoKeys(code, f, literals);

    // ---- 6. string resources.
    if (app.resources) {
      for (const pkg of app.resources.packages) {
        const spec = pkg.typeByName('string');
        if (!spec) continue;
        // The default configuration only: secrets are not translated, and decoding every
        // locale of a large app (Play services ships dozens) costs more than the rest of the rule.
        for (const chunk of spec.configs) {
          if (chunk.config.qualifiers !== '') continue;
          for (const i of chunk.indexes()) {
            const e = chunk.entry(i);
            if (!e || !e.key || !('type' in e.value) || e.value.type !== 'string') continue;
            const value = e.value.value;
            const place: Place = { kind: 'resource', file: 'resources.arsc', resource: `@string/${e.key}`, library: false };
            if (value.length >= 14 && PREFILTER.test(value)) {
              const ms = findSecrets(value);
              for (const m of ms) f.add(provider(m), { ...place, key: e.key, how: 'string resource' });
              if (ms.length) continue;
            }
            if (PUBLIC_NAMES.has(e.key.toLowerCase())) continue;
            const sn = secretName(e.key);
            if (!sn || !namedValueOk(value, sn.kind)) continue;
            f.add(named(sn.kind, sn.strength, value), place);
          }
        }
      }
    }

    // ---- 7. assets and res/raw text.
    for (const file of app.content.textFiles()) scanText(f, file.name, file.text);

    f.report();
  },
});

// ------------------------------------------------------------------------------ helpers

/** Classes whose simple name says they hold configuration constants. */
const HOLDER = /^(BuildConfig|Configs?|Configuration|AppConfig|Constants?|Consts|Keys|ApiKeys|Secrets?|Credentials|Env|Environment|Settings)$/;

function constantHolders(code: CodeIndex): string[] {
  const out: string[] = [];
  for (const dex of code.dexes) {
    for (const cls of dex.classes) {
      if (cls.staticValuesOff === 0) continue;
      const name = cls.name;
      const simple = name.slice(name.lastIndexOf('/') + 1, -1);
      if (HOLDER.test(simple)) out.push(name);
    }
  }
  return out;
}

/** An AWS key id next to a 40-character secret (same method or class): report the secret too. */
function pairAws(code: CodeIndex, f: Findings, m: SecretMatch, sites: StringSite[]): void {
  for (const s of sites.slice(0, 5)) {
    const summary = summaryOf(code, s.caller);
    const near = [...(summary?.strings ?? []), ...staticStringsOf(code, s.caller.class).map((v) => v.value)];
    for (const str of near) {
      for (const secret of awsSecretCandidates(str)) {
        f.add({ id: 'aws-secret-access-key', label: 'AWS secret access key', severity: 'high', confidence: 'high', value: secret, note: `next to access key id ${m.value.slice(0, 4)}…` }, codePlace(f, s.caller));
      }
    }
  }
}

const PROSE_PAIR = /^\s*([A-Za-z][A-Za-z0-9 _.\-]{1,40}?)\s*[:=]\s*(\S{4,256})\s*$/;

/** "API Key: abc", "client_secret=abc" pairs inside one string (UI text, query strings, configs). */
function prose(f: Findings, s: string, place: Place): void {
  for (const seg of s.split(/[\n&;,]|\\n/)) {
    const m = PROSE_PAIR.exec(seg);
    if (!m) continue;
    const key = m[1]!.trim();
    const value = m[2]!.replace(/^["']|["',;]$/g, '');
    const sn = secretName(key);
    if (!sn || !namedValueOk(value, sn.kind, true)) continue;
    if (f.has(value)) {
      f.addKey(value, { ...place, key, how: 'labelled' });
      continue;
    }
    f.add(named(sn.kind, sn.strength, value, true), { ...place, key, how: 'labelled' });
  }
}

/** String-typed fields of app classes whose names say secret (API_KEY, clientSecret, password). */
function namedStringFields(code: CodeIndex, isLib: (cls: string) => boolean): Map<string, { kind: SecretKind; strength: 'high' | 'medium' }> {
  const secretFields = new Map<string, { kind: SecretKind; strength: 'high' | 'medium' }>();
  for (const dex of code.dexes) {
    const strType = dex.typeIndex('Ljava/lang/String;');
    if (strType < 0) continue;
    const types = dex.fieldTypeIdx;
    const names = dex.fieldNameIdx;
    const owners = dex.fieldClassIdx;
    const seenName = new Map<number, boolean>(); // name string idx -> secret-named
    const libType = new Map<number, boolean>(); // owner type idx -> library code
    for (let fid = 0; fid < types.length; fid++) {
      if (types[fid] !== strType) continue;
      // App classes only (library secrets are found by their shape); class names are decoded
      // already, field names are not: the owner is checked first.
      const owner = owners[fid]!;
      let lib = libType.get(owner);
      if (lib === undefined) libType.set(owner, (lib = isLib(dex.type(owner))));
      if (lib) continue;
      const ni = names[fid]!;
      let v = seenName.get(ni);
      if (v === undefined) {
        const name = dex.string(ni);
        v = TOKENISH.test(name) && secretName(name) !== null;
        seenName.set(ni, v);
      }
      if (!v) continue;
      const ref = dex.fieldRef(fid);
      secretFields.set(ref, secretName(fieldName(ref))!);
    }
  }
  return secretFields;
}

/** Where a compared value comes from, if it is something credential-like. */
function credentialSide(a: ArgValue | undefined, m: MethodSummary): { what: string; kind: 'input' | 'secret' | 'account' } | null {
  if (!a) return null;
  if (a.kind === 'field') {
    const n = fieldName(a.ref);
    if (secretName(n)) return { what: `field ${n}`, kind: 'secret' };
    if (accountName(n)) return { what: `field ${n}`, kind: 'account' };
    return null;
  }
  if (a.kind === 'result') {
    const name = a.of.slice(a.of.indexOf('->') + 2, a.of.indexOf('('));
    if (/->toString\(\)|->trim\(\)|->toLowerCase\(|->toUpperCase\(/.test(a.of) && m.invokes.some((t) => /->getText\(\)/.test(t))) return { what: 'text typed by the user', kind: 'input' };
    const bare = name.replace(/^(get|read|load|fetch)/, '');
    if (bare && secretName(bare)) return { what: `${name}()`, kind: 'secret' };
    if (bare && accountName(bare)) return { what: `${name}()`, kind: 'account' };
  }
  return null;
}

function credentialChecks(code: CodeIndex, f: Findings): void {
  // Backdoor checks are looked for in app code only: a library compares its own names.
  const callers = new Map<string, MethodKey>();
  for (const r of COMPARE_REFS) for (const c of code.callersOf(r)) if (!f.isLib(c.class)) callers.set(methodRefOf(c), c);
  if (callers.size === 0) return;
  // Methods that read typed text, and login code (by class or method name), that compare strings.
  const candidates = new Map<string, MethodKey>();
  for (const r of GET_TEXT) {
    for (const c of code.callersOf(r)) {
      const id = methodRefOf(c);
      if (callers.has(id)) candidates.set(id, c);
    }
  }
  for (const [id, k] of callers) if (!candidates.has(id) && authContext(k)) candidates.set(id, k);
  for (const k of candidates.values()) {
    const m = summaryOf(code, k);
    if (!m) continue;
    const compares: { literal: string; side: ReturnType<typeof credentialSide>; site: CallSite }[] = [];
    for (const s of sitesIn(code, m, (t) => COMPARE_REFS.some((r) => t.startsWith(r)))) {
      const [a, b] = s.args.length >= 2 ? [s.args[s.args.length - 2], s.args[s.args.length - 1]] : [undefined, undefined];
      const lit = stringArg(b) ?? stringArg(a);
      if (lit === null || lit.length < 4 || lit.length > 128 || /\s/.test(lit) || isPlaceholder(lit)) continue;
      const other = stringArg(b) !== null ? a : b;
      compares.push({ literal: lit, side: credentialSide(other, m), site: s });
    }
    for (const c of compares) {
      const pw = passwordShaped(c.literal);
      const side = c.side;
      if (!side && !(pw && authContext(k))) continue;
      if (side?.kind !== 'input' && !authContext(k)) continue; // a credential-named field compared outside login code
      if (side?.kind === 'input' && c.literal.length < 6) continue;
      if (side?.kind === 'account' && (looksLikeDomainWord(c.literal) || c.literal.length < 4)) continue;
      const siblings = [...new Set(compares.filter((x) => x !== c).map((x) => x.literal))];
      const kind = side?.kind ?? 'secret';
      const label = kind === 'account' ? 'account name compared in code' : 'password or key compared in code';
      const sev: Severity = kind === 'account' ? 'medium' : 'high';
      const against = side ? side.what : 'a value';
      f.add(
        {
          id: 'credential-check',
          label,
          headline: `${shortName(k)}() compares ${against} with a hardcoded ${kind === 'account' ? 'account name' : kind === 'input' ? 'secret' : 'password'}: a backdoor or client-side credential check`,
          severity: sev,
          confidence: side ? 'high' : 'medium',
          value: c.literal,
          related: [
            `compared with ${side ? side.what : 'a value'} in ${shortName(k)}()`,
            ...(siblings.length ? [`also compared there: ${siblings.map((s) => redactShort(s)).join(', ')}`] : []),
          ],
        },
        codePlace(f, k),
      );
    }
  }
}

/** "String.getBytes" for "Ljava/lang/String;->getBytes(..)". */
function refShort(ref: string): string {
  const a = ref.indexOf('->');
  const p = ref.indexOf('(', a);
  return `${simpleClassName(ref.slice(0, a))}.${ref.slice(a + 2, p < 0 ? undefined : p)}`;
}

function redactShort(s: string): string {
  return `${s.slice(0, Math.min(2, Math.floor(s.length / 4)))}… (${s.length} chars)`;
}

/** Ordinary words compared with a username field: "admin" alone is suspicious, "null"/"guest" are not secrets either way. */
function looksLikeDomainWord(s: string): boolean {
  return /^(null|none|guest|anonymous|default|root)$/i.test(s);
}

/** Literal keys reaching SecretKeySpec / PBEKeySpec. */
function cryptoKeys(code: CodeIndex, f: Findings, literals: FieldLiterals): void {
  for (const ref of KEY_SPECS) {
    for (const s of code.callsTo(ref)) {
      const m = summaryOf(code, s.caller);
      if (!m) continue;
      const keyArg = s.args[1];
      const direct = resolveKeyLiterals(code, m, keyArg, literals, true);
      for (const d of direct) reportKey(f, d, s, m.key, null);
      // The key is a parameter: look at what the callers pass (one level), in app code only.
      if (direct.length === 0 && keyArg && keyArg.kind === 'unknown' && !f.isLib(s.caller.class)) {
        const myRef = methodRefOf(m.key);
        for (const c of code.callersOf(myRef).slice(0, 20)) {
          const cm = summaryOf(code, c);
          if (!cm) continue;
          for (const cs of sitesIn(code, cm, (t) => t === myRef)) {
            for (const a of cs.args) for (const d of resolveKeyLiterals(code, cm, a, literals, false)) reportKey(f, d, s, c, m.key);
          }
        }
      }
    }
  }
}

interface KeyLiteral {
  value: string;
  shape: string;
  from: string;
  field?: string;
}

/** Literal strings that become the bytes/chars of `a` in method `m`. */
function resolveKeyLiterals(code: CodeIndex, m: MethodSummary, a: ArgValue | undefined, literals: FieldLiterals, sameMethod: boolean): KeyLiteral[] {
  if (!a || a.kind !== 'result' || !DECODERS(a.of)) return [];
  const out: KeyLiteral[] = [];
  const isStatic = !a.of.startsWith('Ljava/lang/String;->');
  const base64 = a.of.includes('Base64');
  for (const s of sitesIn(code, m, (t) => t === a.of)) {
    const src = isStatic ? s.args[0] : s.args[0];
    const cands: { value: string; field?: string }[] = [];
    const lit = stringArg(src);
    if (lit !== null) cands.push({ value: lit });
    else if (src && src.kind === 'field') for (const l of literals.of(src.ref)) cands.push({ value: l.value, field: src.ref });
    for (const c of cands) {
      // Same method: any literal (of 8+ characters) is the key; from a caller, only key-shaped ones.
      const shape = keyShaped(c.value, sameMethod && base64) ?? (sameMethod && c.value.length >= 8 && !isPlaceholder(c.value) ? `${c.value.length} characters` : null);
      if (!shape || isExampleValue(c.value)) continue;
      const from = `${refShort(a.of)}()`;
      out.push({ value: c.value, shape, from, ...(c.field ? { field: c.field } : {}) });
    }
  }
  return out;
}

function reportKey(f: Findings, d: KeyLiteral, spec: CallSite, where: MethodKey, callee: MethodKey | null): void {
  const specName = simpleClassName(ownerOf(spec.target));
  const place = d.field ? fieldPlace(f, d.field, { key: fieldName(d.field), how: 'assigned to' }) : codePlace(f, where);
  f.add(
    {
      id: 'hardcoded-crypto-key',
      label: 'encryption key',
      severity: 'high',
      confidence: callee ? 'medium' : 'high',
      value: d.value,
      note: `${d.shape}, reaches new ${specName}(…) in ${javaName(spec.caller)}() through ${d.from}${callee ? `, passed by ${javaName(where)}()` : ''}`,
    },
    place,
  );
}

// ------------------------------------------------------------------------------ text files

const TEXT_KEYWORD = /(?:secret|passw(?:or)?d|pwd|token|api[_-]?key|apikey|private[_-]?key|access[_-]?key|client[_-]?secret|credential|auth)/gi;
const KV_AFTER = /^[A-Za-z0-9_.\-]*["']?\s*[:=]\s*(["'`])([^"'`\r\n]{6,512})\1/;
const PROP_LINE = /^[ \t]*([A-Za-z0-9_.\-]{2,64})[ \t]*[=:][ \t]*([^\s#;]{6,512})[ \t]*$/gm;

/** 1-based line of an offset; the newline offsets are found once per text. */
function lineIndex(text: string): (index: number) => number {
  let starts: number[] | null = null;
  return (index) => {
    if (starts === null) {
      starts = [];
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i);
    }
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid]! < index) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
}

function scanText(f: Findings, file: string, text: string): void {
  const lineOf = lineIndex(text);
  for (const m of findSecrets(text)) f.add(provider(m), { kind: 'asset', file, line: lineOf(m.index), library: false });
  if (!TEXT_KEYWORD.test(text)) return;
  TEXT_KEYWORD.lastIndex = 0;
  // key: "value" / "key" = 'value' around each keyword (JSON, JS, XML attributes, YAML).
  let k: RegExpExecArray | null;
  let guard = 0;
  while ((k = TEXT_KEYWORD.exec(text)) !== null && guard++ < 5000) {
    let start = k.index;
    while (start > 0 && /[A-Za-z0-9_.\-]/.test(text[start - 1]!)) start--;
    const rest = text.slice(k.index, k.index + 600);
    const kv = KV_AFTER.exec(rest);
    if (!kv) continue;
    const key = text.slice(start, k.index) + rest.slice(0, rest.search(/["'\s:=]/));
    checkNamed(f, key, kv[2]!, { kind: 'asset', file, line: lineOf(k.index), library: false });
  }
  if (/\.(properties|env|cfg|conf|ini|txt)$/i.test(file) || !/\.[a-z]+$/i.test(file)) {
    for (const m of text.matchAll(PROP_LINE)) checkNamed(f, m[1]!, m[2]!, { kind: 'asset', file, line: lineOf(m.index ?? 0), library: false });
  }
}

function checkNamed(f: Findings, key: string, value: string, place: Place): void {
  const sn = secretName(key.replace(/^[._-]+|[._-]+$/g, ''));
  if (!sn || PUBLIC_NAMES.has(key.toLowerCase())) return;
  if (f.has(value)) {
    f.addKey(value, { ...place, key, how: 'as' });
    return;
  }
  if (!namedValueOk(value, sn.kind)) return;
  f.add(named(sn.kind, sn.strength, value), { ...place, key, how: 'as' });
}


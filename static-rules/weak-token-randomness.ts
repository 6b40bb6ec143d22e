/**
 * weak-token-randomness: a session token, session id, nonce, OTP or password made from a
 * predictable source (java.util.Random, Math.random, ThreadLocalRandom, kotlin.random, the clock,
 * String.hashCode, UUID.nameUUIDFromBytes).
 *
 * Using Random is not a finding by itself (a game's dice, an animation's jitter, a retry backoff
 * are fine). A method is reported only when the weak value *becomes* a token in that method:
 *  - it is written under a session-named key or header (putString("auth_token", ·),
 *    setRequestProperty("Authorization", ·), JSONObject/Map/Bundle/Intent put, setCookie);
 *  - it is appended right after a token label ("nonce=", "&session_id=", `","otp":`);
 *  - the method itself makes a token (newToken, generateSessionId, createOtp: a maker name,
 *    not isTokenExpired / nextToken / clearSession), or its class is named like one
 *    (SessionIdGenerator.next());
 *  - it writes a session-named field (co-occurrence only: medium confidence).
 * Values are followed inside the method through call results (Random.nextLong() -> append(J) ->
 * toString() -> putString), and one level up: a helper that returns a weak random value
 * (randomString(int)) is reported where its result becomes a token.
 *
 * Clock values and hashes are only "weak randomness" when they are the material: they count when
 * they seed a Random, or reach a token sink or a string in a token maker. A clock read in
 * isTokenExpired() or a timestamp stored next to a token is not reported.
 */
import { defineRule, type RuleContext } from '../src/rules/rule.js';
import type { AppModel } from '../src/model/app.js';
import type { ArgValue, CallSite, CodeIndex, MethodKey, MethodSummary } from '../src/model/code-index.js';
import {
  fieldName,
  fieldType,
  methodRefOf,
  returnTypeOf,
  shortName,
  simpleClassName,
  sitesIn,
  stringArg,
  summaryOf,
} from '../src/model/method-flow.js';
import { classifyKey } from '../src/model/session-data.js';
import { tokenLabelIn, tokenWordIn } from '../src/model/token-words.js';
import { libraryOf } from '../src/model/libraries.js';

type SourceKind = 'prng' | 'time' | 'derived';

interface SourceInfo {
  kind: SourceKind;
  label: string;
}

const RANDOM_NEXT = ['nextInt', 'nextLong', 'nextBytes', 'nextDouble', 'nextFloat', 'ints', 'longs'];

/** Weak sources, by ref prefix (class->name, every overload). */
const SOURCES: { ref: string; kind: SourceKind; label: string }[] = [
  { ref: 'Ljava/util/Random;-><init>', kind: 'prng', label: 'new java.util.Random()' },
  ...RANDOM_NEXT.map((n) => ({ ref: `Ljava/util/Random;->${n}`, kind: 'prng' as const, label: `java.util.Random.${n}()` })),
  { ref: 'Ljava/lang/Math;->random', kind: 'prng', label: 'Math.random()' },
  ...RANDOM_NEXT.map((n) => ({ ref: `Ljava/util/concurrent/ThreadLocalRandom;->${n}`, kind: 'prng' as const, label: `ThreadLocalRandom.${n}()` })),
  ...['nextInt', 'nextLong', 'nextBytes', 'nextDouble'].flatMap((n) => [
    { ref: `Lkotlin/random/Random;->${n}`, kind: 'prng' as const, label: `kotlin.random.Random.${n}()` },
    { ref: `Lkotlin/random/Random$Default;->${n}`, kind: 'prng' as const, label: `kotlin.random.Random.${n}()` },
  ]),
  { ref: 'Lkotlin/collections/CollectionsKt;->random', kind: 'prng', label: 'Collection.random() (kotlin.random)' },
  { ref: 'Lkotlin/collections/ArraysKt;->random', kind: 'prng', label: 'Array.random() (kotlin.random)' },
  { ref: 'Lkotlin/text/StringsKt;->random', kind: 'prng', label: 'CharSequence.random() (kotlin.random)' },
  { ref: 'Lkotlin/ranges/RangesKt;->random', kind: 'prng', label: 'IntRange.random() (kotlin.random)' },
  ...['random', 'randomAlphanumeric', 'randomAlphabetic', 'randomNumeric', 'randomAscii', 'randomPrint', 'randomGraph'].map((n) => ({
    ref: `Lorg/apache/commons/lang3/RandomStringUtils;->${n}`,
    kind: 'prng' as const,
    label: `RandomStringUtils.${n}() (java.util.Random)`,
  })),
  { ref: 'Ljava/lang/System;->currentTimeMillis', kind: 'time', label: 'System.currentTimeMillis()' },
  { ref: 'Ljava/lang/System;->nanoTime', kind: 'time', label: 'System.nanoTime()' },
  { ref: 'Ljava/util/Date;->getTime', kind: 'time', label: 'Date.getTime()' },
  { ref: 'Ljava/util/Calendar;->getTimeInMillis', kind: 'time', label: 'Calendar.getTimeInMillis()' },
  { ref: 'Landroid/os/SystemClock;->elapsedRealtime', kind: 'time', label: 'SystemClock.elapsedRealtime()' },
  { ref: 'Landroid/os/SystemClock;->uptimeMillis', kind: 'time', label: 'SystemClock.uptimeMillis()' },
  { ref: 'Ljava/util/UUID;->nameUUIDFromBytes', kind: 'derived', label: 'UUID.nameUUIDFromBytes() (a hash of known input)' },
  { ref: 'Ljava/lang/String;->hashCode', kind: 'derived', label: 'String.hashCode()' },
];

/** Calls that show the method also has a strong random source. */
const SECURE_PREFIXES = [
  'Ljava/security/SecureRandom;->',
  'Ljava/util/UUID;->randomUUID',
  'Ljavax/crypto/KeyGenerator;->generateKey',
  'Lcom/google/crypto/tink/subtle/Random;->',
];

const SECURE_RANDOM = 'Ljava/security/SecureRandom;';

function prefixOf(target: string): string {
  const p = target.indexOf('(');
  return p < 0 ? target : target.slice(0, p);
}

const SOURCE_BY_PREFIX = new Map(SOURCES.map((s) => [s.ref, s]));

/** The refs to look up (every overload of each): the weak sources but the hashes. */
function sourceQueries(): string[] {
  return SOURCES.filter((s) => s.kind !== 'derived').map((s) => s.ref);
}

function sourceOf(target: string): { kind: SourceKind; label: string } | undefined {
  return SOURCE_BY_PREFIX.get(prefixOf(target));
}

// ------------------------------------------------------------------------------ sinks

interface Sink {
  kind: 'prefs' | 'header' | 'keyed' | 'cookie' | 'concat' | 'maker' | 'field' | 'caller';
  text: string;
  /** A sink that proves the flow (value seen reaching it), not co-occurrence. */
  strong: boolean;
}

const HEADER_NAMES = new Set(['setRequestProperty', 'addRequestProperty', 'header', 'addHeader', 'setHeader']);
const KEYED_CLASSES = [
  'Lorg/json/JSONObject;->put',
  'Ljava/util/Map;->put',
  'Ljava/util/HashMap;->put',
  'Ljava/util/LinkedHashMap;->put',
  'Ljava/util/TreeMap;->put',
  'Ljava/util/concurrent/ConcurrentHashMap;->put',
  'Landroid/os/Bundle;->put',
  'Landroid/content/Intent;->putExtra',
  'Landroid/content/ContentValues;->put',
  'Lorg/apache/http/message/BasicNameValuePair;-><init>',
  'Landroid/net/Uri$Builder;->appendQueryParameter',
  'Lokhttp3/FormBody$Builder;->add',
  'Lokhttp3/HttpUrl$Builder;->addQueryParameter',
];

/** [key arg index, value arg index, kind] when `target` writes a value under a name. */
function keyedSink(target: string): [number, number, Sink['kind']] | null {
  const arrow = target.indexOf('->');
  const paren = target.indexOf('(', arrow);
  const name = target.slice(arrow + 2, paren);
  const proto = target.slice(paren);
  if (target.startsWith('Landroid/content/SharedPreferences$Editor;->put')) return [1, 2, 'prefs'];
  if (HEADER_NAMES.has(name) && proto.startsWith('(Ljava/lang/String;Ljava/lang/String;)')) return [1, 2, 'header'];
  if (target.startsWith('Landroid/webkit/CookieManager;->setCookie')) return [1, 2, 'cookie'];
  for (const k of KEYED_CLASSES) {
    if (target.startsWith(k) && (proto.startsWith('(Ljava/lang/String;') || proto.startsWith('(Ljava/lang/Object;'))) return [1, 2, 'keyed'];
  }
  return null;
}

/** Calls that turn a number into text (the last step before a code is stored). */
const CONVERSIONS = /^Ljava\/lang\/(String;->(valueOf|format)|Integer;->(toString|toHexString)|Long;->(toString|toHexString)|StringBuilder;->toString|StringBuffer;->toString)\(|^Ljava\/util\/Locale|^Ljava\/text\/(Decimal)?NumberFormat;->format/;

function isBuilderAppend(target: string): boolean {
  return target.startsWith('Ljava/lang/StringBuilder;->append(') || target.startsWith('Ljava/lang/StringBuffer;->append(');
}

function isBuilderToString(target: string): boolean {
  return target.startsWith('Ljava/lang/StringBuilder;->toString(') || target.startsWith('Ljava/lang/StringBuffer;->toString(');
}

// ------------------------------------------------------------------------------ receivers

/** Whether the receiver of a Random call is known to be a SecureRandom. */
class ReceiverCheck {
  private fields = new Map<string, boolean>();
  constructor(private readonly code: CodeIndex) {}

  secure(a: ArgValue | undefined): boolean {
    if (!a) return false;
    if (a.kind === 'new') return a.type === SECURE_RANDOM;
    if (a.kind === 'result') return a.of.startsWith(`${SECURE_RANDOM}->`) || returnTypeOf(a.of) === SECURE_RANDOM;
    if (a.kind === 'field') {
      const t = fieldType(a.ref);
      if (t === SECURE_RANDOM) return true;
      if (t !== 'Ljava/util/Random;') return false;
      let v = this.fields.get(a.ref);
      if (v === undefined) {
        // A Random-typed field: secure when the code that assigns it builds a SecureRandom.
        v = false;
        for (const w of this.code.fieldAccesses(a.ref)) {
          if (w.access !== 'write') continue;
          const m = summaryOf(this.code, w.caller);
          if (m && m.invokes.some((t2) => t2.startsWith(`${SECURE_RANDOM}->`))) v = true;
        }
        this.fields.set(a.ref, v);
      }
      return v;
    }
    return false;
  }
}

/** Whether a call site of a weak-source API really is a weak source. */
function weakSite(s: CallSite, rc: ReceiverCheck): SourceInfo | null {
  const src = sourceOf(s.target);
  if (!src) return null;
  if (s.target.startsWith('Ljava/util/Random;-><init>')) {
    const recv = s.args[0];
    // super(...) from a subclass constructor (KotlinRandom, a custom Random): not a `new Random`.
    if (!(recv && recv.kind === 'new' && recv.type === 'Ljava/util/Random;') && s.caller.name === '<init>') return null;
    return src;
  }
  if (s.target.startsWith('Ljava/util/Random;->') && rc.secure(s.args[0])) return null;
  if (s.target.startsWith('Lkotlin/') && s.target.includes('Kt;->random(')) {
    // Collection.random(random): the kotlin Random argument decides (asKotlinRandom() of a SecureRandom is fine).
    const r = s.args[s.args.length - 1];
    if (r && r.kind === 'result' && r.of.includes('asKotlinRandom')) return null;
  }
  return src;
}

// ------------------------------------------------------------------------------ per-method analysis

interface Verdict {
  method: MethodKey;
  sources: SourceInfo[];
  seededBy: string[];
  sinks: Sink[];
  via?: MethodKey;
}

interface MethodSignals {
  maker: string | null;
  classMaker: string | null;
  labels: boolean;
  fields: string[];
  keyedSinks: boolean;
}

/** Cheap test before splitting a string into words: could it name a token at all? */
const TOKENISH = /tok|sess|sid|nonce|otp|pass|pwd|pin|secret|csrf|xsrf|cookie|auth|jwt|bearer|cred|verif|key/i;

function labelled(s: string): boolean {
  return s.length <= 48 && TOKENISH.test(s) && tokenLabelIn(s) !== null;
}

/**
 * What in a method could make a weak value a token. `strict` (clock-only methods): only a maker
 * name, or a keyed sink/concatenation together with a token label; never a field co-occurrence.
 */
function signalsOf(m: MethodSummary, strict: boolean): MethodSignals | null {
  const maker = tokenWordIn(m.key.name)?.word ?? null;
  const cls = simpleClassName(m.key.class).replace(/\$.*$/, '');
  const classMaker = /(generator|factory|maker|builder|creator|provider|utils?|helper)$/i.test(cls) ? tokenWordIn(cls, false)?.word ?? null : null;
  const keyedSinks = m.invokes.some((t) => keyedSink(t) !== null);
  const appends = m.invokes.some(isBuilderAppend);
  if (maker || classMaker) return { maker, classMaker, labels: m.strings.some(labelled), fields: strict ? [] : secretFields(m), keyedSinks };
  // Without a maker name the token has to be named in the method: a key, header or label string.
  if (!keyedSinks && !appends && strict) return null;
  const labels = (keyedSinks || appends) && m.strings.some(labelled);
  const fields = strict ? [] : secretFields(m);
  if (!labels && fields.length === 0) return null;
  return { maker, classMaker, labels, fields, keyedSinks };
}

function secretFields(m: MethodSummary): string[] {
  const out: string[] = [];
  for (const f of m.fieldsWritten) {
    const n = fieldName(f);
    if (TOKENISH.test(n) && (classifyKey(n) !== null || tokenWordIn(n, false) !== null)) out.push(n);
  }
  return out;
}

/** The implementations of the weak sources themselves (kotlin.random, commons-lang). */
const SOURCE_IMPLEMENTATIONS = ['Lkotlin/random/', 'Lkotlin/collections/', 'Lkotlin/ranges/', 'Lkotlin/text/', 'Lorg/apache/commons/lang3/Random', 'Ljava/util/'];

/**
 * Follows weak values through one method. `extra` are call targets whose result is weak (helpers
 * found one level down). Returns null when nothing weak becomes a token here.
 */
function analyse(code: CodeIndex, m: MethodSummary, sig: MethodSignals, rc: ReceiverCheck, extra: Map<string, SourceInfo>): Verdict | null {
  const sites = sitesIn(code, m);
  const hasSecure = m.invokes.some((t) => SECURE_PREFIXES.some((p) => t.startsWith(p)));
  const tainted = new Map<string, SourceKind>();
  const used: SourceInfo[] = [];
  const seededBy: string[] = [];
  const sinks: Sink[] = [];
  /** Token-named writes of a value computed by code the index does not follow (arithmetic). */
  const nearby: Sink[] = [];
  let builderTaint: SourceKind | null = null;
  let lastLabel: string | null = null;
  let madeString = false;
  const rank = (k: SourceKind): number => (k === 'prng' ? 2 : k === 'time' ? 1 : 0);
  const join = (a: SourceKind | null, b: SourceKind): SourceKind => (a === null || rank(b) > rank(a) ? b : a);

  const taintOf = (a: ArgValue | undefined): SourceKind | null => {
    if (!a) return null;
    if (a.kind === 'result') return tainted.get(a.of) ?? null;
    if (a.kind === 'new' && (a.type === 'Ljava/lang/StringBuilder;' || a.type === 'Ljava/lang/StringBuffer;')) return builderTaint;
    return null;
  };

  for (const s of sites) {
    let src: SourceInfo | null = extra.get(s.target) ?? weakSite(s, rc);
    if (src && src.kind === 'derived' && hasSecure) src = null; // hashCode of SecureRandom output
    if (src && src.kind === 'time' && hasSecure) src = null;
    let t: SourceKind | null = null;
    for (const a of s.args) {
      const at = taintOf(a);
      if (at !== null) t = join(t, at);
    }
    if (src) {
      if (!used.some((u) => u.label === src!.label)) used.push(src);
      // Random(seed): the seed is what the numbers are made of.
      if (s.target.startsWith('Ljava/util/Random;-><init>(J)')) {
        const seed = s.args[1];
        if (seed && seed.kind === 'result') {
          const seedSrc = sourceOf(seed.of);
          if (seedSrc) seededBy.push(seedSrc.label);
        }
      }
      t = join(t, src.kind);
    }
    if (isBuilderAppend(s.target)) {
      const label = stringArg(s.args[1]);
      if (label !== null) lastLabel = label;
      const at = taintOf(s.args[1]);
      if (at !== null) {
        builderTaint = join(builderTaint, at);
        if (lastLabel !== null && label === null) {
          const w = tokenLabelIn(lastLabel);
          if (w) sinks.push({ kind: 'concat', text: `it is appended after ${JSON.stringify(lastLabel)}`, strong: true });
        }
      }
      if (label === null && at === null) lastLabel = null;
    } else if (isBuilderToString(s.target)) {
      const at = taintOf(s.args[0]) ?? (s.args[0]?.kind === 'unknown' ? builderTaint : null);
      if (at !== null) t = join(t, at);
    }
    const ks = keyedSink(s.target);
    if (ks) {
      const [ki, vi, kind] = ks;
      const vt = taintOf(s.args[vi]);
      if (vt !== null) {
        const key = stringArg(s.args[ki]);
        if (kind === 'cookie') sinks.push({ kind, text: 'it is set as a WebView cookie', strong: true });
        else if (key !== null && tokenLabelIn(key) !== null) {
          const what = kind === 'prefs' ? 'stored under' : kind === 'header' ? 'sent as header' : 'put under';
          sinks.push({ kind, text: `it is ${what} ${JSON.stringify(key)}`, strong: true });
        }
      } else {
        // `String.valueOf((int) (Math.random() * 900000))`: the arithmetic breaks the chain the
        // index follows; a token-named write of a converted value in the same method still counts.
        const v = s.args[vi];
        const key = stringArg(s.args[ki]);
        if (key !== null && kind !== 'cookie' && tokenLabelIn(key) !== null && v && v.kind === 'result' && CONVERSIONS.test(v.of)) {
          const what = kind === 'prefs' ? 'stored under' : kind === 'header' ? 'sent as header' : 'put under';
          nearby.push({ kind, text: `a value computed from it is ${what} ${JSON.stringify(key)}`, strong: false });
        }
      }
    }
    if (t !== null && returnTypeOf(s.target) !== 'V') {
      tainted.set(s.target, join(tainted.get(s.target) ?? null, t));
      const r = returnTypeOf(s.target);
      if (r === 'Ljava/lang/String;' || r === '[B' || r === '[C' || r === 'Ljava/util/UUID;' || r === 'Ljava/lang/StringBuilder;') madeString = true;
    }
  }
  if (used.length === 0) return null;
  const hasPrng = used.some((u) => u.kind === 'prng');
  // A maker (newToken, generateSessionId...) whose weak value becomes the product.
  const maker = sig.maker ?? sig.classMaker;
  if (maker && returnTypeOf(m.key.proto) !== 'V' && (hasPrng || madeString)) {
    sinks.push({
      kind: 'maker',
      text: sig.maker ? `the token-named method ${m.key.name}() returns it` : `${simpleClassName(m.key.class)}.${m.key.name}() returns it (a ${maker} generator class)`,
      strong: Boolean(sig.maker),
    });
  }
  if (hasPrng && sinks.length === 0) sinks.push(...nearby);
  if (hasPrng && sig.fields.length > 0) {
    sinks.push({ kind: 'field', text: `the method also writes field ${sig.fields.map((f) => JSON.stringify(f)).join(', ')}`, strong: false });
  }
  // Clock values and hashes only count through a proven flow, never by co-occurrence.
  const counted = sinks.filter((k) => k.strong || hasPrng);
  if (counted.length === 0) return null;
  return { method: m.key, sources: used, seededBy, sinks: counted };
}

// ------------------------------------------------------------------------------ the rule

const MAX_HELPERS = 300;
const MAX_CALLERS = 40;

export default defineRule({
  meta: {
    id: 'weak-token-randomness',
    title: 'Session token, nonce or OTP made from a predictable source',
    severity: 'high',
    masvs: ['MASVS-CRYPTO-1', 'MASVS-AUTH-1'],
    mastg: ['MASTG-TEST-0204', 'MASTG-TEST-0205'],
    cwe: ['CWE-330', 'CWE-338'],
    description:
      'A value that becomes a session token, session id, nonce, one-time code or password is made with java.util.Random, Math.random, ThreadLocalRandom, kotlin.random, the clock (System.currentTimeMillis, nanoTime, Date.getTime), String.hashCode or UUID.nameUUIDFromBytes. These are predictable: java.util.Random has a 48-bit state that two outputs reveal, and a clock seed is guessable to within the login time, so an attacker can compute other users\' tokens or the next one. Random used for UI, games or backoff is not reported: only values written under token-named keys, headers or fields, appended after a token label, or returned by a token-making method.',
    remediation:
      'Generate tokens, nonces and codes with java.security.SecureRandom (new SecureRandom().nextBytes(buf) with at least 16 bytes, then Base64/hex) or UUID.randomUUID(); never seed it. Better, let the server issue session tokens and only store them on the device.',
    references: ['https://mas.owasp.org/MASTG/tests/android/MASVS-CRYPTO/MASTG-TEST-0204/', 'https://mas.owasp.org/MASTG/tests/android/MASVS-CRYPTO/MASTG-TEST-0205/'],
  },
  check(app: AppModel, ctx: RuleContext) {
    const code = app.code;
    const rc = new ReceiverCheck(code);

    // 1. Every method that calls a weak source (the call sites are few; no other query yet).
    const byMethod = new Map<string, { key: MethodKey; dex: string; kinds: Set<SourceKind> }>();
    const appPkg = app.manifest.package;
    const skip = (k: MethodKey): boolean => SOURCE_IMPLEMENTATIONS.some((p) => k.class.startsWith(p));
    // Clock reads are everywhere in SDKs (timeouts, logs, caches): in library code, not followed.
    const libraryTime = (k: MethodKey): boolean => libraryOf(k.class, ctx.options.ignoredLibraries, appPkg) !== null;
    for (const src of SOURCES) {
      if (src.kind === 'derived') {
        // hashCode() is called by every hashCode() implementation: only token makers by name.
        for (const c of code.callersOf(src.ref)) {
          if (!tokenWordIn(c.name) || skip(c)) continue;
          const id = methodRefOf(c);
          const m = summaryOf(code, c);
          if (!m) continue;
          let e = byMethod.get(`${m.dex}\u0000${id}`);
          if (!e) byMethod.set(`${m.dex}\u0000${id}`, (e = { key: c, dex: m.dex, kinds: new Set() }));
          e.kinds.add('derived');
        }
        continue;
      }
    }
    for (const q of sourceQueries()) {
      for (const s of code.callsTo(q)) {
        const src = sourceOf(s.target);
        if (!src || src.kind === 'derived') continue;
        if (skip(s.caller) || (src.kind === 'time' && libraryTime(s.caller))) continue;
        const w = weakSite(s, rc);
        if (!w) continue;
        const id = `${s.dex}\u0000${methodRefOf(s.caller)}`;
        let e = byMethod.get(id);
        if (!e) byMethod.set(id, (e = { key: s.caller, dex: s.dex, kinds: new Set() }));
        e.kinds.add(w.kind);
      }
    }

    const verdicts: Verdict[] = [];
    const helpers: { summary: MethodSummary; info: SourceInfo }[] = [];
    const done = new Set<string>();
    for (const e of byMethod.values()) {
      const m = summaryOf(code, e.key);
      if (!m) continue;
      const sig = signalsOf(m, !e.kinds.has('prng'));
      if (sig) {
        const v = analyse(code, m, sig, rc, new Map());
        if (v) {
          verdicts.push(v);
          done.add(methodRefOf(m.key));
          continue;
        }
      }
      // A helper returning a weak random value (randomString(int), nextId()): judged where used.
      const ret = returnTypeOf(m.key.proto);
      if (e.kinds.has('prng') && ret !== 'V' && ret !== 'Z' && !sig?.maker && helpers.length < MAX_HELPERS) {
        helpers.push({ summary: m, info: { kind: 'prng', label: `${shortName(m.key)}() (java.util.Random-based helper)` } });
      }
    }

    // 2. One level up: where a weak helper's result becomes a token.
    for (const h of helpers) {
      const ref = methodRefOf(h.summary.key);
      const callers = code.callersOf(ref).slice(0, MAX_CALLERS);
      for (const c of callers) {
        const id = methodRefOf(c);
        if (done.has(id)) continue;
        const m = summaryOf(code, c);
        if (!m) continue;
        const sig = signalsOf(m, false);
        if (!sig) continue;
        const v = analyse(code, m, sig, rc, new Map([[ref, h.info]]));
        if (v) {
          v.via = h.summary.key;
          verdicts.push(v);
          done.add(id);
        }
      }
    }

    // 3. Report, with where the token goes next when a caller stores or sends it.
    for (const v of verdicts) {
      const ref = methodRefOf(v.method);
      const downstream = callersStoring(code, ref);
      const prng = v.sources.filter((s) => s.kind === 'prng');
      const time = v.sources.filter((s) => s.kind === 'time');
      const derived = v.sources.filter((s) => s.kind === 'derived');
      const main = prng.length > 0 ? prng : time.length > 0 ? time : derived;
      const labels = main.map((s) => s.label);
      const shown = labels.some((l) => l.startsWith('java.util.Random.')) ? labels.filter((l) => l !== 'new java.util.Random()') : labels;
      const sourceText = shown.join(', ') + (v.seededBy.length ? ` seeded with ${[...new Set(v.seededBy)].join(', ')}` : '');
      const severity = prng.length > 0 || time.length > 0 ? 'high' : 'medium';
      const strong = v.sinks.some((k) => k.strong);
      const where = shortName(v.method);
      const what = v.sinks.map((k) => k.text);
      const message =
        `${where}() makes a token from ${sourceText}, which an attacker can predict: ` +
        `${what.join('; ')}` +
        (downstream.length ? `; ${downstream.join('; ')}` : '') +
        '. Use SecureRandom.';
      ctx.report({
        message,
        location: { class: v.method.class, method: v.method.name },
        evidence: [
          `sources: ${v.sources.map((s) => s.label).join(', ')}${v.seededBy.length ? ` (Random seeded with ${[...new Set(v.seededBy)].join(', ')})` : ''}`,
          `becomes a token: ${what.join('; ')}`,
          ...(downstream.length ? [`then: ${downstream.join('; ')}`] : []),
        ].join('\n'),
        severity,
        confidence: strong ? 'high' : 'medium',
        fingerprint: [v.method.class, v.method.name],
      });
    }
  },
});

/** "stored under "auth_token" by LoginActivity.onLoginClicked()" for callers that keep `ref`'s result. */
function callersStoring(code: CodeIndex, ref: string): string[] {
  const out: string[] = [];
  const callers = code.callersOf(ref).slice(0, MAX_CALLERS);
  for (const c of callers) {
    const m = summaryOf(code, c);
    if (!m) continue;
    for (const s of sitesIn(code, m, (t) => keyedSink(t) !== null)) {
      const ks = keyedSink(s.target)!;
      const v = s.args[ks[1]];
      const key = stringArg(s.args[ks[0]]);
      if (v && v.kind === 'result' && v.of === ref && key !== null) {
        const what = ks[2] === 'prefs' ? 'stores it under' : ks[2] === 'header' ? 'sends it as header' : 'puts it under';
        out.push(`${shortName(c)}() ${what} ${JSON.stringify(key)}`);
      }
    }
  }
  return [...new Set(out)];
}

/**
 * Value tracing: where an argument of a call comes from, followed back through the calling
 * method's registers to constants, calls (through value-preserving calls, encoders and crypto),
 * fields, parameters, text typed into views and concatenations; and the keys of keyed calls.
 * The storage Builder is a Tracer; traceArgument uses it directly.
 */

import type { AppModel } from '../app.js';
import type { CallSite, CodeIndex } from '../code-index.js';
import type { Invoke, MCode, Source } from './method-code.js';
import { Methods } from './methods.js';
import { fieldName, methodRefOf, parseRef, UNKNOWN_ORIGIN } from './names.js';
import { FILE, PREFS, SB, SBUF } from './refs.js';
import type { StorageWrite, ValueOrigin } from './types.js';

/** Calls that return (a view of) their receiver's value. */
const RECEIVER_PASS = new Set(['toString', 'trim', 'strip', 'intern', 'getBytes', 'toCharArray', 'getAbsolutePath', 'getPath', 'getCanonicalPath', 'getAbsoluteFile', 'getCanonicalFile', 'toLowerCase', 'toUpperCase']);
/** Static calls that return (a view of) their first argument. */
const STATIC_PASS = new Set(['Ljava/lang/String;->valueOf', 'Ljava/lang/String;->copyValueOf', 'Ljava/util/Objects;->toString', 'Ljava/util/Objects;->requireNonNull', 'Lkotlin/jvm/internal/Intrinsics;->stringPlus', 'Lkotlin/text/StringsKt;->trim', 'Lkotlin/text/StringsKt;->encodeToByteArray', 'Lkotlin/text/StringsKt;->decodeToString']);
/** Encoders/crypto/hash the value goes through: ref prefix -> index of the input argument. */
const TRANSFORMS: [prefix: string, arg: number][] = [
  ['Landroid/util/Base64;->encodeToString', 0],
  ['Landroid/util/Base64;->encode', 0],
  ['Landroid/util/Base64;->decode', 0],
  ['Ljava/util/Base64$Encoder;->encodeToString', 1],
  ['Ljava/util/Base64$Encoder;->encode', 1],
  ['Ljava/util/Base64$Decoder;->decode', 1],
  ['Ljavax/crypto/Cipher;->doFinal', 1],
  ['Ljavax/crypto/Cipher;->update', 1],
  ['Ljava/security/MessageDigest;->digest', 1],
  ['Ljavax/crypto/Mac;->doFinal', 1],
  ['Lcom/google/crypto/tink/Aead;->encrypt', 1],
  ['Lcom/google/crypto/tink/DeterministicAead;->encryptDeterministically', 1],
  ['Lcom/google/crypto/tink/StreamingAead;->newEncryptingStream', 1],
];
/** Getters whose first String argument names the value they return. */
const KEYED_GETTERS: [prefix: string, keyArg: number][] = [
  [`${PREFS}->getString`, 1],
  [`${PREFS}->getStringSet`, 1],
  ['Landroid/content/Intent;->getStringExtra', 1],
  ['Landroid/os/Bundle;->getString', 1],
  ['Landroid/os/BaseBundle;->getString', 1],
  ['Lorg/json/JSONObject;->getString', 1],
  ['Lorg/json/JSONObject;->optString', 1],
  ['Lorg/json/JSONObject;->get', 1],
  ['Lorg/json/JSONObject;->opt', 1],
  ['Ljava/util/Map;->get', 1],
  ['Ljava/util/HashMap;->get', 1],
  ['Ljava/util/LinkedHashMap;->get', 1],
  ['Lcom/google/gson/JsonObject;->get', 1],
  ['Landroid/accounts/AccountManager;->getUserData', 2],
  ['Landroid/net/Uri;->getQueryParameter', 1],
  ['Landroid/webkit/CookieManager;->getCookie', 1],
];

export class Tracer {
  readonly methods: Methods;
  private readonly fieldWriters = new Map<string, string[]>();

  constructor(readonly app: AppModel) {
    this.methods = new Methods(app.code.dexes);
  }

  get code(): CodeIndex {
    return this.app.code;
  }

  /** The decoded invoke of a call site from the index. */
  invokeOf(site: CallSite): Invoke | null {
    const m = this.methods.codeOfSite(site);
    return m ? this.methods.invokeAt(m, site.pc) : null;
  }

  /** Invokes of every call site of `ref` (callsTo forms), decoded. */
  invokesOf(ref: string): Invoke[] {
    const out: Invoke[] = [];
    for (const s of this.code.callsTo(ref)) {
      const inv = this.invokeOf(s);
      if (inv) out.push(inv);
    }
    return out;
  }

  // ---------------------------------------------------------------- tracing

  /** Where argument `k` of an invoke comes from. */
  arg(inv: Invoke, k: number, depth = 0): ValueOrigin {
    const s = this.methods.argSource(inv, k);
    const t = inv.static ? inv.params[k] : k === 0 ? 'L' : inv.params[k - 1];
    return this.fromSource(s, inv, depth, t === undefined || t.startsWith('L') || t.startsWith('['));
  }

  private fromSource(s: Source, inv: Invoke, depth: number, object: boolean): ValueOrigin {
    switch (s.kind) {
      case 'string':
        return { kind: 'const', text: s.value, through: [] };
      case 'int':
        if (s.value === 0 && object) return { kind: 'null', text: 'null', through: [] };
        return { kind: 'number', text: String(s.value), through: [] };
      case 'class':
        return { kind: 'new', text: s.type, through: [] };
      case 'field': {
        const c = s.static ? this.staticString(s.ref) : null;
        if (c !== null) return { kind: 'const', text: c, through: [] };
        return { kind: 'field', text: s.ref, through: [] };
      }
      case 'param':
        return s.index >= 0 ? { kind: 'parameter', text: String(s.index), through: [], method: inv.m.key } : { kind: 'unknown', text: 'this', through: [] };
      case 'new':
        return this.fromNew(s, inv, depth);
      case 'invoke':
        return this.fromCall(s.inv, depth);
      default:
        return UNKNOWN_ORIGIN;
    }
  }

  private fromNew(s: Extract<Source, { kind: 'new' }>, use: Invoke, depth: number): ValueOrigin {
    const type = s.type;
    if (depth > 10) return { kind: 'new', text: type, through: [] };
    if (type === SB || type === SBUF) return this.concatByRange(use.m, type, s, use.pc, depth);
    if (type === 'Ljava/lang/String;' || type === FILE) {
      const init = this.methods.constructorOf(use.m, type, s.pc, s.reg, use.pc);
      if (init) {
        const parts: ValueOrigin[] = [];
        for (let k = 1; k < init.regs.length; k++) parts.push(this.arg(init, k, depth + 1));
        if (type === 'Ljava/lang/String;') {
          const first = parts[0];
          if (first) return first;
        } else return { kind: 'new', text: type, through: [], parts };
      }
    }
    return { kind: 'new', text: type, through: [] };
  }

  /** The value a call returns, seen through value-preserving calls, encoders and crypto. */
  private fromCall(inv: Invoke, depth: number): ValueOrigin {
    const of = inv.target;
    const plain: ValueOrigin = { kind: 'call', text: of, through: [] };
    if (depth > 10) return plain;
    if (of.startsWith('call_site@')) {
      // invoke-custom: a StringConcatFactory concatenation (the only common use in app code).
      return { kind: 'concat', text: 'concat', through: [], parts: inv.regs.map((_, k) => this.arg(inv, k, depth + 1)) };
    }
    const p = parseRef(of);
    if ((p.cls === SB || p.cls === SBUF) && p.name === 'toString') return this.concatOf(inv, depth + 1);
    // A primitive (getAudioSessionId(), a count, a flag) is not a secret.
    if (/^[IJZSBCFD]$/.test(of.slice(of.lastIndexOf(')') + 1))) return { kind: 'number', text: of, through: [] };
    // A number or flag turned into text (Long.toString(time), String.valueOf(count)) is not a secret.
    if (/^Ljava\/lang\/(Long|Integer|Short|Byte|Boolean|Double|Float);$/.test(p.cls) && p.name === 'toString') return { kind: 'number', text: of, through: [] };
    if (p.cls === 'Ljava/lang/String;' && p.name === 'valueOf' && /^[IJZDFSBC]$/.test(p.params[0] ?? '')) return { kind: 'number', text: of, through: [] };
    if (!inv.static && RECEIVER_PASS.has(p.name) && (p.name !== 'toString' || p.params.length === 0)) {
      const inner = this.arg(inv, 0, depth + 1);
      return p.name === 'toString' || p.name === 'trim' || p.name === 'strip' || p.name === 'intern' ? inner : { ...inner, through: [of, ...inner.through] };
    }
    if (inv.static && STATIC_PASS.has(`${p.cls}->${p.name}`)) return this.arg(inv, 0, depth + 1);
    for (const [prefix, k] of TRANSFORMS) {
      if (of.startsWith(prefix) && of[prefix.length] === '(') {
        if (inv.regs.length <= k) return plain;
        const inner = this.arg(inv, k, depth + 1);
        return { ...inner, through: [of, ...inner.through] };
      }
    }
    // Text typed into a view.
    if (p.name === 'getText' && !inv.static && p.params.length === 0) {
      const view = this.viewOf(inv, depth + 1);
      if (view) return { kind: 'input', text: view, through: [] };
    }
    for (const [prefix, k] of KEYED_GETTERS) {
      if (of.startsWith(prefix) && of[prefix.length] === '(') {
        if (inv.regs.length <= k) return plain;
        const ko = this.arg(inv, k, depth + 1);
        if (ko.kind === 'const') return { kind: 'call', text: of, through: [], key: ko.text };
        if (ko.kind === 'field') return { kind: 'call', text: of, through: [], key: fieldName(ko.text) };
        return plain;
      }
    }
    if (p.cls === 'Landroid/database/Cursor;' && p.name === 'getString') {
      const idx = this.methods.argSource(inv, 1);
      if (idx.kind === 'invoke' && /->getColumnIndex(OrThrow)?\(/.test(idx.inv.target)) {
        const col = this.methods.argSource(idx.inv, 1);
        if (col.kind === 'string') return { kind: 'call', text: of, through: [], key: col.value };
      }
    }
    return plain;
  }

  /** The view whose text is read: "id/<name>" from findViewById(R.id.x), or the field/getter that holds it. */
  private viewOf(getText: Invoke, depth: number): string | null {
    if (depth > 10) return null;
    const r = this.methods.argSource(getText, 0);
    if (r.kind === 'field') return fieldName(r.ref);
    if (r.kind === 'invoke') {
      const p = parseRef(r.inv.target);
      if (/^(findViewById|requireViewById)$/.test(p.name)) {
        const id = this.methods.argSource(r.inv, 1);
        if (id.kind === 'int') {
          const name = this.app.resources?.nameOf(id.value >>> 0) ?? null;
          return name ? name.replace(/^[^:]*:/, '') : `id/0x${(id.value >>> 0).toString(16)}`;
        }
        return 'a view';
      }
      // TextInputLayout.getEditText(), view-binding getters (binding.getPasswordInput()).
      if (p.name === 'getEditText') return this.viewOf(r.inv, depth + 1);
      if (p.name.startsWith('get') && p.name.length > 3) return p.name.slice(3, 4).toLowerCase() + p.name.slice(4);
    }
    return null;
  }

  /** Parts of a StringBuilder whose toString() is `toString`. */
  private concatOf(toString: Invoke, depth: number): ValueOrigin {
    const type = parseRef(toString.target).cls;
    const parts: ValueOrigin[] = [];
    let recv = this.methods.argSource(toString, 0);
    for (let guard = 0; guard < 128; guard++) {
      if (recv.kind === 'invoke' && parseRef(recv.inv.target).name === 'append') {
        // A chain sb.append(a).append(b): follow the receivers back.
        parts.unshift(this.arg(recv.inv, 1, depth + 1));
        recv = this.methods.argSource(recv.inv, 0);
        continue;
      }
      if (recv.kind === 'new') {
        const rest = this.concatByRange(toString.m, type, recv, parts.length > 0 ? -1 : toString.pc, depth);
        return { kind: 'concat', text: 'concat', through: [], parts: [...(rest.parts ?? []), ...parts] };
      }
      break;
    }
    return { kind: 'concat', text: 'concat', through: [], parts };
  }

  /**
   * Parts of a StringBuilder created by `nw`: its constructor argument, then (when `until` >= 0)
   * the appends on its register before `until` (a builder used without move-result).
   */
  private concatByRange(m: MCode, type: string, nw: Extract<Source, { kind: 'new' }>, until: number, depth: number): ValueOrigin {
    const parts: ValueOrigin[] = [];
    const limit = until >= 0 ? until : m.insns.length;
    const init = this.methods.constructorOf(m, type, nw.pc, nw.reg, limit);
    if (init && init.regs.length > 1 && init.params[0] !== 'I') parts.push(this.arg(init, 1, depth + 1));
    if (until >= 0) {
      for (const a of this.methods.invokesIn(m, `${type}->append`)) {
        if (a.pc <= nw.pc || a.pc >= until) continue;
        if (a.regs[0] !== nw.reg) continue;
        parts.push(this.arg(a, 1, depth + 1));
      }
    }
    return { kind: 'concat', text: 'concat', through: [], parts };
  }

  private readonly staticValues = new Map<string, Map<string, string>>();

  /** The value of a static final String field (encoded static value), or null. */
  staticString(fieldRef: string): string | null {
    if (!fieldRef.endsWith(':Ljava/lang/String;')) return null;
    const cls = fieldRef.slice(0, fieldRef.indexOf('->'));
    let values = this.staticValues.get(cls);
    if (!values) {
      values = new Map();
      const hit = this.methods.classOf(cls);
      if (hit && hit.cls.staticValuesOff !== 0) {
        const { dex, cls: c } = hit;
        const encoded = c.staticValues();
        const n = Math.min(encoded.length, c.staticFieldCount);
        for (let k = 0; k < n; k++) {
          const v = encoded[k];
          if (v && v.type === 'string') values.set(dex.fieldRef(dex.fieldSlotIdx[c.fieldStart + k]), v.value);
        }
      }
      this.staticValues.set(cls, values);
    }
    return values.get(fieldRef) ?? null;
  }

  /** Methods (refs) that write a field. */
  writersOf(fieldRef: string): string[] {
    let w = this.fieldWriters.get(fieldRef);
    if (!w) {
      const seen = new Set<string>();
      for (const a of this.code.fieldAccesses(fieldRef)) if (a.access === 'write') seen.add(methodRefOf(a.caller));
      w = [...seen];
      this.fieldWriters.set(fieldRef, w);
    }
    return w;
  }

  // ---------------------------------------------------------------- keys

  keyOf(inv: Invoke, k: number): { key: string | null; from: StorageWrite['keyFrom']; resource?: string; origin: ValueOrigin } {
    const s = this.methods.argSource(inv, k);
    if (s.kind === 'string') return { key: s.value, from: 'const', origin: { kind: 'const', text: s.value, through: [] } };
    if (s.kind === 'field') {
      const c = s.static ? this.staticString(s.ref) : null;
      if (c !== null) return { key: c, from: 'static-field', origin: { kind: 'const', text: c, through: [] } };
      return { key: fieldName(s.ref), from: 'field-name', origin: { kind: 'field', text: s.ref, through: [] } };
    }
    if (s.kind === 'invoke' && /->getString\(I\)Ljava\/lang\/String;$/.test(s.inv.target)) {
      const id = this.methods.argSource(s.inv, s.inv.static ? 0 : 1);
      if (id.kind === 'int') {
        const rid = id.value >>> 0;
        const value = this.app.values.string({ type: 'reference', id: rid });
        const name = this.app.resources?.nameOf(rid)?.replace(/^[^:]*:/, '') ?? `0x${rid.toString(16)}`;
        if (value !== null) return { key: value, from: 'resource', resource: name, origin: { kind: 'const', text: value, through: [] } };
        return { key: name, from: 'resource', resource: name, origin: UNKNOWN_ORIGIN };
      }
    }
    const o = this.arg(inv, k);
    if (o.kind === 'const') return { key: o.text, from: 'const', origin: o };
    if (o.kind === 'concat') {
      const text = (o.parts ?? []).map((p) => (p.kind === 'const' ? p.text : '*')).join('');
      if (/[A-Za-z]/.test(text.replace(/\*/g, ''))) return { key: text, from: 'concat', origin: o };
    }
    return { key: null, from: 'unknown', origin: o };
  }

  intArg(inv: Invoke, k: number): number | null {
    const s = this.methods.argSource(inv, k);
    return s.kind === 'int' ? s.value : null;
  }
}

/**
 * Encryption detection: crypto facts per method (Cipher, Keystore, Tink, androidx security-crypto,
 * SQLCipher, key derivation, hardcoded keys) and the protection of a written value.
 */

import type { Builder } from './builder.js';
import type { MCode } from './method-code.js';
import { fieldName, fieldType, methodRefOf, parseRef, simpleClassName } from './names.js';
import type { Protection, Store, ValueOrigin } from './types.js';

// ------------------------------------------------------------------------------------ crypto facts

export interface Facts {
  cipher: boolean;
  keystore: boolean;
  tink: boolean;
  jetpack: boolean;
  sqlcipher: boolean;
  derived: boolean;
  /** Why a SecretKeySpec key here is a constant, or null. */
  hardcoded: string | null;
  /** Methods of the app's dex files this one calls. */
  callees: string[];
}

const NO_FACTS: Facts = { cipher: false, keystore: false, tink: false, jetpack: false, sqlcipher: false, derived: false, hardcoded: null, callees: [] };

function factsOf(b: Builder, ref: string): Facts {
  const cached = b.facts.get(ref);
  if (cached) return cached;
  b.facts.set(ref, NO_FACTS); // cycles
  const m = b.methods.code(ref);
  if (!m) return NO_FACTS;
  const f: Facts = { cipher: false, keystore: false, tink: false, jetpack: false, sqlcipher: false, derived: false, hardcoded: null, callees: [] };
  for (const inv of b.methods.targetsOf(m)) {
    if (inv.startsWith('Ljavax/crypto/Cipher;->')) {
      if (/->(doFinal|update|init|updateAAD|wrap|unwrap)\(/.test(inv)) f.cipher = true;
    } else if (inv.startsWith('Ljavax/crypto/CipherOutputStream;-><init>') || inv.startsWith('Ljavax/crypto/CipherInputStream;-><init>')) f.cipher = true;
    else if (inv.startsWith('Landroid/security/keystore/KeyGenParameterSpec$Builder;-><init>') || inv.startsWith('Landroid/security/KeyPairGeneratorSpec$Builder;-><init>')) f.keystore = true;
    else if (inv.startsWith('Lcom/google/crypto/tink/')) f.tink = true;
    else if (inv.startsWith('Landroidx/security/crypto/')) f.jetpack = true;
    else if (inv.startsWith('Lnet/sqlcipher/') || inv.startsWith('Lnet/zetetic/')) f.sqlcipher = true;
    else if (inv.startsWith('Ljavax/crypto/SecretKeyFactory;->generateSecret') || inv.startsWith('Ljavax/crypto/spec/PBEKeySpec;-><init>')) f.derived = true;
    else if (inv.startsWith('Ljavax/crypto/spec/SecretKeySpec;-><init>')) {
      for (const s of b.methods.invokesIn(m, inv)) {
        const why = constantKey(b, b.arg(s, 1), 0);
        if (why) {
          f.hardcoded = why;
          break;
        }
      }
    } else {
      const q = parseRef(inv);
      if (!isPlatformClass(q.cls) && b.methods.defines(q.cls)) f.callees.push(inv);
    }
  }
  for (let i = 0; i < m.constIdx.length; i++) {
    if (m.dex.string(m.constIdx[i]) === 'AndroidKeyStore') f.keystore = true;
  }
  b.facts.set(ref, f);
  return f;
}

/** Why a key origin is a constant ("a constant string", "field X set from a constant in its constructor", "a string resource"), or null. */
function constantKey(b: Builder, o: ValueOrigin, depth: number): string | null {
  if (depth > 3) return null;
  switch (o.kind) {
    case 'const':
      return 'a constant string';
    case 'field': {
      const writers = b.writersOf(o.text);
      if (writers.length === 0) return null;
      const ctorOnly = writers.every((w) => /->(<init>|<clinit>)\(/.test(w));
      if (!ctorOnly) return null;
      const isBytes = fieldType(o.text) === '[B';
      const withConst = writers.some((w) => {
        const m = b.methods.code(w);
        return !!m && (m.constIdx.length > 0 || (isBytes && w.includes('-><clinit>(')));
      });
      return withConst ? `field ${simpleClassName(o.text.slice(0, o.text.indexOf('->')))}.${fieldName(o.text)}, set from a constant in its constructor` : null;
    }
    case 'call':
      if (/->getString\(I\)/.test(o.text)) return 'a string resource';
      return null;
    case 'concat':
      return (o.parts ?? []).length > 0 && (o.parts ?? []).every((p) => p.kind === 'const') ? 'a constant string' : null;
    case 'parameter': {
      if (!o.method) return null;
      const ref = methodRefOf(o.method);
      const m = b.methods.code(ref);
      const idx = Number(o.text) + (m && m.isStatic ? 0 : 1);
      for (const inv of b.invokesOf(ref).slice(0, 16)) {
        const why = constantKey(b, b.arg(inv, idx), depth + 1);
        if (why) return `${why} passed to ${simpleClassName(o.method.class)}.${o.method.name}() by ${simpleClassName(inv.m.key.class)}.${inv.m.key.name}()`;
      }
      return null;
    }
    default:
      return null;
  }
}

/** Facts of methods, the app methods they call (two levels) and, if asked, every method of their classes. */
function gather(b: Builder, refs: string[], withClass: boolean): { facts: Facts; where: Map<keyof Facts, string> } {
  const acc: Facts = { ...NO_FACTS, callees: [] };
  const where = new Map<keyof Facts, string>();
  const seen = new Set<string>();
  const visit = (ref: string, depth: number): void => {
    if (seen.has(ref) || seen.size > 300) return;
    seen.add(ref);
    const f = factsOf(b, ref);
    for (const k of ['cipher', 'keystore', 'tink', 'jetpack', 'sqlcipher', 'derived'] as const) {
      if (f[k] && !acc[k]) {
        acc[k] = true;
        where.set(k, ref);
      }
    }
    if (f.hardcoded && !acc.hardcoded) {
      acc.hardcoded = f.hardcoded;
      where.set('hardcoded', ref);
    }
    if (depth < 2) for (const c of f.callees) visit(c, depth + 1);
  };
  for (const r of refs) visit(r, 0);
  if (withClass) {
    for (const r of refs) {
      const cls = parseRef(r).cls;
      for (const m of b.methods.methodsOf(cls)) visit(m, 1);
      // The outer class of an inner class (Login$Task -> Login) keeps the helpers too.
      const dollar = cls.indexOf('$');
      if (dollar > 0) for (const m of b.methods.methodsOf(`${cls.slice(0, dollar)};`)) visit(m, 1);
    }
  }
  return { facts: acc, where };
}

export function protection(b: Builder, at: MCode, value: ValueOrigin, store: Store, alsoIn: string[] = []): Protection {
  if (store.encryptedBy === 'encrypted-shared-preferences') {
    return { kind: 'encrypted-shared-preferences', effective: true, deprecated: true, detail: 'stored through EncryptedSharedPreferences (encrypted at rest; the androidx security-crypto library is deprecated)' };
  }
  if (store.encryptedBy === 'encrypted-file') {
    return { kind: 'encrypted-file', effective: true, deprecated: true, detail: 'written through EncryptedFile (encrypted at rest; the androidx security-crypto library is deprecated)' };
  }
  if (store.encryptedBy === 'sqlcipher') return { kind: 'sqlcipher', effective: true, deprecated: false, detail: 'the database is encrypted with SQLCipher' };

  const through = allThrough(value);
  // Ciphertext, or something the Cipher produced beside it (its IV).
  const viaCipher = through.some((r) => r.startsWith('Ljavax/crypto/Cipher;->')) || appProducers(value).some((r) => r.startsWith('Ljavax/crypto/'));
  const viaEncoding = through.some((r) => /Base64|->(encodeHex|toHexString|encodeToString)/.test(r));
  if (through.some((r) => r.startsWith('Lcom/google/crypto/tink/')) || appProducers(value).some((r) => r.startsWith('Lcom/google/crypto/tink/'))) {
    return { kind: 'tink', effective: true, deprecated: false, detail: 'encrypted with Tink' };
  }
  const viaDigest = through.some((r) => r.startsWith('Ljava/security/MessageDigest;->') || r.startsWith('Ljavax/crypto/Mac;->'));
  // App methods the value came out of (token = crypto.encrypt(x)).
  const producers = appProducers(value).filter((r) => !isPlatformClass(parseRef(r).cls) && b.methods.defines(parseRef(r).cls));
  // A field or an untraced value may hold what another method of the class encrypted; a
  // parameter, what the callers passed (save(ctx, encrypt(token))).
  const leaves = leafOrigins(value);
  const fieldLike = leaves.some((l) => l.kind === 'field' || l.kind === 'unknown');
  const params = leaves.filter((l) => l.kind === 'parameter');
  const refs = [at.ref, ...alsoIn, ...producers];
  for (const o of params) {
    if (!o.method) continue;
    for (const c of b.code.callersOf(methodRefOf(o.method)).slice(0, 8)) refs.push(methodRefOf(c));
  }
  const { facts, where } = gather(b, refs, fieldLike || viaCipher || store.kind === 'sqlite');
  if (store.kind === 'sqlite' && facts.sqlcipher) return { kind: 'sqlcipher', effective: true, deprecated: false, detail: 'the database is opened with SQLCipher', where: where.get('sqlcipher') };
  const producerCrypto = producers.some((r) => {
    const g = gather(b, [r], false).facts;
    return g.cipher || g.tink || g.jetpack;
  });
  const cryptoApplies = viaCipher || producerCrypto || ((fieldLike || params.length > 0) && (facts.cipher || facts.tink || facts.jetpack));
  if (cryptoApplies) {
    if (facts.tink) return { kind: 'tink', effective: true, deprecated: false, detail: 'encrypted with Tink', where: where.get('tink') };
    if (facts.jetpack && !facts.cipher) {
      return { kind: 'encrypted-shared-preferences', effective: true, deprecated: true, detail: 'encrypted with androidx security-crypto (deprecated library)', where: where.get('jetpack') };
    }
    if (facts.keystore) return { kind: 'keystore', effective: true, deprecated: false, detail: 'encrypted with a key kept in the Android Keystore', where: where.get('keystore') };
    if (facts.hardcoded) {
      return { kind: 'hardcoded-key', effective: false, deprecated: false, detail: `encrypted with a hardcoded key (${facts.hardcoded})`, where: where.get('hardcoded') };
    }
    if (facts.derived) return { kind: 'derived-key', effective: true, deprecated: false, detail: 'encrypted with a key derived by SecretKeyFactory (e.g. PBKDF2 from a user secret)', where: where.get('derived') };
    return {
      kind: 'untraced-key',
      effective: false,
      deprecated: false,
      detail: 'encrypted with a javax.crypto Cipher whose key does not come from the Android Keystore (its origin could not be traced)',
      where: where.get('cipher'),
    };
  }
  if (viaDigest) return { kind: 'hash', effective: true, deprecated: false, detail: 'only a hash (MessageDigest/Mac) of the value is stored' };
  if (viaEncoding) return { kind: 'encoding', effective: false, deprecated: false, detail: 'only encoded (Base64/hex), which is not encryption' };
  return { kind: 'none', effective: false, deprecated: false, detail: 'stored in plaintext' };
}

function isPlatformClass(cls: string): boolean {
  return /^L(android|java|javax|dalvik|kotlin|kotlinx|sun|libcore|org\/json|org\/xml|org\/w3c)\//.test(cls);
}

/** Every call the value went through, including inside concatenation parts. */
function allThrough(o: ValueOrigin): string[] {
  const out = [...o.through];
  for (const p of o.parts ?? []) out.push(...allThrough(p));
  return out;
}

/** App/library methods whose result the value is (or contains). */
function appProducers(o: ValueOrigin): string[] {
  const out: string[] = [];
  if (o.kind === 'call' && o.key === undefined) out.push(o.text);
  for (const p of o.parts ?? []) out.push(...appProducers(p));
  return out;
}

/** The non-composite origins a value is made of (the parts of a concatenation, the arguments of a new). */
function leafOrigins(o: ValueOrigin): ValueOrigin[] {
  if ((o.kind === 'concat' || o.kind === 'new') && o.parts && o.parts.length > 0) return o.parts.flatMap(leafOrigins);
  return [o];
}

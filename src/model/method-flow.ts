/**
 * Small per-method views over the call-site index, for rules that follow a value inside one
 * method (and, at most, one call level up): the call sites of a method in code order, where a
 * method is called, what a string or field argument resolves to.
 *
 * The index records, for every argument of every invoke, the constant or the call whose result
 * the register held (see code-index.ts). It does not say which *call site* produced a result, only
 * which method: two calls of `String.getBytes()` in one method are one "result of getBytes" to us.
 * Rules built on this accept that approximation and say so.
 */
import type { ArgValue, CallSite, CodeIndex, MethodKey, MethodSummary, StringSite } from './code-index.js';
import type { DexClass, DexFile } from '../apk/dex.js';

/** "Lx;->name(..)R" */
export function methodRefOf(k: MethodKey): string {
  return `${k.class}->${k.name}${k.proto}`;
}

export function sameMethod(a: MethodKey, b: MethodKey): boolean {
  return a === b || (a.class === b.class && a.name === b.name && a.proto === b.proto);
}

/** The return type descriptor of a proto "(..)R" (or of a full method ref). */
export function returnTypeOf(protoOrRef: string): string {
  const i = protoOrRef.lastIndexOf(')');
  return i < 0 ? '' : protoOrRef.slice(i + 1);
}

/** "com.example.Foo.bar" for messages. */
export function javaName(k: MethodKey): string {
  return `${k.class.slice(1, -1).replace(/\//g, '.')}.${k.name}`;
}

/** "Foo.bar" (simple class name) for short messages. */
export function shortName(k: MethodKey): string {
  const cls = k.class.slice(1, -1);
  return `${cls.slice(cls.lastIndexOf('/') + 1)}.${k.name}`;
}

/** The simple name of a class descriptor, inner classes kept ("Outer$Inner"). */
export function simpleClassName(desc: string): string {
  const c = desc.startsWith('L') && desc.endsWith(';') ? desc.slice(1, -1) : desc;
  return c.slice(c.lastIndexOf('/') + 1);
}

/** The summary of a method by its key (first definition of the class across the dex files). */
export function summaryOf(code: CodeIndex, k: MethodKey): MethodSummary | undefined {
  return code.method(k.class, k.name, k.proto);
}

/**
 * Every call site inside method `m`, in code order, optionally only for targets passing
 * `filter`. Built from callsTo() of each target the method invokes (callsTo caches per target,
 * so asking about many methods that call the same APIs costs one lookup per API).
 */
export function sitesIn(code: CodeIndex, m: MethodSummary, filter?: (target: string) => boolean): CallSite[] {
  const key = m.key;
  const out: CallSite[] = [];
  for (const target of m.invokes) {
    if (filter && !filter(target)) continue;
    if (target.startsWith('call_site@')) continue;
    for (const s of code.callsTo(target)) if (s.dex === m.dex && sameMethod(s.caller, key)) out.push(s);
  }
  return out.sort((a, b) => a.pc - b.pc);
}

/** The string constant of an argument, or null. */
export function stringArg(a: ArgValue | undefined): string | null {
  return a && a.kind === 'string' ? a.value : null;
}

/** 1 / 0 for a constant int argument (booleans are ints in dex), null when not constant. */
export function intArg(a: ArgValue | undefined): number | null {
  if (!a || a.kind !== 'int') return null;
  return typeof a.value === 'bigint' ? Number(a.value) : a.value;
}

/** The field name of "Lx;->name:T". */
export function fieldName(ref: string): string {
  const a = ref.indexOf('->');
  const c = ref.indexOf(':', a);
  return ref.slice(a + 2, c < 0 ? undefined : c);
}

/** The declared type of "Lx;->name:T" ('' when absent). */
export function fieldType(ref: string): string {
  const c = ref.indexOf(':', ref.indexOf('->'));
  return c < 0 ? '' : ref.slice(c + 1);
}

/** The class of "Lx;->member". */
export function ownerOf(ref: string): string {
  return ref.slice(0, ref.indexOf('->'));
}

/**
 * The string constants written into a field: the static initial value (static_values), and for
 * each `iput`/`sput` of the field, the const-string loaded just before it in the same method
 * (`this.key = "..."`: const-string is 2 or 3 code units, then the put). `prefetch` resolves many
 * fields with one fieldAccesses() per field and a single stringSites() pass restricted to the
 * strings of the writing methods; `of` on a field not prefetched does the same for that field.
 */
export class FieldLiterals {
  private cache = new Map<string, { value: string; writer: MethodKey | null }[]>();
  private classStatics = new Map<string, Map<string, string>>();

  constructor(private readonly code: CodeIndex) {}

  /** The static initial value of a field (static_values of its class only), or undefined. */
  staticValue(ref: string): string | undefined {
    const cls = ownerOf(ref);
    let m = this.classStatics.get(cls);
    if (!m) {
      m = new Map(staticStringsOf(this.code, cls).map((v) => [v.field, v.value]));
      this.classStatics.set(cls, m);
    }
    return m.get(ref);
  }

  private pending: { ref: string; writes: { caller: MethodKey; pc: number; dex: string }[] }[] = [];

  /**
   * First half of a batch: records the fields of `refs` (static values at once) and returns the
   * strings of the methods that write them. Give `resolve` the stringSites() groups of (at least)
   * those strings, e.g. from a stringSites() pass the caller makes anyway.
   */
  plan(refs: Iterable<string>, maxWrites = 32): Set<string> {
    const wanted = new Set<string>();
    for (const ref of refs) {
      if (this.cache.has(ref)) continue;
      const out: { value: string; writer: MethodKey | null }[] = [];
      const sv = this.staticValue(ref);
      if (sv !== undefined) out.push({ value: sv, writer: null });
      this.cache.set(ref, out);
      const writes = this.code.fieldAccesses(ref).filter((w) => w.access === 'write');
      if (writes.length === 0 || writes.length > maxWrites) continue;
      this.pending.push({ ref, writes });
      for (const w of writes) for (const str of summaryOf(this.code, w.caller)?.strings ?? []) wanted.add(str);
    }
    return wanted;
  }

  /** Second half: pairs each planned write with the const-string just before it. */
  resolve(groups: readonly { value: string; sites: readonly StringSite[] }[]): void {
    if (this.pending.length === 0) return;
    const byMethod = new Map<string, { pc: number; value: string }[]>();
    for (const g of groups) {
      for (const site of g.sites) {
        const k = `${site.dex}\u0000${methodRefOf(site.caller)}`;
        let l = byMethod.get(k);
        if (!l) byMethod.set(k, (l = []));
        l.push({ pc: site.pc, value: g.value });
      }
    }
    for (const { ref, writes } of this.pending) {
      const out = this.cache.get(ref)!;
      for (const w of writes) {
        for (const c of byMethod.get(`${w.dex}\u0000${methodRefOf(w.caller)}`) ?? []) {
          const d = w.pc - c.pc;
          if (d >= 2 && d <= 3 && !out.some((o) => o.value === c.value)) out.push({ value: c.value, writer: w.caller });
        }
      }
    }
    this.pending = [];
  }

  /** Resolves every field of `refs` at once, with its own stringSites() pass. */
  prefetch(refs: Iterable<string>, maxWrites = 32): void {
    const wanted = this.plan(refs, maxWrites);
    if (wanted.size > 0) this.resolve(this.code.stringSites((str) => wanted.has(str)));
    this.pending = [];
  }

  /** Literal values the field is set to (static value first), with the writing method. */
  of(fieldRef: string): { value: string; writer: MethodKey | null }[] {
    if (!this.cache.has(fieldRef)) this.prefetch([fieldRef]);
    return this.cache.get(fieldRef)!;
  }
}

/**
 * String initial values (static_values) of the static fields of one class, read from that class
 * only: cheaper than CodeIndex.staticStringValues() when a rule needs a few classes.
 */
export function staticStringsOf(code: CodeIndex, classDesc: string): { field: string; value: string }[] {
  for (const dex of code.dexes) {
    const cls = dexClassOf(dex, classDesc);
    if (!cls) continue;
    if (cls.staticValuesOff === 0) return [];
    const values = cls.staticValues();
    const n = Math.min(values.length, cls.staticFieldCount);
    const out: { field: string; value: string }[] = [];
    for (let k = 0; k < n; k++) {
      const v = values[k]!;
      if (v.type === 'string') out.push({ field: dex.fieldRef(dex.fieldSlotIdx[cls.fieldStart + k]!), value: v.value });
    }
    return out;
  }
  return [];
}

/** The class_def of `desc` in `dex` (two binary searches, then one scan of the class defs). */
export function dexClassOf(dex: DexFile, desc: string): DexClass | undefined {
  const ti = dex.typeIndex(desc);
  if (ti < 0) return undefined;
  return dex.classes.find((c) => c.classIdx === ti);
}

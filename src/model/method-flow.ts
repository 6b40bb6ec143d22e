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
import type { ArgValue, CallSite, CodeIndex, MethodKey, MethodSummary } from './code-index.js';

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
 * (`this.key = "..."`: const-string is 2 or 3 code units, then the put). Bounded work: one
 * fieldAccesses() lookup and, when there are writes, one stringSites() pass restricted to the
 * strings of the writing methods.
 */
export class FieldLiterals {
  private staticValues: Map<string, string> | null = null;
  private cache = new Map<string, { value: string; writer: MethodKey | null }[]>();

  constructor(private readonly code: CodeIndex) {}

  private statics(): Map<string, string> {
    if (this.staticValues === null) {
      this.staticValues = new Map();
      for (const v of this.code.staticStringValues()) if (!this.staticValues.has(v.field)) this.staticValues.set(v.field, v.value);
    }
    return this.staticValues;
  }

  /** Literal values the field is set to (static value first), with the writing method. */
  of(fieldRef: string): { value: string; writer: MethodKey | null }[] {
    const hit = this.cache.get(fieldRef);
    if (hit) return hit;
    const out: { value: string; writer: MethodKey | null }[] = [];
    const sv = this.statics().get(fieldRef);
    if (sv !== undefined) out.push({ value: sv, writer: null });
    const writes = this.code.fieldAccesses(fieldRef).filter((w) => w.access === 'write');
    if (writes.length > 0 && writes.length <= 32) {
      const wanted = new Set<string>();
      for (const w of writes) for (const s of summaryOf(this.code, w.caller)?.strings ?? []) wanted.add(s);
      if (wanted.size > 0) {
        const groups = this.code.stringSites((s) => wanted.has(s));
        for (const w of writes) {
          for (const g of groups) {
            if (g.sites.some((s) => sameMethod(s.caller, w.caller) && w.pc - s.pc >= 2 && w.pc - s.pc <= 3)) {
              out.push({ value: g.value, writer: w.caller });
            }
          }
        }
      }
    }
    this.cache.set(fieldRef, out);
    return out;
  }
}

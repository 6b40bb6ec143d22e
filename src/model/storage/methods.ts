import { ACC_STATIC, type DexClass, type DexFile } from '../../apk/dex.js';
import type { CallSite, MethodKey } from '../code-index.js';
import { INVOKE_35C, INVOKE_3RC, scanCode, type Invoke, type MCode, type Source } from './method-code.js';
import { methodRefOf, parseRef } from './names.js';

/**
 * Classes and methods looked up by descriptor without decoding every class name (a binary
 * search in the sorted string and type tables, then a type-index -> class_def table per dex),
 * and method code scanned on demand and cached. The first dex that defines a class wins, as
 * for the runtime.
 */
export class Methods {
  private readonly byType: Int32Array[];
  private readonly codes = new Map<string, MCode | null>();

  constructor(readonly dexes: readonly DexFile[]) {
    this.byType = dexes.map((d) => {
      const t = new Int32Array(d.header.typeIdsSize).fill(-1);
      d.classes.forEach((c, i) => {
        if (c.classIdx < t.length && t[c.classIdx] < 0) t[c.classIdx] = i;
      });
      return t;
    });
  }

  private readonly classCache = new Map<string, { dex: DexFile; cls: DexClass } | null>();

  classOf(desc: string, dexName?: string): { dex: DexFile; cls: DexClass } | null {
    const id = dexName === undefined ? desc : `${dexName}|${desc}`;
    let hit = this.classCache.get(id);
    if (hit === undefined) {
      hit = this.findClass(desc, dexName);
      if (this.classCache.size > 100_000) this.classCache.clear();
      this.classCache.set(id, hit);
    }
    return hit;
  }

  private findClass(desc: string, dexName?: string): { dex: DexFile; cls: DexClass } | null {
    for (let i = 0; i < this.dexes.length; i++) {
      const d = this.dexes[i]!;
      if (dexName !== undefined && d.file !== dexName) continue;
      const t = d.typeIndex(desc);
      if (t < 0) continue;
      const c = this.byType[i]![t];
      if (c >= 0) return { dex: d, cls: d.classes[c]! };
    }
    return null;
  }

  /** Whether the app's dex files define the class (app or bundled library code, not the platform). */
  defines(desc: string): boolean {
    return this.classOf(desc) !== null;
  }

  /** The methods a class defines, as refs. */
  methodsOf(desc: string): string[] {
    const hit = this.classOf(desc);
    if (!hit) return [];
    const { dex, cls } = hit;
    const out: string[] = [];
    for (let s = cls.methodStart; s < cls.methodEnd; s++) {
      const mi = dex.methodSlotIdx[s];
      out.push(`${desc}->${dex.methodName(mi)}${dex.protoString(dex.methodProtoIdx[mi])}`);
    }
    return out;
  }

  /** The method slot of name+proto in a class (names compared by string id, protos only for same-name methods), or -1. */
  private slotOf(dex: DexFile, cls: DexClass, name: string, proto: string): number {
    const nameIdx = dex.stringIndex(name);
    if (nameIdx < 0) return -1;
    for (let s = cls.methodStart; s < cls.methodEnd; s++) {
      const mi = dex.methodSlotIdx[s];
      if (dex.methodNameIdx[mi] !== nameIdx) continue;
      if (dex.protoString(dex.methodProtoIdx[mi]) === proto) return s;
    }
    return -1;
  }

  /** The code of a method given as a full ref (in the dex that defines it, or in `dexName`). */
  code(ref: string, dexName?: string): MCode | null {
    const id = dexName ? `${dexName}|${ref}` : ref;
    const cached = this.codes.get(id);
    if (cached !== undefined) return cached;
    let out: MCode | null = null;
    const arrow = ref.indexOf('->');
    const desc = ref.slice(0, arrow);
    const hit = this.classOf(desc, dexName);
    if (hit) {
      const { dex, cls } = hit;
      const open = ref.indexOf('(', arrow);
      const name = ref.slice(arrow + 2, open);
      const proto = ref.slice(open);
      const s = open < 0 ? -1 : this.slotOf(dex, cls, name, proto);
      if (s >= 0) {
        const ci = dex.codeItem(dex.methodSlotCodeOff[s]);
        if (ci) {
          const key: MethodKey = { class: desc, name, proto };
          out = scanCode(dex, key, ci.insns, ci.registersSize, ci.insSize, (dex.methodSlotAccess[s] & ACC_STATIC) !== 0);
        }
      }
    }
    if (this.codes.size > 50_000) this.codes.clear();
    this.codes.set(id, out);
    return out;
  }

  codeOfSite(site: CallSite): MCode | null {
    return this.code(methodRefOf(site.caller), site.dex);
  }

  invokeAt(m: MCode, pc: number): Invoke | null {
    if (pc < 0 || pc + 2 >= m.insns.length) return null;
    const w0 = m.insns[pc];
    const op = w0 & 0xff;
    const raw: number[] = [];
    if (INVOKE_35C(op)) {
      const n = w0 >> 12;
      const w2 = m.insns[pc + 2];
      const list = [w2 & 0xf, (w2 >> 4) & 0xf, (w2 >> 8) & 0xf, (w2 >> 12) & 0xf, (w0 >> 8) & 0xf];
      for (let i = 0; i < n && i < 5; i++) raw.push(list[i]);
    } else if (INVOKE_3RC(op)) {
      const n = w0 >> 8;
      const first = m.insns[pc + 2];
      for (let i = 0; i < n; i++) raw.push(first + i);
    } else return null;
    const idx = m.insns[pc + 1];
    const custom = op === 0xfc || op === 0xfd;
    const target = custom ? `call_site@${idx}` : idx < m.dex.header.methodIdsSize ? m.dex.methodRef(idx) : `<invalid method #${idx}>`;
    const isStatic = op === 0x71 || op === 0x77 || custom;
    const params = custom ? raw.map(() => 'Ljava/lang/Object;') : parseRef(target).params;
    const regs: number[] = [];
    let w = 0;
    if (!isStatic) {
      regs.push(raw[0] ?? -1);
      w = 1;
    }
    for (const t of params) {
      regs.push(raw[w] ?? -1);
      w += t === 'J' || t === 'D' ? 2 : 1;
    }
    return { m, pc, target, static: isStatic, regs, params };
  }

  /** Per dex: a wanted target (ref or ref without proto) as class type id + name string id, or null when the dex has neither. */
  private readonly wanted = new Map<string, { t: number; n: number; proto: string | null } | null>();

  private want(d: DexFile, target: string): { t: number; n: number; proto: string | null } | null {
    const id = `${d.file}|${target}`;
    let w = this.wanted.get(id);
    if (w === undefined) {
      const arrow = target.indexOf('->');
      const open = target.indexOf('(', arrow);
      const t = d.typeIndex(target.slice(0, arrow));
      const n = d.stringIndex(open < 0 ? target.slice(arrow + 2) : target.slice(arrow + 2, open));
      w = t < 0 || n < 0 ? null : { t, n, proto: open < 0 ? null : target.slice(open) };
      this.wanted.set(id, w);
    }
    return w;
  }

  /** Invokes in the method of `target` (a full ref, or a ref without proto for every overload), in code order. */
  invokesIn(m: MCode, target: string): Invoke[] {
    const out: Invoke[] = [];
    const d = m.dex;
    const w = this.want(d, target);
    if (!w) return out;
    for (let i = 0; i < m.invokePc.length; i++) {
      const op = m.insns[m.invokePc[i]] & 0xff;
      if (op === 0xfc || op === 0xfd) continue;
      const idx = m.invokeIdx[i];
      if (idx >= d.header.methodIdsSize || d.methodClassIdx[idx] !== w.t || d.methodNameIdx[idx] !== w.n) continue;
      if (w.proto !== null && d.protoString(d.methodProtoIdx[idx]) !== w.proto) continue;
      const inv = this.invokeAt(m, m.invokePc[i]);
      if (inv) out.push(inv);
    }
    return out;
  }

  /** Targets of every invoke in the method (unique). */
  targetsOf(m: MCode): string[] {
    const out = new Set<string>();
    for (let i = 0; i < m.invokePc.length; i++) {
      const op = m.insns[m.invokePc[i]] & 0xff;
      if (op === 0xfc || op === 0xfd) continue;
      const idx = m.invokeIdx[i];
      if (idx < m.dex.header.methodIdsSize) out.add(m.dex.methodRef(idx));
    }
    return [...out];
  }

  stringsOf(m: MCode): { pc: number; value: string }[] {
    const out: { pc: number; value: string }[] = [];
    for (let i = 0; i < m.constPc.length; i++) out.push({ pc: m.constPc[i], value: m.dex.string(m.constIdx[i]) });
    return out;
  }

  /** What last wrote `reg` before `pc` (in linear code order, following moves). */
  source(m: MCode, pc: number, reg: number): Source {
    if (reg < 0) return { kind: 'unknown' };
    let r = reg;
    let limit = pc;
    for (let hops = 0; hops < 16; hops++) {
      let found = -1;
      // Last instruction before `limit` (binary search), then backwards to the writer of r.
      let lo = 0;
      let hi = m.starts.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (m.starts[mid] < limit) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo - 1; i >= 0; i--) {
        if (m.dest[i] === r) {
          found = i;
          break;
        }
      }
      if (found < 0) {
        const firstIn = m.registersSize - m.insSize;
        if (r < firstIn) return { kind: 'unknown' };
        let w = r - firstIn;
        if (!m.isStatic) {
          if (w === 0) return { kind: 'param', index: -1 };
          w -= 1;
        }
        const params = parseRef(m.ref).params;
        for (let k = 0; k < params.length; k++) {
          if (w === 0) return { kind: 'param', index: k };
          const t = params[k];
          w -= t === 'J' || t === 'D' ? 2 : 1;
          if (w < 0) break;
        }
        return { kind: 'unknown' };
      }
      if (m.src[found] >= 0) {
        r = m.src[found];
        limit = m.starts[found];
        continue;
      }
      const at = m.starts[found];
      const U = m.insns;
      const w = U[at];
      const op = w & 0xff;
      const d = m.dex;
      switch (op) {
        case 0x0a:
        case 0x0b:
        case 0x0c: {
          let j = found - 1;
          while (j >= 0 && m.starts[j] >= at) j--;
          if (j < 0) return { kind: 'unknown' };
          const inv = this.invokeAt(m, m.starts[j]);
          return inv ? { kind: 'invoke', inv } : { kind: 'unknown' };
        }
        case 0x12:
          return { kind: 'int', value: (w << 16) >> 28 };
        case 0x13:
          return { kind: 'int', value: (U[at + 1] << 16) >> 16 };
        case 0x14:
          return { kind: 'int', value: (U[at + 1] | (U[at + 2] << 16)) | 0 };
        case 0x15:
          return { kind: 'int', value: (U[at + 1] << 16) | 0 };
        case 0x16:
        case 0x17:
        case 0x18:
        case 0x19:
          return { kind: 'int', value: op === 0x16 ? (U[at + 1] << 16) >> 16 : op === 0x17 ? (U[at + 1] | (U[at + 2] << 16)) | 0 : NaN };
        case 0x1a:
          return { kind: 'string', value: d.string(U[at + 1]) };
        case 0x1b:
          return { kind: 'string', value: d.string(U[at + 1] | (U[at + 2] << 16)) };
        case 0x1c:
          return { kind: 'class', type: d.type(U[at + 1]) };
        case 0x22:
          return { kind: 'new', type: d.type(U[at + 1]), pc: at, reg: r };
        default:
          if ((op >= 0x52 && op <= 0x58) || (op >= 0x60 && op <= 0x66)) {
            const f = U[at + 1];
            return f < d.header.fieldIdsSize ? { kind: 'field', ref: d.fieldRef(f), static: op >= 0x60 } : { kind: 'unknown' };
          }
          return { kind: 'unknown' };
      }
    }
    return { kind: 'unknown' };
  }

  /** The source of logical argument `k` of an invoke. */
  argSource(inv: Invoke, k: number): Source {
    const r = inv.regs[k];
    return r === undefined ? { kind: 'unknown' } : this.source(inv.m, inv.pc, r);
  }

  /** The constructor call on a `new T` object created at `newPc` in register `reg`, before `beforePc`. */
  constructorOf(m: MCode, type: string, newPc: number, reg: number, beforePc: number): Invoke | null {
    for (const inv of this.invokesIn(m, `${type}-><init>`)) {
      if (inv.pc <= newPc || inv.pc >= beforePc) continue;
      if (inv.regs[0] === reg) return inv;
    }
    return null;
  }
}

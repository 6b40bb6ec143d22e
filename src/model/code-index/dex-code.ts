/**
 * The code data of one dex (the column stores the walk filled, per method slot) and what turns
 * its integer records back into refs, keys and argument values for the query layer.
 */

import type { DexFile } from '../../apk/dex.js';
import { Args, buildCsr, K_CLASS, K_FIELD, K_INT, K_NEW, K_RESULT, K_STRING, K_UNKNOWN, K_WIDE, Refs, Sites, type Csr } from './stores.js';
import type { ArgValue, CallSite, InvokeKind, MethodKey } from './types.js';

const UNKNOWN: ArgValue = Object.freeze({ kind: 'unknown' }) as ArgValue;

const INVOKE_KIND: Record<number, InvokeKind> = {
  0x6e: 'virtual', 0x6f: 'super', 0x70: 'direct', 0x71: 'static', 0x72: 'interface',
  0x74: 'virtual', 0x75: 'super', 0x76: 'direct', 0x77: 'static', 0x78: 'interface',
  0xfa: 'polymorphic', 0xfb: 'polymorphic', 0xfc: 'custom', 0xfd: 'custom',
};

// ---------------------------------------------------------------- per-dex code data

export class DexCode {
  /** Per method slot: first site / field access / const-string record (length nSlots + 1). */
  siteStart: Int32Array;
  fieldStart: Int32Array;
  constStart: Int32Array;
  sites: Sites;
  args: Args;
  fields: Refs;
  consts: Refs;
  instructions = 0;
  methodsWalked = 0;

  private byTarget: Csr | null = null;
  private byField: Csr | null = null;
  private methodIdsByClass: Csr | null = null;
  private methodIdsByName: Csr | null = null;
  private fieldIdsByClass: Csr | null = null;
  private keys: (MethodKey | undefined)[];
  private readonly argCache = new Map<number, ArgValue>();

  constructor(readonly dex: DexFile) {
    const nSlots = dex.methodSlotIdx.length;
    this.siteStart = new Int32Array(nSlots + 1);
    this.fieldStart = new Int32Array(nSlots + 1);
    this.constStart = new Int32Array(nSlots + 1);
    // Real code has about one invoke per 9 code units and one field access per 12.
    const units = dex.totalCodeUnits;
    this.sites = new Sites(units >> 3);
    this.args = new Args(units >> 2);
    this.fields = new Refs(units >> 3);
    this.consts = new Refs(units >> 5);
    this.keys = new Array(dex.header.methodIdsSize);
  }

  get name(): string {
    return this.dex.file;
  }

  key(methodIdx: number): MethodKey {
    let k = this.keys[methodIdx];
    if (k === undefined) {
      const d = this.dex;
      k = Object.freeze({ class: d.methodClass(methodIdx), name: d.methodName(methodIdx), proto: d.protoString(d.methodProtoIdx[methodIdx]) });
      this.keys[methodIdx] = k;
    }
    return k;
  }

  slotKey(slot: number): MethodKey {
    return this.key(this.dex.methodSlotIdx[slot]);
  }

  /** Type id of a descriptor, or -1 (binary searches: strings and type_ids are sorted). */
  typeId(desc: string): number {
    return this.dex.typeIndex(desc);
  }

  /** Method ids declared on type `t` named `name` (and with proto `proto` when given). */
  methodIds(t: number, name: string, proto: string | null): number[] {
    const d = this.dex;
    if (this.methodIdsByClass === null) {
      const mc = d.methodClassIdx;
      this.methodIdsByClass = buildCsr(d.header.typeIdsSize, mc.length, (i) => mc[i]);
    }
    const { start, order } = this.methodIdsByClass;
    const out: number[] = [];
    for (let i = start[t]; i < start[t + 1]; i++) {
      const m = order[i];
      if (d.methodName(m) !== name) continue;
      if (proto !== null && d.protoString(d.methodProtoIdx[m]) !== proto) continue;
      out.push(m);
    }
    return out;
  }

  /** Method ids of any class named `name` (and with proto `proto` when given). */
  methodIdsNamed(name: string, proto: string | null): number[] {
    const d = this.dex;
    if (this.methodIdsByName === null) {
      // Group method ids by name string id; the name's string id is found by binary search.
      const names = d.methodNameIdx;
      this.methodIdsByName = buildCsr(d.header.stringIdsSize, names.length, (i) => names[i]);
    }
    const { start, order } = this.methodIdsByName;
    const out: number[] = [];
    const nameIdx = d.stringIndex(name);
    if (nameIdx < 0) return out;
    for (let i = start[nameIdx]; i < start[nameIdx + 1]; i++) {
      const m = order[i];
      if (proto === null || d.protoString(d.methodProtoIdx[m]) === proto) out.push(m);
    }
    return out;
  }

  fieldIds(t: number, name: string, type: string | null): number[] {
    const d = this.dex;
    if (this.fieldIdsByClass === null) {
      const fc = d.fieldClassIdx;
      this.fieldIdsByClass = buildCsr(d.header.typeIdsSize, fc.length, (i) => fc[i]);
    }
    const { start, order } = this.fieldIdsByClass;
    const out: number[] = [];
    for (let i = start[t]; i < start[t + 1]; i++) {
      const f = order[i];
      if (d.string(d.fieldNameIdx[f]) !== name) continue;
      if (type !== null && d.type(d.fieldTypeIdx[f]) !== type) continue;
      out.push(f);
    }
    return out;
  }

  sitesOfTarget(methodIdx: number): Int32Array {
    if (this.byTarget === null) {
      const s = this.sites;
      const op = s.op;
      const target = s.target;
      this.byTarget = buildCsr(this.dex.header.methodIdsSize, s.n, (i) => (op[i] === 0xfc || op[i] === 0xfd ? -1 : target[i]));
    }
    const { start, order } = this.byTarget;
    return order.subarray(start[methodIdx], start[methodIdx + 1]);
  }

  accessesOfField(fieldIdx: number): Int32Array {
    if (this.byField === null) {
      const f = this.fields;
      const idx = f.idx;
      this.byField = buildCsr(this.dex.header.fieldIdsSize, f.n, (i) => idx[i]);
    }
    const { start, order } = this.byField;
    return order.subarray(start[fieldIdx], start[fieldIdx + 1]);
  }

  /** Absolute code-unit index of instruction `pc` of method slot `slot`. */
  absPc(slot: number, pc: number): number {
    return ((this.dex.methodSlotCodeOff[slot] + 16) >> 1) + pc;
  }

  /**
   * The ArgValue of a recorded register value. Values repeat a lot (the same key string, the same
   * getter result), so all but wide constants are shared objects: treat them as read-only.
   */
  argValue(kind: number, val: number): ArgValue {
    if (kind === K_UNKNOWN) return UNKNOWN;
    if (kind === K_WIDE) return { kind: 'int', value: wideConst(this.dex.u16, val) };
    const k = kind * 0x100000000 + (val >>> 0);
    let v = this.argCache.get(k);
    if (v === undefined) {
      v = this.makeArgValue(kind, val);
      this.argCache.set(k, v);
    }
    return v;
  }

  private makeArgValue(kind: number, val: number): ArgValue {
    const d = this.dex;
    switch (kind) {
      case K_STRING:
        return { kind: 'string', value: d.string(val) };
      case K_INT:
        return { kind: 'int', value: val };
      case K_WIDE:
        return { kind: 'int', value: wideConst(d.u16, val) };
      case K_CLASS:
        return { kind: 'class', value: d.type(val) };
      case K_RESULT:
        return { kind: 'result', of: d.methodRef(val) };
      case K_NEW:
        return { kind: 'new', type: d.type(val) };
      case K_FIELD:
        return { kind: 'field', ref: d.fieldRef(val) };
      default:
        return UNKNOWN;
    }
  }

  site(i: number): CallSite {
    const d = this.dex;
    const s = this.sites;
    const op = s.op[i];
    const slot = s.slot[i];
    const target = s.target[i];
    const invokeKind = INVOKE_KIND[op];
    const words = s.argN[i];
    const a0 = s.argStart[i];
    const args: ArgValue[] = [];
    // Shorty of the parameters decides which arguments are wide (J/D take two registers).
    let shorty: string | null = null;
    let hasReceiver = op !== 0x71 && op !== 0x77;
    let targetRef: string;
    if (invokeKind === 'custom') {
      targetRef = `call_site@${target}`;
      hasReceiver = false;
      const proto = callSiteProto(d, target);
      if (proto >= 0) shorty = d.string(d.protoShortyIdx[proto]);
    } else {
      targetRef = d.methodRef(target);
      let proto = d.methodProtoIdx[target];
      if (invokeKind === 'polymorphic') {
        const h = d.u16[this.absPc(slot, s.pc[i]) + 3];
        if (h < d.header.protoIdsSize) proto = h;
      }
      shorty = d.string(d.protoShortyIdx[proto]);
    }
    const ak = this.args.kind;
    const av = this.args.val;
    let w = 0;
    if (hasReceiver && words > 0) {
      args.push(this.argValue(ak[a0], av[a0]));
      w = 1;
    }
    if (shorty === null) {
      for (; w < words; w++) args.push(this.argValue(ak[a0 + w], av[a0 + w]));
    } else {
      for (let p = 1; p < shorty.length && w < words; p++) {
        args.push(this.argValue(ak[a0 + w], av[a0 + w]));
        const c = shorty.charCodeAt(p);
        w += c === 0x4a /* J */ || c === 0x44 /* D */ ? 2 : 1;
      }
    }
    return { dex: this.name, caller: this.slotKey(slot), target: targetRef, invokeKind, pc: s.pc[i], args };
  }
}

/** Value of a const-wide* instruction at absolute code-unit index `p`. */
function wideConst(u: Uint16Array, p: number): number | bigint {
  const op = u[p] & 0xff;
  switch (op) {
    case 0x16:
      return (u[p + 1] << 16) >> 16;
    case 0x17:
      return u[p + 1] | (u[p + 2] << 16);
    case 0x18: {
      const lo = BigInt((u[p + 1] | (u[p + 2] << 16)) >>> 0);
      const hi = BigInt((u[p + 3] | (u[p + 4] << 16)) >>> 0);
      const v = BigInt.asIntN(64, (hi << 32n) | lo);
      return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
    }
    case 0x19: {
      const v = BigInt.asIntN(64, BigInt(u[p + 1]) << 48n);
      return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
    }
    default:
      return 0;
  }
}

/** Proto index of call_site_id #i (the method type, third element of its encoded array), or -1. */
function callSiteProto(d: DexFile, i: number): number {
  const sec = d.mapSection(0x0007);
  if (sec === null || i >= sec.size) return -1;
  const o = sec.offset + i * 4;
  if (o + 4 > d.bytes.length) return -1;
  const off = (d.bytes[o] | (d.bytes[o + 1] << 8) | (d.bytes[o + 2] << 16) | (d.bytes[o + 3] << 24)) >>> 0;
  const mt = d.encodedArrayAt(off)?.[2];
  return mt?.type === 'method-type' ? mt.index : -1;
}


/**
 * Call-site index over the code of every dex file of an app: the query layer rules use.
 *
 * buildCodeIndex walks every method once. For each method it records, in flat typed arrays per
 * dex, its invoke instructions (target method id, opcode, pc, and the tracked value of each
 * argument register), its field accesses and its const-string loads. Nothing is turned into a
 * string during the walk: method/field/type/string ids stay integers, and strings, refs and
 * objects are built only for what a query returns. Lookup tables (target -> call sites, type name
 * -> type id, ...) are built per dex on the first query that needs them.
 *
 * Constant propagation (per method, forward, in linear instruction order):
 *  - const/4, /16, /high16, const and const-wide* give {kind:'int'} (the raw bits: a float or
 *    double constant shows as its bit pattern; 64-bit values that do not fit a double exactly are
 *    bigints); const-string(/jumbo) gives {kind:'string'}; const-class gives {kind:'class'};
 *    move, move-object, move-wide and their /from16 and /16 forms copy a value;
 *    move-result* right after an invoke gives {kind:'result', of: target};
 *    new-instance / new-array give {kind:'new'}; iget* / sget* give {kind:'field'};
 *    check-cast keeps the value; any other write kills the register (both halves for wide ones).
 *  - Control flow is not followed: the state flows from one instruction to the next in address
 *    order, across forward branches ("keep-linear-order"). All registers are cleared at the start
 *    of every exception handler and at every target of a backward branch (loop heads), where the
 *    linear state would most often be wrong. Loop heads are found while walking; a method that
 *    has one is walked again from its first loop head with the clearing applied (everything
 *    before it is unaffected). So a value seen at a call site was written on the straight-line
 *    path before it, or on some path reaching it through a forward jump; a value written only on
 *    the other arm of an if/else may be reported.
 *  - Invalid or unreachable code never throws: a truncated instruction or payload ends the walk
 *    of that method with a warning; a switch/fill-array-data payload outside the method or a
 *    branch outside the method only adds a warning.
 *
 * Queries name methods in smali form, "Lcom/example/Foo;->bar(Ljava/lang/String;I)V"; without the
 * proto ("Lcom/example/Foo;->bar") they match every overload; with "*" as the class
 * ("*->getSharedPreferences") they match the name on any class, which is how to find a framework
 * method called through an app subclass (`LMyActivity;->getSharedPreferences`). invoke-custom
 * sites are kept under "call_site@N" (N = call_site_id index). A method ref is matched as written
 * in the invoke: no virtual dispatch is resolved (see CallsToOptions.subtypes for app subclasses).
 */

import type { ReadWarning } from '../apk/errors.js';
import { warning } from '../apk/errors.js';
import { forEachHandlerAddr, NO_INDEX, type DexFile, type DexClass, type EncodedValue } from '../apk/dex.js';
import {
  DEST_A16,
  DEST_A4,
  DEST_A8,
  OPCODE_DEST,
  OPCODE_DEST_WIDE,
  OPCODE_UNITS,
  payloadUnits,
  PACKED_SWITCH_PAYLOAD,
  SPARSE_SWITCH_PAYLOAD,
  FILL_ARRAY_DATA_PAYLOAD,
} from '../apk/dex-opcodes.js';

// ---------------------------------------------------------------- public types

export interface MethodKey {
  /** "Lcom/example/Foo;" */
  class: string;
  name: string;
  /** "(Ljava/lang/String;I)V" */
  proto: string;
}

export type InvokeKind = 'virtual' | 'super' | 'direct' | 'static' | 'interface' | 'polymorphic' | 'custom';

export type ArgValue =
  | { kind: 'string'; value: string }
  | { kind: 'int'; value: number | bigint }
  | { kind: 'class'; value: string }
  | { kind: 'result'; of: string }
  | { kind: 'new'; type: string }
  | { kind: 'field'; ref: string }
  | { kind: 'unknown' };

export interface CallSite {
  /** Dex file name, e.g. "classes2.dex". */
  dex: string;
  caller: MethodKey;
  /** Full ref "Lx;->m(..)R"; for invoke-custom "call_site@N" (N = call_site_id index). */
  target: string;
  invokeKind: InvokeKind;
  /** Code-unit offset of the invoke inside the caller. */
  pc: number;
  /** One entry per logical argument, the receiver first for non-static invokes. */
  args: ArgValue[];
}

export interface MethodSummary {
  key: MethodKey;
  dex: string;
  accessFlags: number;
  hasCode: boolean;
  /** Unique invoke targets, in order of first appearance. */
  invokes: string[];
  fieldsRead: string[];
  fieldsWritten: string[];
  /** const-string values, unique, in order of first appearance. */
  strings: string[];
}

export interface ClassSummary {
  name: string;
  superclass: string | null;
  interfaces: string[];
  accessFlags: number;
  sourceFile: string | null;
  dex: string;
}

export interface StringSite {
  dex: string;
  caller: MethodKey;
  pc: number;
}

export interface FieldAccess {
  dex: string;
  caller: MethodKey;
  /** Full field ref "Lx;->name:Ltype;". */
  field: string;
  pc: number;
  access: 'read' | 'write';
  static: boolean;
}

export interface StaticStringValue {
  kind: 'static-value';
  /** Full field ref of the static field. */
  field: string;
  value: string;
  dex: string;
}

export interface CodeIndexStats {
  dexFiles: number;
  classes: number;
  /** Methods with a code item that was walked. */
  methods: number;
  methodIds: number;
  strings: number;
  callSites: number;
  instructions: number;
}

export interface CallsToOptions {
  /**
   * Also match calls whose method ref names a class of the app that extends/implements the
   * queried class (e.g. `LMyWebView;->loadUrl` for `Landroid/webkit/WebView;->loadUrl`).
   */
  subtypes?: boolean;
}

export interface CodeIndex {
  readonly stats: CodeIndexStats;
  /** Warnings of the dex files (parse) and of the walk; grows if a lazy query finds more. */
  readonly warnings: ReadWarning[];
  readonly dexes: readonly DexFile[];
  /**
   * Every invoke of `ref` in every dex, in dex order then code order. `ref` is a full method ref,
   * a ref without proto (all overloads), "*->name[(proto)]" (any class) or "call_site@N".
   * Results are cached per ref; the array returned is a copy, its objects are shared.
   */
  callsTo(ref: string, options?: CallsToOptions): CallSite[];
  /** The distinct callers of `ref` (same matching as callsTo). */
  callersOf(ref: string, options?: CallsToOptions): MethodKey[];
  /** Every method defined in the dex files (with or without code), summaries built lazily. */
  methods(): Iterable<MethodSummary>;
  /**
   * A method defined by the class (the first definition of the class across the dex files, as
   * the runtime would load it). Without `proto`, the first overload in class_data order.
   */
  method(classDesc: string, name: string, proto?: string): MethodSummary | undefined;
  /** Every defined method of the class with that name (all overloads). */
  overloads(classDesc: string, name: string): MethodSummary[];
  /** const-string loads whose value passes `predicate` (tested once per distinct string), grouped by value. */
  stringSites(predicate: (s: string) => boolean): { value: string; sites: StringSite[] }[];
  /** Every string of every string table (type names, member names, literals...), decoded lazily. */
  allStrings(): Iterable<{ value: string; dex: string }>;
  /** String initial values of static fields (class_def static_values), e.g. `static final String URL`. */
  staticStringValues(): StaticStringValue[];
  /** Every class definition of every dex, duplicates included. */
  classes(): Iterable<ClassSummary>;
  /** The first definition of a class across the dex files. */
  classByName(desc: string): ClassSummary | undefined;
  /** App classes (transitively) extending or implementing `desc`, not including it. */
  subtypesOf(desc: string): string[];
  /** Reads and writes of a field: "Lx;->name:Ltype;" or "Lx;->name" (any type). */
  fieldAccesses(ref: string): FieldAccess[];
}

// ---------------------------------------------------------------- register value kinds

const K_UNKNOWN = 0;
const K_STRING = 1;
const K_INT = 2;
const K_WIDE = 3; // value = absolute code-unit index of the const-wide instruction
const K_CLASS = 4;
const K_RESULT = 5;
const K_NEW = 6;
const K_FIELD = 7;

const UNKNOWN: ArgValue = Object.freeze({ kind: 'unknown' }) as ArgValue;

const INVOKE_KIND: Record<number, InvokeKind> = {
  0x6e: 'virtual', 0x6f: 'super', 0x70: 'direct', 0x71: 'static', 0x72: 'interface',
  0x74: 'virtual', 0x75: 'super', 0x76: 'direct', 0x77: 'static', 0x78: 'interface',
  0xfa: 'polymorphic', 0xfb: 'polymorphic', 0xfc: 'custom', 0xfd: 'custom',
};

// ---------------------------------------------------------------- growable column stores

class Sites {
  n = 0;
  slot: Int32Array;
  target: Int32Array;
  pc: Int32Array;
  argStart: Int32Array;
  op: Uint8Array;
  argN: Uint8Array;
  constructor(cap: number) {
    cap = Math.max(64, cap);
    this.slot = new Int32Array(cap);
    this.target = new Int32Array(cap);
    this.pc = new Int32Array(cap);
    this.argStart = new Int32Array(cap);
    this.op = new Uint8Array(cap);
    this.argN = new Uint8Array(cap);
  }
  ensure(extra: number): void {
    if (this.n + extra > this.slot.length) this.grow(this.n + extra);
  }
  grow(min = 0): void {
    const cap = Math.max(this.slot.length * 2, min);
    this.slot = growI32(this.slot, cap);
    this.target = growI32(this.target, cap);
    this.pc = growI32(this.pc, cap);
    this.argStart = growI32(this.argStart, cap);
    this.op = growU8(this.op, cap);
    this.argN = growU8(this.argN, cap);
  }
}

class Args {
  n = 0;
  kind: Uint8Array;
  val: Int32Array;
  constructor(cap: number) {
    cap = Math.max(256, cap);
    this.kind = new Uint8Array(cap);
    this.val = new Int32Array(cap);
  }
  ensure(extra: number): void {
    if (this.n + extra <= this.kind.length) return;
    const cap = Math.max(this.kind.length * 2, this.n + extra);
    this.kind = growU8(this.kind, cap);
    this.val = growI32(this.val, cap);
  }
}

/** (slot, index, pc, op) records: field accesses and const-string loads. */
class Refs {
  n = 0;
  slot: Int32Array;
  idx: Int32Array;
  pc: Int32Array;
  op: Uint8Array;
  constructor(cap: number) {
    cap = Math.max(64, cap);
    this.slot = new Int32Array(cap);
    this.idx = new Int32Array(cap);
    this.pc = new Int32Array(cap);
    this.op = new Uint8Array(cap);
  }
  ensure(extra: number): void {
    if (this.n + extra > this.slot.length) this.grow(this.n + extra);
  }
  grow(min = 0): void {
    const cap = Math.max(this.slot.length * 2, min);
    this.slot = growI32(this.slot, cap);
    this.idx = growI32(this.idx, cap);
    this.pc = growI32(this.pc, cap);
    this.op = growU8(this.op, cap);
  }
}

function growI32(a: Int32Array, cap: number): Int32Array {
  const b = new Int32Array(cap);
  b.set(a);
  return b;
}
function growU8(a: Uint8Array, cap: number): Uint8Array {
  const b = new Uint8Array(cap);
  b.set(a);
  return b;
}

/** Compressed index: entries of key k are order[start[k] .. start[k+1]). */
interface Csr {
  start: Int32Array;
  order: Int32Array;
}

function buildCsr(nKeys: number, n: number, keyOf: (i: number) => number): Csr {
  const start = new Int32Array(nKeys + 1);
  for (let i = 0; i < n; i++) {
    const k = keyOf(i);
    if (k >= 0 && k < nKeys) start[k + 1]++;
  }
  for (let k = 0; k < nKeys; k++) start[k + 1] += start[k];
  const fill = start.slice(0, nKeys);
  const order = new Int32Array(start[nKeys]);
  for (let i = 0; i < n; i++) {
    const k = keyOf(i);
    if (k >= 0 && k < nKeys) order[fill[k]++] = i;
  }
  return { start, order };
}

// ---------------------------------------------------------------- per-dex code data

class DexCode {
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
    const d = this.dex;
    const s = d.stringIndex(desc);
    if (s < 0) return -1;
    const types = d.typeDescriptorIdx;
    let lo = 0;
    let hi = types.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = types[mid];
      if (v === s) return mid;
      if (v < s) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
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

// ---------------------------------------------------------------- the walk

// What the walker does per opcode (one small switch instead of one case per opcode keeps the hot
// function small, so it is optimized early in a cold process).
const X_NONE = 0; // no tracked effect: returns, aput, monitor, throw, check-cast, nop, unused
const X_KILL = 1; // writes OPCODE_DEST[op] with an untracked value
const X_MOVE = 2;
const X_RESULT = 3;
const X_CONST = 4;
const X_WIDE = 5;
const X_STRING = 6;
const X_TYPE = 7; // const-class, new-instance, new-array
const X_GET = 8;
const X_PUT = 9;
const X_INVOKE = 10; // 35c, 45cc
const X_RANGE = 11; // 3rc, 4rcc
const X_BRANCH = 12; // goto*, if*
const X_SWITCH = 13;
const X_FILL = 14;

const OPCLASS = new Uint8Array(256);
(function fillOpClass(): void {
  for (let op = 0; op < 256; op++) if (OPCODE_DEST[op] !== 0) OPCLASS[op] = X_KILL;
  const set = (from: number, to: number, x: number): void => {
    for (let op = from; op <= to; op++) OPCLASS[op] = x;
  };
  set(0x01, 0x09, X_MOVE);
  set(0x0a, 0x0c, X_RESULT);
  set(0x12, 0x15, X_CONST);
  set(0x16, 0x19, X_WIDE);
  set(0x1a, 0x1b, X_STRING);
  set(0x1c, 0x1c, X_TYPE);
  set(0x1f, 0x1f, X_NONE);
  set(0x22, 0x23, X_TYPE);
  set(0x26, 0x26, X_FILL);
  set(0x28, 0x2a, X_BRANCH);
  set(0x2b, 0x2c, X_SWITCH);
  set(0x32, 0x3d, X_BRANCH);
  set(0x52, 0x58, X_GET);
  set(0x59, 0x5f, X_PUT);
  set(0x60, 0x66, X_GET);
  set(0x67, 0x6d, X_PUT);
  set(0x6e, 0x72, X_INVOKE);
  set(0x74, 0x78, X_RANGE);
  set(0xfa, 0xfa, X_INVOKE);
  set(0xfb, 0xfb, X_RANGE);
  set(0xfc, 0xfc, X_INVOKE);
  set(0xfd, 0xfd, X_RANGE);
})();

const NONE = 0x7fffffff;

/** Everything one walk needs; the register state and marks are shared by all walks. */
class WalkState {
  // Register state: registers_size is a u16; invoke/range may name up to 255 registers past the
  // last one (those read as unknown), and wide writes touch vA+1.
  readonly kind = new Uint8Array(65536 + 8);
  readonly val = new Int32Array(65536 + 8);
  marks = new Uint8Array(1024);
  nStrings = 0;
  nTypes = 0;
  nFields = 0;
  nMethods = 0;
  /** Instructions counted by the last walkCode call. */
  instructions = 0;
  /**
   * Lowest backward-branch target (relative pc) found by walkCode, 0x7fffffff when none: the
   * method must be walked again from there with the registers cleared at every loop head.
   */
  firstBackward = NONE;
  /** First problem seen in the method, '' when none. */
  problem = '';
  constructor(
    public S: Sites,
    public A: Args,
    public F: Refs,
    public C: Refs,
  ) {}
}

/**
 * Walks the insns U[from, end) of the method whose code starts at U[start]: constant propagation
 * and recording of invokes, field accesses and const-strings into st's stores (which the caller
 * sized for the method). With `useMarks`, registers are cleared at every position marked in
 * st.marks (relative pc). Backward branch targets found are marked and the lowest one is left in
 * st.firstBackward; the instruction count in st.instructions; the first problem in st.problem.
 */
function walkCode(st: WalkState, U: Uint16Array, start: number, from: number, end: number, nregs: number, slot: number, useMarks: boolean): void {
  const kind = st.kind;
  const val = st.val;
  const mk = st.marks;
  const size = end - start;
  const nStrings = st.nStrings;
  const nTypes = st.nTypes;
  const nFields = st.nFields;
  const nMethods = st.nMethods;
  const S = st.S;
  const F = st.F;
  const C = st.C;
  const A = st.A;
  let ak = A.kind;
  let av = A.val;
  let an = A.n;
  let sn = S.n;
  let fn = F.n;
  let cn = C.n;
  kind.fill(0, 0, nregs + 2);
  let prevInvoke = -1;
  let instructions = 0;
  let firstBackward = st.firstBackward;
  let p = from;
  while (p < end) {
    if (useMarks && mk[p - start] === 1) kind.fill(0, 0, nregs + 2);
    const w = U[p];
    const op = w & 0xff;
    if (op === 0 && w !== 0) {
      const pu = payloadUnits(U, p, end);
      if (pu > 0) {
        p += pu;
        continue;
      }
      if (pu < 0) {
        if (st.problem === '') st.problem = `payload at pc ${p - start} runs past the end of the code`;
        break;
      }
    }
    const len = OPCODE_UNITS[op];
    if (p + len > end) {
      if (st.problem === '') st.problem = `instruction at pc ${p - start} runs past the end of the code`;
      break;
    }
    instructions++;
    const pr = prevInvoke;
    prevInvoke = -1;
    const x = OPCLASS[op];
    if (x !== X_NONE) {
      const dk = OPCODE_DEST[op];
      // Destination register (meaningless for classes without one).
      const a = dk === DEST_A4 ? (w >> 8) & 15 : dk === DEST_A8 ? w >> 8 : dk === DEST_A16 ? U[p + 1] : 0;
      switch (x) {
        case X_KILL:
          kind[a] = K_UNKNOWN;
          if (OPCODE_DEST_WIDE[op] === 1) kind[a + 1] = K_UNKNOWN;
          break;
        case X_MOVE: {
          const f = (op - 1) % 3;
          const b = f === 0 ? w >> 12 : f === 1 ? U[p + 1] : U[p + 2];
          if (b < nregs) {
            kind[a] = kind[b];
            val[a] = val[b];
          } else kind[a] = K_UNKNOWN;
          if (OPCODE_DEST_WIDE[op] === 1) kind[a + 1] = K_UNKNOWN;
          break;
        }
        case X_RESULT:
          if (pr >= 0) {
            kind[a] = K_RESULT;
            val[a] = pr;
          } else kind[a] = K_UNKNOWN;
          if (op === 0x0b) kind[a + 1] = K_UNKNOWN;
          break;
        case X_CONST:
          kind[a] = K_INT;
          val[a] = op === 0x12 ? (w << 16) >> 28 : op === 0x13 ? (U[p + 1] << 16) >> 16 : op === 0x14 ? U[p + 1] | (U[p + 2] << 16) : U[p + 1] << 16;
          break;
        case X_WIDE:
          kind[a] = K_WIDE;
          val[a] = p;
          kind[a + 1] = K_UNKNOWN;
          break;
        case X_STRING: {
          const s = op === 0x1a ? U[p + 1] : (U[p + 1] | (U[p + 2] << 16)) >>> 0;
          if (s < nStrings) {
            kind[a] = K_STRING;
            val[a] = s;
            C.slot[cn] = slot;
            C.idx[cn] = s;
            C.pc[cn] = p - start;
            C.op[cn] = op;
            cn++;
          } else kind[a] = K_UNKNOWN;
          break;
        }
        case X_TYPE: {
          const t = U[p + 1];
          if (t < nTypes) {
            kind[a] = op === 0x1c ? K_CLASS : K_NEW;
            val[a] = t;
          } else kind[a] = K_UNKNOWN;
          break;
        }
        case X_GET:
        case X_PUT: {
          const f = U[p + 1];
          if (f < nFields) {
            F.slot[fn] = slot;
            F.idx[fn] = f;
            F.pc[fn] = p - start;
            F.op[fn] = op;
            fn++;
            if (x === X_GET) {
              kind[a] = K_FIELD;
              val[a] = f;
            }
          } else if (x === X_GET) kind[a] = K_UNKNOWN;
          if (x === X_GET && OPCODE_DEST_WIDE[op] === 1) kind[a + 1] = K_UNKNOWN;
          break;
        }
        case X_INVOKE:
        case X_RANGE: {
          const m = U[p + 1];
          const custom = op === 0xfc || op === 0xfd;
          if (!custom && m >= nMethods) break;
          let count: number;
          let first = 0;
          let regs = 0;
          if (x === X_INVOKE) {
            count = w >> 12;
            if (count > 5) count = 5;
            regs = U[p + 2];
          } else {
            count = w >> 8;
            first = U[p + 2];
          }
          if (an + count > ak.length) {
            A.n = an;
            A.ensure(count);
            ak = A.kind;
            av = A.val;
          }
          S.slot[sn] = slot;
          S.target[sn] = m;
          S.pc[sn] = p - start;
          S.op[sn] = op;
          S.argStart[sn] = an;
          S.argN[sn] = count;
          sn++;
          for (let k = 0; k < count; k++) {
            const r = x === X_RANGE ? first + k : k === 4 ? (w >> 8) & 15 : (regs >> (4 * k)) & 15;
            if (r < nregs) {
              ak[an] = kind[r];
              av[an] = val[r];
            } else ak[an] = K_UNKNOWN;
            an++;
          }
          if (!custom) prevInvoke = m;
          break;
        }
        case X_BRANCH: {
          const pc = p - start;
          const t = pc + (op === 0x28 ? (w << 16) >> 24 : op === 0x2a ? U[p + 1] | (U[p + 2] << 16) : (U[p + 1] << 16) >> 16);
          if (t <= pc && t >= 0) {
            if (mk[t] === 0) {
              mk[t] = 1;
              if (t < firstBackward) firstBackward = t;
            }
          } else if (t < 0 || t >= size) if (st.problem === '') st.problem = `branch at pc ${pc} jumps outside the method`;
          break;
        }
        case X_SWITCH:
        case X_FILL: {
          const pc = p - start;
          const pl = pc + (U[p + 1] | (U[p + 2] << 16));
          const q = start + pl;
          const want = op === 0x2b ? PACKED_SWITCH_PAYLOAD : op === 0x2c ? SPARSE_SWITCH_PAYLOAD : FILL_ARRAY_DATA_PAYLOAD;
          if (pl < 0 || pl >= size || U[q] !== want || payloadUnits(U, q, end) <= 0) {
            if (st.problem === '') st.problem = `${OPNAME[op]} at pc ${pc} does not point to a valid payload inside the method`;
          } else if (x === X_SWITCH) {
            const count = U[q + 1];
            const tgt = op === 0x2b ? q + 4 : q + 2 + count * 2;
            for (let k = 0; k < count; k++) {
              const tt = pc + (U[tgt + 2 * k] | (U[tgt + 2 * k + 1] << 16));
              if (tt <= pc && tt >= 0) {
                if (mk[tt] === 0) {
                  mk[tt] = 1;
                  if (tt < firstBackward) firstBackward = tt;
                }
              } else if (tt < 0 || tt >= size) if (st.problem === '') st.problem = `switch at pc ${pc} jumps outside the method`;
            }
          }
          break;
        }
      }
    }
    p += len;
  }
  A.n = an;
  S.n = sn;
  F.n = fn;
  C.n = cn;
  st.instructions = instructions;
  st.firstBackward = firstBackward;
}

const OPNAME: Record<number, string> = { 0x26: 'fill-array-data', 0x2b: 'packed-switch', 0x2c: 'sparse-switch' };

const MAX_DETAILED_WARNINGS = 50;

/** Walks every method of one dex into its DexCode. */
class Walker {
  warnings: ReadWarning[] = [];
  private problemMethods = 0;
  private readonly st: WalkState;
  constructor(private readonly dc: DexCode) {
    if (sharedState === null) warmUp();
    const st = sharedState as WalkState;
    st.S = dc.sites;
    st.A = dc.args;
    st.F = dc.fields;
    st.C = dc.consts;
    const h = dc.dex.header;
    st.nStrings = h.stringIdsSize;
    st.nTypes = h.typeIdsSize;
    st.nFields = h.fieldIdsSize;
    st.nMethods = h.methodIdsSize;
    this.st = st;
  }

  private problem(slot: number, what: string): void {
    this.problemMethods++;
    if (this.problemMethods <= MAX_DETAILED_WARNINGS) {
      const d = this.dc.dex;
      const cls = d.classes[d.methodSlotClass[slot]];
      this.warnings.push(warning(d.file, `class ${cls.name}, method ${d.methodRef(d.methodSlotIdx[slot])}: ${what}`));
    }
  }

  walkAll(): void {
    const dc = this.dc;
    const d = dc.dex;
    const n = d.methodSlotIdx.length;
    const codeOffs = d.methodSlotCodeOff;
    for (let slot = 0; slot < n; slot++) {
      dc.siteStart[slot] = dc.sites.n;
      dc.fieldStart[slot] = dc.fields.n;
      dc.constStart[slot] = dc.consts.n;
      const codeOff = codeOffs[slot];
      if (codeOff !== 0) this.walkMethod(slot, codeOff);
    }
    dc.siteStart[n] = dc.sites.n;
    dc.fieldStart[n] = dc.fields.n;
    dc.constStart[n] = dc.consts.n;
    if (this.problemMethods > MAX_DETAILED_WARNINGS) {
      this.warnings.push(warning(d.file, `${this.problemMethods - MAX_DETAILED_WARNINGS} more methods with unreadable code (not listed)`));
    }
  }

  private walkMethod(slot: number, codeOff: number): void {
    const dc = this.dc;
    const st = this.st;
    const U = dc.dex.u16;
    const base = codeOff >> 1;
    const nregs = U[base];
    const triesSize = U[base + 3];
    const insnsSize = U[base + 6] + U[base + 7] * 0x10000;
    const start = base + 8;
    const end = start + insnsSize;
    dc.methodsWalked++;
    // Every invoke is >= 3 code units, every field access or const-string >= 2.
    dc.sites.ensure(((insnsSize / 3) | 0) + 1);
    dc.fields.ensure(((insnsSize / 2) | 0) + 1);
    dc.consts.ensure(((insnsSize / 2) | 0) + 1);
    if (st.marks.length < insnsSize) st.marks = new Uint8Array(Math.max(insnsSize, st.marks.length * 2));
    const mk = st.marks;
    mk.fill(0, 0, insnsSize);
    let useMarks = false;
    st.problem = '';
    if (triesSize > 0) {
      useMarks = true;
      const ok = forEachHandlerAddr(dc.dex, codeOff, (addr) => {
        if (addr < insnsSize) mk[addr] = 1;
      });
      if (!ok) st.problem = 'exception handler list is unreadable (handlers not marked)';
    }
    const S = dc.sites;
    const F = dc.fields;
    const C = dc.consts;
    const s0 = S.n;
    const f0 = F.n;
    const c0 = C.n;
    st.firstBackward = NONE;
    walkCode(st, U, start, start, end, nregs, slot, useMarks);
    const t0 = st.firstBackward;
    if (t0 !== NONE) {
      // Loops. Registers are cleared at loop heads, so everything before the first one was
      // right; drop what was recorded from there on and walk that part again with all marks.
      const instructions = st.instructions;
      let sn = S.n;
      while (sn > s0 && S.pc[sn - 1] >= t0) sn--;
      if (sn < S.n) dc.args.n = S.argStart[sn];
      S.n = sn;
      while (F.n > f0 && F.pc[F.n - 1] >= t0) F.n--;
      while (C.n > c0 && C.pc[C.n - 1] >= t0) C.n--;
      walkCode(st, U, start, start + t0, end, nregs, slot, true);
      st.instructions = instructions;
    }
    dc.instructions += st.instructions;
    if (st.problem !== '') this.problem(slot, st.problem);
  }
}

let sharedState: WalkState | null = null;

/**
 * Runs walkCode once over a synthetic method that contains every opcode (and valid and invalid
 * payload references), so that every path has type feedback before the JIT optimizes the walker
 * on real code; otherwise the first rare opcode after optimization deoptimizes it, which costs
 * tens of milliseconds per round in a cold process. Takes well under a millisecond.
 */
function warmUp(): void {
  const code: number[] = [];
  for (let op = 1; op < 256; op++) {
    const x = OPCLASS[op];
    code.push(x === X_INVOKE ? op | 0x2000 : x === X_RANGE ? op | 0x0200 : op);
    for (let k = 1; k < OPCODE_UNITS[op]; k++) code.push(x === X_INVOKE && k === 2 ? 0x0010 : 0);
  }
  const sw = code.length;
  code.push(0x2b, 0, 0);
  const ssw = code.length;
  code.push(0x2c, 0, 0);
  const fa = code.length;
  code.push(0x26, 0, 0, 0x0e);
  const at = (insn: number, payload: number): void => {
    const rel = payload - insn;
    code[insn + 1] = rel & 0xffff;
    code[insn + 2] = (rel >>> 16) & 0xffff;
  };
  at(sw, code.length);
  code.push(PACKED_SWITCH_PAYLOAD, 1, 0, 0, -sw & 0xffff, (-sw >>> 16) & 0xffff);
  at(ssw, code.length);
  code.push(SPARSE_SWITCH_PAYLOAD, 1, 0, 0, 2, 0);
  at(fa, code.length);
  code.push(FILL_ARRAY_DATA_PAYLOAD, 1, 2, 0, 0);
  code.push(0x0100, 0xffff); // truncated payload at the end
  const U = Uint16Array.from(code);
  const st = new WalkState(new Sites(4), new Args(4), new Refs(4), new Refs(4));
  st.nStrings = st.nTypes = st.nFields = st.nMethods = 1;
  for (let round = 0; round < 4; round++) {
    st.S.n = st.A.n = st.F.n = st.C.n = 0;
    st.S.ensure(U.length);
    st.F.ensure(U.length);
    st.C.ensure(U.length);
    st.marks = new Uint8Array(U.length);
    st.firstBackward = NONE;
    st.problem = '';
    walkCode(st, U, 0, round > 1 ? 4 : 0, U.length, 16, 0, round % 2 === 1);
  }
  sharedState = st;
}

// ---------------------------------------------------------------- queries

interface ParsedRef {
  cls: string;
  name: string;
  /** "(..)R" for methods, the field type for fields; null = any. */
  rest: string | null;
}

function parseMethodRef(ref: string): ParsedRef | null {
  const arrow = ref.indexOf('->');
  if (arrow <= 0) return null;
  const cls = ref.slice(0, arrow);
  const tail = ref.slice(arrow + 2);
  const paren = tail.indexOf('(');
  if (paren < 0) return { cls, name: tail, rest: null };
  return { cls, name: tail.slice(0, paren), rest: tail.slice(paren) };
}

function parseFieldRef(ref: string): ParsedRef | null {
  const arrow = ref.indexOf('->');
  if (arrow <= 0) return null;
  const cls = ref.slice(0, arrow);
  const tail = ref.slice(arrow + 2);
  const colon = tail.indexOf(':');
  if (colon < 0) return { cls, name: tail, rest: null };
  return { cls, name: tail.slice(0, colon), rest: tail.slice(colon + 1) };
}

class LazyMethodSummary implements MethodSummary {
  private cache: { invokes: string[]; fieldsRead: string[]; fieldsWritten: string[]; strings: string[] } | null = null;
  constructor(private readonly dc: DexCode, private readonly slot: number) {}
  get key(): MethodKey {
    return this.dc.slotKey(this.slot);
  }
  get dex(): string {
    return this.dc.name;
  }
  get accessFlags(): number {
    return this.dc.dex.methodSlotAccess[this.slot] >>> 0;
  }
  get hasCode(): boolean {
    return this.dc.dex.methodSlotCodeOff[this.slot] !== 0;
  }
  private compute(): NonNullable<LazyMethodSummary['cache']> {
    if (this.cache) return this.cache;
    const dc = this.dc;
    const d = dc.dex;
    const s = this.slot;
    const invokes = new Set<string>();
    for (let i = dc.siteStart[s]; i < dc.siteStart[s + 1]; i++) {
      const op = dc.sites.op[i];
      invokes.add(op === 0xfc || op === 0xfd ? `call_site@${dc.sites.target[i]}` : d.methodRef(dc.sites.target[i]));
    }
    const read = new Set<string>();
    const written = new Set<string>();
    for (let i = dc.fieldStart[s]; i < dc.fieldStart[s + 1]; i++) {
      const op = dc.fields.op[i];
      const ref = d.fieldRef(dc.fields.idx[i]);
      if ((op >= 0x52 && op <= 0x58) || (op >= 0x60 && op <= 0x66)) read.add(ref);
      else written.add(ref);
    }
    const strings = new Set<string>();
    for (let i = dc.constStart[s]; i < dc.constStart[s + 1]; i++) strings.add(d.string(dc.consts.idx[i]));
    this.cache = { invokes: [...invokes], fieldsRead: [...read], fieldsWritten: [...written], strings: [...strings] };
    return this.cache;
  }
  get invokes(): string[] {
    return this.compute().invokes;
  }
  get fieldsRead(): string[] {
    return this.compute().fieldsRead;
  }
  get fieldsWritten(): string[] {
    return this.compute().fieldsWritten;
  }
  get strings(): string[] {
    return this.compute().strings;
  }
  toJSON(): MethodSummary {
    return { key: this.key, dex: this.dex, accessFlags: this.accessFlags, hasCode: this.hasCode, ...this.compute() };
  }
}

class CodeIndexImpl implements CodeIndex {
  readonly stats: CodeIndexStats;
  readonly warnings: ReadWarning[];
  private readonly codes: DexCode[];
  private classMap: Map<string, { dc: DexCode; cls: DexClass }> | null = null;
  private childMap: Map<string, string[]> | null = null;
  private staticStrings: StaticStringValue[] | null = null;
  private callCache = new Map<string, CallSite[]>();

  constructor(readonly dexes: readonly DexFile[]) {
    this.warnings = [];
    this.codes = [];
    let classes = 0;
    let methodIds = 0;
    let strings = 0;
    let callSites = 0;
    let instructions = 0;
    let methods = 0;
    for (const dex of dexes) {
      this.warnings.push(...dex.warnings);
      const dc = new DexCode(dex);
      const walker = new Walker(dc);
      walker.walkAll();
      this.warnings.push(...walker.warnings);
      this.codes.push(dc);
      classes += dex.classes.length;
      methodIds += dex.header.methodIdsSize;
      strings += dex.header.stringIdsSize;
      callSites += dc.sites.n;
      instructions += dc.instructions;
      methods += dc.methodsWalked;
    }
    this.stats = { dexFiles: dexes.length, classes, methods, methodIds, strings, callSites, instructions };
  }

  private siteIndexes(ref: string, options?: CallsToOptions): { dc: DexCode; sites: Int32Array }[] {
    if (ref.startsWith('call_site@')) return this.customSites(Number(ref.slice(10)));
    const parsed = parseMethodRef(ref);
    if (parsed === null) return [];
    const wildcard = parsed.cls === '*';
    const classes = [parsed.cls];
    if (options?.subtypes && !wildcard) classes.push(...this.subtypesOf(parsed.cls));
    const out: { dc: DexCode; sites: Int32Array }[] = [];
    for (const dc of this.codes) {
      const ids: number[] = [];
      if (wildcard) {
        ids.push(...dc.methodIdsNamed(parsed.name, parsed.rest));
      } else {
        for (const cls of classes) {
          const t = dc.typeId(cls);
          if (t >= 0) ids.push(...dc.methodIds(t, parsed.name, parsed.rest));
        }
      }
      const lists = ids.map((m) => dc.sitesOfTarget(m)).filter((l) => l.length > 0);
      if (lists.length === 1) out.push({ dc, sites: lists[0] });
      else if (lists.length > 1) {
        // Several method ids matched (overloads, subtypes): merge into code order.
        const merged = new Int32Array(lists.reduce((a, l) => a + l.length, 0));
        let k = 0;
        for (const l of lists) {
          merged.set(l, k);
          k += l.length;
        }
        out.push({ dc, sites: merged.sort() });
      }
    }
    return out;
  }

  /** invoke-custom sites of call_site_id #n in every dex (a linear scan: they are rare). */
  private customSites(n: number): { dc: DexCode; sites: Int32Array }[] {
    const out: { dc: DexCode; sites: Int32Array }[] = [];
    if (!Number.isInteger(n)) return out;
    for (const dc of this.codes) {
      const S = dc.sites;
      const hits: number[] = [];
      for (let i = 0; i < S.n; i++) if ((S.op[i] === 0xfc || S.op[i] === 0xfd) && S.target[i] === n) hits.push(i);
      if (hits.length > 0) out.push({ dc, sites: Int32Array.from(hits) });
    }
    return out;
  }

  callsTo(ref: string, options?: CallsToOptions): CallSite[] {
    const cacheKey = options?.subtypes ? `${ref}\u0000sub` : ref;
    let cached = this.callCache.get(cacheKey);
    if (cached === undefined) {
      cached = [];
      for (const { dc, sites } of this.siteIndexes(ref, options)) for (const i of sites) cached.push(dc.site(i));
      this.callCache.set(cacheKey, cached);
    }
    return cached.slice();
  }

  callersOf(ref: string, options?: CallsToOptions): MethodKey[] {
    const seen = new Set<MethodKey>();
    for (const { dc, sites } of this.siteIndexes(ref, options)) {
      for (const i of sites) seen.add(dc.slotKey(dc.sites.slot[i]));
    }
    return [...seen];
  }

  *methods(): Iterable<MethodSummary> {
    for (const dc of this.codes) {
      const n = dc.dex.methodSlotIdx.length;
      for (let s = 0; s < n; s++) yield new LazyMethodSummary(dc, s);
    }
  }

  overloads(classDesc: string, name: string): MethodSummary[] {
    const hit = this.classEntry(classDesc);
    if (!hit) return [];
    const { dc, cls } = hit;
    const d = dc.dex;
    const out: MethodSummary[] = [];
    for (let s = cls.methodStart; s < cls.methodEnd; s++) {
      if (d.methodName(d.methodSlotIdx[s]) === name) out.push(new LazyMethodSummary(dc, s));
    }
    return out;
  }

  method(classDesc: string, name: string, proto?: string): MethodSummary | undefined {
    const all = this.overloads(classDesc, name);
    if (proto === undefined) return all[0];
    return all.find((m) => m.key.proto === proto);
  }

  stringSites(predicate: (s: string) => boolean): { value: string; sites: StringSite[] }[] {
    const byValue = new Map<string, StringSite[]>();
    for (const dc of this.codes) {
      const d = dc.dex;
      const C = dc.consts;
      // Test each distinct string once.
      const verdict = new Int8Array(d.header.stringIdsSize); // 0 untested, 1 yes, -1 no
      for (let i = 0; i < C.n; i++) {
        const s = C.idx[i];
        let v = verdict[s];
        if (v === 0) {
          v = predicate(d.string(s)) ? 1 : -1;
          verdict[s] = v;
        }
        if (v < 0) continue;
        const value = d.string(s);
        let list = byValue.get(value);
        if (!list) byValue.set(value, (list = []));
        list.push({ dex: dc.name, caller: dc.slotKey(C.slot[i]), pc: C.pc[i] });
      }
    }
    return [...byValue].map(([value, sites]) => ({ value, sites }));
  }

  *allStrings(): Iterable<{ value: string; dex: string }> {
    for (const dc of this.codes) {
      const n = dc.dex.header.stringIdsSize;
      for (let i = 0; i < n; i++) yield { value: dc.dex.string(i), dex: dc.name };
    }
  }

  staticStringValues(): StaticStringValue[] {
    if (this.staticStrings === null) {
      const out: StaticStringValue[] = [];
      for (const dc of this.codes) {
        const d = dc.dex;
        const before = d.warnings.length;
        for (const cls of d.classes) {
          if (cls.staticValuesOff === 0) continue;
          const values: EncodedValue[] = cls.staticValues();
          const n = Math.min(values.length, cls.staticFieldCount);
          for (let k = 0; k < n; k++) {
            const v = values[k];
            if (v.type === 'string') {
              out.push({ kind: 'static-value', field: d.fieldRef(d.fieldSlotIdx[cls.fieldStart + k]), value: v.value, dex: d.file });
            }
          }
        }
        this.warnings.push(...d.warnings.slice(before));
      }
      this.staticStrings = out;
    }
    return this.staticStrings.slice();
  }

  private classEntries(): Map<string, { dc: DexCode; cls: DexClass }> {
    if (this.classMap === null) {
      const m = new Map<string, { dc: DexCode; cls: DexClass }>();
      for (const dc of this.codes) {
        for (const cls of dc.dex.classes) {
          const name = cls.name;
          if (!m.has(name)) m.set(name, { dc, cls }); // first definition wins, as for the runtime
        }
      }
      this.classMap = m;
    }
    return this.classMap;
  }

  private classEntry(desc: string): { dc: DexCode; cls: DexClass } | undefined {
    return this.classEntries().get(desc);
  }

  *classes(): Iterable<ClassSummary> {
    for (const dc of this.codes) for (const cls of dc.dex.classes) yield summarizeClass(dc, cls);
  }

  classByName(desc: string): ClassSummary | undefined {
    const hit = this.classEntry(desc);
    return hit ? summarizeClass(hit.dc, hit.cls) : undefined;
  }

  subtypesOf(desc: string): string[] {
    if (this.childMap === null) {
      const children = new Map<string, string[]>();
      for (const [name, { cls }] of this.classEntries()) {
        const parents = cls.superclassIdx === NO_INDEX ? [] : [cls.superclass as string];
        parents.push(...cls.interfaces);
        for (const p of parents) {
          let l = children.get(p);
          if (!l) children.set(p, (l = []));
          l.push(name);
        }
      }
      this.childMap = children;
    }
    const out: string[] = [];
    const seen = new Set<string>([desc]);
    const queue = [desc];
    while (queue.length > 0) {
      const c = queue.shift() as string;
      for (const k of this.childMap.get(c) ?? []) {
        if (seen.has(k)) continue;
        seen.add(k);
        out.push(k);
        queue.push(k);
      }
    }
    return out;
  }

  fieldAccesses(ref: string): FieldAccess[] {
    const parsed = parseFieldRef(ref);
    if (parsed === null) return [];
    const out: FieldAccess[] = [];
    for (const dc of this.codes) {
      const t = dc.typeId(parsed.cls);
      if (t < 0) continue;
      const F = dc.fields;
      const idxs: number[] = [];
      for (const f of dc.fieldIds(t, parsed.name, parsed.rest)) idxs.push(...dc.accessesOfField(f));
      idxs.sort((a, b) => a - b);
      for (const i of idxs) {
        const op = F.op[i];
        out.push({
          dex: dc.name,
          caller: dc.slotKey(F.slot[i]),
          field: dc.dex.fieldRef(F.idx[i]),
          pc: F.pc[i],
          access: (op >= 0x52 && op <= 0x58) || (op >= 0x60 && op <= 0x66) ? 'read' : 'write',
          static: op >= 0x60,
        });
      }
    }
    return out;
  }
}

function summarizeClass(dc: DexCode, cls: DexClass): ClassSummary {
  return {
    name: cls.name,
    superclass: cls.superclass,
    interfaces: cls.interfaces,
    accessFlags: cls.accessFlags,
    sourceFile: cls.sourceFile,
    dex: dc.name,
  };
}

/**
 * Walks every method of every dex and returns the query index. Never throws on bad code: problems
 * are in `warnings` (together with the warnings the dex files collected while parsing).
 */
export function buildCodeIndex(dexes: DexFile[]): CodeIndex {
  return new CodeIndexImpl(dexes);
}

/** One method's code scanned once (MCode), decoded invokes, and where a register value comes from (Source). */

import type { DexFile } from '../../apk/dex.js';
import { DEST_A16, DEST_A4, DEST_A8, OPCODE_DEST, OPCODE_DEST_WIDE, OPCODE_UNITS, payloadUnits } from '../../apk/dex-opcodes.js';
import type { MethodKey } from '../code-index.js';

// ------------------------------------------------------------------------------------ method code

/** One method's code, scanned once: instruction starts, register writes, invokes and const-strings. */
export interface MCode {
  dex: DexFile;
  key: MethodKey;
  /** "Lx;->m(..)R" */
  ref: string;
  insns: Uint16Array;
  registersSize: number;
  insSize: number;
  isStatic: boolean;
  /** Instruction start pcs in linear order (payloads skipped); a wide write appears twice (vA, vA+1). */
  starts: Int32Array;
  /** Register each instruction writes (-1 none). */
  dest: Int32Array;
  /** For moves: the source register (-1 otherwise). */
  src: Int32Array;
  /** invoke instructions: pc; method id (call_site id for invoke-custom). */
  invokePc: Int32Array;
  invokeIdx: Int32Array;
  /** const-string instructions: pc and string id. */
  constPc: Int32Array;
  constIdx: Int32Array;
}

/** A decoded invoke instruction. */
export interface Invoke {
  m: MCode;
  pc: number;
  /** Full method ref, or "call_site@N". */
  target: string;
  static: boolean;
  /** Register of each logical argument (receiver first for non-static calls). */
  regs: number[];
  /** Parameter types of the target, receiver excluded. */
  params: string[];
}

/** Where the value in a register at a point comes from (one step back). */
export type Source =
  | { kind: 'invoke'; inv: Invoke }
  | { kind: 'string'; value: string }
  | { kind: 'int'; value: number }
  | { kind: 'class'; type: string }
  | { kind: 'new'; type: string; pc: number; reg: number }
  | { kind: 'field'; ref: string; static: boolean }
  | { kind: 'param'; index: number }
  | { kind: 'unknown' };

export const INVOKE_35C = (op: number): boolean => (op >= 0x6e && op <= 0x72) || op === 0xfa || op === 0xfc;
export const INVOKE_3RC = (op: number): boolean => (op >= 0x74 && op <= 0x78) || op === 0xfb || op === 0xfd;

export function scanCode(dex: DexFile, key: MethodKey, U: Uint16Array, registersSize: number, insSize: number, isStatic: boolean): MCode {
  const starts: number[] = [];
  const dest: number[] = [];
  const src: number[] = [];
  const invokePc: number[] = [];
  const invokeIdx: number[] = [];
  const constPc: number[] = [];
  const constIdx: number[] = [];
  let p = 0;
  const end = U.length;
  while (p < end) {
    const w = U[p];
    const op = w & 0xff;
    if (op === 0 && w !== 0) {
      const pu = payloadUnits(U, p, end);
      if (pu > 0) {
        p += pu;
        continue;
      }
      if (pu < 0) break;
    }
    const len = OPCODE_UNITS[op];
    if (len === 0 || p + len > end) break;
    if (INVOKE_35C(op) || INVOKE_3RC(op)) {
      invokePc.push(p);
      invokeIdx.push(U[p + 1]);
    } else if (op === 0x1a) {
      constPc.push(p);
      constIdx.push(U[p + 1]);
    } else if (op === 0x1b) {
      constPc.push(p);
      constIdx.push(U[p + 1] | (U[p + 2] << 16));
    }
    const dk = OPCODE_DEST[op];
    let a = -1;
    let b = -1;
    if (dk !== 0 && op !== 0x1f) {
      a = dk === DEST_A4 ? (w >> 8) & 15 : dk === DEST_A8 ? w >> 8 : dk === DEST_A16 ? U[p + 1] : -1;
      if (op >= 0x01 && op <= 0x09) {
        const f = (op - 1) % 3;
        b = f === 0 ? w >> 12 : f === 1 ? U[p + 1] : U[p + 2];
      }
    }
    starts.push(p);
    dest.push(a);
    src.push(b);
    if (a >= 0 && OPCODE_DEST_WIDE[op] === 1) {
      starts.push(p);
      dest.push(a + 1);
      src.push(-1);
    }
    p += len;
  }
  return {
    dex,
    key,
    ref: `${key.class}->${key.name}${key.proto}`,
    insns: U,
    registersSize,
    insSize,
    isStatic,
    starts: Int32Array.from(starts),
    dest: Int32Array.from(dest),
    src: Int32Array.from(src),
    invokePc: Int32Array.from(invokePc),
    invokeIdx: Int32Array.from(invokeIdx),
    constPc: Int32Array.from(constPc),
    constIdx: Int32Array.from(constIdx),
  };
}

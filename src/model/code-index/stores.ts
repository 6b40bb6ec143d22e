/**
 * The flat storage of the walk: register value kinds (how a tracked argument value is encoded),
 * the growable typed-array column stores the walker appends to, and the compressed lookup tables
 * built from them.
 */

// ---------------------------------------------------------------- register value kinds

export const K_UNKNOWN = 0;
export const K_STRING = 1;
export const K_INT = 2;
export const K_WIDE = 3; // value = absolute code-unit index of the const-wide instruction
export const K_CLASS = 4;
export const K_RESULT = 5;
export const K_NEW = 6;
export const K_FIELD = 7;

// ---------------------------------------------------------------- growable column stores

export class Sites {
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

export class Args {
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
export class Refs {
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
export interface Csr {
  start: Int32Array;
  order: Int32Array;
}

export function buildCsr(nKeys: number, n: number, keyOf: (i: number) => number): Csr {
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

/**
 * The instruction walker: one linear pass per method with constant propagation (the rules are in
 * index.ts), recording invokes, field accesses and const-strings into a DexCode's stores.
 */

import type { ReadWarning } from '../../apk/errors.js';
import { warning } from '../../apk/errors.js';
import { forEachHandlerAddr } from '../../apk/dex.js';
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
} from '../../apk/dex-opcodes.js';
import type { DexCode } from './dex-code.js';
import { Args, Refs, Sites } from './stores.js';
import * as stores from './stores.js';

// Module-local copies of the register value kinds of stores.ts: the walk loop below writes them
// for every instruction, and V8 reads an imported (or exported) binding through its module cell
// each time, where a local const folds to its value (read through the imports, they cost a few
// percent of the walk of the uiautomator2 server APK in a cold process).
const K_UNKNOWN = stores.K_UNKNOWN;
const K_STRING = stores.K_STRING;
const K_INT = stores.K_INT;
const K_WIDE = stores.K_WIDE;
const K_CLASS = stores.K_CLASS;
const K_RESULT = stores.K_RESULT;
const K_NEW = stores.K_NEW;
const K_FIELD = stores.K_FIELD;

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
export class Walker {
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

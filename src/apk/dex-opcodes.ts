/**
 * The Dalvik opcode table and a bounded instruction walker.
 *
 * Every opcode 0x00..0xff has an entry. Opcodes the format leaves unused (0x3e-0x43, 0x73,
 * 0x79-0x7a, 0xe3-0xf9) have format '10x' and the `unused` flag: a walker treats them as one code
 * unit and records nothing. The pseudo-instructions (packed-switch-payload 0x0100,
 * sparse-switch-payload 0x0200, fill-array-data-payload 0x0300) share opcode byte 0x00 with `nop`
 * and are told apart by the high byte of the first code unit; their length comes from their own
 * size fields.
 */

export type InsnFormat =
  | '10x' | '12x' | '11n' | '11x' | '10t' | '20t' | '20bc' | '22x' | '21t' | '21s' | '21h' | '21c'
  | '23x' | '22b' | '22t' | '22s' | '22c' | '22cs' | '30t' | '32x' | '31i' | '31t' | '31c' | '35c'
  | '35ms' | '35mi' | '3rc' | '3rms' | '3rmi' | '45cc' | '4rcc' | '51l';

/** Length in 16-bit code units of each instruction format (the first digit of its id). */
export const FORMAT_UNITS: Readonly<Record<InsnFormat, number>> = {
  '10x': 1, '12x': 1, '11n': 1, '11x': 1, '10t': 1,
  '20t': 2, '20bc': 2, '22x': 2, '21t': 2, '21s': 2, '21h': 2, '21c': 2, '23x': 2, '22b': 2,
  '22t': 2, '22s': 2, '22c': 2, '22cs': 2,
  '30t': 3, '32x': 3, '31i': 3, '31t': 3, '31c': 3, '35c': 3, '35ms': 3, '35mi': 3, '3rc': 3,
  '3rms': 3, '3rmi': 3,
  '45cc': 4, '4rcc': 4,
  '51l': 5,
};

/** What the index operand of a format refers to. */
export type IndexKind = 'none' | 'string' | 'type' | 'field' | 'method' | 'call-site' | 'method-handle' | 'proto';

export interface OpcodeInfo {
  opcode: number;
  name: string;
  format: InsnFormat;
  /** Code units, = FORMAT_UNITS[format]. */
  units: number;
  indexKind: IndexKind;
  unused: boolean;
}

export const PACKED_SWITCH_PAYLOAD = 0x0100;
export const SPARSE_SWITCH_PAYLOAD = 0x0200;
export const FILL_ARRAY_DATA_PAYLOAD = 0x0300;

// [first opcode, names, format, index kind]; ranges of consecutive opcodes sharing a format.
type Row = [number, string[], InsnFormat, IndexKind?];
const ROWS: Row[] = [
  [0x00, ['nop'], '10x'],
  [0x01, ['move'], '12x'],
  [0x02, ['move/from16'], '22x'],
  [0x03, ['move/16'], '32x'],
  [0x04, ['move-wide'], '12x'],
  [0x05, ['move-wide/from16'], '22x'],
  [0x06, ['move-wide/16'], '32x'],
  [0x07, ['move-object'], '12x'],
  [0x08, ['move-object/from16'], '22x'],
  [0x09, ['move-object/16'], '32x'],
  [0x0a, ['move-result', 'move-result-wide', 'move-result-object', 'move-exception'], '11x'],
  [0x0e, ['return-void'], '10x'],
  [0x0f, ['return', 'return-wide', 'return-object'], '11x'],
  [0x12, ['const/4'], '11n'],
  [0x13, ['const/16'], '21s'],
  [0x14, ['const'], '31i'],
  [0x15, ['const/high16'], '21h'],
  [0x16, ['const-wide/16'], '21s'],
  [0x17, ['const-wide/32'], '31i'],
  [0x18, ['const-wide'], '51l'],
  [0x19, ['const-wide/high16'], '21h'],
  [0x1a, ['const-string'], '21c', 'string'],
  [0x1b, ['const-string/jumbo'], '31c', 'string'],
  [0x1c, ['const-class'], '21c', 'type'],
  [0x1d, ['monitor-enter', 'monitor-exit'], '11x'],
  [0x1f, ['check-cast'], '21c', 'type'],
  [0x20, ['instance-of'], '22c', 'type'],
  [0x21, ['array-length'], '12x'],
  [0x22, ['new-instance'], '21c', 'type'],
  [0x23, ['new-array'], '22c', 'type'],
  [0x24, ['filled-new-array'], '35c', 'type'],
  [0x25, ['filled-new-array/range'], '3rc', 'type'],
  [0x26, ['fill-array-data'], '31t'],
  [0x27, ['throw'], '11x'],
  [0x28, ['goto'], '10t'],
  [0x29, ['goto/16'], '20t'],
  [0x2a, ['goto/32'], '30t'],
  [0x2b, ['packed-switch', 'sparse-switch'], '31t'],
  [0x2d, ['cmpl-float', 'cmpg-float', 'cmpl-double', 'cmpg-double', 'cmp-long'], '23x'],
  [0x32, ['if-eq', 'if-ne', 'if-lt', 'if-ge', 'if-gt', 'if-le'], '22t'],
  [0x38, ['if-eqz', 'if-nez', 'if-ltz', 'if-gez', 'if-gtz', 'if-lez'], '21t'],
  [0x44, ['aget', 'aget-wide', 'aget-object', 'aget-boolean', 'aget-byte', 'aget-char', 'aget-short',
    'aput', 'aput-wide', 'aput-object', 'aput-boolean', 'aput-byte', 'aput-char', 'aput-short'], '23x'],
  [0x52, ['iget', 'iget-wide', 'iget-object', 'iget-boolean', 'iget-byte', 'iget-char', 'iget-short',
    'iput', 'iput-wide', 'iput-object', 'iput-boolean', 'iput-byte', 'iput-char', 'iput-short'], '22c', 'field'],
  [0x60, ['sget', 'sget-wide', 'sget-object', 'sget-boolean', 'sget-byte', 'sget-char', 'sget-short',
    'sput', 'sput-wide', 'sput-object', 'sput-boolean', 'sput-byte', 'sput-char', 'sput-short'], '21c', 'field'],
  [0x6e, ['invoke-virtual', 'invoke-super', 'invoke-direct', 'invoke-static', 'invoke-interface'], '35c', 'method'],
  [0x74, ['invoke-virtual/range', 'invoke-super/range', 'invoke-direct/range', 'invoke-static/range',
    'invoke-interface/range'], '3rc', 'method'],
  [0x7b, ['neg-int', 'not-int', 'neg-long', 'not-long', 'neg-float', 'neg-double', 'int-to-long',
    'int-to-float', 'int-to-double', 'long-to-int', 'long-to-float', 'long-to-double', 'float-to-int',
    'float-to-long', 'float-to-double', 'double-to-int', 'double-to-long', 'double-to-float', 'int-to-byte',
    'int-to-char', 'int-to-short'], '12x'],
  [0x90, binops(''), '23x'],
  [0xb0, binops('/2addr'), '12x'],
  [0xd0, ['add-int/lit16', 'rsub-int', 'mul-int/lit16', 'div-int/lit16', 'rem-int/lit16', 'and-int/lit16',
    'or-int/lit16', 'xor-int/lit16'], '22s'],
  [0xd8, ['add-int/lit8', 'rsub-int/lit8', 'mul-int/lit8', 'div-int/lit8', 'rem-int/lit8', 'and-int/lit8',
    'or-int/lit8', 'xor-int/lit8', 'shl-int/lit8', 'shr-int/lit8', 'ushr-int/lit8'], '22b'],
  [0xfa, ['invoke-polymorphic'], '45cc', 'method'],
  [0xfb, ['invoke-polymorphic/range'], '4rcc', 'method'],
  [0xfc, ['invoke-custom'], '35c', 'call-site'],
  [0xfd, ['invoke-custom/range'], '3rc', 'call-site'],
  [0xfe, ['const-method-handle'], '21c', 'method-handle'],
  [0xff, ['const-method-type'], '21c', 'proto'],
];

function binops(suffix: string): string[] {
  const out: string[] = [];
  for (const t of ['int', 'long']) {
    for (const op of ['add', 'sub', 'mul', 'div', 'rem', 'and', 'or', 'xor', 'shl', 'shr', 'ushr']) out.push(`${op}-${t}${suffix}`);
  }
  for (const t of ['float', 'double']) {
    for (const op of ['add', 'sub', 'mul', 'div', 'rem']) out.push(`${op}-${t}${suffix}`);
  }
  return out;
}

function buildTable(): OpcodeInfo[] {
  const table: OpcodeInfo[] = [];
  for (let op = 0; op < 256; op++) {
    table.push({ opcode: op, name: `unused-${op.toString(16).padStart(2, '0')}`, format: '10x', units: 1, indexKind: 'none', unused: true });
  }
  for (const [first, names, format, indexKind] of ROWS) {
    names.forEach((name, i) => {
      table[first + i] = { opcode: first + i, name, format, units: FORMAT_UNITS[format], indexKind: indexKind ?? 'none', unused: false };
    });
  }
  return table;
}

/** OPCODES[op] for every opcode byte 0x00..0xff. */
export const OPCODES: readonly OpcodeInfo[] = buildTable();

/** OPCODE_UNITS[op]: instruction length in code units (1 for unused opcodes). */
export const OPCODE_UNITS: Uint8Array = Uint8Array.from(OPCODES, (o) => o.units);

/**
 * Length in code units of the payload pseudo-instruction starting at insns[pc], or -1 when the
 * payload's own size fields say it runs past `end` (or the header itself is cut off). Returns 0 if
 * insns[pc] is not a payload identifier.
 */
export function payloadUnits(insns: Uint16Array, pc: number, end: number = insns.length): number {
  const ident = insns[pc];
  let units: number;
  if (ident === PACKED_SWITCH_PAYLOAD) {
    if (pc + 2 > end) return -1;
    units = 4 + insns[pc + 1] * 2;
  } else if (ident === SPARSE_SWITCH_PAYLOAD) {
    if (pc + 2 > end) return -1;
    units = 2 + insns[pc + 1] * 4;
  } else if (ident === FILL_ARRAY_DATA_PAYLOAD) {
    if (pc + 4 > end) return -1;
    const width = insns[pc + 1];
    const size = insns[pc + 2] + insns[pc + 3] * 0x10000;
    units = 4 + Math.ceil((width * size) / 2);
  } else {
    return 0;
  }
  return pc + units > end ? -1 : units;
}

/** Callback of walkInstructions: return false to stop early. */
export type InsnVisitor = (opcode: number, pc: number, units: number) => boolean | void;

export interface WalkResult {
  /** Real instructions visited (payloads not included). */
  instructions: number;
  payloads: number;
  /** Set when the walk stopped because an instruction or payload ran past the end of `insns`. */
  truncatedAt: number | null;
}

/**
 * Visits every instruction of `insns[start, end)` in linear order. Payload pseudo-instructions are
 * skipped by their own size (`onPayload` sees them, if given); unused opcodes are visited as one
 * code unit. Never reads past `end` and never loops: each step advances by at least one unit.
 */
export function walkInstructions(
  insns: Uint16Array,
  visit: InsnVisitor,
  start = 0,
  end: number = insns.length,
  onPayload?: (ident: number, pc: number, units: number) => void,
): WalkResult {
  end = Math.min(end, insns.length);
  let pc = start;
  let instructions = 0;
  let payloads = 0;
  while (pc < end) {
    const w = insns[pc];
    const op = w & 0xff;
    if (op === 0 && w !== 0) {
      const pu = payloadUnits(insns, pc, end);
      if (pu > 0) {
        payloads++;
        onPayload?.(w, pc, pu);
        pc += pu;
        continue;
      }
      if (pu < 0) return { instructions, payloads, truncatedAt: pc };
      // A nop with a non-zero high byte that is no payload identifier: a plain nop.
    }
    const units = OPCODE_UNITS[op];
    if (pc + units > end) return { instructions, payloads, truncatedAt: pc };
    instructions++;
    if (visit(op, pc, units) === false) break;
    pc += units;
  }
  return { instructions, payloads, truncatedAt: null };
}

/**
 * Destination register of the plain (non-constant-producing) instructions, for data-flow users:
 * DEST_NONE: writes no register; DEST_A4: writes vA of a 4-bit-A format (12x, 22c, 22s...);
 * DEST_A8: writes vAA (11x, 23x, 22b...). Instructions that produce values a walker tracks
 * (moves, consts, move-result, new-instance, iget/sget...) are listed too, so a walker that
 * ignores them still knows which register they kill.
 */
export const DEST_NONE = 0;
export const DEST_A4 = 1;
export const DEST_A8 = 2;
export const DEST_A16 = 3;

/** OPCODE_DEST[op]: which register the instruction writes (see DEST_*). */
export const OPCODE_DEST: Uint8Array = new Uint8Array(256);
/** OPCODE_DEST_WIDE[op]: 1 when the destination is a register pair (vA, vA+1). */
export const OPCODE_DEST_WIDE: Uint8Array = new Uint8Array(256);

(function fillDest(): void {
  const set = (from: number, to: number, dest: number, wide: (op: number) => boolean = () => false): void => {
    for (let op = from; op <= to; op++) {
      OPCODE_DEST[op] = dest;
      OPCODE_DEST_WIDE[op] = wide(op) ? 1 : 0;
    }
  };
  set(0x01, 0x01, DEST_A4);
  set(0x02, 0x02, DEST_A8);
  set(0x03, 0x03, DEST_A16);
  set(0x04, 0x04, DEST_A4, () => true);
  set(0x05, 0x05, DEST_A8, () => true);
  set(0x06, 0x06, DEST_A16, () => true);
  set(0x07, 0x07, DEST_A4);
  set(0x08, 0x08, DEST_A8);
  set(0x09, 0x09, DEST_A16);
  set(0x0a, 0x0d, DEST_A8, (op) => op === 0x0b);
  set(0x12, 0x12, DEST_A4);
  set(0x13, 0x15, DEST_A8);
  set(0x16, 0x19, DEST_A8, () => true);
  set(0x1a, 0x1c, DEST_A8);
  set(0x1f, 0x1f, DEST_A8); // check-cast narrows the type of vAA but keeps its value
  set(0x20, 0x21, DEST_A4);
  set(0x22, 0x22, DEST_A8);
  set(0x23, 0x23, DEST_A4);
  set(0x2d, 0x31, DEST_A8);
  set(0x44, 0x4a, DEST_A8, (op) => op === 0x45);
  set(0x52, 0x58, DEST_A4, (op) => op === 0x53);
  set(0x60, 0x66, DEST_A8, (op) => op === 0x61);
  const wideUnop = new Set([0x7d, 0x7e, 0x80, 0x81, 0x83, 0x86, 0x88, 0x89, 0x8b]);
  set(0x7b, 0x8f, DEST_A4, (op) => wideUnop.has(op));
  set(0x90, 0xaf, DEST_A8, (op) => (op >= 0x9b && op <= 0xa5) || op >= 0xab);
  set(0xb0, 0xcf, DEST_A4, (op) => (op >= 0xbb && op <= 0xc5) || op >= 0xcb);
  set(0xd0, 0xd7, DEST_A4);
  set(0xd8, 0xe2, DEST_A8);
  set(0xfe, 0xff, DEST_A8);
})();

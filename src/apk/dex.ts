/**
 * DEX reader: header, map, id tables, class definitions with their class_data, code items and
 * encoded static values. Versions 035 to 041 (041 containers: see parseDexContainer).
 *
 * Design:
 *  - The id tables are checked once and copied into typed arrays; an id table that does not fit in
 *    the file, or an entry that refers outside another table, is a FormatError (a verified dex can
 *    never have one, and nothing downstream would be trustworthy).
 *  - Strings are decoded lazily with a cache; only the string offsets are checked up front.
 *  - Class definitions and their class_data are decoded eagerly into flat typed arrays (one entry
 *    per encoded field / method). A broken class (bad type index, class_data or code_item outside
 *    the file, member index out of range...) keeps what could be read and adds a ReadWarning.
 *  - Work is bounded by the file size: every count is checked against the bytes it needs, and the
 *    total of class members and code units decoded may not exceed what the file can hold, so
 *    overlapping or shared structures cannot multiply the work.
 *
 * Container format (041): every offset inside an entry (id tables and data alike) is relative to
 * the start of the container, which is how ART resolves standard-dex sections (its DataBegin() is
 * the container start for 041). For a container with a single entry this is the same as a plain
 * file.
 */

import { FormatError, warning, type ReadWarning } from './errors.js';
import { readStringValue } from './mutf8.js';

export const NO_INDEX = 0xffffffff;

export const ACC_PUBLIC = 0x1;
export const ACC_PRIVATE = 0x2;
export const ACC_PROTECTED = 0x4;
export const ACC_STATIC = 0x8;
export const ACC_FINAL = 0x10;
export const ACC_NATIVE = 0x100;
export const ACC_INTERFACE = 0x200;
export const ACC_ABSTRACT = 0x400;
export const ACC_CONSTRUCTOR = 0x10000;

const SUPPORTED_VERSIONS = new Set([35, 37, 38, 39, 40, 41]);
/** Classes with problems listed one by one in the warnings; the rest are counted. */
const MAX_CLASS_WARNINGS = 50;

export interface DexHeader {
  /** Numeric version from the magic, e.g. 35 for "dex\n035\0". */
  version: number;
  checksum: number;
  /** SHA-1 signature as lowercase hex. */
  signature: string;
  fileSize: number;
  headerSize: number;
  endianTag: number;
  linkSize: number;
  linkOff: number;
  mapOff: number;
  stringIdsSize: number;
  stringIdsOff: number;
  typeIdsSize: number;
  typeIdsOff: number;
  protoIdsSize: number;
  protoIdsOff: number;
  fieldIdsSize: number;
  fieldIdsOff: number;
  methodIdsSize: number;
  methodIdsOff: number;
  classDefsSize: number;
  classDefsOff: number;
  dataSize: number;
  dataOff: number;
  /** 041 and later with header_size >= 0x78: size of the whole container. */
  containerSize: number | null;
  /** 041 and later with header_size >= 0x78: offset of this header inside the container. */
  headerOffset: number | null;
}

export interface MapItem {
  type: number;
  size: number;
  offset: number;
}

export interface TryItem {
  startAddr: number;
  insnCount: number;
  /** Handlers in order; `type` null is the catch-all. */
  handlers: { type: string | null; addr: number }[];
}

export interface CodeItem {
  offset: number;
  registersSize: number;
  insSize: number;
  outsSize: number;
  triesSize: number;
  debugInfoOff: number;
  insnsSize: number;
  /** Byte offset of the first instruction. */
  insnsOff: number;
  /** View on the file's bytes (no copy). */
  insns: Uint16Array;
  /** Byte offset of try_item[0], or 0 when triesSize is 0. */
  triesOff: number;
}

export interface EncodedMethod {
  methodIdx: number;
  accessFlags: number;
  /** 0 for abstract/native methods, and for methods whose code_item was unusable. */
  codeOff: number;
  /** Index into DexFile.methodSlots* arrays. */
  slot: number;
}

export interface EncodedField {
  fieldIdx: number;
  accessFlags: number;
}

export type EncodedValue =
  | { type: 'byte' | 'short' | 'char' | 'int' | 'float' | 'double'; value: number }
  | { type: 'long'; value: bigint }
  | { type: 'string' | 'type' | 'field' | 'enum' | 'method' | 'method-type'; value: string; /** id in its table */ index: number }
  | { type: 'method-handle'; value: number }
  | { type: 'array'; value: EncodedValue[] }
  | { type: 'annotation'; value: { type: string; elements: { name: string; value: EncodedValue }[] } }
  | { type: 'null'; value: null }
  | { type: 'boolean'; value: boolean };

/** One class_def_item. Names are resolved lazily through the owning DexFile. */
export class DexClass {
  /** Set when part of the class could not be read; the message is also in dex.warnings. */
  broken: string | null = null;
  constructor(
    readonly dex: DexFile,
    /** class_def index */
    readonly index: number,
    readonly classIdx: number,
    readonly accessFlags: number,
    /** NO_INDEX when none. */
    readonly superclassIdx: number,
    readonly interfacesOff: number,
    /** NO_INDEX when none. */
    readonly sourceFileIdx: number,
    readonly annotationsOff: number,
    readonly classDataOff: number,
    readonly staticValuesOff: number,
    /** Range of this class in dex.fieldSlot* arrays: static fields [fieldStart, fieldStart+staticFieldCount). */
    readonly fieldStart: number,
    readonly staticFieldCount: number,
    readonly fieldEnd: number,
    /** Range in dex.methodSlot* arrays: direct methods [methodStart, methodStart+directMethodCount). */
    readonly methodStart: number,
    readonly directMethodCount: number,
    readonly methodEnd: number,
  ) {}

  get name(): string {
    return this.dex.type(this.classIdx);
  }
  get superclass(): string | null {
    return this.superclassIdx === NO_INDEX ? null : this.dex.type(this.superclassIdx);
  }
  get interfaces(): string[] {
    return Array.from(this.dex.typeList(this.interfacesOff), (t) => this.dex.type(t));
  }
  get sourceFile(): string | null {
    return this.sourceFileIdx === NO_INDEX ? null : this.dex.string(this.sourceFileIdx);
  }
  get staticFields(): EncodedField[] {
    return this.dex.fieldsOf(this.fieldStart, this.fieldStart + this.staticFieldCount);
  }
  get instanceFields(): EncodedField[] {
    return this.dex.fieldsOf(this.fieldStart + this.staticFieldCount, this.fieldEnd);
  }
  get directMethods(): EncodedMethod[] {
    return this.dex.methodsOf(this.methodStart, this.methodStart + this.directMethodCount);
  }
  get virtualMethods(): EncodedMethod[] {
    return this.dex.methodsOf(this.methodStart + this.directMethodCount, this.methodEnd);
  }
  /** Decoded static_values (encoded_array), one per leading static field; [] when absent or unreadable. */
  staticValues(): EncodedValue[] {
    return this.dex.staticValuesOf(this);
  }
}

/** Growable Int32 array used while decoding class data. */
class IntList {
  a: Int32Array;
  n = 0;
  constructor(cap: number) {
    this.a = new Int32Array(Math.max(16, cap));
  }
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Int32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
  trim(): Int32Array {
    return this.a.slice(0, this.n);
  }
}

/** Thrown internally by the bounded readers; turned into FormatError or a warning by callers. */
class OutOfBounds extends Error {}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export class DexFile {
  readonly warnings: ReadWarning[] = [];
  readonly header: DexHeader;
  readonly version: number;
  /** The map_list, or null when map_off is 0 or unusable (a warning says which). */
  readonly map: MapItem[] | null;
  /** The container bytes (a 2-byte-aligned copy when the input was not aligned). */
  readonly bytes: Uint8Array;
  /** Little-endian 16-bit view of `bytes` (code units); no copy on little-endian hosts. */
  readonly u16: Uint16Array;
  private readonly dv: DataView;

  // id tables
  readonly stringDataOff: Uint32Array;
  readonly typeDescriptorIdx: Uint32Array;
  readonly protoShortyIdx: Uint32Array;
  readonly protoReturnIdx: Uint32Array;
  readonly protoParamsOff: Uint32Array;
  readonly fieldClassIdx: Uint16Array;
  readonly fieldTypeIdx: Uint16Array;
  readonly fieldNameIdx: Uint32Array;
  readonly methodClassIdx: Uint16Array;
  readonly methodProtoIdx: Uint16Array;
  readonly methodNameIdx: Uint32Array;

  readonly classes: DexClass[] = [];
  /** Flat arrays of every encoded method of every class, in class_def order ("method slots"). */
  readonly methodSlotIdx: Int32Array;
  readonly methodSlotAccess: Int32Array;
  readonly methodSlotCodeOff: Int32Array;
  /** Index into `classes` of the class that defines the slot. */
  readonly methodSlotClass: Int32Array;
  readonly fieldSlotIdx: Int32Array;
  readonly fieldSlotAccess: Int32Array;

  private readonly stringCache: (string | undefined)[];
  private readonly typeParamsCache: (Uint16Array | undefined)[];
  private readonly protoCache: (string | undefined)[];
  private readonly methodRefCache: (string | undefined)[];
  private readonly fieldRefCache: (string | undefined)[];

  /** Sum of insns_size over the code items accepted (code units). */
  readonly totalCodeUnits: number;

  constructor(input: Uint8Array, readonly file: string, headerOffset = 0) {
    const bytes = alignedCopy(input);
    this.bytes = bytes;
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.u16 = u16View(bytes);
    const len = bytes.length;

    this.header = this.readHeader(headerOffset);
    const h = this.header;
    this.version = h.version;

    // --- id tables (FormatError when unusable) ---
    checkTables(file, h, len);
    const dv = this.dv;
    const nStrings = h.stringIdsSize;
    this.stringDataOff = new Uint32Array(nStrings);
    const badStrings = readStringIds(dv, h.stringIdsOff, nStrings, len, this.stringDataOff);
    if (badStrings > 0) {
      this.warnings.push(warning(file, `string_ids: ${badStrings} of ${nStrings} strings point outside the file; they read as ""`));
    }
    this.typeDescriptorIdx = readTypeIds(dv, h, file);
    this.protoShortyIdx = new Uint32Array(h.protoIdsSize);
    this.protoReturnIdx = new Uint32Array(h.protoIdsSize);
    this.protoParamsOff = new Uint32Array(h.protoIdsSize);
    readProtoIds(dv, h, file, len, this.protoShortyIdx, this.protoReturnIdx, this.protoParamsOff);
    this.fieldClassIdx = new Uint16Array(h.fieldIdsSize);
    this.fieldTypeIdx = new Uint16Array(h.fieldIdsSize);
    this.fieldNameIdx = new Uint32Array(h.fieldIdsSize);
    readMemberIds(dv, h, file, 'field_ids', h.fieldIdsOff, h.fieldIdsSize, h.typeIdsSize, this.fieldClassIdx, this.fieldTypeIdx, this.fieldNameIdx);
    this.methodClassIdx = new Uint16Array(h.methodIdsSize);
    this.methodProtoIdx = new Uint16Array(h.methodIdsSize);
    this.methodNameIdx = new Uint32Array(h.methodIdsSize);
    readMemberIds(dv, h, file, 'method_ids', h.methodIdsOff, h.methodIdsSize, h.protoIdsSize, this.methodClassIdx, this.methodProtoIdx, this.methodNameIdx);

    this.stringCache = new Array(nStrings);
    this.typeParamsCache = new Array(h.protoIdsSize);
    this.protoCache = new Array(h.protoIdsSize);
    this.methodRefCache = new Array(h.methodIdsSize);
    this.fieldRefCache = new Array(h.fieldIdsSize);

    this.map = this.readMap();

    // --- class defs and class data (warnings when broken) ---
    const r = new ClassDataReader(this);
    for (let ci = 0; ci < h.classDefsSize; ci++) this.readClassDef(r, ci);
    if (r.brokenClasses > MAX_CLASS_WARNINGS) {
      this.warnings.push(warning(file, `${r.brokenClasses - MAX_CLASS_WARNINGS} more classes with unreadable parts (not listed)`));
    }
    this.methodSlotIdx = r.mIdx.trim();
    this.methodSlotAccess = r.mAcc.trim();
    this.methodSlotCodeOff = r.mCode.trim();
    this.methodSlotClass = r.mCls.trim();
    this.fieldSlotIdx = r.fIdx.trim();
    this.fieldSlotAccess = r.fAcc.trim();
    this.totalCodeUnits = r.totalCodeUnits;
  }

  private readClassDef(r: ClassDataReader, ci: number): void {
    const dv = this.dv;
    const h = this.header;
    const len = this.bytes.length;
    const o = h.classDefsOff + ci * 32;
    const classIdx = dv.getUint32(o, true);
    const access = dv.getUint32(o + 4, true);
    let superIdx = dv.getUint32(o + 8, true);
    let interfacesOff = dv.getUint32(o + 12, true);
    let sourceIdx = dv.getUint32(o + 16, true);
    const annotationsOff = dv.getUint32(o + 20, true);
    const classDataOff = dv.getUint32(o + 24, true);
    let staticValuesOff = dv.getUint32(o + 28, true);
    if (classIdx >= h.typeIdsSize) {
      this.warnings.push(warning(this.file, `class_def #${ci}: class type #${classIdx} is out of range; the class is skipped`));
      return;
    }
    r.problems.length = 0;
    r.extraProblems = 0;
    if (superIdx !== NO_INDEX && superIdx >= h.typeIdsSize) {
      r.problems.push(`superclass type #${superIdx} out of range`);
      superIdx = NO_INDEX;
    }
    if (interfacesOff !== 0 && !typeListOk(dv, len, h.typeIdsSize, interfacesOff)) {
      r.problems.push(`interfaces list at 0x${interfacesOff.toString(16)} unreadable`);
      interfacesOff = 0;
    }
    if (sourceIdx !== NO_INDEX && sourceIdx >= h.stringIdsSize) {
      r.problems.push(`source file string #${sourceIdx} out of range`);
      sourceIdx = NO_INDEX;
    }
    if (staticValuesOff !== 0 && staticValuesOff >= len) {
      r.problems.push(`static_values at 0x${staticValuesOff.toString(16)} outside the file`);
      staticValuesOff = 0;
    }
    const classNo = this.classes.length;
    const fieldStart = r.fIdx.n;
    const methodStart = r.mIdx.n;
    r.staticCount = 0;
    r.directCount = 0;
    if (classDataOff !== 0) {
      try {
        r.read(classDataOff, classNo);
      } catch (e) {
        if (!(e instanceof OutOfBounds)) throw e;
        // The members read so far are kept (the counters only count what was pushed).
        r.problems.push(`class_data at 0x${classDataOff.toString(16)}: ${e.message}; the rest of it is skipped`);
      }
    }
    const cls = new DexClass(
      this, ci, classIdx, access, superIdx, interfacesOff, sourceIdx, annotationsOff, classDataOff, staticValuesOff,
      fieldStart, r.staticCount, r.fIdx.n, methodStart, r.directCount, r.mIdx.n,
    );
    if (r.problems.length > 0) {
      cls.broken = r.problems.join('; ') + (r.extraProblems > 0 ? `; and ${r.extraProblems} more methods like these` : '');
      r.brokenClasses++;
      if (r.brokenClasses <= MAX_CLASS_WARNINGS) {
        this.warnings.push(warning(this.file, `class ${this.type(classIdx)} (class_def #${ci}): ${cls.broken}`));
      }
    }
    this.classes.push(cls);
  }

  // ---------------------------------------------------------------- header and map

  private readHeader(base: number): DexHeader {
    const b = this.bytes;
    const len = b.length;
    const file = this.file;
    if (base < 0 || base + 0x70 > len) {
      throw new FormatError(file, 'header', base, `file too short for a dex header (${len - base} bytes, need 112)`);
    }
    if (b[base] !== 0x64 || b[base + 1] !== 0x65 || b[base + 2] !== 0x78 || b[base + 3] !== 0x0a || b[base + 7] !== 0) {
      throw new FormatError(file, 'header', base, 'bad magic (expected "dex\\n0NN\\0")');
    }
    const d0 = b[base + 4] - 0x30;
    const d1 = b[base + 5] - 0x30;
    const d2 = b[base + 6] - 0x30;
    if (d0 < 0 || d0 > 9 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) {
      throw new FormatError(file, 'header', base + 4, 'version in magic is not three digits');
    }
    const version = d0 * 100 + d1 * 10 + d2;
    if (!SUPPORTED_VERSIONS.has(version)) {
      this.warnings.push(warning(file, `unknown dex version ${String(version).padStart(3, '0')}; read as 041`, 'suspicious-structure'));
    }
    const dv = this.dv;
    const u = (o: number): number => dv.getUint32(base + o, true);
    const endianTag = u(0x28);
    if (endianTag !== 0x12345678) {
      throw new FormatError(file, 'header', base + 0x28, `endian_tag 0x${endianTag.toString(16)} (only little-endian dex files exist in practice)`);
    }
    let sig = '';
    for (let i = 0; i < 20; i++) sig += b[base + 12 + i].toString(16).padStart(2, '0');
    const headerSize = u(0x24);
    if (headerSize < 0x70 || base + headerSize > len) {
      throw new FormatError(file, 'header', base + 0x24, `header_size ${headerSize} is invalid`);
    }
    let containerSize: number | null = null;
    let headerOffset: number | null = null;
    if (version >= 41 && headerSize >= 0x78) {
      containerSize = u(0x70);
      headerOffset = u(0x74);
      if (headerOffset !== base) {
        this.warnings.push(warning(file, `header_offset ${headerOffset} disagrees with the header position ${base}`, 'suspicious-structure'));
      }
    }
    const h: DexHeader = {
      version,
      checksum: u(0x08),
      signature: sig,
      fileSize: u(0x20),
      headerSize,
      endianTag,
      linkSize: u(0x2c),
      linkOff: u(0x30),
      mapOff: u(0x34),
      stringIdsSize: u(0x38),
      stringIdsOff: u(0x3c),
      typeIdsSize: u(0x40),
      typeIdsOff: u(0x44),
      protoIdsSize: u(0x48),
      protoIdsOff: u(0x4c),
      fieldIdsSize: u(0x50),
      fieldIdsOff: u(0x54),
      methodIdsSize: u(0x58),
      methodIdsOff: u(0x5c),
      classDefsSize: u(0x60),
      classDefsOff: u(0x64),
      dataSize: u(0x68),
      dataOff: u(0x6c),
      containerSize,
      headerOffset,
    };
    const expected = containerSize ?? h.fileSize;
    if (containerSize === null && h.fileSize !== len) {
      this.warnings.push(warning(file, `header file_size ${h.fileSize} but the file has ${len} bytes`, h.fileSize > len ? 'analysis-incomplete' : 'suspicious-structure'));
    } else if (containerSize !== null && expected > len) {
      this.warnings.push(warning(file, `container_size ${containerSize} but the file has ${len} bytes`));
    }
    return h;
  }

  private readMap(): MapItem[] | null {
    const off = this.header.mapOff;
    if (off === 0) return null;
    const len = this.bytes.length;
    if (off % 4 !== 0 || off + 4 > len) {
      this.warnings.push(warning(this.file, `map_list at 0x${off.toString(16)} is outside the file or misaligned; ignored`, 'suspicious-structure'));
      return null;
    }
    const n = this.dv.getUint32(off, true);
    if (off + 4 + n * 12 > len) {
      this.warnings.push(warning(this.file, `map_list at 0x${off.toString(16)} declares ${n} items, more than the file holds; ignored`, 'suspicious-structure'));
      return null;
    }
    const items: MapItem[] = [];
    for (let i = 0, o = off + 4; i < n; i++, o += 12) {
      items.push({ type: this.dv.getUint16(o, true), size: this.dv.getUint32(o + 4, true), offset: this.dv.getUint32(o + 8, true) });
    }
    return items;
  }

  // ---------------------------------------------------------------- validation helpers

  /** null when the code_item at `off` is usable, else what is wrong with it. */
  checkCodeItem(off: number): string | null {
    const len = this.bytes.length;
    if (off % 2 !== 0) return 'is misaligned';
    if (off + 16 > len) return 'is outside the file';
    const dv = this.dv;
    const regs = dv.getUint16(off, true);
    const ins = dv.getUint16(off + 2, true);
    const tries = dv.getUint16(off + 6, true);
    const insnsSize = dv.getUint32(off + 12, true);
    const insnsEnd = off + 16 + insnsSize * 2;
    if (insnsEnd > len) return `has insns_size ${insnsSize} running past the end of the file`;
    if (ins > regs) return `has ins_size ${ins} > registers_size ${regs}`;
    if (tries > 0) {
      const triesOff = insnsEnd + (insnsSize & 1 ? 2 : 0);
      if (triesOff + tries * 8 + 1 > len) return 'has try items running past the end of the file';
    }
    return null;
  }

  // ---------------------------------------------------------------- lookups

  get stringCount(): number {
    return this.header.stringIdsSize;
  }

  /** String #i (decoded once, then cached). Out-of-range indexes give "". */
  string(i: number): string {
    const c = this.stringCache[i];
    if (c !== undefined) return c;
    if (i < 0 || i >= this.header.stringIdsSize) return '';
    const off = this.stringDataOff[i];
    const s = off === NO_INDEX ? '' : readStringValue(this.bytes, off);
    this.stringCache[i] = s;
    return s;
  }

  /**
   * Index of the string equal to `value`, or -1. Binary search: string_ids are sorted (the
   * verifier enforces it), so an unsorted (corrupt) table may miss strings.
   */
  stringIndex(value: string): number {
    let lo = 0;
    let hi = this.header.stringIdsSize - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = compareUtf16(this.string(mid), value);
      if (c === 0) return mid;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /**
   * Index of the type whose descriptor is `desc`, or -1. type_ids are sorted by string index (the
   * verifier enforces it), so this is two binary searches.
   */
  typeIndex(desc: string): number {
    const s = this.stringIndex(desc);
    if (s < 0) return -1;
    const types = this.typeDescriptorIdx;
    let lo = 0;
    let hi = types.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = types[mid]!;
      if (v === s) return mid;
      if (v < s) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Type descriptor of type #i, e.g. "Ljava/lang/String;". */
  type(i: number): string {
    if (i < 0 || i >= this.typeDescriptorIdx.length) return `<invalid type #${i}>`;
    return this.string(this.typeDescriptorIdx[i]);
  }

  /** Parameter type indexes of proto #i. */
  protoParams(i: number): Uint16Array {
    let c = this.typeParamsCache[i];
    if (c === undefined) {
      c = this.typeList(this.protoParamsOff[i]);
      this.typeParamsCache[i] = c;
    }
    return c;
  }

  /** "(Ljava/lang/String;I)V" for proto #i. */
  protoString(i: number): string {
    let c = this.protoCache[i];
    if (c === undefined) {
      let s = '(';
      for (const t of this.protoParams(i)) s += this.type(t);
      c = s + ')' + this.type(this.protoReturnIdx[i]);
      this.protoCache[i] = c;
    }
    return c;
  }

  /** Type indexes of the type_list at `off` (0 gives an empty list; validated lists only). */
  typeList(off: number): Uint16Array {
    if (off === 0 || !typeListOk(this.dv, this.bytes.length, this.header.typeIdsSize, off)) return new Uint16Array(0);
    const n = this.dv.getUint32(off, true);
    const out = new Uint16Array(n);
    for (let i = 0; i < n; i++) out[i] = this.dv.getUint16(off + 4 + i * 2, true);
    return out;
  }

  methodName(i: number): string {
    return this.string(this.methodNameIdx[i]);
  }

  methodClass(i: number): string {
    return this.type(this.methodClassIdx[i]);
  }

  /** Smali-style reference: "Lcom/example/Foo;->bar(Ljava/lang/String;I)V". Cached. */
  methodRef(i: number): string {
    let c = this.methodRefCache[i];
    if (c === undefined) {
      c = `${this.type(this.methodClassIdx[i])}->${this.string(this.methodNameIdx[i])}${this.protoString(this.methodProtoIdx[i])}`;
      this.methodRefCache[i] = c;
    }
    return c;
  }

  /** Smali-style reference: "Lcom/example/Foo;->name:Ljava/lang/String;". Cached. */
  fieldRef(i: number): string {
    let c = this.fieldRefCache[i];
    if (c === undefined) {
      c = `${this.type(this.fieldClassIdx[i])}->${this.string(this.fieldNameIdx[i])}:${this.type(this.fieldTypeIdx[i])}`;
      this.fieldRefCache[i] = c;
    }
    return c;
  }

  methodsOf(start: number, end: number): EncodedMethod[] {
    const out: EncodedMethod[] = [];
    for (let s = start; s < end; s++) {
      out.push({ methodIdx: this.methodSlotIdx[s], accessFlags: this.methodSlotAccess[s] >>> 0, codeOff: this.methodSlotCodeOff[s], slot: s });
    }
    return out;
  }

  fieldsOf(start: number, end: number): EncodedField[] {
    const out: EncodedField[] = [];
    for (let s = start; s < end; s++) out.push({ fieldIdx: this.fieldSlotIdx[s], accessFlags: this.fieldSlotAccess[s] >>> 0 });
    return out;
  }

  /** The code_item at `off` (already validated during parsing for every method slot), or null. */
  codeItem(off: number): CodeItem | null {
    if (off === 0 || this.checkCodeItem(off) !== null) return null;
    const dv = this.dv;
    const insnsSize = dv.getUint32(off + 12, true);
    const insnsOff = off + 16;
    const triesSize = dv.getUint16(off + 6, true);
    return {
      offset: off,
      registersSize: dv.getUint16(off, true),
      insSize: dv.getUint16(off + 2, true),
      outsSize: dv.getUint16(off + 4, true),
      triesSize,
      debugInfoOff: dv.getUint32(off + 8, true),
      insnsSize,
      insnsOff,
      insns: this.u16.subarray(insnsOff >> 1, (insnsOff >> 1) + insnsSize),
      triesOff: triesSize > 0 ? insnsOff + insnsSize * 2 + (insnsSize & 1 ? 2 : 0) : 0,
    };
  }

  /**
   * try_items with their handlers. Throws FormatError when the handler list is out of bounds
   * (the code index uses forEachHandlerAddr, which never throws).
   */
  tries(code: CodeItem): TryItem[] {
    const out: TryItem[] = [];
    if (code.triesSize === 0) return out;
    const dv = this.dv;
    const listOff = code.triesOff + code.triesSize * 8;
    for (let i = 0; i < code.triesSize; i++) {
      const o = code.triesOff + i * 8;
      const startAddr = dv.getUint32(o, true);
      const insnCount = dv.getUint16(o + 4, true);
      const handlerOff = dv.getUint16(o + 6, true);
      const handlers: TryItem['handlers'] = [];
      try {
        readCatchHandler(this.bytes, listOff + handlerOff, (typeIdx, addr) => {
          handlers.push({ type: typeIdx < 0 ? null : this.type(typeIdx), addr });
        });
      } catch (e) {
        if (!(e instanceof OutOfBounds)) throw e;
        throw new FormatError(this.file, 'encoded_catch_handler', listOff + handlerOff, e.message);
      }
      out.push({ startAddr, insnCount, handlers });
    }
    return out;
  }

  /** Decodes the class's static_values encoded_array ([] when absent; a warning when unreadable). */
  staticValuesOf(cls: DexClass): EncodedValue[] {
    if (cls.staticValuesOff === 0) return [];
    try {
      const r = new ValueReader(this, cls.staticValuesOff);
      return r.array(0);
    } catch (e) {
      if (!(e instanceof OutOfBounds)) throw e;
      this.warnings.push(warning(this.file, `class ${cls.name} (class_def #${cls.index}): static_values unreadable (${e.message})`));
      return [];
    }
  }

  /** Decodes the encoded_array at `off` (a call_site_item, an annotation value...), or null when unreadable. */
  encodedArrayAt(off: number): EncodedValue[] | null {
    try {
      return new ValueReader(this, off).array(0);
    } catch (e) {
      if (!(e instanceof OutOfBounds)) throw e;
      return null;
    }
  }

  /** Offset/size of a map section (e.g. 0x0007 call_site_id_item), or null. */
  mapSection(type: number): MapItem | null {
    return this.map?.find((m) => m.type === type) ?? null;
  }
}


/**
 * The string_ids order: UTF-16 code unit by code unit (what d8/dx and ART's verifier use; it
 * puts supplementary characters, as surrogates, before U+E000..U+FFFF). Same as JS `<`.
 */
export function compareUtf16(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------- id table readers

function checkTables(file: string, h: DexHeader, len: number): void {
  const table = (part: string, off: number, size: number, entry: number): void => {
    if (size === 0) return;
    if (off === 0 || off + size * entry > len) {
      throw new FormatError(file, part, off, `${size} entries of ${entry} bytes do not fit in the ${len}-byte file`);
    }
  };
  table('string_ids', h.stringIdsOff, h.stringIdsSize, 4);
  table('type_ids', h.typeIdsOff, h.typeIdsSize, 4);
  table('proto_ids', h.protoIdsOff, h.protoIdsSize, 12);
  table('field_ids', h.fieldIdsOff, h.fieldIdsSize, 8);
  table('method_ids', h.methodIdsOff, h.methodIdsSize, 8);
  table('class_defs', h.classDefsOff, h.classDefsSize, 32);
  if (h.typeIdsSize > 65535) throw new FormatError(file, 'type_ids', h.typeIdsOff, `type_ids_size ${h.typeIdsSize} exceeds 65535`);
  if (h.protoIdsSize > 65535) throw new FormatError(file, 'proto_ids', h.protoIdsOff, `proto_ids_size ${h.protoIdsSize} exceeds 65535`);
}

/** Fills `out` with string data offsets (NO_INDEX for those outside the file); returns how many were. */
function readStringIds(dv: DataView, off: number, n: number, len: number, out: Uint32Array): number {
  let bad = 0;
  for (let i = 0, o = off; i < n; i++, o += 4) {
    const v = dv.getUint32(o, true);
    if (v >= len) {
      bad++;
      out[i] = NO_INDEX;
    } else out[i] = v;
  }
  return bad;
}

function readTypeIds(dv: DataView, h: DexHeader, file: string): Uint32Array {
  const n = h.typeIdsSize;
  const out = new Uint32Array(n);
  for (let i = 0, o = h.typeIdsOff; i < n; i++, o += 4) {
    const s = dv.getUint32(o, true);
    if (s >= h.stringIdsSize) throw new FormatError(file, 'type_ids', o, `type #${i} names string #${s}, past the ${h.stringIdsSize} strings`);
    out[i] = s;
  }
  return out;
}

function readProtoIds(dv: DataView, h: DexHeader, file: string, len: number, shorty: Uint32Array, ret: Uint32Array, params: Uint32Array): void {
  for (let i = 0, o = h.protoIdsOff; i < h.protoIdsSize; i++, o += 12) {
    const s = dv.getUint32(o, true);
    const r = dv.getUint32(o + 4, true);
    const p = dv.getUint32(o + 8, true);
    if (s >= h.stringIdsSize || r >= h.typeIdsSize) {
      throw new FormatError(file, 'proto_ids', o, `proto #${i} refers to string #${s} / type #${r}, out of range`);
    }
    if (p !== 0 && !typeListOk(dv, len, h.typeIdsSize, p)) {
      throw new FormatError(file, 'proto_ids', p, `proto #${i} parameters: type_list unreadable or refers to types out of range`);
    }
    shorty[i] = s;
    ret[i] = r;
    params[i] = p;
  }
}

/** field_ids and method_ids: (u16 class, u16 type-or-proto, u32 name). */
function readMemberIds(
  dv: DataView, h: DexHeader, file: string, part: string, off: number, n: number, secondLimit: number,
  cls: Uint16Array, second: Uint16Array, name: Uint32Array,
): void {
  const nTypes = h.typeIdsSize;
  const nStrings = h.stringIdsSize;
  for (let i = 0, o = off; i < n; i++, o += 8) {
    const c = dv.getUint16(o, true);
    const t = dv.getUint16(o + 2, true);
    const s = dv.getUint32(o + 4, true);
    if (c >= nTypes || t >= secondLimit || s >= nStrings) {
      throw new FormatError(file, part, o, `entry #${i} refers to type #${c}, #${t} or string #${s}, out of range`);
    }
    cls[i] = c;
    second[i] = t;
    name[i] = s;
  }
}

function typeListOk(dv: DataView, len: number, nTypes: number, off: number): boolean {
  if (off % 2 !== 0 || off + 4 > len) return false;
  const n = dv.getUint32(off, true);
  if (off + 4 + n * 2 > len) return false;
  for (let i = 0, o = off + 4; i < n; i++, o += 2) if (dv.getUint16(o, true) >= nTypes) return false;
  return true;
}

/** Decodes class_data_items into the flat member lists, within work budgets. */
class ClassDataReader {
  readonly mIdx: IntList;
  readonly mAcc: IntList;
  readonly mCode: IntList;
  readonly mCls: IntList;
  readonly fIdx: IntList;
  readonly fAcc: IntList;
  readonly problems: string[] = [];
  /** Method problems of the current class beyond the first few (counted, not listed). */
  extraProblems = 0;
  brokenClasses = 0;
  staticCount = 0;
  directCount = 0;
  totalCodeUnits = 0;
  // Work budgets: a member needs >= 2 bytes, a code unit 2 bytes. Allowing twice what a file of
  // this size can hold leaves room for legitimately shared items and still bounds hostile overlap.
  private memberBudget: number;
  private codeBudget: number;

  constructor(private readonly dex: DexFile) {
    const h = dex.header;
    this.mIdx = new IntList(h.methodIdsSize + 16);
    this.mAcc = new IntList(h.methodIdsSize + 16);
    this.mCode = new IntList(h.methodIdsSize + 16);
    this.mCls = new IntList(h.methodIdsSize + 16);
    this.fIdx = new IntList(h.fieldIdsSize + 16);
    this.fAcc = new IntList(h.fieldIdsSize + 16);
    this.memberBudget = dex.bytes.length;
    this.codeBudget = dex.bytes.length;
  }

  read(off: number, classNo: number): void {
    const b = this.dex.bytes;
    const len = b.length;
    const sf = readUleb(b, off);
    const inf = readUleb(b, ulebEnd);
    const dm = readUleb(b, ulebEnd);
    const vm = readUleb(b, ulebEnd);
    const p = ulebEnd;
    const members = sf + inf + dm + vm;
    if (p + (sf + inf) * 2 + (dm + vm) * 3 > len) {
      throw new OutOfBounds(`declares ${members} members, more than the file can hold`);
    }
    this.memberBudget -= members;
    if (this.memberBudget < 0) throw new OutOfBounds('members of all classes exceed what the file can hold (overlapping class_data)');
    ulebEnd = p;
    this.fields(sf, true);
    this.fields(inf, false);
    this.methods(dm, true, classNo);
    this.methods(vm, false, classNo);
  }

  private fields(count: number, isStatic: boolean): void {
    const b = this.dex.bytes;
    const nFields = this.dex.header.fieldIdsSize;
    let idx = 0;
    for (let k = 0; k < count; k++) {
      idx += readUleb(b, ulebEnd);
      const acc = readUleb(b, ulebEnd);
      if (idx >= nFields) throw new OutOfBounds(`field index ${idx} out of range`);
      this.fIdx.push(idx);
      this.fAcc.push(acc);
      if (isStatic) this.staticCount++;
    }
  }

  private methods(count: number, direct: boolean, classNo: number): void {
    const dex = this.dex;
    const b = dex.bytes;
    const nMethods = dex.header.methodIdsSize;
    let idx = 0;
    for (let k = 0; k < count; k++) {
      idx += readUleb(b, ulebEnd);
      const acc = readUleb(b, ulebEnd);
      let codeOff = readUleb(b, ulebEnd);
      if (idx >= nMethods) throw new OutOfBounds(`method index ${idx} out of range`);
      if (codeOff !== 0) codeOff = this.code(idx, codeOff);
      this.mIdx.push(idx);
      this.mAcc.push(acc);
      this.mCode.push(codeOff);
      this.mCls.push(classNo);
      if (direct) this.directCount++;
    }
  }

  private methodProblem(methodIdx: number, what: string): void {
    if (this.problems.length < 10) this.problems.push(`method ${this.dex.methodRef(methodIdx)}: ${what}`);
    else this.extraProblems++;
  }

  /** Returns codeOff when the code item is usable, else 0 (with a problem noted). */
  private code(methodIdx: number, codeOff: number): number {
    const save = ulebEnd; // methodRef() below does not read ulebs, but keep the cursor safe
    const problem = this.dex.checkCodeItem(codeOff);
    let result = codeOff;
    if (problem !== null) {
      this.methodProblem(methodIdx, `code_item at 0x${codeOff.toString(16)} ${problem}; its code is skipped`);
      result = 0;
    } else {
      const b = this.dex.bytes;
      const units = (b[codeOff + 12] | (b[codeOff + 13] << 8) | (b[codeOff + 14] << 16) | (b[codeOff + 15] << 24)) >>> 0;
      this.codeBudget -= units * 2;
      if (this.codeBudget < 0) {
        this.methodProblem(methodIdx, 'code items of all methods exceed what the file can hold (overlapping code items); its code is skipped');
        result = 0;
      } else this.totalCodeUnits += units;
    }
    ulebEnd = save;
    return result;
  }
}

// ---------------------------------------------------------------- bounded binary readers

let ulebEnd = 0;

/** Reads a ULEB128 (at most 5 bytes) at `p`; the position after it is left in `ulebEnd`. */
function readUleb(b: Uint8Array, p: number): number {
  const len = b.length;
  let result = 0;
  let shift = 0;
  for (let i = 0; i < 5; i++) {
    if (p >= len) throw new OutOfBounds('uleb128 runs past the end of the file');
    const byte = b[p++];
    result |= (byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) {
      ulebEnd = p;
      return result >>> 0;
    }
    shift += 7;
  }
  throw new OutOfBounds('uleb128 longer than 5 bytes');
}

function readSleb(b: Uint8Array, p: number): number {
  const len = b.length;
  let result = 0;
  let shift = 0;
  for (let i = 0; i < 5; i++) {
    if (p >= len) throw new OutOfBounds('sleb128 runs past the end of the file');
    const byte = b[p++];
    result |= (byte & 0x7f) << shift;
    shift += 7;
    if ((byte & 0x80) === 0) {
      ulebEnd = p;
      return shift < 32 && byte & 0x40 ? result | (-1 << shift) : result;
    }
  }
  throw new OutOfBounds('sleb128 longer than 5 bytes');
}

/**
 * Reads one encoded_catch_handler at `off`, calling `cb(typeIdx, addr)` per handler (typeIdx -1
 * for catch-all). Bounded: at most 65536 typed handlers. Throws OutOfBounds.
 */
function readCatchHandler(b: Uint8Array, off: number, cb: (typeIdx: number, addr: number) => void): void {
  let size = readSleb(b, off);
  let p = ulebEnd;
  const catchAll = size <= 0;
  size = Math.abs(size);
  if (size > 65536 || p + size * 2 > b.length) throw new OutOfBounds(`catch handler declares ${size} handlers`);
  for (let i = 0; i < size; i++) {
    const t = readUleb(b, p);
    const a = readUleb(b, ulebEnd);
    p = ulebEnd;
    cb(t, a);
  }
  if (catchAll) cb(-1, readUleb(b, p));
}

/**
 * Calls `cb(addr)` for every handler address of the method's tries. Never throws: returns false
 * when some handler list is out of bounds.
 */
export function forEachHandlerAddr(dex: DexFile, codeOff: number, cb: (addr: number) => void): boolean {
  const b = dex.bytes;
  const triesSize = b[codeOff + 6] | (b[codeOff + 7] << 8);
  if (triesSize === 0) return true;
  const insnsSize = (b[codeOff + 12] | (b[codeOff + 13] << 8) | (b[codeOff + 14] << 16) | (b[codeOff + 15] << 24)) >>> 0;
  const triesOff = codeOff + 16 + insnsSize * 2 + (insnsSize & 1 ? 2 : 0);
  const listOff = triesOff + triesSize * 8;
  let ok = true;
  let last = -1;
  for (let i = 0; i < triesSize; i++) {
    const o = triesOff + i * 8 + 6;
    const handlerOff = b[o] | (b[o + 1] << 8);
    if (handlerOff === last) continue; // tries often share one handler list
    last = handlerOff;
    try {
      readCatchHandler(b, listOff + handlerOff, (_t, addr) => cb(addr));
    } catch (e) {
      if (!(e instanceof OutOfBounds)) throw e;
      ok = false;
    }
  }
  return ok;
}

/** Encoded value reader (static values, call sites, annotations); depth and size bounded. */
class ValueReader {
  private p: number;
  constructor(private readonly dex: DexFile, off: number) {
    this.p = off;
  }

  array(depth: number): EncodedValue[] {
    const b = this.dex.bytes;
    const n = readUleb(b, this.p);
    this.p = ulebEnd;
    if (this.p + n > b.length) throw new OutOfBounds(`encoded_array declares ${n} values, more than the file holds`);
    const out: EncodedValue[] = [];
    for (let i = 0; i < n; i++) out.push(this.value(depth));
    return out;
  }

  private value(depth: number): EncodedValue {
    const b = this.dex.bytes;
    const dex = this.dex;
    if (depth > 16) throw new OutOfBounds('encoded values nested too deeply');
    if (this.p >= b.length) throw new OutOfBounds('encoded_value runs past the end of the file');
    const head = b[this.p++];
    const type = head & 0x1f;
    const arg = head >> 5;
    const size = arg + 1;
    const raw = (): bigint => {
      if (this.p + size > b.length) throw new OutOfBounds('encoded_value runs past the end of the file');
      let v = 0n;
      for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[this.p + i]);
      this.p += size;
      return v;
    };
    const index = (limit: number, what: string): number => {
      const v = Number(raw());
      if (v >= limit) throw new OutOfBounds(`${what} index ${v} out of range`);
      return v;
    };
    const h = dex.header;
    switch (type) {
      case 0x00:
        return { type: 'byte', value: Number(BigInt.asIntN(8 * size, raw())) };
      case 0x02:
        return { type: 'short', value: Number(BigInt.asIntN(8 * size, raw())) };
      case 0x03:
        return { type: 'char', value: Number(raw()) };
      case 0x04:
        return { type: 'int', value: Number(BigInt.asIntN(8 * size, raw())) };
      case 0x06:
        return { type: 'long', value: BigInt.asIntN(Math.min(64, 8 * size), raw()) };
      case 0x10: {
        const bits = Number(raw() << BigInt(8 * Math.max(0, 4 - size))) >>> 0;
        const f = new DataView(new ArrayBuffer(4));
        f.setUint32(0, bits);
        return { type: 'float', value: f.getFloat32(0) };
      }
      case 0x11: {
        const bits = BigInt.asUintN(64, raw() << BigInt(8 * Math.max(0, 8 - size)));
        const f = new DataView(new ArrayBuffer(8));
        f.setBigUint64(0, bits);
        return { type: 'double', value: f.getFloat64(0) };
      }
      case 0x15:
        {
        const i = index(h.protoIdsSize, 'proto');
        return { type: 'method-type', value: dex.protoString(i), index: i };
      }
      case 0x16:
        return { type: 'method-handle', value: Number(raw()) };
      case 0x17:
        {
        const i = index(h.stringIdsSize, 'string');
        return { type: 'string', value: dex.string(i), index: i };
      }
      case 0x18:
        {
        const i = index(h.typeIdsSize, 'type');
        return { type: 'type', value: dex.type(i), index: i };
      }
      case 0x19:
        {
        const i = index(h.fieldIdsSize, 'field');
        return { type: 'field', value: dex.fieldRef(i), index: i };
      }
      case 0x1a:
        {
        const i = index(h.methodIdsSize, 'method');
        return { type: 'method', value: dex.methodRef(i), index: i };
      }
      case 0x1b:
        {
        const i = index(h.fieldIdsSize, 'field');
        return { type: 'enum', value: dex.fieldRef(i), index: i };
      }
      case 0x1c:
        return { type: 'array', value: this.array(depth + 1) };
      case 0x1d: {
        const t = readUleb(b, this.p);
        const n = readUleb(b, ulebEnd);
        this.p = ulebEnd;
        if (t >= h.typeIdsSize || this.p + n * 2 > b.length) throw new OutOfBounds('encoded_annotation out of range');
        const elements: { name: string; value: EncodedValue }[] = [];
        for (let i = 0; i < n; i++) {
          const name = readUleb(b, this.p);
          this.p = ulebEnd;
          if (name >= h.stringIdsSize) throw new OutOfBounds('annotation element name out of range');
          elements.push({ name: dex.string(name), value: this.value(depth + 1) });
        }
        return { type: 'annotation', value: { type: dex.type(t), elements } };
      }
      case 0x1e:
        return { type: 'null', value: null };
      case 0x1f:
        return { type: 'boolean', value: arg !== 0 };
      default:
        throw new OutOfBounds(`unknown encoded_value type 0x${type.toString(16)}`);
    }
  }
}

// ---------------------------------------------------------------- buffers

function alignedCopy(input: Uint8Array): Uint8Array {
  if (input.byteOffset % 4 === 0) return input;
  const copy = new Uint8Array(input.length);
  copy.set(input);
  return copy;
}

function u16View(bytes: Uint8Array): Uint16Array {
  const n = bytes.length >> 1;
  if (LITTLE_ENDIAN_HOST) return new Uint16Array(bytes.buffer, bytes.byteOffset, n);
  const out = new Uint16Array(n);
  for (let i = 0; i < n; i++) out[i] = bytes[2 * i] | (bytes[2 * i + 1] << 8);
  return out;
}

// ---------------------------------------------------------------- entry points

/**
 * Parses one dex file (for a 041 container, the first entry; use parseDexContainer for all).
 * Throws FormatError when the header or the id tables are unusable.
 */
export function parseDex(bytes: Uint8Array, file: string): DexFile {
  return new DexFile(bytes, file);
}

/**
 * Parses every entry of a dex file: one for versions up to 040, one per header for a 041
 * container. Entries after the first are named "file#N". An entry after the first that cannot be
 * parsed is reported as a warning on the first entry rather than thrown.
 */
export function parseDexContainer(bytes: Uint8Array, file: string): DexFile[] {
  const first = new DexFile(bytes, file);
  const out = [first];
  const h = first.header;
  if (h.containerSize === null) return out;
  const limit = Math.min(h.containerSize, first.bytes.length);
  let next = h.fileSize;
  // Each entry is at least a header long, so this loop runs at most limit/112 times.
  while (next > 0 && next + 0x70 <= limit) {
    const name = `${file}#${out.length}`;
    let entry: DexFile;
    try {
      entry = new DexFile(first.bytes, name, next);
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      first.warnings.push(warning(file, `container entry at 0x${next.toString(16)} unreadable: ${e.message}`));
      break;
    }
    out.push(entry);
    if (entry.header.fileSize < 0x70) break;
    next += entry.header.fileSize;
  }
  return out;
}

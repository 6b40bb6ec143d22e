/**
 * resources.arsc reader (ResTable), hand-written after the layouts in AOSP's
 * libs/androidfw/include/androidfw/ResourceTypes.h.
 *
 * Table = RES_TABLE_TYPE chunk { u32 packageCount } containing the global value string pool and
 * one RES_TABLE_PACKAGE_TYPE chunk per package. A package holds its type-name and key-name
 * string pools, then per type a RES_TABLE_TYPE_SPEC_TYPE chunk (per-entry config-change/public
 * flags) and one RES_TABLE_TYPE_TYPE chunk per configuration (ResTable_config + entry offsets +
 * entries), plus optional library (dynamic reference table), overlayable and staged-alias chunks.
 *
 * Chunks are walked eagerly (cheap: offsets only); entries and strings are decoded on demand.
 * Problems that leave part of the table readable are reported in `table.warnings`; only a file
 * that is not a resource table at all throws FormatError.
 */

import { FormatError, type ReadWarning, warning } from './errors.js';
import { StringPool, RES_STRING_POOL_TYPE } from './string-pool.js';
import { type ResBag, type ResValue, decodeResValue, bitsToFloat } from './res-value.js';
import { attrName } from './android-attrs.js';

export const RES_TABLE_TYPE = 0x0002;
export const RES_TABLE_PACKAGE_TYPE = 0x0200;
export const RES_TABLE_TYPE_TYPE = 0x0201;
export const RES_TABLE_TYPE_SPEC_TYPE = 0x0202;
export const RES_TABLE_LIBRARY_TYPE = 0x0203;
export const RES_TABLE_OVERLAYABLE_TYPE = 0x0204;
export const RES_TABLE_OVERLAYABLE_POLICY_TYPE = 0x0205;
export const RES_TABLE_STAGED_ALIAS_TYPE = 0x0206;

/** ResTable_type flags */
export const TYPE_FLAG_SPARSE = 0x01;
export const TYPE_FLAG_OFFSET16 = 0x02;
/** ResTable_entry flags */
export const ENTRY_FLAG_COMPLEX = 0x0001;
export const ENTRY_FLAG_PUBLIC = 0x0002;
export const ENTRY_FLAG_WEAK = 0x0004;
export const ENTRY_FLAG_COMPACT = 0x0008;
/** ResTable_typeSpec entry flags */
export const SPEC_PUBLIC = 0x40000000;
export const SPEC_STAGED_API = 0x20000000;

export const NO_ENTRY = 0xffffffff;

/** Decoded ResTable_config. Fields absent from a short config are 0 / ''. */
export interface ResConfig {
  /** Qualifier string in aapt's format ('' for the default configuration), e.g. "fr-rCA", "night-v8", "xxhdpi". */
  qualifiers: string;
  /** The config's own size field. */
  size: number;
  mcc: number;
  mnc: number;
  /** 2- or 3-letter language code ('' = any). */
  language: string;
  /** 2-letter region or 3-digit UN M.49 code ('' = any). */
  region: string;
  orientation: number;
  touchscreen: number;
  density: number;
  keyboard: number;
  navigation: number;
  inputFlags: number;
  grammaticalInflection: number;
  screenWidth: number;
  screenHeight: number;
  sdkVersion: number;
  minorVersion: number;
  screenLayout: number;
  uiMode: number;
  smallestScreenWidthDp: number;
  screenWidthDp: number;
  screenHeightDp: number;
  localeScript: string;
  localeVariant: string;
  screenLayout2: number;
  colorMode: number;
  localeScriptWasComputed: boolean;
  localeNumberingSystem: string;
}

export interface ResEntry {
  /** Full resource id 0xPPTTEEEE. */
  id: number;
  /** Entry name from the package's key string pool (null if the key index is out of range). */
  key: string | null;
  keyIndex: number;
  /** ResTable_entry flags (ENTRY_FLAG_*). */
  flags: number;
  value: ResValue | ResBag;
  /** Raw Res_value fields for simple entries (for dumps); null for bags. */
  raw: { size: number; res0: number; dataType: number; data: number } | null;
}

export interface ResValueInConfig {
  /** '' = default configuration */
  config: string;
  value: ResValue | ResBag;
}

/** One RES_TABLE_TYPE_TYPE chunk: the entries of one type in one configuration. */
export class ResTypeChunk {
  readonly package: ResPackage;
  readonly typeId: number;
  readonly config: ResConfig;
  /** ResTable_type flags (TYPE_FLAG_SPARSE, TYPE_FLAG_OFFSET16). */
  readonly flags: number;
  /** Byte offset of the chunk in the file. */
  readonly offset: number;
  /** Entry offset index: u32 / u16 slots read on demand, or a decoded sparse map. */
  private readonly mode: 'u32' | 'u16' | 'sparse';
  private readonly indexAt: number;
  private readonly slots: number;
  private readonly sparse: Int32Array | null;
  private readonly entriesStart: number;
  private readonly end: number;
  private readonly cache = new Map<number, ResEntry | null>();

  constructor(
    pkg: ResPackage,
    init: { typeId: number; config: ResConfig; flags: number; offset: number; mode: 'u32' | 'u16' | 'sparse'; indexAt: number; slots: number; sparse: Int32Array | null; entriesStart: number; end: number },
  ) {
    this.package = pkg;
    this.typeId = init.typeId;
    this.config = init.config;
    this.flags = init.flags;
    this.offset = init.offset;
    this.mode = init.mode;
    this.indexAt = init.indexAt;
    this.slots = init.slots;
    this.sparse = init.sparse;
    this.entriesStart = init.entriesStart;
    this.end = init.end;
  }

  /** Number of entry slots (entry indexes 0..entryCount-1). */
  get entryCount(): number {
    return this.sparse ? this.sparse.length : this.slots;
  }

  /** @internal Offset of entry `index` relative to entriesStart, -1 when absent. */
  offsetOf(index: number): number {
    if (!(index >= 0 && index < this.entryCount)) return -1;
    if (this.sparse) return this.sparse[index];
    const dv = this.package.table.view;
    if (this.mode === 'u16') {
      const o = dv.getUint16(this.indexAt + 2 * index, true);
      return o === 0xffff ? -1 : o * 4;
    }
    const o = dv.getUint32(this.indexAt + 4 * index, true);
    return o === NO_ENTRY || o > 0x7fffffff ? -1 : o;
  }

  has(index: number): boolean {
    return this.offsetOf(index) >= 0;
  }

  /** Entry indexes that are present in this configuration, ascending. */
  indexes(): number[] {
    const out: number[] = [];
    const n = this.entryCount;
    for (let i = 0; i < n; i++) if (this.offsetOf(i) >= 0) out.push(i);
    return out;
  }

  /** The key-string index of entry `index` without decoding its value (null if absent/unreadable). */
  keyIndexAt(index: number): number | null {
    const rel = this.offsetOf(index);
    if (rel < 0) return null;
    const at = this.entriesStart + rel;
    if ((rel & 3) !== 0 || at + 8 > this.end) return null;
    const dv = this.package.table.view;
    return dv.getUint16(at + 2, true) & ENTRY_FLAG_COMPACT ? dv.getUint16(at, true) : dv.getUint32(at + 4, true);
  }

  entry(index: number): ResEntry | null {
    if (!this.has(index)) return null;
    let e = this.cache.get(index);
    if (e === undefined) {
      e = this.decodeEntry(index);
      this.cache.set(index, e);
    }
    return e;
  }

  private decodeEntry(index: number): ResEntry | null {
    const pkg = this.package;
    const table = pkg.table;
    const b = table.bytes;
    const dv = table.view;
    const id = ((pkg.id << 24) | (this.typeId << 16) | index) >>> 0;
    const rel = this.offsetOf(index);
    const at = this.entriesStart + rel;
    const where = `entry 0x${id.toString(16).padStart(8, '0')} (config "${this.config.qualifiers}") at offset 0x${at.toString(16)}`;
    if ((rel & 3) !== 0) {
      table.warn(`${where}: offset is not 4-byte aligned; ignored as Android does`, 'suspicious-structure');
      return null;
    }
    if (at + 8 > this.end) {
      table.warn(`${where}: runs past the end of its type chunk`);
      return null;
    }
    const size = dv.getUint16(at, true);
    const flags = dv.getUint16(at + 2, true);
    if (flags & ENTRY_FLAG_COMPACT) {
      const keyIndex = size;
      const dataType = flags >>> 8;
      const data = dv.getUint32(at + 4, true);
      return {
        id, keyIndex, key: pkg.keyStrings.get(keyIndex), flags,
        value: decodeResValue(dataType, data, table.strings),
        raw: { size: 8, res0: 0, dataType, data },
      };
    }
    const keyIndex = dv.getUint32(at + 4, true);
    const key = pkg.keyStrings.get(keyIndex);
    if (size < 8) {
      table.warn(`${where}: entry size ${size} is too small`, 'suspicious-structure');
      return null;
    }
    if (flags & ENTRY_FLAG_COMPLEX) {
      if (size < 16 || at + 16 > this.end) {
        table.warn(`${where}: complex entry header is truncated`);
        return { id, keyIndex, key, flags, value: { type: 'bag', parent: 0, items: [] }, raw: null };
      }
      const parent = dv.getUint32(at + 8, true);
      let count = dv.getUint32(at + 12, true);
      const mapsAt = at + size;
      const room = Math.max(0, Math.floor((this.end - mapsAt) / 12));
      if (count > room) {
        table.warn(`${where}: bag count ${count} runs past the type chunk; clamped to ${room}`);
        count = room;
      }
      const items: ResBag['items'] = [];
      for (let i = 0; i < count; i++) {
        const m = mapsAt + i * 12;
        const name = dv.getUint32(m, true);
        const dataType = b[m + 7];
        const data = dv.getUint32(m + 8, true);
        items.push({ name, value: decodeResValue(dataType, data, table.strings) });
      }
      return { id, keyIndex, key, flags, value: { type: 'bag', parent, items }, raw: null };
    }
    const v = at + size;
    if (v + 8 > this.end) {
      table.warn(`${where}: value runs past the end of its type chunk`);
      return null;
    }
    const vsize = dv.getUint16(v, true);
    const res0 = b[v + 2];
    const dataType = b[v + 3];
    const data = dv.getUint32(v + 4, true);
    if (vsize < 8) table.warn(`${where}: Res_value size ${vsize} is smaller than 8`, 'suspicious-structure');
    return { id, keyIndex, key, flags, value: decodeResValue(dataType, data, table.strings), raw: { size: vsize, res0, dataType, data } };
  }
}

export interface ResTypeSpec {
  /** Type id (1-based; the TT in 0xPPTTEEEE). */
  id: number;
  /** Type name from the package's type string pool, e.g. "string", "xml". */
  name: string;
  entryCount: number;
  /** Per-entry typeSpec flags (config-change mask | SPEC_PUBLIC | SPEC_STAGED_API); empty when no typeSpec chunk was found. */
  flags: Uint32Array;
  /** One chunk per configuration, in file order. */
  configs: ResTypeChunk[];
}

export class ResPackage {
  readonly table: ResourceTable;
  readonly id: number;
  readonly name: string;
  readonly typeIdOffset: number;
  readonly offset: number;
  typeStrings: StringPool;
  keyStrings: StringPool;
  /** Types by id, in the order first seen. */
  readonly types: ResTypeSpec[] = [];
  /** Library chunk: package ids assigned at build time to shared libraries this package uses. */
  readonly dynamicRefs: { packageId: number; packageName: string }[] = [];
  /** Staged-alias chunk: staged (pre-release) resource ids and their finalized ids. */
  readonly stagedAliases: { stagedId: number; finalizedId: number }[] = [];
  private readonly typeMap = new Map<number, ResTypeSpec>();
  private readonly keyIndex = new Map<string, Map<string, number>>();

  constructor(table: ResourceTable, id: number, name: string, typeIdOffset: number, offset: number, typeStrings: StringPool, keyStrings: StringPool) {
    this.table = table;
    this.id = id;
    this.name = name;
    this.typeIdOffset = typeIdOffset;
    this.offset = offset;
    this.typeStrings = typeStrings;
    this.keyStrings = keyStrings;
  }

  type(id: number): ResTypeSpec | undefined {
    return this.typeMap.get(id);
  }

  typeByName(name: string): ResTypeSpec | undefined {
    return this.types.find((t) => t.name === name);
  }

  /** @internal */
  addType(spec: ResTypeSpec): void {
    this.typeMap.set(spec.id, spec);
    this.types.push(spec);
  }

  /** @internal name → id lookup for one type, built on first use (reads key indexes only). */
  lookup(type: string, name: string): number | null {
    let m = this.keyIndex.get(type);
    if (!m) {
      m = new Map();
      this.keyIndex.set(type, m);
      const spec = this.typeByName(type);
      if (spec) {
        for (const c of spec.configs) {
          for (const i of c.indexes()) {
            const k = c.keyIndexAt(i);
            if (k === null) continue;
            const key = this.keyStrings.get(k);
            if (key !== null && !m.has(key)) m.set(key, ((this.id << 24) | (spec.id << 16) | i) >>> 0);
          }
        }
      }
    }
    return m.get(name) ?? null;
  }
}

export interface ResolveOptions {
  /** How many references to follow (default 8). */
  maxDepth?: number;
}

export class ResourceTable {
  readonly file: string;
  readonly packages: ResPackage[] = [];
  /** Global value string pool. */
  strings: StringPool;
  readonly warnings: ReadWarning[] = [];
  /** Package count declared in the table header. */
  declaredPackageCount = 0;
  /** @internal */
  readonly bytes: Uint8Array;
  /** @internal */
  readonly view: DataView;
  private readonly warned = new Set<string>();

  constructor(bytes: Uint8Array, file: string) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.file = file;
    this.strings = StringPool.empty(file, 'global string pool');
  }

  /** @internal */
  warn(message: string, code: ReadWarning['code'] = 'analysis-incomplete'): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    if (this.warned.size <= 200) this.warnings.push(warning(this.file, message, code));
  }

  package(id: number): ResPackage | undefined {
    return this.packages.find((p) => p.id === id);
  }

  private locate(id: number): { pkg: ResPackage; spec: ResTypeSpec; index: number } | null {
    const pkg = this.package(id >>> 24);
    if (!pkg) return null;
    const spec = pkg.type((id >>> 16) & 0xff);
    if (!spec) return null;
    return { pkg, spec, index: id & 0xffff };
  }

  /** The entries for `id` in every configuration, default configuration first, then file order. */
  entries(id: number): { config: ResConfig; chunk: ResTypeChunk; entry: ResEntry }[] {
    const loc = this.locate(id >>> 0);
    if (!loc) return [];
    const out: { config: ResConfig; chunk: ResTypeChunk; entry: ResEntry }[] = [];
    const rest: typeof out = [];
    for (const c of loc.spec.configs) {
      const e = c.entry(loc.index);
      if (!e) continue;
      (c.config.qualifiers === '' ? out : rest).push({ config: c.config, chunk: c, entry: e });
    }
    return out.concat(rest);
  }

  /** "package:type/entry" (e.g. "com.example:xml/network_security_config"), or null if unknown. */
  nameOf(id: number): string | null {
    id >>>= 0;
    const loc = this.locate(id);
    if (!loc) {
      if (id >>> 16 === 0x0101) {
        const n = attrName(id);
        return n ? `android:attr/${n}` : null;
      }
      return null;
    }
    for (const c of loc.spec.configs) {
      const k = c.keyIndexAt(loc.index);
      const key = k === null ? null : loc.pkg.keyStrings.get(k);
      if (key !== null) return `${loc.pkg.name}:${loc.spec.name}/${key}`;
    }
    return null;
  }

  /** Resource id for type/name, searched in `pkg` (a package name) or in every package. */
  idOf(type: string, name: string, pkg?: string): number | null {
    for (const p of this.packages) {
      if (pkg !== undefined && p.name !== pkg) continue;
      const id = p.lookup(type, name);
      if (id !== null) return id;
    }
    return null;
  }

  /** Values of `id` in every configuration ('' = default), default configuration first. */
  values(id: number): ResValueInConfig[] {
    return this.entries(id).map((e) => ({ config: e.config.qualifiers, value: e.entry.value }));
  }

  /**
   * Values of `id` with references followed (up to maxDepth references), default
   * configuration first. A reference made in a specific configuration resolves to the target's
   * value in that same configuration, else its default (else all its values); a reference made
   * in the default configuration brings in all the target's configurations except those the
   * referring resource defines itself. E.g. alias → @string/name with name = {'': "A", fr: "B"}
   * and alias also defining de = "C" gives [{'' A}, {fr B}, {de C}]. References that leave the
   * table (e.g. to android framework resources, 0x01xxxxxx) are returned as they are. Cycles and
   * too-long chains are reported in `warnings` (suspicious-structure) and left out.
   */
  resolve(id: number, opts: ResolveOptions = {}): ResValueInConfig[] {
    const maxDepth = opts.maxDepth ?? 8;
    const out: ResValueInConfig[] = [];
    const seen = new Set<string>();
    const push = (config: string, value: ResValue | ResBag) => {
      const k = `${config}\u0000${JSON.stringify(value)}`;
      if (seen.has(k)) return;
      seen.add(k);
      out.push({ config, value });
    };
    // `skip`: configurations the referring resources define themselves; a reference made in
    // their default configuration does not speak for those.
    const walk = (rid: number, config: string | null, path: number[], skip: Set<string>) => {
      let vals = this.values(rid);
      if (vals.length === 0) return false;
      if (config !== null && config !== '') {
        const same = vals.filter((v) => v.config === config);
        const def = vals.filter((v) => v.config === '');
        vals = same.length ? same : def.length ? def : vals;
      } else if (skip.size) {
        vals = vals.filter((v) => v.config === '' || !skip.has(v.config));
      }
      const own = new Set(skip);
      for (const v of vals) if (v.config !== '') own.add(v.config);
      for (const v of vals) {
        const label = config !== null && config !== '' ? config : v.config;
        const target = this.referenceTarget(v.value, rid);
        if (target === null) {
          push(label, v.value);
          continue;
        }
        if (path.includes(target)) {
          this.warn(`reference cycle: ${[...path, target].map((x) => this.nameOf(x) ?? `0x${x.toString(16)}`).join(' -> ')}`, 'suspicious-structure');
          continue;
        }
        if (path.length > maxDepth) {
          this.warn(`reference chain from 0x${path[0].toString(16)} is longer than ${maxDepth}; not followed`, 'suspicious-structure');
          continue;
        }
        if (!walk(target, label, [...path, target], label === '' ? own : new Set())) push(label, v.value);
      }
      return true;
    };
    walk(id >>> 0, null, [id >>> 0], new Set());
    return out;
  }

  private referenceTarget(v: ResValue | ResBag, from: number): number | null {
    if (v.type === 'reference' && v.id !== 0) return v.id;
    if (v.type === 'dynamic-reference' && v.id !== 0) {
      // Package id 0 in a dynamic reference means "this (shared library) package".
      return v.id >>> 24 === 0 ? ((from & 0xff000000) | v.id) >>> 0 : v.id;
    }
    return null;
  }

  /** The string value of `id` (default configuration first), references followed. */
  resolveString(id: number): string | null {
    for (const v of this.resolve(id)) if (v.value.type === 'string') return v.value.value;
    return null;
  }

  /** The boolean value of `id`; integers count as false when 0 and true otherwise. */
  resolveBool(id: number): boolean | null {
    for (const { value: v } of this.resolve(id)) {
      if (v.type === 'bool') return v.value;
      if (v.type === 'int-dec' || v.type === 'int-hex') return v.value !== 0;
    }
    return null;
  }

  resolveInt(id: number): number | null {
    for (const { value: v } of this.resolve(id)) if (v.type === 'int-dec' || v.type === 'int-hex') return v.value;
    return null;
  }

  /**
   * The file paths inside the APK a file resource (layout, xml, drawable, raw ...) names,
   * default configuration first, e.g. ["res/xml/network_security_config.xml"] or an obfuscated
   * ["res/Xy.xml"]. These are the string values of the resource, references followed.
   */
  resolveFile(id: number): string[] {
    const out: string[] = [];
    for (const { value: v } of this.resolve(id)) if (v.type === 'string' && v.value !== '' && !out.includes(v.value)) out.push(v.value);
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Parsing

interface Chunk {
  offset: number;
  type: number;
  headerSize: number;
  /** size as declared */
  size: number;
  /** end offset as used (clamped to the parent) */
  end: number;
}

/**
 * Walks the child chunks in [start, end). Stops (with a warning) at a chunk header that cannot
 * be used to advance; a chunk that runs past its parent is clamped, reported and is the last.
 */
function* chunks(table: ResourceTable, start: number, end: number, where: string): Generator<Chunk> {
  const dv = table.view;
  let pos = start;
  while (pos < end) {
    if (pos + 8 > end) {
      table.warn(`${where}: ${end - pos} trailing bytes at offset 0x${pos.toString(16)} are too short for a chunk header`, 'suspicious-structure');
      return;
    }
    const type = dv.getUint16(pos, true);
    const headerSize = dv.getUint16(pos + 2, true);
    const size = dv.getUint32(pos + 4, true);
    if (size < 8 || headerSize < 8 || headerSize > size) {
      table.warn(`${where}: chunk at offset 0x${pos.toString(16)} (type 0x${type.toString(16)}) has invalid size ${size} / header size ${headerSize}; rest of ${where} skipped`);
      return;
    }
    let cend = pos + size;
    const last = cend > end;
    if (last) {
      table.warn(`${where}: chunk at offset 0x${pos.toString(16)} (type 0x${type.toString(16)}) size ${size} runs past the end of its parent; read partially`);
      cend = end;
    }
    yield { offset: pos, type, headerSize, size, end: cend };
    if (last) return;
    pos = cend;
  }
}

function readUtf16Z(bytes: Uint8Array, at: number, maxChars: number, end: number): string {
  let s = '';
  for (let i = 0; i < maxChars && at + 2 * i + 1 < end; i++) {
    const c = bytes[at + 2 * i] | (bytes[at + 2 * i + 1] << 8);
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

function readAsciiZ(bytes: Uint8Array, at: number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) {
    const c = bytes[at + i];
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

function unpackLanguageOrRegion(b0: number, b1: number, base: number): string {
  if (b0 & 0x80) {
    // Packed 3-letter code: 1 bit flag, then three 5-bit letters (first in the low bits of b1).
    const first = b1 & 0x1f;
    const second = ((b1 & 0xe0) >> 5) + ((b0 & 0x03) << 3);
    const third = (b0 & 0x7c) >> 2;
    return String.fromCharCode(first + base, second + base, third + base);
  }
  if (b0 === 0) return '';
  return b1 === 0 ? String.fromCharCode(b0) : String.fromCharCode(b0, b1);
}

/** Decodes a ResTable_config of `size` bytes at `at` (fields past `size` read as 0). */
export function parseConfig(bytes: Uint8Array, at: number, size: number): ResConfig {
  const n = Math.max(0, size);
  const u8 = (o: number) => (o < n ? bytes[at + o] : 0);
  const u16 = (o: number) => (o + 2 <= n ? bytes[at + o] | (bytes[at + o + 1] << 8) : 0);
  const str = (o: number, len: number) => (o + len <= n ? readAsciiZ(bytes, at + o, len) : '');
  const c: ResConfig = {
    qualifiers: '',
    size: n >= 4 ? (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0 : 0,
    mcc: u16(4),
    mnc: u16(6),
    language: unpackLanguageOrRegion(u8(8), u8(9), 0x61),
    region: unpackLanguageOrRegion(u8(10), u8(11), 0x30),
    orientation: u8(12),
    touchscreen: u8(13),
    density: u16(14),
    keyboard: u8(16),
    navigation: u8(17),
    inputFlags: u8(18),
    grammaticalInflection: u8(19),
    screenWidth: u16(20),
    screenHeight: u16(22),
    sdkVersion: u16(24),
    minorVersion: u16(26),
    screenLayout: u8(28),
    uiMode: u8(29),
    smallestScreenWidthDp: u16(30),
    screenWidthDp: u16(32),
    screenHeightDp: u16(34),
    localeScript: str(36, 4),
    localeVariant: str(40, 8),
    screenLayout2: u8(48),
    colorMode: u8(49),
    localeScriptWasComputed: u8(52) !== 0,
    localeNumberingSystem: str(53, 8),
  };
  c.qualifiers = configToString(c);
  return c;
}

const DENSITIES: Record<number, string> = { 120: 'ldpi', 160: 'mdpi', 213: 'tvdpi', 240: 'hdpi', 320: 'xhdpi', 480: 'xxhdpi', 640: 'xxxhdpi', 0xfffe: 'anydpi', 0xffff: 'nodpi' };

/** The qualifier string aapt prints for a configuration (ResTable_config::toString()). */
export function configToString(c: ResConfig): string {
  const parts: string[] = [];
  if (c.mcc) parts.push(`mcc${c.mcc}`);
  if (c.mnc) parts.push(`mnc${c.mnc}`);
  if (c.language) {
    const scriptProvided = c.localeScript !== '' && !c.localeScriptWasComputed;
    if (!scriptProvided && !c.localeVariant && !c.localeNumberingSystem) {
      parts.push(c.region ? `${c.language}-r${c.region}` : c.language);
    } else {
      let s = `b+${c.language}`;
      if (scriptProvided) s += `+${c.localeScript}`;
      if (c.region) s += `+${c.region}`;
      if (c.localeVariant) s += `+${c.localeVariant}`;
      if (c.localeNumberingSystem) s += `+u+nu+${c.localeNumberingSystem}`;
      parts.push(s);
    }
  }
  const layoutDir = c.screenLayout & 0xc0;
  if (layoutDir) parts.push(layoutDir === 0x40 ? 'ldltr' : layoutDir === 0x80 ? 'ldrtl' : `layoutDir=${layoutDir}`);
  if (c.smallestScreenWidthDp) parts.push(`sw${c.smallestScreenWidthDp}dp`);
  if (c.screenWidthDp) parts.push(`w${c.screenWidthDp}dp`);
  if (c.screenHeightDp) parts.push(`h${c.screenHeightDp}dp`);
  const size = c.screenLayout & 0x0f;
  if (size) parts.push(['', 'small', 'normal', 'large', 'xlarge'][size] ?? `screenLayoutSize=${size}`);
  const long = c.screenLayout & 0x30;
  if (long) parts.push(long === 0x10 ? 'notlong' : long === 0x20 ? 'long' : `screenLayoutLong=${long}`);
  const round = c.screenLayout2 & 0x03;
  if (round) parts.push(round === 1 ? 'notround' : round === 2 ? 'round' : `screenRound=${round}`);
  const wcg = c.colorMode & 0x03;
  if (wcg) parts.push(wcg === 1 ? 'nowidecg' : wcg === 2 ? 'widecg' : `wideColorGamut=${wcg}`);
  const hdr = c.colorMode & 0x0c;
  if (hdr) parts.push(hdr === 0x04 ? 'lowdr' : hdr === 0x08 ? 'highdr' : `hdr=${hdr}`);
  if (c.orientation) parts.push(['', 'port', 'land', 'square'][c.orientation] ?? `orientation=${c.orientation}`);
  const uiType = c.uiMode & 0x0f;
  if (uiType) parts.push(['', 'normal', 'desk', 'car', 'television', 'appliance', 'watch', 'vrheadset'][uiType] ?? `uiModeType=${uiType}`);
  const night = c.uiMode & 0x30;
  if (night) parts.push(night === 0x10 ? 'notnight' : night === 0x20 ? 'night' : `uiModeNight=${night}`);
  if (c.density) parts.push(DENSITIES[c.density] ?? `${c.density}dpi`);
  if (c.touchscreen) parts.push(['', 'notouch', 'stylus', 'finger'][c.touchscreen] ?? `touchscreen=${c.touchscreen}`);
  const keysHidden = c.inputFlags & 0x03;
  if (keysHidden) parts.push(['', 'keysexposed', 'keyshidden', 'keyssoft'][keysHidden]);
  if (c.keyboard) parts.push(['', 'nokeys', 'qwerty', '12key'][c.keyboard] ?? `keyboard=${c.keyboard}`);
  const navHidden = c.inputFlags & 0x0c;
  if (navHidden) parts.push(navHidden === 0x04 ? 'navexposed' : navHidden === 0x08 ? 'navhidden' : `inputFlagsNavHidden=${navHidden}`);
  if (c.navigation) parts.push(['', 'nonav', 'dpad', 'trackball', 'wheel'][c.navigation] ?? `navigation=${c.navigation}`);
  if (c.screenWidth || c.screenHeight) parts.push(`${c.screenWidth}x${c.screenHeight}`);
  if (c.sdkVersion || c.minorVersion) parts.push(`v${c.sdkVersion}${c.minorVersion ? `.${c.minorVersion}` : ''}`);
  return parts.join('-');
}

/** Parses a resources.arsc file. Throws FormatError only if it is not a resource table at all. */
export function parseArsc(bytes: Uint8Array, file = 'resources.arsc'): ResourceTable {
  const table = new ResourceTable(bytes, file);
  const dv = table.view;
  if (bytes.length < 12) throw new FormatError(file, 'table header', 0, `file is ${bytes.length} bytes, too short for a resource table header`);
  const type = dv.getUint16(0, true);
  const headerSize = dv.getUint16(2, true);
  let size = dv.getUint32(4, true);
  if (type !== RES_TABLE_TYPE) throw new FormatError(file, 'table header', 0, `chunk type 0x${type.toString(16)} is not RES_TABLE_TYPE (0x2)`);
  if (headerSize < 12 || headerSize > bytes.length) throw new FormatError(file, 'table header', 0, `header size ${headerSize} is invalid`);
  if (size > bytes.length) {
    table.warn(`table size ${size} is larger than the file (${bytes.length} bytes); the file is truncated`);
    size = bytes.length;
  } else if (size < headerSize) {
    table.warn(`table size ${size} is smaller than its header; using the file size`, 'suspicious-structure');
    size = bytes.length;
  } else if (size < bytes.length) {
    table.warn(`${bytes.length - size} bytes after the end of the table are ignored`, 'suspicious-structure');
  }
  table.declaredPackageCount = dv.getUint32(8, true);
  let sawPool = false;
  for (const ch of chunks(table, headerSize, size, 'table')) {
    if (ch.type === RES_STRING_POOL_TYPE) {
      if (sawPool) {
        table.warn(`extra global string pool at offset 0x${ch.offset.toString(16)} ignored`, 'suspicious-structure');
        continue;
      }
      sawPool = true;
      table.strings = StringPool.parse(bytes, ch.offset, { file, part: 'global string pool', warnings: table.warnings }, ch.end);
    } else if (ch.type === RES_TABLE_PACKAGE_TYPE) {
      parsePackage(table, ch);
    } else {
      table.warn(`unknown table chunk type 0x${ch.type.toString(16)} at offset 0x${ch.offset.toString(16)} skipped`, 'suspicious-structure');
    }
  }
  if (table.packages.length > table.declaredPackageCount) {
    table.warn(`table header declares ${table.declaredPackageCount} packages, found ${table.packages.length}`, 'suspicious-structure');
  }
  return table;
}

function parsePackage(table: ResourceTable, ch: Chunk): void {
  const dv = table.view;
  const bytes = table.bytes;
  const p = ch.offset;
  const where = `package at offset 0x${p.toString(16)}`;
  if (ch.headerSize < 284 || p + ch.headerSize > ch.end) {
    table.warn(`${where}: header size ${ch.headerSize} is too small for a package header; package skipped`);
    return;
  }
  const id = dv.getUint32(p + 8, true);
  const name = readUtf16Z(bytes, p + 12, 128, p + 268);
  const typeStringsAt = dv.getUint32(p + 268, true);
  const keyStringsAt = dv.getUint32(p + 276, true);
  const typeIdOffset = ch.headerSize >= 288 ? dv.getUint32(p + 284, true) : 0;
  if (id > 0xff) table.warn(`${where}: package id 0x${id.toString(16)} is larger than 0xff`, 'suspicious-structure');

  // Child chunks: the two string pools are identified by their offsets, as Android does.
  const children = [...chunks(table, p + ch.headerSize, ch.end, `package "${name}"`)];
  const pools = children.filter((c) => c.type === RES_STRING_POOL_TYPE);
  const poolAt = (rel: number) => pools.find((c) => c.offset === p + rel);
  let typePool = poolAt(typeStringsAt);
  let keyPool = poolAt(keyStringsAt);
  if (!typePool || !keyPool) {
    table.warn(`${where}: type/key string pool offsets (0x${typeStringsAt.toString(16)}, 0x${keyStringsAt.toString(16)}) do not point at string pools; using the pools in file order`, 'suspicious-structure');
    typePool ??= pools.find((c) => c !== keyPool);
    keyPool ??= pools.find((c) => c !== typePool);
  }
  const mk = (c: Chunk | undefined, part: string) =>
    c ? StringPool.parse(bytes, c.offset, { file: table.file, part: `${part} of package "${name}"`, warnings: table.warnings }, c.end) : StringPool.empty(table.file, part);
  const pkg = new ResPackage(table, id & 0xff, name, typeIdOffset, p, mk(typePool, 'type string pool'), mk(keyPool, 'key string pool'));
  table.packages.push(pkg);

  const specFor = (typeId: number, entryCount: number): ResTypeSpec => {
    let spec = pkg.type(typeId);
    if (!spec) {
      const tname = pkg.typeStrings.get(typeId - 1 - typeIdOffset);
      spec = { id: typeId, name: tname ?? `type${typeId}`, entryCount, flags: new Uint32Array(0), configs: [] };
      if (tname === null) table.warn(`${where}: type id ${typeId} has no name in the type string pool`, 'suspicious-structure');
      pkg.addType(spec);
    }
    return spec;
  };

  for (const c of children) {
    switch (c.type) {
      case RES_STRING_POOL_TYPE:
        if (c !== typePool && c !== keyPool) table.warn(`${where}: extra string pool at offset 0x${c.offset.toString(16)} ignored`, 'suspicious-structure');
        break;
      case RES_TABLE_TYPE_SPEC_TYPE: {
        if (c.headerSize < 16 || c.offset + 16 > c.end) {
          table.warn(`${where}: typeSpec chunk at offset 0x${c.offset.toString(16)} is too small; skipped`);
          break;
        }
        const typeId = bytes[c.offset + 8];
        let entryCount = dv.getUint32(c.offset + 12, true);
        const room = Math.floor((c.end - c.offset - c.headerSize) / 4);
        if (entryCount > room) {
          table.warn(`${where}: typeSpec ${typeId} entry count ${entryCount} does not fit its chunk; clamped to ${Math.max(room, 0)}`);
          entryCount = Math.max(room, 0);
        }
        if (typeId === 0) {
          table.warn(`${where}: typeSpec with type id 0 skipped`, 'suspicious-structure');
          break;
        }
        const spec = specFor(typeId, entryCount);
        if (spec.flags.length === 0) {
          const flags = new Uint32Array(entryCount);
          for (let i = 0; i < entryCount; i++) flags[i] = dv.getUint32(c.offset + c.headerSize + 4 * i, true);
          spec.flags = flags;
          spec.entryCount = Math.max(spec.entryCount, entryCount);
        } else {
          table.warn(`${where}: duplicate typeSpec for type ${typeId}`, 'suspicious-structure');
        }
        break;
      }
      case RES_TABLE_TYPE_TYPE:
        parseTypeChunk(table, pkg, c, specFor);
        break;
      case RES_TABLE_LIBRARY_TYPE: {
        if (c.offset + 12 > c.end) break;
        let count = dv.getUint32(c.offset + 8, true);
        const room = Math.floor((c.end - c.offset - c.headerSize) / 260);
        if (count > room) {
          table.warn(`${where}: library chunk count ${count} does not fit; clamped to ${room}`);
          count = room;
        }
        for (let i = 0; i < count; i++) {
          const e = c.offset + c.headerSize + i * 260;
          pkg.dynamicRefs.push({ packageId: dv.getUint32(e, true), packageName: readUtf16Z(bytes, e + 4, 128, e + 260) });
        }
        break;
      }
      case RES_TABLE_STAGED_ALIAS_TYPE: {
        if (c.offset + 12 > c.end) break;
        let count = dv.getUint32(c.offset + 8, true);
        const room = Math.floor((c.end - c.offset - c.headerSize) / 8);
        if (count > room) count = room;
        for (let i = 0; i < count; i++) {
          const e = c.offset + c.headerSize + i * 8;
          pkg.stagedAliases.push({ stagedId: dv.getUint32(e, true), finalizedId: dv.getUint32(e + 4, true) });
        }
        break;
      }
      case RES_TABLE_OVERLAYABLE_TYPE:
      case RES_TABLE_OVERLAYABLE_POLICY_TYPE:
        break; // skipped by size
      default:
        table.warn(`${where}: unknown chunk type 0x${c.type.toString(16)} at offset 0x${c.offset.toString(16)} skipped`, 'suspicious-structure');
    }
  }
}

function parseTypeChunk(table: ResourceTable, pkg: ResPackage, c: Chunk, specFor: (typeId: number, entryCount: number) => ResTypeSpec): void {
  const dv = table.view;
  const bytes = table.bytes;
  const at = c.offset;
  const where = `type chunk at offset 0x${at.toString(16)}`;
  if (c.headerSize < 20 || at + c.headerSize > c.end) {
    table.warn(`${where}: header is too small (${c.headerSize}); skipped`);
    return;
  }
  const typeId = bytes[at + 8];
  const flags = bytes[at + 9];
  let entryCount = dv.getUint32(at + 12, true);
  const entriesStartRel = dv.getUint32(at + 16, true);
  let configSize = c.headerSize >= 24 ? dv.getUint32(at + 20, true) : 0;
  if (configSize > c.headerSize - 20) {
    table.warn(`${where}: config size ${configSize} is larger than the header allows; clamped`, 'suspicious-structure');
    configSize = c.headerSize - 20;
  }
  const config = parseConfig(bytes, at + 20, configSize);
  if (typeId === 0) {
    table.warn(`${where}: type id 0 skipped`, 'suspicious-structure');
    return;
  }
  const sparse = (flags & TYPE_FLAG_SPARSE) !== 0;
  const off16 = !sparse && (flags & TYPE_FLAG_OFFSET16) !== 0;
  const slot = sparse ? 4 : off16 ? 2 : 4;
  const room = Math.floor((c.end - at - c.headerSize) / slot);
  if (entryCount > room) {
    table.warn(`${where}: entry count ${entryCount} does not fit the chunk; clamped to ${room}`);
    entryCount = room;
  }
  const entriesStart = at + entriesStartRel;
  if (entriesStartRel < c.headerSize || entriesStart > c.end) {
    table.warn(`${where}: entries start 0x${entriesStartRel.toString(16)} is outside the chunk; skipped`);
    return;
  }
  const idx = at + c.headerSize;
  let sparseMap: Int32Array | null = null;
  if (sparse) {
    let max = -1;
    for (let i = 0; i < entryCount; i++) max = Math.max(max, dv.getUint16(idx + 4 * i, true));
    sparseMap = new Int32Array(max + 1).fill(-1);
    for (let i = 0; i < entryCount; i++) {
      const e = dv.getUint16(idx + 4 * i, true);
      sparseMap[e] = dv.getUint16(idx + 4 * i + 2, true) * 4;
    }
  }
  const slots = sparseMap ? sparseMap.length : entryCount;
  const spec = specFor(typeId, slots);
  if (slots > spec.entryCount && spec.flags.length > 0) {
    table.warn(`${where}: ${slots} entries but typeSpec ${typeId} declares ${spec.entryCount}`, 'suspicious-structure');
  }
  spec.entryCount = Math.max(spec.entryCount, slots);
  spec.configs.push(new ResTypeChunk(pkg, { typeId, config, flags, offset: at, mode: sparse ? 'sparse' : off16 ? 'u16' : 'u32', indexAt: idx, slots: entryCount, sparse: sparseMap, entriesStart, end: c.end }));
}

// ---------------------------------------------------------------------------------------------
// aapt-style dump

/** C printf("%g") for a float. */
export function formatG(x: number): string {
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x < 0 ? '-inf' : 'inf';
  const exp = Number(x.toExponential(5).split('e')[1]);
  let s: string;
  if (exp < -4 || exp >= 6) {
    const [m, e] = x.toExponential(5).split('e');
    const mm = m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '') : m;
    const en = Number(e);
    s = `${mm}e${en < 0 ? '-' : '+'}${String(Math.abs(en)).padStart(2, '0')}`;
  } else {
    s = x.toFixed(Math.max(0, 5 - exp));
    if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  }
  return s;
}

/** C printf("%f"): exact decimal rounding, half to even, as glibc does. */
export function formatF6(x: number): string {
  const s = x.toFixed(6);
  // toFixed rounds exact ties away from zero; glibc rounds them to even. Ties need the exact
  // binary value to end in 5 at the 7th decimal: check with one more digit of exactness.
  const scaled = x * 1e6;
  if (Number.isFinite(scaled) && Math.abs(scaled) < 2 ** 52 && Math.abs(scaled - Math.trunc(scaled)) === 0.5) {
    const t = Math.trunc(scaled);
    const even = t % 2 === 0 ? t : t + Math.sign(scaled);
    const neg = even < 0 || (even === 0 && x < 0);
    const a = Math.abs(even);
    return `${neg ? '-' : ''}${Math.floor(a / 1e6)}.${String(a % 1e6).padStart(6, '0')}`;
  }
  return s;
}

function normalizeForOutput(s: string): string {
  const z = s.indexOf('\u0000');
  if (z >= 0) s = s.slice(0, z);
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

const hex = (n: number, w: number) => (n >>> 0).toString(16).padStart(w, '0');

function printComplex(data: number, fraction: boolean, quirks: boolean): string {
  // aapt 10 multiplies the mantissa as an unsigned number, so negative values print as 2^24 - n.
  const mant = quirks ? (data >>> 8) : ((data | 0) >> 8);
  const v = mant * [1, 1 / (1 << 7), 1 / (1 << 15), 1 / (1 << 23)][(data >>> 4) & 3];
  const unit = data & 0xf;
  const units = fraction ? ['%', '%p'] : ['px', 'dp', 'sp', 'pt', 'in', 'mm'];
  return formatF6(v) + (units[unit] ?? ' (unknown unit)');
}

function dumpValue(table: ResourceTable, dataType: number, data: number, size: number, res0: number, quirks: boolean): string {
  data >>>= 0;
  if (quirks && dataType >= 0x10 && dataType <= 0x1f) return `(color) #${hex(data, 8)}`;
  switch (dataType) {
    case 0x00:
      return data === 0 ? '(null)' : data === 1 ? '(null empty)' : `(null) 0x${hex(data, 8)}`;
    case 0x01:
      return `(reference) 0x${hex(data, 8)}`;
    case 0x07:
      return `(dynamic reference) 0x${hex(data, 8)}`;
    case 0x02:
      return `(attribute) 0x${hex(data, 8)}`;
    case 0x08:
      return `(dynamic attribute) 0x${hex(data, 8)}`;
    case 0x03: {
      const s = table.strings.get(data);
      if (s === null) return '(string) null';
      return `(${table.strings.utf8 ? 'string8' : 'string16'}) "${normalizeForOutput(s)}"`;
    }
    case 0x04:
      return `(float) ${formatG(bitsToFloat(data))}`;
    case 0x05:
      return `(dimension) ${printComplex(data, false, quirks)}`;
    case 0x06:
      return `(fraction) ${printComplex(data, true, quirks)}`;
    case 0x12:
      return `(boolean) ${data ? 'true' : 'false'}`;
    case 0x10:
    case 0x11:
      return `(int) 0x${hex(data, 8)} or ${data | 0}`;
    default:
      if (dataType >= 0x1c && dataType <= 0x1f) return `(color) #${hex(data, 8)}`;
      return `(unknown type) t=0x${hex(dataType, 2)} d=0x${hex(data, 8)} (s=0x${hex(size, 4)} r=0x${hex(res0, 2)})`;
  }
}

/**
 * A text dump in the layout of `aapt dump [--values] resources` (ResTable::print).
 * By default two bugs of aapt 10 are not copied: it labels every integer type (int, hex,
 * boolean, colors) "(color) #xxxxxxxx", and prints negative dimensions/fractions as large
 * positive numbers (mantissa taken as unsigned). `aaptQuirks: true` copies them, for comparing
 * with aapt's output byte for byte.
 */
export function dumpResources(table: ResourceTable, opts: { values?: boolean; aaptQuirks?: boolean } = {}): string {
  const q = opts.aaptQuirks === true;
  const out: string[] = [];
  // Packages are grouped by id, as ResTable does.
  const groups: ResPackage[][] = [];
  for (const p of table.packages) {
    const g = groups.find((x) => x[0].id === p.id);
    if (g) g.push(p);
    else groups.push([p]);
  }
  out.push(`Package Groups (${groups.length})`);
  groups.forEach((g, gi) => {
    const pid = g[0].id;
    out.push(`Package Group ${gi} id=0x${hex(pid, 2)} packageCount=${g.length} name=${g[0].name}`);
    const refs = g.flatMap((p) => p.dynamicRefs);
    if (refs.length) {
      out.push(`  DynamicRefTable entryCount=${refs.length}:`);
      for (const r of refs) out.push(`    0x${hex(r.packageId, 2)} -> ${r.packageName}`);
      out.push('');
    }
    g.forEach((pkg, si) => {
      out.push(`  Package ${si} id=0x${hex(pid, 2)} name=${pkg.name}`);
      const specs = [...pkg.types].sort((a, b) => a.id - b.id);
      for (const spec of specs) {
        out.push(`    type ${spec.id - 1} configCount=${spec.configs.length} entryCount=${spec.entryCount}`);
        const nameFor = (index: number) => {
          for (const c of spec.configs) {
            const e = c.entry(index);
            if (e && e.key !== null) return `${pkg.name}:${spec.name}/${e.key}`;
          }
          return null;
        };
        const rid = (index: number) => ((pid << 24) | (spec.id << 16) | index) >>> 0;
        for (let i = 0; i < spec.flags.length; i++) {
          const n = nameFor(i);
          out.push(n ? `      spec resource 0x${hex(rid(i), 8)} ${n}: flags=0x${hex(spec.flags[i], 8)}` : `      INVALID TYPE CONFIG FOR RESOURCE 0x${hex(rid(i), 8)}`);
        }
        for (const c of spec.configs) {
          let head = `      config ${c.config.qualifiers || '(default)'}`;
          if (c.flags) head += ` flags=0x${hex(c.flags, 2)}${c.flags & TYPE_FLAG_SPARSE ? ' [sparse]' : ''}`;
          out.push(`${head}:`);
          for (const i of c.indexes()) {
            const e = c.entry(i);
            const n = nameFor(i);
            const prefix = n ? `        resource 0x${hex(rid(i), 8)} ${n}: ` : `        INVALID RESOURCE 0x${hex(rid(i), 8)}: `;
            if (!e) {
              out.push(`${prefix}(unreadable entry)`);
              continue;
            }
            const pub = e.flags & ENTRY_FLAG_PUBLIC ? ' (PUBLIC)' : '';
            if (e.value.type === 'bag') {
              out.push(`${prefix}<bag>${pub}`);
              if (opts.values) {
                const bag = e.value;
                out.push(`          Parent=0x${hex(bag.parent, 8)}(Resolved=0x${hex(bag.parent, 8)}), Count=${bag.items.length}`);
                const raw = bagRaw(table, c, i);
                raw.forEach((m, k) => out.push(`          #${k} (Key=0x${hex(m.name, 8)}): ${dumpValue(table, m.dataType, m.data, m.size, m.res0, q)}`));
              }
            } else {
              const r = e.raw!;
              out.push(`${prefix}t=0x${hex(r.dataType, 2)} d=0x${hex(r.data, 8)} (s=0x${hex(r.size, 4)} r=0x${hex(r.res0, 2)})${pub}`);
              if (opts.values) out.push(`          ${dumpValue(table, r.dataType, r.data, r.size, r.res0, q)}`);
            }
          }
        }
      }
    });
  });
  return out.join('\n') + '\n';
}

/** Raw map entries of a bag (for the dump, which prints raw types). */
function bagRaw(table: ResourceTable, chunk: ResTypeChunk, index: number): { name: number; size: number; res0: number; dataType: number; data: number }[] {
  const e = chunk.entry(index);
  if (!e || e.value.type !== 'bag') return [];
  // Re-read the raw fields: ResValue does not keep res0/size.
  const at = (chunk as unknown as { entriesStart: number }).entriesStart + chunk.offsetOf(index);
  const dv = table.view;
  const size = dv.getUint16(at, true);
  const mapsAt = at + size;
  return e.value.items.map((it, k) => {
    const m = mapsAt + k * 12;
    return { name: it.name, size: dv.getUint16(m + 4, true), res0: table.bytes[m + 6], dataType: table.bytes[m + 7], data: dv.getUint32(m + 8, true) };
  });
}

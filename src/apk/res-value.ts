/**
 * Res_value: the typed value shared by binary XML attributes and resources.arsc entries
 * (frameworks/base/libs/androidfw/include/androidfw/ResourceTypes.h, struct Res_value).
 *
 * Layout (8 bytes, little-endian): u16 size, u8 res0, u8 dataType, u32 data.
 */

import type { StringPool } from './string-pool.js';

export const TYPE_NULL = 0x00;
export const TYPE_REFERENCE = 0x01;
export const TYPE_ATTRIBUTE = 0x02;
export const TYPE_STRING = 0x03;
export const TYPE_FLOAT = 0x04;
export const TYPE_DIMENSION = 0x05;
export const TYPE_FRACTION = 0x06;
export const TYPE_DYNAMIC_REFERENCE = 0x07;
export const TYPE_DYNAMIC_ATTRIBUTE = 0x08;
export const TYPE_INT_DEC = 0x10;
export const TYPE_INT_HEX = 0x11;
export const TYPE_INT_BOOLEAN = 0x12;
export const TYPE_INT_COLOR_ARGB8 = 0x1c;
export const TYPE_INT_COLOR_RGB8 = 0x1d;
export const TYPE_INT_COLOR_ARGB4 = 0x1e;
export const TYPE_INT_COLOR_RGB4 = 0x1f;

export type DimensionUnit = 'px' | 'dip' | 'sp' | 'pt' | 'in' | 'mm';
export type FractionUnit = '%' | '%p';
export type ColorFormat = 'argb8' | 'rgb8' | 'argb4' | 'rgb4';

export type ResValue =
  /** `empty` is true for DATA_NULL_EMPTY ("@empty"), false for DATA_NULL_UNDEFINED. */
  | { type: 'null'; empty: boolean }
  /** id 0 is "@null". */
  | { type: 'reference'; id: number }
  | { type: 'attribute'; id: number }
  /** `index` into the string pool; `value` is '' when the index is out of range (a warning is recorded). */
  | { type: 'string'; value: string; index: number }
  | { type: 'float'; value: number }
  /** `value` in `unit`s (complex radix/mantissa decoded), e.g. 16 + 'dip' for "16dp". */
  | { type: 'dimension'; value: number; unit: DimensionUnit | null }
  /** `value` as written in the source: 50 + '%' for "50%" (Android's float would be 0.5). */
  | { type: 'fraction'; value: number; unit: FractionUnit | null }
  | { type: 'dynamic-reference'; id: number }
  | { type: 'dynamic-attribute'; id: number }
  /** signed 32-bit */
  | { type: 'int-dec'; value: number }
  /** unsigned 32-bit */
  | { type: 'int-hex'; value: number }
  | { type: 'bool'; value: boolean }
  /** argb: unsigned 32-bit 0xAARRGGBB as stored (aapt already expands #rgb to 0xffrrggbb). */
  | { type: 'color'; argb: number; format: ColorFormat }
  | { type: 'unknown'; dataType: number; data: number };

/** A complex ("bag") resource entry: styles, arrays, plurals, attrs, styleables. */
export interface ResBag {
  type: 'bag';
  /** Parent style id, 0 for none. */
  parent: number;
  /** Map entries in file order; `name` is the ResTable_map name id (an attr id, or ^index ids for arrays). */
  items: { name: number; value: ResValue }[];
}

const DIM_UNITS: (DimensionUnit | null)[] = ['px', 'dip', 'sp', 'pt', 'in', 'mm'];
const FRACTION_UNITS: (FractionUnit | null)[] = ['%', '%p'];
const RADIX_MULTS = [1 / (1 << 8), 1 / (1 << 15), 1 / (1 << 23), 1 / 2 ** 31];
const COLOR_FORMATS: ColorFormat[] = ['argb8', 'rgb8', 'argb4', 'rgb4'];

/** Decodes a complex (dimension/fraction) value the way TypedValue.complexToFloat does. */
export function complexToFloat(data: number): number {
  const mantissa = (data | 0) & ~0xff; // signed, mantissa in the top 24 bits
  return mantissa * RADIX_MULTS[(data >>> 4) & 0x3];
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
export function bitsToFloat(data: number): number {
  u32[0] = data >>> 0;
  return f32[0];
}

/**
 * Builds a ResValue from a raw (dataType, data) pair. `strings` is the pool TYPE_STRING indexes
 * point into (the XML document's pool, or the resource table's global pool).
 */
export function decodeResValue(dataType: number, data: number, strings: StringPool | null): ResValue {
  switch (dataType) {
    case TYPE_NULL:
      return { type: 'null', empty: data === 1 };
    case TYPE_REFERENCE:
      return { type: 'reference', id: data >>> 0 };
    case TYPE_ATTRIBUTE:
      return { type: 'attribute', id: data >>> 0 };
    case TYPE_STRING:
      return { type: 'string', value: (strings ? strings.get(data >>> 0) : null) ?? '', index: data >>> 0 };
    case TYPE_FLOAT:
      return { type: 'float', value: bitsToFloat(data) };
    case TYPE_DIMENSION:
      return { type: 'dimension', value: complexToFloat(data), unit: DIM_UNITS[data & 0xf] ?? null };
    case TYPE_FRACTION:
      return { type: 'fraction', value: complexToFloat(data) * 100, unit: FRACTION_UNITS[data & 0xf] ?? null };
    case TYPE_DYNAMIC_REFERENCE:
      return { type: 'dynamic-reference', id: data >>> 0 };
    case TYPE_DYNAMIC_ATTRIBUTE:
      return { type: 'dynamic-attribute', id: data >>> 0 };
    case TYPE_INT_DEC:
      return { type: 'int-dec', value: data | 0 };
    case TYPE_INT_HEX:
      return { type: 'int-hex', value: data >>> 0 };
    case TYPE_INT_BOOLEAN:
      return { type: 'bool', value: data !== 0 };
    case TYPE_INT_COLOR_ARGB8:
    case TYPE_INT_COLOR_RGB8:
    case TYPE_INT_COLOR_ARGB4:
    case TYPE_INT_COLOR_RGB4:
      return { type: 'color', argb: data >>> 0, format: COLOR_FORMATS[dataType - TYPE_INT_COLOR_ARGB8] };
    default:
      return { type: 'unknown', dataType, data: data >>> 0 };
  }
}

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

function trimFloat(n: number): string {
  // Shortest form that round-trips through a 32-bit float, as Android prints floats.
  if (!Number.isFinite(n)) return String(n);
  for (let p = 1; p <= 9; p++) {
    const s = n.toPrecision(p);
    f32[0] = Number(s);
    if (f32[0] === n || Number(s) === n) return String(Number(s));
  }
  return String(n);
}

const DIM_SOURCE_UNITS: Record<DimensionUnit, string> = { px: 'px', dip: 'dp', sp: 'sp', pt: 'pt', in: 'in', mm: 'mm' };

/**
 * A readable, XML-source-like form of a value: "@0x7f020000", "?0x01010030", "16dp", "50%",
 * "#ff112233", "true", "12", "0x10", "@null"; strings are returned as they are.
 * `nameOf` may turn reference ids into "@type/name" (e.g. from a resource table).
 */
export function formatResValue(v: ResValue, nameOf?: (id: number) => string | null): string {
  switch (v.type) {
    case 'null':
      return v.empty ? '@empty' : '@null';
    case 'reference':
    case 'dynamic-reference': {
      if (v.id === 0) return '@null';
      const n = nameOf?.(v.id);
      return n ? `@${n}` : `@0x${hex8(v.id)}`;
    }
    case 'attribute':
    case 'dynamic-attribute': {
      const n = nameOf?.(v.id);
      return n ? `?${n}` : `?0x${hex8(v.id)}`;
    }
    case 'string':
      return v.value;
    case 'float':
      return trimFloat(v.value);
    case 'dimension':
      return `${trimFloat(v.value)}${v.unit ? DIM_SOURCE_UNITS[v.unit] : ''}`;
    case 'fraction':
      return `${trimFloat(v.value)}${v.unit ?? ''}`;
    case 'int-dec':
      return String(v.value);
    case 'int-hex':
      return `0x${hex8(v.value)}`;
    case 'bool':
      return v.value ? 'true' : 'false';
    case 'color':
      return `#${hex8(v.argb)}`;
    case 'unknown':
      return `(type 0x${v.dataType.toString(16)})0x${hex8(v.data)}`;
  }
}

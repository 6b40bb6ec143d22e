/**
 * ResStringPool: the string table shared by binary XML files and resources.arsc.
 *
 * Chunk layout (ResStringPool_header, 28 bytes): ResChunk_header {u16 type = 0x0001,
 * u16 headerSize, u32 size}, u32 stringCount, u32 styleCount, u32 flags (SORTED = 0x1,
 * UTF8 = 0x100), u32 stringsStart, u32 stylesStart. Then stringCount u32 string offsets and
 * styleCount u32 style offsets, both starting at headerSize. Offsets are byte offsets from
 * stringsStart.
 *
 * UTF-16 strings: u16 length in code units (if the high bit is set, the length is 31 bits
 * spread over two u16s, high part first), the code units, a u16 0.
 * UTF-8 strings: the UTF-16 length then the UTF-8 byte length, each one byte (or two when the
 * high bit of the first is set: ((b0 & 0x7f) << 8) | b1), the bytes, a 0 byte.
 *
 * Styles (span lists for styled text) are not decoded; they are only located and skipped.
 *
 * The reader is lenient: counts that do not fit the chunk are clamped, a bad stringsStart is
 * replaced by the one a well-formed pool would have, and each problem is reported as a warning
 * instead of an exception. Strings are decoded on first use and cached.
 */

import { FormatError, type ReadWarning, warning } from './errors.js';

export const RES_STRING_POOL_TYPE = 0x0001;
export const STRING_POOL_HEADER_SIZE = 28;
export const SORTED_FLAG = 0x1;
export const UTF8_FLAG = 0x100;

const MAX_WARNINGS = 20;

const utf8Decoder = new TextDecoder('utf-8');
const utf16Decoder = new TextDecoder('utf-16le');

export interface StringPoolOptions {
  /** Name of the containing file for messages, e.g. "AndroidManifest.xml". */
  file: string;
  /** Name of the structure for messages, e.g. "string pool", "key string pool". */
  part?: string;
  /** Where problems found while parsing, and later while decoding strings lazily, are appended. */
  warnings?: ReadWarning[];
}

export class StringPool {
  /** Number of strings (after clamping to what fits in the chunk). */
  readonly count: number;
  /** Number of style entries declared (0 when the style array was unusable). */
  readonly styleCount: number;
  readonly utf8: boolean;
  readonly sorted: boolean;
  /** Offset of the chunk inside the file, and its size as used (clamped to the parent). */
  readonly offset: number;
  readonly size: number;

  private readonly bytes: Uint8Array;
  private readonly offsetsAt: number;
  private readonly dataStart: number;
  private readonly dataEnd: number;
  private readonly cache: (string | null | undefined)[];
  private readonly file: string;
  private readonly part: string;
  private readonly warnings: ReadWarning[];
  private warned = 0;

  private constructor(
    bytes: Uint8Array,
    init: {
      count: number;
      styleCount: number;
      utf8: boolean;
      sorted: boolean;
      offset: number;
      size: number;
      offsetsAt: number;
      dataStart: number;
      dataEnd: number;
      file: string;
      part: string;
      warnings: ReadWarning[];
    },
  ) {
    this.bytes = bytes;
    this.count = init.count;
    this.styleCount = init.styleCount;
    this.utf8 = init.utf8;
    this.sorted = init.sorted;
    this.offset = init.offset;
    this.size = init.size;
    this.offsetsAt = init.offsetsAt;
    this.dataStart = init.dataStart;
    this.dataEnd = init.dataEnd;
    this.file = init.file;
    this.part = init.part;
    this.warnings = init.warnings;
    this.cache = new Array(init.count);
  }

  /** A pool with no strings (used when a file has none or it could not be read). */
  static empty(file = '', part = 'string pool'): StringPool {
    return new StringPool(new Uint8Array(0), {
      count: 0, styleCount: 0, utf8: false, sorted: false, offset: 0, size: 0, offsetsAt: 0,
      dataStart: 0, dataEnd: 0, file, part, warnings: [],
    });
  }

  /**
   * Reads the pool chunk starting at `offset`. `limit` is the end of the parent chunk (defaults
   * to the end of `bytes`). Throws FormatError only when not even the pool header can be read.
   */
  static parse(bytes: Uint8Array, offset: number, opts: StringPoolOptions, limit = bytes.length): StringPool {
    const file = opts.file;
    const part = opts.part ?? 'string pool';
    const warnings = opts.warnings ?? [];
    limit = Math.min(limit, bytes.length);
    if (offset < 0 || offset + STRING_POOL_HEADER_SIZE > limit) {
      throw new FormatError(file, part, offset, `truncated: header needs ${STRING_POOL_HEADER_SIZE} bytes, ${Math.max(0, limit - offset)} left`);
    }
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const type = dv.getUint16(offset, true);
    let headerSize = dv.getUint16(offset + 2, true);
    let size = dv.getUint32(offset + 4, true);
    const declaredCount = dv.getUint32(offset + 8, true);
    const declaredStyles = dv.getUint32(offset + 12, true);
    const flags = dv.getUint32(offset + 16, true);
    const stringsStart = dv.getUint32(offset + 20, true);
    const stylesStart = dv.getUint32(offset + 24, true);
    const warn = (msg: string, code: ReadWarning['code'] = 'suspicious-structure') =>
      warnings.push(warning(file, `${part} at offset 0x${offset.toString(16)}: ${msg}`, code));

    if (type !== RES_STRING_POOL_TYPE) warn(`chunk type 0x${type.toString(16)} is not a string pool`);
    if (size > limit - offset) {
      warn(`chunk size ${size} runs past the end of its parent (${limit - offset} bytes left); clamped`, 'analysis-incomplete');
      size = limit - offset;
    }
    if (size < STRING_POOL_HEADER_SIZE) {
      warn(`chunk size ${size} is smaller than the pool header; using the header size`);
      size = Math.min(limit - offset, Math.max(size, STRING_POOL_HEADER_SIZE));
    }
    if (headerSize < STRING_POOL_HEADER_SIZE || headerSize > size) {
      warn(`header size ${headerSize} is invalid; assuming ${STRING_POOL_HEADER_SIZE}`);
      headerSize = STRING_POOL_HEADER_SIZE;
    }
    const room = Math.floor((size - headerSize) / 4);
    let count = declaredCount;
    if (count > room) {
      warn(`string count ${declaredCount} does not fit in the chunk; clamped to ${room}`, 'analysis-incomplete');
      count = room;
    }
    let styleCount = declaredStyles;
    if (styleCount > room - count) {
      warn(`style count ${declaredStyles} does not fit in the chunk; styles ignored`);
      styleCount = 0;
    }
    const utf8 = (flags & UTF8_FLAG) !== 0;
    const offsetsAt = offset + headerSize;
    const wellFormedStart = headerSize + (count + styleCount) * 4;
    let dataStartRel = stringsStart;
    if (count > 0 && (stringsStart < headerSize || stringsStart >= size)) {
      warn(`strings start ${stringsStart} is outside the chunk; assuming ${wellFormedStart}`);
      dataStartRel = Math.min(wellFormedStart, size);
    }
    let dataEndRel = size;
    if (styleCount > 0) {
      if (stylesStart > dataStartRel && stylesStart <= size) dataEndRel = stylesStart;
      else warn(`styles start ${stylesStart} is invalid; styles ignored`);
    }
    if (count === 0) dataStartRel = dataEndRel = Math.min(Math.max(stringsStart, headerSize), size);
    return new StringPool(bytes, {
      count, styleCount, utf8, sorted: (flags & SORTED_FLAG) !== 0, offset, size, offsetsAt,
      dataStart: offset + dataStartRel, dataEnd: offset + dataEndRel, file, part, warnings,
    });
  }

  /** The string at `index`, or null when the index or the string's data is out of range. */
  get(index: number): string | null {
    if (!(index >= 0 && index < this.count) || !Number.isInteger(index)) {
      // 0xffffffff (-1) means "no string" and is not a problem in itself.
      if (index !== 0xffffffff && index !== -1) this.report(`string index ${index} out of range (count ${this.count})`);
      return null;
    }
    const cached = this.cache[index];
    if (cached !== undefined) return cached;
    const s = this.decode(index);
    this.cache[index] = s;
    return s;
  }

  /** All strings (decodes every one; meant for tests and dumps). */
  all(): (string | null)[] {
    const out: (string | null)[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.get(i));
    return out;
  }

  private report(msg: string): void {
    this.warned++;
    if (this.warned <= MAX_WARNINGS) {
      this.warnings.push(warning(this.file, `${this.part}: ${msg}`, 'suspicious-structure'));
    } else if (this.warned === MAX_WARNINGS + 1) {
      this.warnings.push(warning(this.file, `${this.part}: further string problems not reported`, 'suspicious-structure'));
    }
  }

  private decode(index: number): string | null {
    const b = this.bytes;
    const o = this.offsetsAt + index * 4;
    const rel = (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
    const p = this.dataStart + rel;
    const end = this.dataEnd;
    if (rel >= end - this.dataStart) {
      this.report(`string #${index} offset ${rel} is outside the string data`);
      return null;
    }
    return this.utf8 ? this.decodeUtf8(index, p, end) : this.decodeUtf16(index, p, end);
  }

  private decodeUtf16(index: number, p: number, end: number): string | null {
    const b = this.bytes;
    if (p + 2 > end) return this.bad(index, 'length runs past the string data');
    let len = b[p] | (b[p + 1] << 8);
    p += 2;
    if (len & 0x8000) {
      if (p + 2 > end) return this.bad(index, 'length runs past the string data');
      len = ((len & 0x7fff) << 16) | (b[p] | (b[p + 1] << 8));
      p += 2;
    }
    if (p + len * 2 > end) {
      // Android rejects such a string; keep what is there.
      const avail = Math.max(0, Math.floor((end - p) / 2));
      this.report(`string #${index} length ${len} runs past the string data; truncated to ${avail}`);
      len = avail;
    }
    if (len < 16) {
      let s = '';
      for (let i = 0; i < len; i++) s += String.fromCharCode(b[p + 2 * i] | (b[p + 2 * i + 1] << 8));
      return s;
    }
    return utf16Decoder.decode(b.subarray(p, p + len * 2));
  }

  private decodeUtf8(index: number, p: number, end: number): string | null {
    const b = this.bytes;
    // UTF-16 length (ignored except for sanity), then UTF-8 byte length.
    if (p + 1 > end) return this.bad(index, 'length runs past the string data');
    if (b[p] & 0x80) p += 2;
    else p += 1;
    if (p + 1 > end) return this.bad(index, 'length runs past the string data');
    let enc = b[p];
    if (enc & 0x80) {
      if (p + 2 > end) return this.bad(index, 'length runs past the string data');
      enc = ((enc & 0x7f) << 8) | b[p + 1];
      p += 2;
    } else {
      p += 1;
    }
    let len = enc;
    if (!(p + len < end && b[p + len] === 0)) {
      // Like Android: old aapt wrote lengths of strings over 0x7fff bytes modulo 0x8000, so try
      // the same length plus multiples of 0x8000 until the terminator is found.
      let found = -1;
      for (let k = 1; p + ((k << 15) | enc) < end; k++) {
        if (b[p + ((k << 15) | enc)] === 0) {
          found = (k << 15) | enc;
          break;
        }
      }
      if (found < 0) {
        // The length prefix lies: fall back to the first terminator (Android would reject the string).
        let q = p;
        while (q < end && b[q] !== 0) q++;
        this.report(`string #${index} UTF-8 length ${enc} does not match its data; read ${q - p} bytes up to the terminator`);
        found = q - p;
      }
      len = found;
    }
    let ascii = len < 64;
    if (ascii) {
      for (let i = 0; i < len; i++) {
        if (b[p + i] & 0x80) {
          ascii = false;
          break;
        }
      }
    }
    if (ascii) {
      let s = '';
      for (let i = 0; i < len; i++) s += String.fromCharCode(b[p + i]);
      return s;
    }
    return utf8Decoder.decode(b.subarray(p, p + len));
  }

  private bad(index: number, msg: string): null {
    this.report(`string #${index}: ${msg}`);
    return null;
  }
}

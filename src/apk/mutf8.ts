/**
 * MUTF-8 ("modified UTF-8") as used by DEX string_data_item.
 *
 * A string_data_item is a ULEB128 count of UTF-16 code units followed by the encoded bytes and a
 * terminating 0x00 byte. Differences from standard UTF-8:
 *  - U+0000 is written as the two bytes 0xC0 0x80, so a 0x00 byte only ever terminates the string;
 *  - supplementary characters are written as their two UTF-16 surrogates, each as its own
 *    three-byte sequence (six bytes in total), never as a four-byte sequence.
 *
 * The decoder is tolerant: it never throws on content. A byte that cannot start a sequence, a
 * sequence cut short by a bad continuation byte, or one cut short by the end of the buffer, each
 * decode to U+FFFD and decoding resumes at the next byte. Four-byte standard UTF-8 sequences (which
 * ART rejects, but broken tools emit) are decoded to the character they encode rather than dropped.
 */

import { Buffer } from 'node:buffer';

const REPLACEMENT = 0xfffd;

/** Scratch buffer for non-ASCII strings; grown on demand and reused between calls. */
let scratch = new Uint16Array(256);

/** Result of reading a string_data_item. */
export interface Mutf8Read {
  value: string;
  /** The utf16_size declared in front of the bytes (may disagree with value.length in bad files). */
  declaredLength: number;
  /** Offset just past the terminating 0x00 (or the end of the buffer when there is none). */
  end: number;
}

/**
 * Decodes MUTF-8 bytes from `start` up to (not including) the first 0x00 byte or `limit`,
 * whichever comes first. `limit` defaults to the end of `bytes`.
 */
export function decodeMutf8(bytes: Uint8Array, start = 0, limit: number = bytes.length): string {
  return decodeRange(bytes, start, Math.min(limit, bytes.length)).value;
}

/**
 * Reads a DEX string_data_item at `offset`: ULEB128 utf16 length, then MUTF-8 bytes up to 0x00.
 * Never throws: an offset outside the buffer gives the empty string.
 */
export function readStringData(bytes: Uint8Array, offset: number): Mutf8Read {
  const n = bytes.length;
  if (offset < 0 || offset >= n) return { value: '', declaredLength: 0, end: Math.max(0, Math.min(offset, n)) };
  // ULEB128, at most 5 bytes.
  let p = offset;
  let result = 0;
  let shift = 0;
  for (let i = 0; i < 5 && p < n; i++) {
    const b = bytes[p++];
    result += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if ((b & 0x80) === 0) break;
  }
  const r = decodeRange(bytes, p, n);
  r.declaredLength = result >>> 0;
  return r;
}

/**
 * The string of the string_data_item at `offset` (readStringData without the length and end):
 * the fast path the dex reader uses for every string it decodes.
 */
export function readStringValue(bytes: Uint8Array, offset: number): string {
  const n = bytes.length;
  if (offset < 0 || offset >= n) return '';
  let p = offset;
  for (let i = 0; i < 5 && p < n; i++) if ((bytes[p++] & 0x80) === 0) break;
  let q = p;
  while (q < n) {
    const b = bytes[q];
    if (b === 0 || b >= 0x80) break;
    q++;
  }
  if (q >= n || bytes[q] === 0) return asciiString(bytes, p, q);
  return decodeRange(bytes, p, n).value;
}

function decodeRange(bytes: Uint8Array, start: number, limit: number): Mutf8Read {
  // Fast path: pure ASCII up to the terminator.
  let p = start;
  while (p < limit) {
    const b = bytes[p];
    if (b === 0 || b >= 0x80) break;
    p++;
  }
  if (p >= limit || bytes[p] === 0) {
    const value = asciiString(bytes, start, p);
    return { value, declaredLength: 0, end: p < limit ? p + 1 : p };
  }
  // Slow path: the prefix [start, p) is ASCII; decode everything into UTF-16 code units.
  let out = scratch;
  let o = 0;
  const ensure = (extra: number): void => {
    if (o + extra > out.length) {
      const bigger = new Uint16Array(Math.max(out.length * 2, o + extra));
      bigger.set(out.subarray(0, o));
      out = bigger;
      scratch = bigger;
    }
  };
  ensure(p - start);
  for (let i = start; i < p; i++) out[o++] = bytes[i];
  while (p < limit) {
    const b = bytes[p];
    if (b === 0) {
      p++;
      return { value: unitsToString(out, o), declaredLength: 0, end: p };
    }
    ensure(2);
    if (b < 0x80) {
      out[o++] = b;
      p++;
    } else if ((b & 0xe0) === 0xc0) {
      const b1 = p + 1 < limit ? bytes[p + 1] : 0;
      if ((b1 & 0xc0) !== 0x80) {
        out[o++] = REPLACEMENT;
        p++;
      } else {
        out[o++] = ((b & 0x1f) << 6) | (b1 & 0x3f);
        p += 2;
      }
    } else if ((b & 0xf0) === 0xe0) {
      const b1 = p + 1 < limit ? bytes[p + 1] : 0;
      const b2 = p + 2 < limit ? bytes[p + 2] : 0;
      if ((b1 & 0xc0) !== 0x80 || (b2 & 0xc0) !== 0x80) {
        out[o++] = REPLACEMENT;
        p++;
      } else {
        // Surrogates come through unchanged: a MUTF-8 surrogate pair becomes a UTF-16 pair.
        out[o++] = ((b & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (b2 & 0x3f);
        p += 3;
      }
    } else if ((b & 0xf8) === 0xf0) {
      const b1 = p + 1 < limit ? bytes[p + 1] : 0;
      const b2 = p + 2 < limit ? bytes[p + 2] : 0;
      const b3 = p + 3 < limit ? bytes[p + 3] : 0;
      const cp = ((b & 0x07) << 18) | ((b1 & 0x3f) << 12) | ((b2 & 0x3f) << 6) | (b3 & 0x3f);
      if ((b1 & 0xc0) !== 0x80 || (b2 & 0xc0) !== 0x80 || (b3 & 0xc0) !== 0x80 || cp < 0x10000 || cp > 0x10ffff) {
        out[o++] = REPLACEMENT;
        p++;
      } else {
        const v = cp - 0x10000;
        out[o++] = 0xd800 | (v >> 10);
        out[o++] = 0xdc00 | (v & 0x3ff);
        p += 4;
      }
    } else {
      // 10xxxxxx without a lead byte, or 0xF8..0xFF.
      out[o++] = REPLACEMENT;
      p++;
    }
  }
  return { value: unitsToString(out, o), declaredLength: 0, end: p };
}

function asciiString(bytes: Uint8Array, start: number, end: number): string {
  if (end === start) return '';
  // Node's latin1 slice builds a one-byte string straight from the bytes; for ASCII it is the
  // same as UTF-8, and much cheaper than building the string a character at a time.
  return bufferView(bytes).toString('latin1', start, end);
}

/** A Buffer sharing the memory of `bytes` (no copy), cached per array. */
const views = new WeakMap<Uint8Array, Buffer>();
function bufferView(bytes: Uint8Array): Buffer {
  if (Buffer.isBuffer(bytes)) return bytes;
  let v = views.get(bytes);
  if (v === undefined) {
    v = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    views.set(bytes, v);
  }
  return v;
}

const CHUNK = 8192;
function unitsToString(units: Uint16Array, n: number): string {
  if (n <= CHUNK) return String.fromCharCode.apply(null, units.subarray(0, n) as unknown as number[]);
  let s = '';
  for (let i = 0; i < n; i += CHUNK) {
    s += String.fromCharCode.apply(null, units.subarray(i, Math.min(n, i + CHUNK)) as unknown as number[]);
  }
  return s;
}

/**
 * Encodes a JavaScript string as MUTF-8 (without length prefix or terminator). Lone surrogates are
 * encoded as they are, like the Java implementation does.
 */
export function encodeMutf8(s: string): Uint8Array {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    n += c !== 0 && c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0 && c < 0x80) {
      out[o++] = c;
    } else if (c < 0x800) {
      out[o++] = 0xc0 | (c >> 6);
      out[o++] = 0x80 | (c & 0x3f);
    } else {
      out[o++] = 0xe0 | (c >> 12);
      out[o++] = 0x80 | ((c >> 6) & 0x3f);
      out[o++] = 0x80 | (c & 0x3f);
    }
  }
  return out;
}

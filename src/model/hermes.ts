/**
 * Strings of a Hermes bytecode bundle (React Native's compiled `index.android.bundle`), for
 * rules that can only look for names: Hermes keeps string literals and identifiers in one table,
 * so a key passed to AsyncStorage.setItem is there, but which call uses it is not (that would
 * need a bytecode disassembler). Callers must present results as string evidence only.
 *
 * Layout (facebook/hermes, include/hermes/BCGen/HBC/BytecodeFileFormat.h): a 128-byte header
 * (magic u64 0x1F1903C103BC1FC6, version u32, 20-byte source hash, fileLength, globalCodeIndex,
 * functionCount @40, stringKindCount @44, identifierCount @48, stringCount @52,
 * overflowStringCount @56, stringStorageSize @60, ...), then 4-byte-aligned sections: function
 * headers (16 bytes each), string kinds (u32 each), identifier hashes (u32 each), the small string
 * table (u32 each: isUTF16:1, offset:23, length:8; length 255 means "see the overflow table at
 * index offset"), the overflow table (offset u32, length u32), then the string storage blob.
 * Strings are stored without separators, so the table is what splits them. When the table does
 * not validate (another bytecode version, a truncated file), printable runs of the whole file
 * are returned instead and `fromTable` is false.
 */

export const HERMES_MAGIC = Uint8Array.of(0xc6, 0x1f, 0xbc, 0x03, 0xc1, 0x03, 0x19, 0x1f);
const HEADER_SIZE = 128;
const SMALL_FUNC_HEADER = 16;

export function isHermesBytecode(b: Uint8Array): boolean {
  if (b.length < HEADER_SIZE) return false;
  for (let i = 0; i < 8; i++) if (b[i] !== HERMES_MAGIC[i]) return false;
  return true;
}

export interface HermesStrings {
  version: number;
  strings: string[];
  /** True when the strings come from the string table; false for the printable-run fallback. */
  fromTable: boolean;
}

function u32(b: Uint8Array, off: number): number {
  return (b[off]! | (b[off + 1]! << 8) | (b[off + 2]! << 16) | (b[off + 3]! << 24)) >>> 0;
}

const align4 = (n: number): number => (n + 3) & ~3;

/** Printable ASCII runs of at least `min` characters. */
export function printableRuns(b: Uint8Array, min = 4, max = 200_000): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i <= b.length; i++) {
    const c = i < b.length ? b[i]! : 0;
    if (c >= 0x20 && c < 0x7f) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      if (i - start >= min) {
        out.push(Buffer.from(b.buffer, b.byteOffset + start, i - start).toString('latin1'));
        if (out.length >= max) break;
      }
      start = -1;
    }
  }
  return out;
}

/** The string table of a Hermes bundle, or null when `b` is not Hermes bytecode. */
export function hermesStrings(b: Uint8Array, maxStrings = 500_000): HermesStrings | null {
  if (!isHermesBytecode(b)) return null;
  const version = u32(b, 8);
  const functionCount = u32(b, 40);
  const stringKindCount = u32(b, 44);
  const identifierCount = u32(b, 48);
  const stringCount = u32(b, 52);
  const overflowCount = u32(b, 56);
  const storageSize = u32(b, 60);
  const fallback = (): HermesStrings => ({ version, strings: printableRuns(b), fromTable: false });
  let p = align4(HEADER_SIZE + functionCount * SMALL_FUNC_HEADER);
  p = align4(p + stringKindCount * 4);
  p = align4(p + identifierCount * 4);
  const smallAt = p;
  p = align4(p + stringCount * 4);
  const overflowAt = p;
  p = align4(p + overflowCount * 8);
  const storageAt = p;
  if (stringCount > maxStrings || storageAt + storageSize > b.length || functionCount > 1_000_000) return fallback();
  const strings: string[] = [];
  let bad = 0;
  for (let i = 0; i < stringCount; i++) {
    const e = u32(b, smallAt + i * 4);
    const utf16 = (e & 1) === 1;
    let offset = (e >>> 1) & 0x7fffff;
    let length = e >>> 24;
    if (length === 255) {
      if (offset >= overflowCount) {
        bad++;
        continue;
      }
      const o = overflowAt + offset * 8;
      offset = u32(b, o);
      length = u32(b, o + 4);
    }
    const bytes = utf16 ? length * 2 : length;
    if (offset + bytes > storageSize) {
      bad++;
      continue;
    }
    const at = b.byteOffset + storageAt + offset;
    strings.push(utf16 ? Buffer.from(b.buffer, at, bytes).toString('utf16le') : Buffer.from(b.buffer, at, bytes).toString('latin1'));
  }
  if (stringCount > 0 && bad > stringCount / 20) return fallback();
  return { version, strings, fromTable: true };
}

/** Builds a minimal Hermes-layout file with the given strings (for tests and fixtures). */
export function buildHermesLike(strings: string[], version = 96): Uint8Array {
  const entries: number[] = [];
  const storage: number[] = [];
  for (const s of strings) {
    const bytes = Buffer.from(s, 'latin1');
    if (bytes.length >= 255 || storage.length >= 1 << 23) throw new Error('buildHermesLike: string too long');
    entries.push(((storage.length << 1) | ((bytes.length & 0xff) << 24)) >>> 0);
    storage.push(...bytes);
  }
  const functionCount = 1;
  const smallAt = align4(HEADER_SIZE + functionCount * SMALL_FUNC_HEADER);
  const storageAt = align4(smallAt + entries.length * 4);
  const out = new Uint8Array(align4(storageAt + storage.length) + 20);
  const dv = new DataView(out.buffer);
  out.set(HERMES_MAGIC, 0);
  dv.setUint32(8, version, true);
  dv.setUint32(32, out.length, true);
  dv.setUint32(40, functionCount, true);
  dv.setUint32(52, entries.length, true);
  dv.setUint32(60, storage.length, true);
  entries.forEach((e, i) => dv.setUint32(smallAt + i * 4, e, true));
  out.set(storage, storageAt);
  return out;
}

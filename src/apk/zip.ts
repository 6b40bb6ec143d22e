/**
 * The APK container: a ZIP archive read entirely in memory.
 *
 * Hand-written on purpose. Android reads APKs with libziparchive, which trusts the central
 * directory, takes the name and extra lengths from each local header, and tolerates things a
 * general ZIP library refuses (a nameless padding entry, an APK Signing Block between the last
 * entry and the central directory). adm-zip 0.6 rejects an archive with a duplicate entry name
 * outright and gives no way to list what it refused, so it cannot tell a user *why* an APK is
 * hostile. Entries are never written to disk; every read is capped.
 */
import { inflateRawSync } from 'node:zlib';
import { FormatError, type ReadWarning, warning } from './errors.js';

export interface ZipLimits {
  /** Most central-directory entries accepted. */
  maxEntries: number;
  /** Largest uncompressed entry that will be read (declared or actual). */
  maxEntryBytes: number;
  /** Most uncompressed bytes read from one archive over its lifetime (all reads together). */
  maxTotalBytes: number;
  /** Largest uncompressed/compressed ratio accepted for an entry above `ratioFloorBytes`. */
  maxRatio: number;
  /** Entries smaller than this are never refused for their ratio (tiny files compress well). */
  ratioFloorBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 100_000,
  maxEntryBytes: 512 * 1024 * 1024,
  maxTotalBytes: 2 * 1024 * 1024 * 1024,
  maxRatio: 1000,
  ratioFloorBytes: 1024 * 1024,
};

export interface ZipEntry {
  /** Name as stored (UTF-8, or CP437 read as latin1 when the UTF-8 flag is clear). */
  name: string;
  /** Position in the central directory. */
  index: number;
  method: number;
  compressedSize: number;
  /** Declared uncompressed size (a claim, not a fact, until the entry is read). */
  size: number;
  crc32: number;
  localHeaderOffset: number;
  flags: number;
}

export interface SigningInfo {
  /** JAR signature files under META-INF/ (MANIFEST.MF plus .SF and a signature block). */
  v1: boolean;
  v2: boolean;
  v3: boolean;
  v31: boolean;
  /** Block ids found in the APK Signing Block, in order (hex). */
  blockIds: string[];
}

const SIG_BLOCK_MAGIC = 'APK Sig Block 42';
const SIG_IDS = { v2: 0x7109871a, v3: 0xf05368c0, v31: 0x1b93ad61 } as const;

function u16(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8);
}
function u32(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}
function u64(b: Uint8Array, o: number): number {
  const lo = u32(b, o);
  const hi = u32(b, o + 4);
  // Sizes above 2^53 are nonsense for us; they fail every bound check below.
  return hi * 0x1_0000_0000 + lo;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });
const latin1 = new TextDecoder('latin1');

export class ZipArchive {
  readonly entries: ZipEntry[];
  readonly warnings: ReadWarning[] = [];
  readonly signing: SigningInfo;
  /** Names that occur more than once; `get` returns the first, as libziparchive's lookup did. */
  readonly duplicateNames: string[];
  private readonly byName = new Map<string, ZipEntry>();
  private bytesRead = 0;

  private constructor(
    readonly file: string,
    readonly bytes: Uint8Array,
    readonly limits: ZipLimits,
    entries: ZipEntry[],
    centralDirOffset: number,
  ) {
    this.entries = entries;
    const dups = new Set<string>();
    for (const e of entries) {
      if (this.byName.has(e.name)) dups.add(e.name);
      else this.byName.set(e.name, e);
    }
    this.duplicateNames = [...dups];
    if (dups.size > 0) {
      this.warnings.push(
        warning(
          file,
          `duplicate entry names (Android 4.4+ refuses to install such an APK; the first copy is analysed): ${[...dups].slice(0, 5).join(', ')}${dups.size > 5 ? ` and ${dups.size - 5} more` : ''}`,
          'suspicious-structure',
        ),
      );
    }
    this.signing = this.readSigning(centralDirOffset);
  }

  /** Parses the central directory. Throws FormatError when the bytes are not a usable ZIP. */
  static open(bytes: Uint8Array, file: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): ZipArchive {
    if (bytes.length < 22) throw new FormatError(file, 'zip', null, `not a ZIP archive (${bytes.length} bytes)`);
    const eocd = findEocd(bytes);
    if (eocd < 0) throw new FormatError(file, 'end of central directory', null, 'not found: not a ZIP archive, or truncated');
    let count = u16(bytes, eocd + 10);
    let cdSize = u32(bytes, eocd + 12);
    let cdOffset = u32(bytes, eocd + 16);
    if (count === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff) {
      const z = readZip64Eocd(bytes, eocd, file);
      if (z) ({ count, cdSize, cdOffset } = z);
    }
    if (count > limits.maxEntries) {
      throw new FormatError(file, 'central directory', eocd, `declares ${count} entries; the limit is ${limits.maxEntries}`);
    }
    if (cdOffset + cdSize > eocd || cdOffset > bytes.length) {
      throw new FormatError(file, 'central directory', cdOffset, `lies outside the archive (size ${cdSize}, archive ${bytes.length} bytes): truncated or corrupt`);
    }
    const entries: ZipEntry[] = [];
    let p = cdOffset;
    let declaredTotal = 0;
    for (let i = 0; i < count; i++) {
      if (p + 46 > eocd || u32(bytes, p) !== 0x02014b50) {
        throw new FormatError(file, 'central directory', p, `entry ${i} of ${count} has no valid header`);
      }
      const flags = u16(bytes, p + 8);
      const method = u16(bytes, p + 10);
      const crc32 = u32(bytes, p + 16);
      let compressedSize = u32(bytes, p + 20);
      let size = u32(bytes, p + 24);
      const nameLen = u16(bytes, p + 28);
      const extraLen = u16(bytes, p + 30);
      const commentLen = u16(bytes, p + 32);
      let localHeaderOffset = u32(bytes, p + 42);
      const end = p + 46 + nameLen + extraLen + commentLen;
      if (end > eocd) throw new FormatError(file, 'central directory', p, `entry ${i} runs past the directory`);
      const rawName = bytes.subarray(p + 46, p + 46 + nameLen);
      const name = (flags & 0x800) !== 0 ? utf8.decode(rawName) : decodeLegacyName(rawName);
      if (compressedSize === 0xffffffff || size === 0xffffffff || localHeaderOffset === 0xffffffff) {
        const z = zip64Extra(bytes.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen), size, compressedSize, localHeaderOffset);
        ({ size, compressedSize, localHeaderOffset } = z);
      }
      declaredTotal += size;
      entries.push({ name, index: i, method, compressedSize, size, crc32, localHeaderOffset, flags });
      p = end;
    }
    const archive = new ZipArchive(file, bytes, limits, entries, cdOffset);
    if (declaredTotal > limits.maxTotalBytes * 4) {
      // Not refused: sizes are only claims and we read few entries. Said, because it smells of a bomb.
      archive.warnings.push(warning(file, `entries declare ${declaredTotal} uncompressed bytes in total`, 'suspicious-structure'));
    }
    return archive;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  get(name: string): ZipEntry | undefined {
    return this.byName.get(name);
  }

  /** Entry names matching a predicate, in central-directory order, first copy of each name only. */
  names(filter?: (name: string) => boolean): string[] {
    const out: string[] = [];
    for (const [name] of this.byName) if (!filter || filter(name)) out.push(name);
    return out;
  }

  /**
   * Reads one entry's bytes, enforcing the limits. Throws FormatError naming the entry when it is
   * refused or unreadable; the archive stays usable for other entries.
   */
  read(entryOrName: ZipEntry | string): Uint8Array {
    const e = typeof entryOrName === 'string' ? this.byName.get(entryOrName) : entryOrName;
    if (!e) throw new FormatError(this.file, 'entry', null, `no entry named "${String(entryOrName)}"`);
    const where = `${this.file}!${e.name}`;
    const { limits } = this;
    if (e.size > limits.maxEntryBytes) {
      throw new FormatError(where, 'entry size', e.localHeaderOffset, `declares ${e.size} bytes; the limit is ${limits.maxEntryBytes}`);
    }
    const lh = e.localHeaderOffset;
    if (lh + 30 > this.bytes.length || u32(this.bytes, lh) !== 0x04034b50) {
      throw new FormatError(where, 'local header', lh, 'missing or outside the archive');
    }
    // Like libziparchive: data starts after the *local* name and extra fields.
    const dataStart = lh + 30 + u16(this.bytes, lh + 26) + u16(this.bytes, lh + 28);
    const dataEnd = dataStart + e.compressedSize;
    if (dataEnd > this.bytes.length) {
      throw new FormatError(where, 'entry data', dataStart, `runs past the end of the archive (${e.compressedSize} bytes declared)`);
    }
    const raw = this.bytes.subarray(dataStart, dataEnd);
    let out: Uint8Array;
    if (e.method === 0) {
      out = raw;
    } else if (e.method === 8) {
      if (e.size > limits.ratioFloorBytes && e.size / Math.max(1, e.compressedSize) > limits.maxRatio) {
        throw new FormatError(where, 'compression ratio', lh, `${e.compressedSize} bytes declare ${e.size} uncompressed (ratio above ${limits.maxRatio}): refused as a decompression bomb`);
      }
      const remaining = limits.maxTotalBytes - this.bytesRead;
      const cap = Math.min(e.size, limits.maxEntryBytes, remaining);
      try {
        // One byte more than the declared size lets us see an entry that lies about its size.
        out = inflateRawSync(raw, { maxOutputLength: Math.max(1, cap + 1) });
      } catch (err) {
        const msg = (err as Error).message;
        if (/maxOutputLength|Cannot create a Buffer larger/i.test(msg) || (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
          throw new FormatError(where, 'entry size', lh, `inflates past ${cap === e.size ? `its declared ${e.size} bytes` : `the ${cap}-byte limit`}: refused`);
        }
        throw new FormatError(where, 'deflate stream', dataStart, msg);
      }
      if (out.length > e.size) {
        throw new FormatError(where, 'entry size', lh, `inflates past its declared ${e.size} bytes: refused`);
      }
    } else {
      throw new FormatError(where, 'compression method', lh, `method ${e.method} is not one Android reads (stored or deflate)`);
    }
    this.bytesRead += out.length;
    if (this.bytesRead > limits.maxTotalBytes) {
      throw new FormatError(this.file, 'archive', null, `more than ${limits.maxTotalBytes} uncompressed bytes read: refused`);
    }
    return out;
  }

  private readSigning(cdOffset: number): SigningInfo {
    const names = this.names((n) => n.startsWith('META-INF/'));
    const upper = names.map((n) => n.toUpperCase());
    const v1 =
      upper.includes('META-INF/MANIFEST.MF') &&
      upper.some((n) => n.endsWith('.SF')) &&
      upper.some((n) => /\.(RSA|DSA|EC)$/.test(n));
    const info: SigningInfo = { v1, v2: false, v3: false, v31: false, blockIds: [] };
    const b = this.bytes;
    if (cdOffset < 32) return info;
    if (latin1.decode(b.subarray(cdOffset - 16, cdOffset)) !== SIG_BLOCK_MAGIC) return info;
    const sizeFooter = u64(b, cdOffset - 24);
    const start = cdOffset - sizeFooter - 8;
    if (sizeFooter < 24 || start < 0 || u64(b, start) !== sizeFooter) {
      this.warnings.push(warning(this.file, 'APK Signing Block sizes disagree; signature schemes not read'));
      return info;
    }
    let p = start + 8;
    const end = cdOffset - 24;
    let guard = 0;
    while (p + 12 <= end && guard++ < 10_000) {
      const len = u64(b, p);
      if (len < 4 || p + 8 + len > end) {
        this.warnings.push(warning(this.file, `APK Signing Block pair at offset 0x${p.toString(16)} is malformed`));
        break;
      }
      const id = u32(b, p + 8);
      info.blockIds.push(`0x${id.toString(16).padStart(8, '0')}`);
      if (id === SIG_IDS.v2) info.v2 = true;
      else if (id === SIG_IDS.v3) info.v3 = true;
      else if (id === SIG_IDS.v31) info.v31 = true;
      p += 8 + len;
    }
    return info;
  }
}

function findEocd(b: Uint8Array): number {
  const min = Math.max(0, b.length - 22 - 0xffff);
  for (let i = b.length - 22; i >= min; i--) {
    if (b[i] === 0x50 && b[i + 1] === 0x4b && b[i + 2] === 0x05 && b[i + 3] === 0x06) {
      // The comment length must reach the end of the file exactly (as libziparchive checks loosely).
      if (i + 22 + u16(b, i + 20) <= b.length) return i;
    }
  }
  return -1;
}

function readZip64Eocd(b: Uint8Array, eocd: number, file: string): { count: number; cdSize: number; cdOffset: number } | null {
  const loc = eocd - 20;
  if (loc < 0 || u32(b, loc) !== 0x07064b50) return null;
  const rec = u64(b, loc + 8);
  if (rec + 56 > b.length || u32(b, rec) !== 0x06064b50) {
    throw new FormatError(file, 'zip64 end of central directory', rec, 'missing or outside the archive');
  }
  return { count: u64(b, rec + 32), cdSize: u64(b, rec + 40), cdOffset: u64(b, rec + 48) };
}

function zip64Extra(extra: Uint8Array, size: number, csize: number, off: number): { size: number; compressedSize: number; localHeaderOffset: number } {
  let p = 0;
  while (p + 4 <= extra.length) {
    const id = u16(extra, p);
    const len = u16(extra, p + 2);
    if (id === 0x0001) {
      let q = p + 4;
      const lim = p + 4 + len;
      if (size === 0xffffffff && q + 8 <= lim) { size = u64(extra, q); q += 8; }
      if (csize === 0xffffffff && q + 8 <= lim) { csize = u64(extra, q); q += 8; }
      if (off === 0xffffffff && q + 8 <= lim) { off = u64(extra, q); q += 8; }
      break;
    }
    p += 4 + len;
  }
  return { size, compressedSize: csize, localHeaderOffset: off };
}

function decodeLegacyName(raw: Uint8Array): string {
  // Android's tools write UTF-8 without setting the flag; try UTF-8 first, fall back to latin1.
  for (const c of raw) {
    if (c >= 0x80) {
      try {
        return new TextDecoder('utf-8', { fatal: true }).decode(raw);
      } catch {
        return latin1.decode(raw);
      }
    }
  }
  return latin1.decode(raw);
}

/** `classes.dex`, `classes2.dex`, … in Android's loading order (strict names, as PackageManager does). */
export function dexEntryNames(archive: ZipArchive): string[] {
  const found = archive.names((n) => /^classes(\d*)\.dex$/.test(n));
  const num = (n: string): number => {
    const m = /^classes(\d*)\.dex$/.exec(n)!;
    return m[1] === '' ? 1 : Number(m[1]);
  };
  return found.sort((a, b) => num(a) - num(b));
}

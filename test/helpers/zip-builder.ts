/**
 * A tiny ZIP writer for tests that need archives no normal tool writes: duplicate names, lying
 * sizes, nameless entries, bombs. Everything stays in memory.
 */
import { deflateRawSync, crc32 } from 'node:zlib';

export interface BuildEntry {
  name: string;
  data: Uint8Array | string;
  /** 0 stored, 8 deflate (default 8 for non-empty data). */
  method?: number;
  /** Override the declared uncompressed size in both headers. */
  declaredSize?: number;
}

export function buildZip(entries: BuildEntry[], opts: { prefix?: Uint8Array; beforeCentralDir?: Uint8Array } = {}): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = opts.prefix?.length ?? 0;
  for (const e of entries) {
    const data = typeof e.data === 'string' ? Buffer.from(e.data) : Buffer.from(e.data);
    const method = e.method ?? (data.length ? 8 : 0);
    const body = method === 8 ? deflateRawSync(data) : data;
    const name = Buffer.from(e.name, 'utf8');
    const size = e.declaredSize ?? data.length;
    const crc = crc32(data);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(0x800, 6);
    lh.writeUInt16LE(method, 8);
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(body.length, 18);
    lh.writeUInt32LE(size, 22);
    lh.writeUInt16LE(name.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(0x800, 8);
    ch.writeUInt16LE(method, 10);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(body.length, 20);
    ch.writeUInt32LE(size, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(offset, 42);
    locals.push(lh, name, body);
    centrals.push(ch, name);
    offset += 30 + name.length + body.length;
  }
  const mid = opts.beforeCentralDir ? [Buffer.from(opts.beforeCentralDir)] : [];
  const cdStart = offset + (opts.beforeCentralDir?.length ?? 0);
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(cdStart, 16);
  return new Uint8Array(Buffer.concat([...(opts.prefix ? [Buffer.from(opts.prefix)] : []), ...locals, ...mid, cd, eocd]));
}

/** An APK Signing Block holding the given (id, value) pairs, placed before the central directory. */
export function signingBlock(ids: number[]): Uint8Array {
  const pairs = ids.map((id) => {
    const b = Buffer.alloc(8 + 4 + 4);
    b.writeBigUInt64LE(8n, 0);
    b.writeUInt32LE(id, 8);
    return b;
  });
  const body = Buffer.concat(pairs);
  const size = BigInt(body.length + 8 + 16);
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(size, 0);
  const foot = Buffer.alloc(8);
  foot.writeBigUInt64LE(size, 0);
  return new Uint8Array(Buffer.concat([head, body, foot, Buffer.from('APK Sig Block 42', 'latin1')]));
}

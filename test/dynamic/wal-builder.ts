/**
 * Builds a SQLite write-ahead log by hand (sql.js cannot write one: it has no shared memory), from
 * two images of the same database: the pages of `next` that differ from `base` become frames,
 * the last one a commit frame. The format is SQLite's (https://www.sqlite.org/fileformat.html#the_write_ahead_log):
 * a 32-byte header and 24-byte frame headers with salts and a running checksum.
 */
export interface WalOptions {
  bigEndian?: boolean;
  /** Frames appended after the commit that belong to no commit (an open transaction). */
  uncommitted?: Uint8Array[];
  salt?: [number, number];
}

function checksum(buf: Uint8Array, off: number, len: number, be: boolean, s: [number, number]): [number, number] {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let [s0, s1] = s;
  for (let i = off; i < off + len; i += 8) {
    s0 = (s0 + dv.getUint32(i, !be) + s1) >>> 0;
    s1 = (s1 + dv.getUint32(i + 4, !be) + s0) >>> 0;
  }
  return [s0, s1];
}

export function pageSizeOf(db: Uint8Array): number {
  const raw = (db[16]! << 8) | db[17]!;
  return raw === 1 ? 65536 : raw;
}

export function buildWal(base: Uint8Array, next: Uint8Array, opts: WalOptions = {}): Uint8Array {
  const be = opts.bigEndian ?? false;
  const pageSize = pageSizeOf(next);
  const pages: { pgno: number; data: Uint8Array }[] = [];
  const n = next.length / pageSize;
  for (let p = 1; p <= n; p++) {
    const a = base.subarray((p - 1) * pageSize, p * pageSize);
    const b = next.subarray((p - 1) * pageSize, p * pageSize);
    if (a.length !== b.length || !a.every((v, i) => v === b[i])) pages.push({ pgno: p, data: b });
  }
  const extra = opts.uncommitted ?? [];
  const out = new Uint8Array(32 + (pages.length + extra.length) * (24 + pageSize));
  const dv = new DataView(out.buffer);
  const [salt1, salt2] = opts.salt ?? [0x1234abcd, 0x0badf00d];
  dv.setUint32(0, be ? 0x377f0683 : 0x377f0682);
  dv.setUint32(4, 3007000);
  dv.setUint32(8, pageSize);
  dv.setUint32(12, 0);
  dv.setUint32(16, salt1);
  dv.setUint32(20, salt2);
  let s = checksum(out, 0, 24, be, [0, 0]);
  dv.setUint32(24, s[0]);
  dv.setUint32(28, s[1]);
  const frames = [...pages.map((p, i) => ({ ...p, commit: i === pages.length - 1 ? n : 0 })), ...extra.map((data) => ({ pgno: 1, data, commit: 0 }))];
  let off = 32;
  for (const f of frames) {
    dv.setUint32(off, f.pgno);
    dv.setUint32(off + 4, f.commit);
    dv.setUint32(off + 8, salt1);
    dv.setUint32(off + 12, salt2);
    out.set(f.data, off + 24);
    s = checksum(out, off, 8, be, s);
    s = checksum(out, off + 24, pageSize, be, s);
    dv.setUint32(off + 16, s[0]);
    dv.setUint32(off + 20, s[1]);
    off += 24 + pageSize;
  }
  return out;
}

/** The database header says WAL mode (bytes 18/19 = 2), as a database with a -wal file does. */
export function markWalMode(db: Uint8Array): Uint8Array {
  const c = new Uint8Array(db);
  c[18] = 2;
  c[19] = 2;
  return c;
}

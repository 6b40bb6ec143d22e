/**
 * Seeded, repeatable fuzzing of the whole static model: take a real APK, mutate one of its parts
 * (the container itself, the manifest, resources.arsc, a res/xml file or a dex), rebuild the ZIP and
 * load it. Every case must end in a model or a FormatError: any other exception is a bug.
 */
import { deflateRawSync, crc32 } from 'node:zlib';
import { FormatError } from '../../src/apk/errors.js';
import { ZipArchive } from '../../src/apk/zip.js';
import { loadApp } from '../../src/model/app.js';

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0xfffe, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff];

/** Mutates a copy of `bytes`: bit flips, interesting 32-bit values, truncation, chunk duplication. */
export function mutate(bytes: Uint8Array, r: () => number): Uint8Array {
  const out = new Uint8Array(bytes);
  const n = 1 + Math.floor(r() * 4);
  let cur: Uint8Array = out;
  for (let i = 0; i < n; i++) {
    const kind = Math.floor(r() * 5);
    if (cur.length < 8) break;
    const pos = Math.floor(r() * (cur.length - 4));
    if (kind === 0) cur[pos]! ^= 1 << Math.floor(r() * 8);
    else if (kind === 1) {
      const v = INTERESTING[Math.floor(r() * INTERESTING.length)]!;
      new DataView(cur.buffer, cur.byteOffset, cur.byteLength).setUint32(pos & ~3, v >>> 0, true);
    } else if (kind === 2) cur[pos] = Math.floor(r() * 256);
    else if (kind === 3) cur = cur.subarray(0, Math.max(4, Math.floor(r() * cur.length)));
    else {
      // Overwrite a 16-bit field near the start (headers live there) with a random value.
      const p = Math.floor(r() * Math.min(cur.length - 2, 256));
      new DataView(cur.buffer, cur.byteOffset, cur.byteLength).setUint16(p, Math.floor(r() * 65536), true);
    }
  }
  return new Uint8Array(cur);
}

/** Rebuilds an archive from (name, bytes) pairs, stored or deflated. */
export function rezip(entries: { name: string; data: Uint8Array }[]): Uint8Array {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let off = 0;
  for (const { name, data } of entries) {
    const deflate = data.length > 64;
    const body = deflate ? deflateRawSync(data) : Buffer.from(data);
    const nb = Buffer.from(name);
    const crc = crc32(data);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(deflate ? 8 : 0, 8);
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(body.length, 18);
    lh.writeUInt32LE(data.length, 22);
    lh.writeUInt16LE(nb.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(deflate ? 8 : 0, 10);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(body.length, 20);
    ch.writeUInt32LE(data.length, 24);
    ch.writeUInt16LE(nb.length, 28);
    ch.writeUInt32LE(off, 42);
    parts.push(lh, nb, body);
    central.push(ch, nb);
    off += 30 + nb.length + body.length;
  }
  const cd = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(off, 16);
  return new Uint8Array(Buffer.concat([...parts, cd, eocd]));
}

export interface FuzzStats {
  cases: number;
  loaded: number;
  refused: number;
  /** Unexpected exceptions: each is a bug, with what reproduces it. */
  crashes: { seed: number; caseIndex: number; target: string; part: string; error: string }[];
  slowestMs: number;
}

const PARTS = ['container', 'AndroidManifest.xml', 'resources.arsc', 'xml', 'dex'] as const;

/** Runs `count` cases over the given APKs, deterministically from `seed`. */
export function runFuzz(apks: { name: string; bytes: Uint8Array }[], seed: number, count: number): FuzzStats {
  const r = rng(seed);
  const stats: FuzzStats = { cases: 0, loaded: 0, refused: 0, crashes: [], slowestMs: 0 };
  const unpacked = apks.map((a) => {
    const z = ZipArchive.open(a.bytes, a.name);
    return { name: a.name, bytes: a.bytes, entries: z.names().map((n) => ({ name: n, data: z.read(n) })) };
  });
  for (let i = 0; i < count; i++) {
    const apk = unpacked[Math.floor(r() * unpacked.length)]!;
    const part = PARTS[Math.floor(r() * PARTS.length)]!;
    let input: Uint8Array;
    if (part === 'container') input = mutate(apk.bytes, r);
    else {
      const pick = apk.entries.filter((e) =>
        part === 'xml' ? /^res\/.*\.xml$/.test(e.name) || /^res\/[^/]+$/.test(e.name) : part === 'dex' ? /^classes\d*\.dex$/.test(e.name) : e.name === part,
      );
      const victim = pick.length ? pick[Math.floor(r() * pick.length)]! : apk.entries[0]!;
      input = rezip(apk.entries.map((e) => (e === victim ? { name: e.name, data: mutate(e.data, r) } : e)));
    }
    const t0 = performance.now();
    try {
      const app = loadApp(input, `${apk.name}#${i}`);
      // Touch everything lazy so that its parsers run too.
      void app.code.stats;
      app.code.callsTo('Landroid/content/SharedPreferences$Editor;->putString');
      app.content.textFiles();
      stats.loaded++;
    } catch (err) {
      if (err instanceof FormatError) stats.refused++;
      else stats.crashes.push({ seed, caseIndex: i, target: apk.name, part, error: String((err as Error)?.stack ?? err).split('\n').slice(0, 3).join(' | ') });
    }
    stats.slowestMs = Math.max(stats.slowestMs, performance.now() - t0);
    stats.cases++;
  }
  return stats;
}

import { describe, expect, it } from 'vitest';
import AdmZip from 'adm-zip';
import { StringPool } from '../../src/apk/string-pool.js';
import { FormatError, type ReadWarning } from '../../src/apk/errors.js';
import { stringPool } from '../fixtures/axml/builders.js';

const APIDEMOS = 'node_modules/android-apidemos/apks/ApiDemos-debug.apk';

function parse(bytes: Uint8Array, warnings: ReadWarning[] = []) {
  return StringPool.parse(bytes, 0, { file: 'test.bin', part: 'string pool', warnings });
}

function patch32(b: Uint8Array, at: number, v: number) {
  new DataView(b.buffer, b.byteOffset).setUint32(at, v >>> 0, true);
}

describe('StringPool', () => {
  const samples = ['', 'a', 'android', 'héllo wörld', '日本語', 'emoji 😀 pair', 'x'.repeat(200), 'y'.repeat(40000)];

  for (const utf8 of [false, true]) {
    it(`decodes ${utf8 ? 'UTF-8' : 'UTF-16'} strings incl. 2-unit lengths`, () => {
      const w: ReadWarning[] = [];
      const pool = parse(stringPool(samples, { utf8 }), w);
      expect(pool.utf8).toBe(utf8);
      expect(pool.count).toBe(samples.length);
      expect(pool.all()).toEqual(samples);
      expect(w).toEqual([]);
    });
  }

  it('caches decoded strings and returns null for out-of-range indexes with a warning', () => {
    const w: ReadWarning[] = [];
    const pool = parse(stringPool(['one', 'two']), w);
    expect(pool.get(1)).toBe('two');
    expect(pool.get(1)).toBe(pool.get(1));
    expect(pool.get(2)).toBeNull();
    expect(pool.get(-5)).toBeNull();
    expect(pool.get(0xffffffff)).toBeNull(); // "no string": not a problem
    expect(w.map((x) => x.message)).toEqual([
      'string pool: string index 2 out of range (count 2)',
      'string pool: string index -5 out of range (count 2)',
    ]);
  });

  it('skips styles, and survives a wrong style count', () => {
    const ok = parse(stringPool(['a', 'b'], { styles: 2 }));
    expect(ok.styleCount).toBe(2);
    expect(ok.all()).toEqual(['a', 'b']);
    const w: ReadWarning[] = [];
    const lying = parse(stringPool(['a', 'b'], { declaredStyles: 0x10000000 }), w);
    expect(lying.all()).toEqual(['a', 'b']);
    expect(lying.styleCount).toBe(0);
    expect(w.some((x) => /style count/.test(x.message))).toBe(true);
    // styles declared but stylesStart garbage
    const w2: ReadWarning[] = [];
    expect(parse(stringPool(['a', 'b'], { styles: 1, stylesStart: 3 }), w2).all()).toEqual(['a', 'b']);
    expect(w2.some((x) => /styles start/.test(x.message))).toBe(true);
  });

  it('clamps a huge (or "negative") string count to what fits', () => {
    const w: ReadWarning[] = [];
    const pool = parse(stringPool(['a', 'b'], { declaredCount: 0xffffffff }), w);
    expect(pool.count).toBeLessThan(100);
    expect(pool.get(0)).toBe('a');
    expect(w.some((x) => /string count 4294967295 does not fit/.test(x.message))).toBe(true);
  });

  it('repairs a stringsStart outside the chunk', () => {
    const w: ReadWarning[] = [];
    const pool = parse(stringPool(['abc', 'de'], { stringsStart: 0x7fffffff }), w);
    expect(pool.all()).toEqual(['abc', 'de']);
    expect(w.some((x) => /strings start/.test(x.message))).toBe(true);
  });

  it('returns null for string offsets outside the pool', () => {
    const b = stringPool(['abc', 'de']);
    patch32(b, 28 + 4, 0x00ffff00); // offset of string #1
    const w: ReadWarning[] = [];
    const pool = parse(b, w);
    expect(pool.get(0)).toBe('abc');
    expect(pool.get(1)).toBeNull();
    expect(w[0].message).toMatch(/string #1 offset 16776960 is outside the string data/);
  });

  it('reads up to the terminator when a UTF-8 length prefix lies', () => {
    const b = stringPool(['hello', 'world'], { utf8: true });
    // string #0 is at stringsStart (28 + 8): [u16len, u8len, bytes..., 0]
    const s0 = 28 + 8;
    b[s0 + 1] = 2; // says 2 bytes, data has 5
    const w: ReadWarning[] = [];
    const pool = parse(b, w);
    expect(pool.get(0)).toBe('hello');
    expect(pool.get(1)).toBe('world');
    expect(w[0].message).toMatch(/UTF-8 length 2 does not match/);
    // a length running past the pool
    const c = stringPool(['hello'], { utf8: true });
    c[28 + 4 + 1] = 0x7f;
    const w2: ReadWarning[] = [];
    expect(parse(c, w2).get(0)).toBe('hello');
    expect(w2.length).toBe(1);
  });

  it('recovers UTF-8 lengths written modulo 0x8000 (old aapt, as Android does)', () => {
    const long = 'z'.repeat(0x8000 + 5);
    const b = stringPool([long], { utf8: true });
    // lengths are 2-byte: 0x80|hi, lo. Rewrite the byte length as (len & 0x7fff).
    const at = 28 + 4 + 2; // after the UTF-16 length
    b[at] = 0x80 | ((5 >> 8) & 0x7f);
    b[at + 1] = 5 & 0xff;
    const w: ReadWarning[] = [];
    expect(parse(b, w).get(0)).toBe(long);
    expect(w).toEqual([]);
  });

  it('truncates a UTF-16 string whose length runs past the pool', () => {
    const b = stringPool(['abcd']);
    b[28 + 4] = 0xff; // length 0x00ff
    const w: ReadWarning[] = [];
    const s = parse(b, w).get(0);
    expect(s?.startsWith('abcd')).toBe(true);
    expect(w[0].message).toMatch(/runs past the string data/);
  });

  it('throws FormatError naming the file and part when the header is truncated', () => {
    const b = stringPool(['abc']).slice(0, 20);
    expect(() => parse(b)).toThrow(FormatError);
    try {
      parse(b);
    } catch (e) {
      expect((e as FormatError).file).toBe('test.bin');
      expect((e as FormatError).part).toBe('string pool');
    }
  });

  it('clamps a chunk size past the buffer', () => {
    const b = stringPool(['abc', 'def']);
    patch32(b, 4, 0x7fffffff);
    const w: ReadWarning[] = [];
    expect(parse(b, w).all()).toEqual(['abc', 'def']);
    expect(w.some((x) => /runs past the end of its parent/.test(x.message))).toBe(true);
  });

  it('never throws on any truncation or on random corruption', () => {
    const base = stringPool(['alpha', 'beta', 'gamma', '日本', 'x'.repeat(300)], { utf8: true, styles: 1 });
    for (let n = 28; n <= base.length; n++) {
      const p = parse(base.slice(0, n));
      p.all();
    }
    let seed = 7;
    for (let i = 0; i < 300; i++) {
      const b = base.slice();
      for (let k = 0; k < 4; k++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        b[seed % b.length] = seed >>> 24;
      }
      try {
        parse(b).all();
      } catch (e) {
        expect(e).toBeInstanceOf(FormatError);
      }
    }
  });

  it('reads real pools: UTF-16 in a manifest, UTF-8 in resources.arsc', () => {
    const zip = new AdmZip(APIDEMOS);
    const manifest = new Uint8Array(zip.getEntry('AndroidManifest.xml')!.getData());
    const mp = StringPool.parse(manifest, 8, { file: 'AndroidManifest.xml' });
    expect(mp.utf8).toBe(false);
    expect(mp.all()).toContain('io.appium.android.apis');
    const arsc = new Uint8Array(zip.getEntry('resources.arsc')!.getData());
    const rp = StringPool.parse(arsc, 12, { file: 'resources.arsc' });
    expect(rp.utf8).toBe(true);
    expect(rp.count).toBeGreaterThan(1000);
    expect(rp.all()).toContain('res/xml/device_admin_sample.xml');
  });
});

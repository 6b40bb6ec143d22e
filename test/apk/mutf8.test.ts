import { describe, expect, it } from 'vitest';
import { decodeMutf8, encodeMutf8, readStringData, readStringValue } from '../../src/apk/mutf8.js';

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);
const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

describe('decodeMutf8', () => {
  it('decodes ASCII up to the 0x00 terminator', () => {
    expect(decodeMutf8(bytes(...ascii('hello'), 0, ...ascii('ignored')))).toBe('hello');
    expect(decodeMutf8(bytes())).toBe('');
    expect(decodeMutf8(bytes(0))).toBe('');
    expect(decodeMutf8(bytes(...ascii('abc')))).toBe('abc'); // no terminator: stops at the end
  });

  it('decodes long ASCII strings (fast path) and honours start/limit', () => {
    const long = 'https://api.example.com/v1/session/refresh?client=android&version=12345';
    expect(decodeMutf8(bytes(...ascii(long), 0))).toBe(long);
    expect(decodeMutf8(bytes(...ascii('xxabcdef')), 2, 5)).toBe('abc');
  });

  it('decodes two- and three-byte sequences', () => {
    // é = C3 A9, 中 = E4 B8 AD, € = E2 82 AC
    expect(decodeMutf8(bytes(0xc3, 0xa9, 0x74, 0xc3, 0xa9, 0))).toBe('été');
    expect(decodeMutf8(bytes(0xe4, 0xb8, 0xad, 0xe2, 0x82, 0xac, 0))).toBe('中€');
  });

  it('decodes NUL written as C0 80 and keeps going', () => {
    expect(decodeMutf8(bytes(0x61, 0xc0, 0x80, 0x62, 0))).toBe('a\u0000b');
  });

  it('decodes a supplementary character written as two 3-byte surrogates', () => {
    // U+1F600 = D83D DE00 -> ED A0 BD  ED B8 80
    const s = decodeMutf8(bytes(0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80, 0x21, 0));
    expect(s).toBe('\u{1F600}!');
    expect(s.length).toBe(3);
  });

  it('accepts standard 4-byte UTF-8 that broken tools emit', () => {
    expect(decodeMutf8(bytes(0xf0, 0x9f, 0x98, 0x80, 0))).toBe('\u{1F600}');
  });

  it('turns bad bytes into U+FFFD and never throws', () => {
    expect(decodeMutf8(bytes(0x80, 0x61, 0))).toBe('\uFFFDa'); // continuation without lead
    expect(decodeMutf8(bytes(0xff, 0xfe, 0x61, 0))).toBe('\uFFFD\uFFFDa');
    expect(decodeMutf8(bytes(0xc3, 0x41, 0))).toBe('\uFFFDA'); // bad continuation
    expect(decodeMutf8(bytes(0x61, 0xe4, 0xb8))).toBe('a\uFFFD\uFFFD'); // cut by the end of the buffer
    expect(decodeMutf8(bytes(0xe4, 0xb8, 0))).toBe('\uFFFD\uFFFD'); // cut by the terminator
    expect(decodeMutf8(bytes(0xf4, 0x90, 0x80, 0x80, 0))).toBe('\uFFFD\uFFFD\uFFFD\uFFFD'); // > U+10FFFF
  });

  it('decodes very long non-ASCII strings', () => {
    const s = 'ü'.repeat(20000) + '中'.repeat(5000);
    expect(decodeMutf8(encodeMutf8(s))).toBe(s);
  });
});

describe('readStringData', () => {
  it('reads the ULEB128 utf16 length then the bytes', () => {
    const r = readStringData(bytes(0xff, 0x03, 0x03, ...ascii('abc'), 0, 0x99), 2);
    expect(r).toEqual({ value: 'abc', declaredLength: 3, end: 7 });
    const big = readStringData(bytes(0x80, 0x01, ...ascii('x'), 0), 0);
    expect(big.declaredLength).toBe(128);
    expect(big.value).toBe('x');
  });

  it('readStringValue gives the same string without the bookkeeping', () => {
    const b = bytes(0x03, ...ascii('abc'), 0, 0x02, 0xc3, 0xa9, 0x78, 0, 0x80, 0x01, ...ascii('z'), 0, 0x01, 0x61);
    expect([0, 5, 10, 14, 99, -1].map((o) => readStringValue(b, o))).toEqual(['abc', '\u00e9x', 'z', 'a', '', '']);
    expect([0, 5, 10, 14].map((o) => readStringData(b, o).value)).toEqual(['abc', '\u00e9x', 'z', 'a']);
  });

  it('gives "" for offsets outside the buffer and survives a cut-off length', () => {
    expect(readStringData(bytes(1, 0x61, 0), 10).value).toBe('');
    expect(readStringData(bytes(1, 0x61, 0), -1).value).toBe('');
    expect(readStringData(bytes(0x80, 0x80), 0).value).toBe('');
  });
});

describe('encodeMutf8', () => {
  it('round-trips every kind of character, including lone surrogates', () => {
    const samples = ['', 'plain', 'a\u0000b', 'été', '中文', '\u{1F600}\u{10FFFF}', '\ud800x\udc00', '\uffff\ufffe'];
    for (const s of samples) expect(decodeMutf8(encodeMutf8(s))).toBe(s);
    expect([...encodeMutf8('\u0000')]).toEqual([0xc0, 0x80]);
    expect([...encodeMutf8('\u{1F600}')]).toEqual([0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80]);
  });

  it('round-trips random UTF-16 strings', () => {
    let seed = 12345;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let i = 0; i < 300; i++) {
      const units: number[] = [];
      const n = rnd() % 40;
      for (let k = 0; k < n; k++) units.push(rnd() % 4 === 0 ? rnd() % 0x80 : rnd() % 0x10000);
      const s = String.fromCharCode(...units);
      expect(decodeMutf8(encodeMutf8(s))).toBe(s);
    }
  });
});

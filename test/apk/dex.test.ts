/**
 * DEX reader tests. Expected values come from the reference tools, run at development time:
 *  - header fields: `dexdump -f <dex>` (the "DEX file header" block);
 *  - classes, fields, methods and methods with code: counted in `dexdump -d <dex>` output
 *    ("Class descriptor" lines; "#N : (in L...;)" entries under Static/Instance fields and
 *    Direct/Virtual methods; "insns size" lines);
 *  - fixture details: `dexdump -d test/fixtures/dex-src/basic.dex` and the smali sources.
 */
import AdmZip from 'adm-zip';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACC_NATIVE, ACC_PUBLIC, ACC_STATIC, DexFile, NO_INDEX, parseDex, parseDexContainer } from '../../src/apk/dex.js';
import { FILL_ARRAY_DATA_PAYLOAD, FORMAT_UNITS, OPCODES, OPCODE_UNITS, payloadUnits, walkInstructions } from '../../src/apk/dex-opcodes.js';
import { FormatError } from '../../src/apk/errors.js';
import { buildCodeIndex } from '../../src/model/code-index.js';
import { CORPUS_DIR, NPM_APKS, ROOT, corpusApk } from '../helpers/apks.js';

const FIXTURES = join(ROOT, 'test/fixtures/dex-src');
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(FIXTURES, name)));
const zips = new Map<string, AdmZip>();
const zip = (apk: string): AdmZip => {
  let z = zips.get(apk);
  if (!z) zips.set(apk, (z = new AdmZip(apk)));
  return z;
};
const dexOf = (apk: string, entry = 'classes.dex'): Uint8Array => {
  const e = zip(apk).getEntry(entry);
  if (!e) throw new Error(`${entry} not in ${apk}`);
  return new Uint8Array(e.getData());
};
const dexNames = (apk: string): string[] =>
  zip(apk)
    .getEntries()
    .map((e) => e.entryName)
    .filter((n) => /^classes\d*\.dex$/.test(n));

// ------------------------------------------------------------------ headers vs dexdump -f

// [apk, entry, version, checksum, file_size, string_ids size/off, type_ids, proto_ids, field_ids, method_ids, class_defs, data size/off]
type HeaderRow = [string, string, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number];
const HEADERS: HeaderRow[] = [
  [NPM_APKS.uia2server, 'classes.dex', 38, 0xda6cbac7, 10837604, 73788, 112, 8322, 295264, 14520, 328552, 27191, 502792, 65481, 720320, 6949, 1244168, 9371068, 1466536],
  [NPM_APKS.uia2server, 'classes16.dex', 38, 0x59e30936, 3122628, 31216, 112, 2579, 124976, 3028, 135292, 7545, 171628, 19169, 231988, 2179, 385340, 2667560, 455068],
  [NPM_APKS.uia2server, 'classes10.dex', 38, 0xab58ad46, 62364, 733, 112, 188, 3044, 140, 3796, 205, 5476, 548, 7116, 66, 11500, 48752, 13612],
  [NPM_APKS.settings, 'classes9.dex', 38, 0xeba74f94, 103964, 858, 112, 725, 3544, 64, 6444, 9, 7212, 767, 7284, 650, 13420, 69744, 34220],
  [NPM_APKS.apidemos, 'classes.dex', 35, 0xd64ea7bb, 7279432, 53126, 112, 6360, 212616, 9578, 238056, 18462, 352992, 43541, 500688, 5068, 849016, 6268240, 1011192],
  [NPM_APKS.uia2test, 'classes.dex', 38, 0x7809fc1c, 380992, 3631, 112, 422, 14636, 910, 16324, 971, 27244, 2523, 35012, 212, 55196, 319012, 61980],
];

describe('header (compared with dexdump -f)', () => {
  it.each(HEADERS.map((r) => [`${r[0].split('/').pop()} ${r[1]}`, r] as const))('%s', (_name, row) => {
    const [apk, entry, version, checksum, fileSize, ...rest] = row;
    const dex = parseDex(dexOf(apk, entry), entry);
    const h = dex.header;
    expect(dex.version).toBe(version);
    expect(h.checksum).toBe(checksum);
    expect(h.fileSize).toBe(fileSize);
    expect(h.headerSize).toBe(112);
    expect(h.endianTag).toBe(0x12345678);
    expect([h.linkSize, h.linkOff]).toEqual([0, 0]);
    expect([
      h.stringIdsSize, h.stringIdsOff, h.typeIdsSize, h.typeIdsOff, h.protoIdsSize, h.protoIdsOff, h.fieldIdsSize, h.fieldIdsOff,
      h.methodIdsSize, h.methodIdsOff, h.classDefsSize, h.classDefsOff, h.dataSize, h.dataOff,
    ]).toEqual(rest);
    expect(h.containerSize).toBeNull();
    expect(dex.classes.length).toBe(h.classDefsSize);
    expect(dex.warnings).toEqual([]);
    // the map_list is present and consistent with the header
    expect(dex.map?.find((m) => m.type === 0x0001)).toEqual({ type: 0x0001, size: h.stringIdsSize, offset: h.stringIdsOff });
  });
});

// ------------------------------------------------------------------ member counts vs dexdump -d

// [entry, classes, static fields, instance fields, direct methods, virtual methods, methods with code]
type CountRow = [string, number, number, number, number, number, number];
const COUNTS: Record<string, CountRow[]> = {
  [NPM_APKS.uia2server]: [
    ['classes.dex', 6949, 11688, 14755, 27413, 29995, 53859],
    ['classes2.dex', 11, 6, 0, 11, 0, 11],
    ['classes3.dex', 7, 0, 16, 13, 4, 16],
    ['classes4.dex', 29, 18, 31, 100, 35, 134],
    ['classes5.dex', 3, 5, 12, 12, 9, 21],
    ['classes6.dex', 73, 115, 52, 273, 107, 379],
    ['classes7.dex', 4, 0, 0, 8, 0, 8],
    ['classes8.dex', 59, 33, 90, 140, 195, 295],
    ['classes9.dex', 75, 4, 37, 115, 82, 197],
    ['classes10.dex', 66, 127, 50, 88, 288, 352],
    ['classes11.dex', 68, 138, 134, 184, 58, 242],
    ['classes12.dex', 19, 4, 5, 44, 24, 68],
    ['classes13.dex', 28, 12, 56, 66, 51, 117],
    ['classes14.dex', 2, 4, 5, 2, 14, 16],
    ['classes15.dex', 3, 0, 19, 4, 0, 4],
    ['classes16.dex', 2179, 3470, 3471, 5029, 11691, 14096],
  ],
  [NPM_APKS.settings]: [
    ['classes.dex', 5045, 4143, 6317, 19696, 14390, 32582],
    ['classes2.dex', 99, 1277, 0, 107, 0, 107],
    ['classes3.dex', 13, 35, 0, 33, 28, 59],
    ['classes4.dex', 4, 9, 13, 7, 14, 17],
    ['classes5.dex', 18, 29, 29, 65, 49, 114],
    ['classes6.dex', 12, 47, 28, 41, 26, 65],
    ['classes7.dex', 3, 5, 0, 9, 0, 9],
    ['classes8.dex', 2, 1, 3, 5, 6, 11],
    ['classes9.dex', 650, 1, 4, 653, 57, 707],
  ],
  [NPM_APKS.uia2test]: [
    ['classes.dex', 212, 351, 600, 802, 1265, 1909],
    ['classes2.dex', 1, 0, 0, 1, 0, 1],
    ['classes3.dex', 1, 5, 0, 2, 0, 2],
    ['classes4.dex', 1, 0, 0, 1, 1, 2],
  ],
  [NPM_APKS.apidemos]: [['classes.dex', 5068, 9963, 7865, 17421, 16035, 32124]],
};

function memberCounts(dex: DexFile): number[] {
  let sf = 0;
  let inf = 0;
  let dm = 0;
  let vm = 0;
  for (const c of dex.classes) {
    sf += c.staticFields.length;
    inf += c.instanceFields.length;
    dm += c.directMethods.length;
    vm += c.virtualMethods.length;
  }
  const withCode = dex.methodSlotCodeOff.filter((o) => o !== 0).length;
  return [dex.classes.length, sf, inf, dm, vm, withCode];
}

describe('classes and members (compared with dexdump -d)', () => {
  for (const [apk, rows] of Object.entries(COUNTS)) {
    it(`${apk.split('/').pop()}: every dex`, () => {
      expect(dexNames(apk).sort()).toEqual(rows.map((r) => r[0]).sort());
      for (const [entry, ...expected] of rows) {
        const dex = parseDex(dexOf(apk, entry), entry);
        expect([entry, ...memberCounts(dex)]).toEqual([entry, ...expected]);
        expect(dex.warnings).toEqual([]);
      }
    });
  }

  it('names a known class of the uiautomator2 server like dexdump does', () => {
    const dex = parseDex(dexOf(NPM_APKS.uia2server, 'classes10.dex'), 'classes10.dex');
    const cls = dex.classes.find((c) => c.name === 'Lio/appium/uiautomator2/http/ServerHandler;');
    expect(cls).toBeDefined();
    expect(cls!.superclass).toBe('Lio/netty/channel/ChannelInboundHandlerAdapter;');
    expect(cls!.sourceFile).toBe('ServerHandler.java');
    const m = cls!.virtualMethods.find((v) => dex.methodName(v.methodIdx) === 'exceptionCaught')!;
    expect(dex.methodRef(m.methodIdx)).toBe(
      'Lio/appium/uiautomator2/http/ServerHandler;->exceptionCaught(Lio/netty/channel/ChannelHandlerContext;Ljava/lang/Throwable;)V',
    );
    expect(m.accessFlags).toBe(ACC_PUBLIC);
    const code = dex.codeItem(m.codeOff)!;
    // dexdump: registers 4, ins 3, outs 3, insns size 12, code at 0x003bbc
    expect([code.registersSize, code.insSize, code.outsSize, code.insnsSize, code.insnsOff]).toEqual([4, 3, 3, 12, 0x3bbc]);
    expect(Array.from(code.insns.subarray(0, 2))).toEqual([0x001a, 0x01e7]); // const-string v0, string@01e7
    expect(dex.string(0x01e7)).toBe('exception caught');
  });
});

// ------------------------------------------------------------------ fixtures

describe('fixture basic.dex (smali --api 21)', () => {
  const dex = parseDex(fixture('basic.dex'), 'basic.dex');
  const session = dex.classes.find((c) => c.name === 'Lfix/Session;')!;
  const child = dex.classes.find((c) => c.name === 'Lfix/Child;')!;
  const method = (name: string) => [...session.directMethods, ...session.virtualMethods].find((m) => dex.methodName(m.methodIdx) === name)!;

  it('reads the header like dexdump -f', () => {
    expect(dex.version).toBe(35);
    expect(dex.header.checksum).toBe(0xb7dc8ee2);
    expect(dex.header.fileSize).toBe(2736);
    const h = dex.header;
    expect([h.stringIdsSize, h.typeIdsSize, h.protoIdsSize, h.fieldIdsSize, h.methodIdsSize, h.classDefsSize]).toEqual([70, 16, 12, 5, 23, 2]);
    expect(dex.warnings).toEqual([]);
  });

  it('reads class definitions', () => {
    expect(dex.classes.map((c) => c.name)).toEqual(['Lfix/Session;', 'Lfix/Child;']);
    expect(session.superclass).toBe('Ljava/lang/Object;');
    expect(session.interfaces).toEqual([]);
    expect(session.sourceFile).toBe('Session.java');
    expect(session.accessFlags).toBe(ACC_PUBLIC);
    expect(child.superclass).toBe('Lfix/Session;');
    expect(child.interfaces).toEqual(['Ljava/lang/Runnable;']);
    expect(child.broken).toBeNull();
  });

  it('reads fields in class_data order with their access flags', () => {
    const f = (list: { fieldIdx: number; accessFlags: number }[]) => list.map((x) => [dex.fieldRef(x.fieldIdx), x.accessFlags]);
    expect(f(session.staticFields)).toEqual([
      ['Lfix/Session;->BASE_URL:Ljava/lang/String;', 0x19],
      ['Lfix/Session;->HOST:Ljava/lang/String;', 0x19],
      ['Lfix/Session;->TIMEOUT:I', 0x19],
      ['Lfix/Session;->counter:I', 0x09],
    ]);
    expect(f(session.instanceFields)).toEqual([['Lfix/Session;->token:Ljava/lang/String;', 0x02]]);
  });

  it('reads direct and virtual methods (ULEB128 diff-encoded indexes)', () => {
    const names = (list: { methodIdx: number }[]) => list.map((m) => dex.methodName(m.methodIdx));
    expect(names(session.directMethods)).toEqual(['<init>', 'flow', 'killed', 'makeKey', 'save', 'seven', 'switches', 'takesWide', 'unicode', 'use', 'wide']);
    expect(names(session.virtualMethods)).toEqual(['nativeMethod', 'range']);
    expect(session.directMethods[0].accessFlags).toBe(0x10001);
    const native = method('nativeMethod');
    expect(native.accessFlags).toBe(ACC_PUBLIC | ACC_NATIVE);
    expect(native.codeOff).toBe(0);
    expect(dex.methodRef(method('takesWide').methodIdx)).toBe('Lfix/Session;->takesWide(JLjava/lang/String;DIIJ)V');
    expect(method('save').accessFlags).toBe(ACC_PUBLIC | ACC_STATIC);
  });

  it('reads code items and try/catch handlers', () => {
    // dexdump: flow registers 3, ins 0, outs 1, insns 37; catches 0x0002-0x000a
    const flow = dex.codeItem(method('flow').codeOff)!;
    expect([flow.registersSize, flow.insSize, flow.outsSize, flow.insnsSize, flow.triesSize]).toEqual([3, 0, 1, 37, 1]);
    expect(dex.tries(flow)).toEqual([
      { startAddr: 2, insnCount: 8, handlers: [{ type: 'Ljava/lang/RuntimeException;', addr: 0x0b }, { type: null, addr: 0x0f }] },
    ]);
    const range = dex.codeItem(method('range').codeOff)!;
    expect([range.registersSize, range.insSize, range.outsSize, range.insnsSize, range.triesSize]).toEqual([12, 2, 7, 30, 0]);
    expect(dex.tries(range)).toEqual([]);
    // the insns view shares the file's memory
    expect(flow.insns.buffer).toBe(dex.bytes.buffer);
  });

  it('decodes static values and unicode strings', () => {
    expect(session.staticValues()).toEqual([
      { type: 'string', value: 'http://api.example.com/v1', index: dex.stringIndex('http://api.example.com/v1') },
      { type: 'string', value: 'example.com', index: dex.stringIndex('example.com') },
      { type: 'int', value: 30000 },
    ]);
    expect(child.staticValues()).toEqual([]);
    const all = Array.from({ length: dex.stringCount }, (_, i) => dex.string(i));
    expect(all).toContain('\u00e9t\u00e9 \u4e2d\u6587 \u{1F600}!');
    expect(all).toContain('a\u0000b');
    // string_ids are sorted, so every string is found again by binary search
    all.forEach((s, i) => expect(dex.stringIndex(s)).toBe(i));
    expect(dex.stringIndex('not there')).toBe(-1);
  });

  it('walks instructions and skips switch and array payloads by their size', () => {
    const code = dex.codeItem(method('switches').codeOff)!;
    const seen: [string, number][] = [];
    const payloads: [number, number, number][] = [];
    const r = walkInstructions(code.insns, (op, pc) => void seen.push([OPCODES[op].name, pc]), 0, code.insns.length, (id, pc, units) =>
      payloads.push([id, pc, units]),
    );
    // dexdump -d: 17 instructions, payloads at 0x16 (8 units), 0x1e (10), 0x28 (10)
    expect(r).toEqual({ instructions: 17, payloads: 3, truncatedAt: null });
    expect(payloads).toEqual([
      [0x0100, 0x16, 8],
      [0x0200, 0x1e, 10],
      [0x0300, 0x28, 10],
    ]);
    expect(seen.slice(0, 7)).toEqual([
      ['const-string', 0], ['packed-switch', 2], ['sparse-switch', 5], ['const/4', 8], ['new-array', 9], ['fill-array-data', 0x0b], ['goto', 0x0e],
    ]);
    expect(seen.at(-3)).toEqual(['invoke-static', 0x32]);
  });
});

describe('fixture modern.dex (smali --api 28)', () => {
  const dex = parseDex(fixture('modern.dex'), 'modern.dex');
  it('is version 039 with call sites and method handles in the map', () => {
    expect(dex.version).toBe(39);
    expect(dex.mapSection(0x0007)?.size).toBe(2); // call_site_id_item
    expect(dex.mapSection(0x0008)?.size).toBe(2); // method_handle_item
    expect(dex.warnings).toEqual([]);
  });
  it('walks invoke-polymorphic (4 units) and invoke-custom', () => {
    const cls = dex.classes[0];
    const m = cls.directMethods.find((x) => dex.methodName(x.methodIdx) === 'modern')!;
    const code = dex.codeItem(m.codeOff)!;
    const names: string[] = [];
    walkInstructions(code.insns, (op) => void names.push(OPCODES[op].name));
    expect(names).toEqual([
      'const-method-handle', 'const-method-type', 'const/4', 'const-wide/16', 'invoke-polymorphic', 'move-result-object', 'invoke-static',
      'invoke-polymorphic/range', 'const-string', 'invoke-custom', 'invoke-custom/range', 'move-result-object', 'invoke-static', 'return-void',
    ]);
  });
});

// ------------------------------------------------------------------ opcode table

describe('opcode table', () => {
  it('has every opcode with its format and length', () => {
    expect(OPCODES).toHaveLength(256);
    const check: [number, string, string, number][] = [
      [0x00, 'nop', '10x', 1], [0x01, 'move', '12x', 1], [0x02, 'move/from16', '22x', 2], [0x03, 'move/16', '32x', 3],
      [0x12, 'const/4', '11n', 1], [0x13, 'const/16', '21s', 2], [0x14, 'const', '31i', 3], [0x15, 'const/high16', '21h', 2],
      [0x18, 'const-wide', '51l', 5], [0x1a, 'const-string', '21c', 2], [0x1b, 'const-string/jumbo', '31c', 3],
      [0x24, 'filled-new-array', '35c', 3], [0x25, 'filled-new-array/range', '3rc', 3], [0x26, 'fill-array-data', '31t', 3],
      [0x28, 'goto', '10t', 1], [0x29, 'goto/16', '20t', 2], [0x2a, 'goto/32', '30t', 3], [0x2b, 'packed-switch', '31t', 3],
      [0x31, 'cmp-long', '23x', 2], [0x32, 'if-eq', '22t', 2], [0x38, 'if-eqz', '21t', 2], [0x44, 'aget', '23x', 2],
      [0x52, 'iget', '22c', 2], [0x60, 'sget', '21c', 2], [0x6e, 'invoke-virtual', '35c', 3], [0x74, 'invoke-virtual/range', '3rc', 3],
      [0x7b, 'neg-int', '12x', 1], [0x8f, 'int-to-short', '12x', 1], [0x90, 'add-int', '23x', 2], [0xaf, 'rem-double', '23x', 2],
      [0xb0, 'add-int/2addr', '12x', 1], [0xcf, 'rem-double/2addr', '12x', 1], [0xd0, 'add-int/lit16', '22s', 2], [0xd1, 'rsub-int', '22s', 2],
      [0xd8, 'add-int/lit8', '22b', 2], [0xe2, 'ushr-int/lit8', '22b', 2], [0xfa, 'invoke-polymorphic', '45cc', 4],
      [0xfb, 'invoke-polymorphic/range', '4rcc', 4], [0xfc, 'invoke-custom', '35c', 3], [0xfd, 'invoke-custom/range', '3rc', 3],
      [0xfe, 'const-method-handle', '21c', 2], [0xff, 'const-method-type', '21c', 2],
    ];
    for (const [op, name, format, units] of check) {
      expect([OPCODES[op].name, OPCODES[op].format, OPCODES[op].units, OPCODE_UNITS[op]]).toEqual([name, format, units, units]);
      expect(OPCODES[op].unused).toBe(false);
    }
    for (const op of [0x3e, 0x43, 0x73, 0x79, 0x7a, 0xe3, 0xf9]) expect([OPCODES[op].unused, OPCODES[op].units]).toEqual([true, 1]);
    expect(OPCODES.filter((o) => o.unused)).toHaveLength(6 + 1 + 2 + 23);
    for (const [f, units] of Object.entries(FORMAT_UNITS)) expect(units).toBe(Number(f[0]));
  });

  it('skips unused opcodes as one unit and never reads past the end', () => {
    const insns = Uint16Array.from([0x003e, 0x0073, 0x00e3, 0x0e00 | 0x0e]);
    expect(walkInstructions(insns, () => {})).toEqual({ instructions: 4, payloads: 0, truncatedAt: null });
    // const-wide (5 units) cut after 3 units
    expect(walkInstructions(Uint16Array.from([0x0000, 0x0018, 1, 2]), () => {})).toEqual({ instructions: 1, payloads: 0, truncatedAt: 1 });
    // a payload whose size runs past the end
    expect(walkInstructions(Uint16Array.from([0x0100, 0x7fff, 0, 0]), () => {})).toEqual({ instructions: 0, payloads: 0, truncatedAt: 0 });
    expect(payloadUnits(Uint16Array.from([FILL_ARRAY_DATA_PAYLOAD, 4, 3, 0, 0, 0, 0, 0, 0, 0]), 0)).toBe(10);
    expect(payloadUnits(Uint16Array.from([FILL_ARRAY_DATA_PAYLOAD, 4, 0xffff, 0xffff]), 0)).toBe(-1);
    expect(payloadUnits(Uint16Array.from([0x0400]), 0)).toBe(0);
    // a nop with a high byte that is no payload identifier is a plain nop
    expect(walkInstructions(Uint16Array.from([0x0500, 0x000e]), () => {}).instructions).toBe(2);
  });
});

// ------------------------------------------------------------------ versions and containers

describe('versions', () => {
  const base = fixture('basic.dex');
  const withVersion = (v: string): Uint8Array => {
    const b = base.slice();
    b.set([...v].map((c) => c.charCodeAt(0)), 4);
    return b;
  };
  it.each(['035', '037', '038', '039', '040', '041'])('reads version %s', (v) => {
    const dex = parseDex(withVersion(v), 'v.dex');
    expect(dex.version).toBe(Number(v));
    expect(dex.warnings).toEqual([]);
    expect(parseDexContainer(withVersion(v), 'v.dex')).toHaveLength(1);
  });
  it('reads an unknown version with a warning, rejects a non-numeric one', () => {
    const dex = parseDex(withVersion('042'), 'v.dex');
    expect(dex.warnings.map((w) => w.code)).toEqual(['suspicious-structure']);
    expect(dex.classes).toHaveLength(2);
    expect(() => parseDex(withVersion('0x5'), 'v.dex')).toThrow(FormatError);
  });
  it('reads the 041 container fields when header_size says they are there', () => {
    const b = withVersion('041');
    const dv = new DataView(b.buffer);
    // header_size 0x78: container_size and header_offset follow the classic header
    // (here they overlap string_ids[0..1], which the parser must survive).
    dv.setUint32(0x24, 0x78, true);
    dv.setUint32(0x70, b.length, true);
    dv.setUint32(0x74, 0, true);
    const all = parseDexContainer(b, 'c.dex');
    expect(all).toHaveLength(1);
    expect(all[0].header.containerSize).toBe(b.length);
    expect(all[0].header.headerOffset).toBe(0);
  });
});

// ------------------------------------------------------------------ hostile input

/** Hand-built dex: N class_defs sharing one class_data with M methods, optionally all sharing one code item. */
function craftedDex(opts: { classDefs: number; methods: number; codeUnits: number }): Uint8Array {
  const strings = ['LA;', 'V', 'm'];
  const out: number[] = new Array(0x70).fill(0);
  const u32 = (at: number, v: number): void => {
    out[at] = v & 0xff;
    out[at + 1] = (v >>> 8) & 0xff;
    out[at + 2] = (v >>> 16) & 0xff;
    out[at + 3] = (v >>> 24) & 0xff;
  };
  const push32 = (v: number): void => {
    const at = out.length;
    out.push(0, 0, 0, 0);
    u32(at, v);
  };
  const uleb5 = (v: number): number[] => [(v & 0x7f) | 0x80, ((v >>> 7) & 0x7f) | 0x80, ((v >>> 14) & 0x7f) | 0x80, ((v >>> 21) & 0x7f) | 0x80, (v >>> 28) & 0x0f];
  const stringIds = out.length;
  strings.forEach(() => push32(0));
  const typeIds = out.length;
  push32(0); // LA;
  push32(1); // V
  const protoIds = out.length;
  push32(1); // shorty "V"
  push32(1); // returns V
  push32(0);
  const methodIds = out.length;
  out.push(0, 0, 0, 0); // class 0, proto 0
  u32(methodIds + 4, 2); // name "m"
  const classDefs = out.length;
  for (let i = 0; i < opts.classDefs; i++) for (let k = 0; k < 8; k++) push32(k === 2 || k === 4 ? NO_INDEX : 0);
  const dataOff = out.length;
  strings.forEach((s, i) => {
    u32(stringIds + 4 * i, out.length);
    out.push(s.length, ...[...s].map((c) => c.charCodeAt(0)), 0);
  });
  while (out.length % 4) out.push(0);
  let codeOff = 0;
  if (opts.codeUnits > 0) {
    codeOff = out.length;
    out.push(1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    push32(opts.codeUnits);
    for (let i = 0; i < opts.codeUnits - 1; i++) out.push(0, 0); // nops
    out.push(0x0e, 0); // return-void
  }
  const classData = out.length;
  out.push(0, 0); // no fields
  out.push(...uleb5(opts.methods), 0); // direct methods, no virtual ones
  for (let i = 0; i < opts.methods; i++) out.push(0, 0x09, ...uleb5(codeOff)); // diff 0, public static, code
  for (let i = 0; i < opts.classDefs; i++) {
    u32(classDefs + 32 * i + 4, 1);
    u32(classDefs + 32 * i + 24, classData);
  }
  const header = [0x64, 0x65, 0x78, 0x0a, 0x30, 0x33, 0x35, 0x00];
  header.forEach((b, i) => (out[i] = b));
  u32(0x20, out.length);
  u32(0x24, 0x70);
  u32(0x28, 0x12345678);
  u32(0x38, strings.length);
  u32(0x3c, stringIds);
  u32(0x40, 2);
  u32(0x44, typeIds);
  u32(0x48, 1);
  u32(0x4c, protoIds);
  u32(0x58, 1);
  u32(0x5c, methodIds);
  u32(0x60, opts.classDefs);
  u32(0x64, classDefs);
  u32(0x68, out.length - dataOff);
  u32(0x6c, dataOff);
  return Uint8Array.from(out);
}

/** Parses and indexes; returns the FormatError, or the warnings. Any other exception fails the test. */
function survive(bytes: Uint8Array): { error: FormatError | null; warnings: string[]; dex: DexFile | null } {
  let dex: DexFile;
  try {
    dex = parseDex(bytes, 'hostile.dex');
  } catch (e) {
    if (e instanceof FormatError) return { error: e, warnings: [], dex: null };
    throw e;
  }
  const index = buildCodeIndex([dex]);
  // every query path must work on what was read
  for (const m of index.methods()) void m.invokes;
  for (const c of dex.classes) void [c.name, c.superclass, c.interfaces, c.sourceFile, c.staticValues()];
  index.staticStringValues();
  index.callsTo('Lfix/Session;->use');
  return { error: null, warnings: index.warnings.map((w) => `${w.file}: ${w.message}`), dex };
}

describe('hostile input: FormatError or warnings, never a crash or a hang', () => {
  const base = fixture('basic.dex');
  const good = parseDex(base, 'basic.dex');
  const sessionCls = good.classes[0];
  const codeOf = (name: string): number => {
    const m = [...sessionCls.directMethods, ...sessionCls.virtualMethods].find((x) => good.methodName(x.methodIdx) === name)!;
    return m.codeOff;
  };
  const patch = (f: (b: Uint8Array, dv: DataView) => void): Uint8Array => {
    const b = base.slice();
    f(b, new DataView(b.buffer));
    return b;
  };
  const fatal: [string, Uint8Array, string][] = [
    ['empty file', new Uint8Array(0), 'header'],
    ['truncated to 60 bytes', base.slice(0, 60), 'header'],
    ['bad magic', patch((b) => (b[0] = 0x78)), 'header'],
    ['big-endian tag', patch((_b, dv) => dv.setUint32(0x28, 0x78563412, true)), 'header'],
    ['header_size past the end', patch((_b, dv) => dv.setUint32(0x24, 0x10000, true)), 'header'],
    ['string_ids_off past the end', patch((_b, dv) => dv.setUint32(0x3c, base.length + 100, true)), 'string_ids'],
    ['string_ids_size overflowing', patch((_b, dv) => dv.setUint32(0x38, 0xffffffff, true)), 'string_ids'],
    ['method_ids_size overflowing', patch((_b, dv) => dv.setUint32(0x58, 0x40000000, true)), 'method_ids'],
    ['class_defs_size overflowing', patch((_b, dv) => dv.setUint32(0x60, 0x08000000, true)), 'class_defs'],
    ['type_ids_size above 65535', patch((_b, dv) => dv.setUint32(0x40, 70000, true)), 'type_ids'],
    ['type id naming a string out of range', patch((_b, dv) => dv.setUint32(good.header.typeIdsOff, 0xfffff, true)), 'type_ids'],
    ['proto parameters outside the file', patch((_b, dv) => dv.setUint32(good.header.protoIdsOff + 8, base.length - 2, true)), 'proto_ids'],
    ['method id naming a proto out of range', patch((_b, dv) => dv.setUint16(good.header.methodIdsOff + 2, 0xfff0, true)), 'method_ids'],
  ];
  it.each(fatal)('%s -> FormatError', (_name, bytes, part) => {
    const r = survive(bytes);
    expect(r.error).toBeInstanceOf(FormatError);
    expect(r.error!.part).toBe(part);
    expect(r.error!.file).toBe('hostile.dex');
  });

  const classDef0 = good.header.classDefsOff;
  const partial: [string, Uint8Array, RegExp][] = [
    ['class_data pointing outside the file', patch((_b, dv) => dv.setUint32(classDef0 + 24, base.length + 10, true)), /hostile\.dex: class Lfix\/Session; \(class_def #0\): class_data at 0x[0-9a-f]+: uleb128 runs past the end/],
    ['class_data declaring huge counts', patch((b, dv) => b.set([0xff, 0xff, 0xff, 0x0f], dv.getUint32(classDef0 + 24, true))), /class Lfix\/Session;.*class_data at .*declares \d+ members, more than the file can hold/],
    ['class type out of range', patch((_b, dv) => dv.setUint32(classDef0, 0xffff, true)), /class_def #0: class type #65535 is out of range/],
    ['superclass and source file out of range', patch((_b, dv) => { dv.setUint32(classDef0 + 8, 0x7000, true); dv.setUint32(classDef0 + 16, 0x7000, true); }), /superclass type #28672 out of range; source file string #28672 out of range/],
    ['interfaces list outside the file', patch((_b, dv) => dv.setUint32(good.header.classDefsOff + 32 + 12, base.length - 2, true)), /class Lfix\/Child;.*interfaces list at 0x[0-9a-f]+ unreadable/],
    ['static_values outside the file', patch((_b, dv) => dv.setUint32(classDef0 + 28, base.length + 4, true)), /static_values at 0x[0-9a-f]+ outside the file/],
    ['static_values with a bad encoded value', patch((b, dv) => (b[dv.getUint32(classDef0 + 28, true) + 1] = 0x05)), /static_values unreadable/],
    ['code_item insns_size past the end', patch((_b, dv) => dv.setUint32(codeOf('flow') + 12, 0x7fffffff, true)), /method Lfix\/Session;->flow\(\)V: code_item at 0x[0-9a-f]+ has insns_size 2147483647 running past the end of the file; its code is skipped/],
    ['code_item with tries past the end', patch((_b, dv) => dv.setUint16(codeOf('flow') + 6, 0xffff, true)), /flow\(\)V: code_item at .* try items running past the end/],
    ['string data offset outside the file', patch((_b, dv) => dv.setUint32(good.header.stringIdsOff + 4 * 5, base.length + 1, true)), /string_ids: 1 of 70 strings point outside the file/],
    ['packed-switch payload pointing outside', patch((_b, dv) => dv.setUint32(codeOf('switches') + 16 + 2 * 2 + 2, 0x40000000, true)), /class Lfix\/Session;, method Lfix\/Session;->switches\(I\)I: packed-switch at pc 2 does not point to a valid payload inside the method/],
    ['fill-array-data payload pointing at code', patch((_b, dv) => dv.setUint32(codeOf('switches') + 16 + 0x0b * 2 + 2, 0xfffffff5, true)), /switches\(I\)I: fill-array-data at pc 11 does not point to a valid payload inside the method/],
    ['goto jumping outside the method', patch((b) => (b[codeOf('switches') + 16 + 0x0e * 2 + 1] = 0x7f)), /switches\(I\)I: branch at pc 14 jumps outside the method/],
    ['instruction cut by the end of the code', patch((_b, dv) => dv.setUint32(codeOf('wide') + 12, 3, true)), /wide\(\)V: instruction at pc 0 runs past the end of the code/],
    ['payload cut by the end of the code', patch((_b, dv) => dv.setUint32(codeOf('switches') + 12, 0x18, true)), /switches\(I\)I: .*payload/],
    ['catch handler list unreadable', patch((b, dv) => { const c = codeOf('flow'); const n = dv.getUint32(c + 12, true); const tries = c + 16 + n * 2 + (n & 1 ? 2 : 0); dv.setUint16(tries + 6, 0xfff0, true); void b; }), /flow\(\)V: exception handler list is unreadable/],
    ['file cut inside the data section', base.slice(0, 1800), /./],
    ['header file_size larger than the file', patch((_b, dv) => dv.setUint32(0x20, base.length + 4096, true)), /header file_size \d+ but the file has \d+ bytes/],
  ];
  it.each(partial)('%s -> warnings', (_name, bytes, expected) => {
    const r = survive(bytes);
    expect(r.error).toBeNull();
    expect(r.warnings.join('\n')).toMatch(expected);
  });

  it('keeps the rest of the file when one method is broken', () => {
    const r = survive(patch((_b, dv) => dv.setUint32(codeOf('flow') + 12, 0x7fffffff, true)));
    const index = buildCodeIndex([r.dex!]);
    expect(index.stats.methods).toBe(13); // 14 with code in the fixture, minus flow
    expect(index.callsTo('Landroid/content/SharedPreferences$Editor;->putString')).toHaveLength(1);
  });

  it('bounds the work for class_data shared by many class_defs', () => {
    const bytes = craftedDex({ classDefs: 5000, methods: 50000, codeUnits: 0 });
    const t0 = performance.now();
    const r = survive(bytes);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(r.error).toBeNull();
    expect(r.dex!.methodSlotIdx.length).toBeLessThanOrEqual(bytes.length);
    expect(r.warnings.join('\n')).toMatch(/members of all classes exceed what the file can hold/);
    expect(r.warnings.join('\n')).toMatch(/more classes with unreadable parts \(not listed\)/);
    expect(r.warnings.length).toBeLessThan(60);
  });

  it('bounds the work for one code item shared by many methods', () => {
    const bytes = craftedDex({ classDefs: 1, methods: 3000, codeUnits: 30000 });
    const t0 = performance.now();
    const r = survive(bytes);
    expect(performance.now() - t0).toBeLessThan(5000);
    const walked = r.dex!.methodSlotCodeOff.filter((o) => o !== 0).length;
    expect(walked).toBeGreaterThanOrEqual(1);
    expect(walked * 30000 * 2).toBeLessThanOrEqual(bytes.length);
    expect(r.warnings.join('\n')).toMatch(/overlapping code items.*and \d+ more methods like these/);
  });

  it('survives random corruption of a real dex (seeded)', () => {
    const src = dexOf(NPM_APKS.uia2test, 'classes3.dex');
    let seed = 0x5eed;
    const rnd = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    let errors = 0;
    for (let round = 0; round < 400; round++) {
      const b = src.slice();
      const flips = 1 + rnd(8);
      // bias toward the header and id tables where one byte changes a lot
      for (let k = 0; k < flips; k++) b[rnd(3) === 0 ? rnd(0x70) : rnd(b.length)] = rnd(256);
      const cut = rnd(10) === 0 ? b.slice(0, rnd(b.length)) : b;
      if (survive(cut).error) errors++;
    }
    expect(errors).toBeGreaterThan(0);
  });
});

// ------------------------------------------------------------------ corpus (optional)

const HAVE_CORPUS = existsSync(CORPUS_DIR);
describe.skipIf(!HAVE_CORPUS)(`corpus APKs${HAVE_CORPUS ? '' : ' (skipped: ../shared/corpus not present)'}`, () => {
  // [apk, version, checksum, classes, static, instance, direct, virtual, with code] from dexdump -f / -d
  const rows: [string, number, number, number, number, number, number, number, number][] = [
    ['uncrackable-l1.apk', 35, 0x7fb7d9fa, 7, 0, 2, 11, 4, 15],
    ['diva-beta.apk', 35, -1, 1791, 6141, 3502, 5106, 9703, 13342],
    ['goatdroid-qark.apk', 35, -1, 570, 1916, 1306, 1252, 3601, 4340],
    ['insecurebankv2.apk', 35, -1, 6529, 12870, 10696, 12723, 27465, 35722],
  ];
  it.each(rows)('%s', (apk, version, checksum, ...counts) => {
    const dex = parseDex(dexOf(corpusApk(apk)), 'classes.dex');
    expect(dex.version).toBe(version);
    if (checksum >= 0) expect(dex.header.checksum).toBe(checksum);
    expect(memberCounts(dex)).toEqual(counts);
    expect(dex.warnings).toEqual([]);
  });
});

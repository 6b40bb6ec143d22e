import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import AdmZip from 'adm-zip';
import { ResourceTable, SPEC_PUBLIC, dumpResources, formatF6, formatG, parseArsc, parseConfig } from '../../src/apk/arsc.js';
import { FormatError } from '../../src/apk/errors.js';
import { arsc, type BConfig, configBytes, prng } from '../fixtures/axml/builders.js';

const EXPECTED = 'test/fixtures/axml/expected';
const CORPUS = '../shared/corpus';
const FRAMEWORK = '/usr/share/android-framework-res/framework-res.apk';
const NPM_APKS = [
  'node_modules/android-apidemos/apks/ApiDemos-debug.apk',
  'node_modules/io.appium.settings/apks/settings_apk-debug.apk',
  'node_modules/appium-uiautomator2-server/apks/appium-uiautomator2-server-v10.6.6.apk',
  'node_modules/appium-uiautomator2-server/apks/appium-uiautomator2-server-debug-androidTest.apk',
];
const CORPUS_APKS = existsSync(CORPUS) ? readdirSync(CORPUS).filter((f) => f.endsWith('.apk')).map((f) => join(CORPUS, f)) : [];
const APIDEMOS = NPM_APKS[0];

function tableOf(apk: string): ResourceTable {
  return parseArsc(new Uint8Array(new AdmZip(apk).getEntry('resources.arsc')!.getData()), 'resources.arsc');
}

/** Same digest as scripts/snapshot-resources.sh: one sha256 per "    type N" block. */
function digest(text: string): string {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const out: string[] = [];
  let block: string[] | null = null;
  const flush = () => {
    if (block) out.push(`${block[0].trim()} lines=${block.length} sha256=${createHash('sha256').update(block.join('\n') + '\n').digest('hex')}`);
  };
  for (const l of lines) {
    if (/^ {4}type \d+ /.test(l)) {
      flush();
      block = [l];
    } else if (block && /^ {4}./.test(l)) block.push(l);
    else {
      flush();
      block = null;
      out.push(l);
    }
  }
  flush();
  return out.join('\n') + '\n';
}

/** Our table in the form of the aapt2 snapshot (scripts/snapshot-resources.sh). */
function aapt2Digest(t: ResourceTable): string {
  const out: string[] = [];
  for (const p of t.packages) {
    for (const spec of [...p.types].sort((a, b) => a.id - b.id)) {
      for (let i = 0; i < spec.entryCount; i++) {
        const id = ((p.id << 24) | (spec.id << 16) | i) >>> 0;
        const entries = t.entries(id);
        if (!entries.length) continue;
        const configs = entries.map((e) => `(${e.config.qualifiers})`).sort();
        const files = entries
          .filter((e) => spec.name !== 'string' && e.entry.value.type === 'string' && e.entry.value.value.startsWith('res/'))
          .map((e) => `(${e.config.qualifiers})=${(e.entry.value as { value: string }).value}`)
          .sort();
        const name = t.nameOf(id)!.replace(/^[^:]*:/, '');
        out.push(`0x${id.toString(16).padStart(8, '0')} ${name} | ${configs.join(' ')} | ${files.join(' ')}`);
      }
    }
  }
  return out.sort().join('\n') + '\n';
}

function checkAgainstAapt(apk: string) {
  const b = basename(apk, '.apk');
  const t = tableOf(apk);
  expect(t.warnings).toEqual([]);
  const ours = dumpResources(t, { values: true, aaptQuirks: true });
  const full = join(EXPECTED, `${b}.resources.txt`);
  if (existsSync(full)) {
    expect(ours).toBe(readFileSync(full, 'utf8'));
  } else {
    const want = readFileSync(join(EXPECTED, `${b}.resources.digest`), 'utf8').split('\n');
    const got = digest(ours).split('\n');
    const bad = want.filter((l, i) => l !== got[i]);
    expect(bad, 'type blocks that differ from aapt').toEqual([]);
    expect(got.length).toBe(want.length);
  }
  const a2 = readFileSync(join(EXPECTED, `${b}.aapt2.txt`), 'utf8');
  const mine = aapt2Digest(t);
  if (a2.trim() === '') expect(mine.trim()).toBe('');
  else expect(mine).toBe(a2);
  return t;
}

describe('parseArsc agrees with `aapt dump --values resources` and `aapt2 dump resources` (snapshots by scripts/snapshot-resources.sh)', () => {
  for (const apk of NPM_APKS) it(basename(apk), () => checkAgainstAapt(apk));

  it.skipIf(!existsSync(FRAMEWORK))(`framework-res.apk (API 29, 31 MB table; sha256 of aapt's dump)${existsSync(FRAMEWORK) ? '' : ' (skipped: android-framework-res not installed)'}`, () => {
    const t = parseArsc(new Uint8Array(new AdmZip(FRAMEWORK).getEntry('resources.arsc')!.getData()), 'resources.arsc');
    expect(t.warnings).toEqual([]);
    const sha = createHash('sha256').update(dumpResources(t, { aaptQuirks: true })).digest('hex');
    expect(sha).toBe(readFileSync(join(EXPECTED, 'framework-res.resources.sha256'), 'utf8').trim());
  }, 60000);
});

describe.skipIf(CORPUS_APKS.length === 0)(`parseArsc agrees with aapt on the corpus APKs${CORPUS_APKS.length === 0 ? ' (skipped: ../shared/corpus not present)' : ''}`, () => {
  for (const apk of CORPUS_APKS) it(basename(apk), () => checkAgainstAapt(apk));
});

describe('ResourceTable API on real tables', () => {
  const t = tableOf(APIDEMOS);

  it('reads the empty 40-byte table of the uiautomator2 test APK', () => {
    const e = tableOf(NPM_APKS[3]);
    expect(e.packages).toEqual([]);
    expect(e.warnings).toEqual([]);
    expect(e.nameOf(0x7f010000)).toBeNull();
    expect(e.values(0x7f010000)).toEqual([]);
  });

  it('names, ids, values (default configuration first) and files', () => {
    const id = t.idOf('xml', 'device_admin_sample')!;
    expect(id >>> 24).toBe(0x7f);
    expect(t.nameOf(id)).toBe('io.appium.android.apis:xml/device_admin_sample');
    expect(t.idOf('xml', 'device_admin_sample', 'io.appium.android.apis')).toBe(id);
    expect(t.idOf('xml', 'device_admin_sample', 'other.pkg')).toBeNull();
    expect(t.idOf('xml', 'nope')).toBeNull();
    expect(t.resolveFile(id)).toEqual(['res/xml/device_admin_sample.xml']);
    const appName = t.idOf('string', 'abc_action_bar_home_description')!;
    const vals = t.values(appName);
    expect(vals[0]).toEqual({ config: '', value: { type: 'string', value: 'Navigate home', index: expect.any(Number) } });
    expect(vals.find((v) => v.config === 'fr-rCA')).toBeDefined();
    expect(t.resolveString(appName)).toBe('Navigate home');
    const icon = t.idOf('drawable', 'app_sample_code') ?? t.idOf('mipmap', 'app_sample_code');
    if (icon) expect(t.resolveFile(icon).every((f) => f.startsWith('res/'))).toBe(true);
    expect(t.nameOf(0x01010010)).toBe('android:attr/exported');
  });

  it('follows references inside the table', () => {
    // find a simple entry whose value references another entry of the table
    let from = 0;
    let to = 0;
    outer: for (const p of t.packages) {
      for (const spec of p.types) {
        for (const c of spec.configs) {
          for (const i of c.indexes()) {
            const v = c.entry(i)!.value;
            if (v.type === 'reference' && v.id >>> 24 === 0x7f && t.values(v.id).length && c.config.qualifiers === '') {
              from = c.entry(i)!.id;
              to = v.id;
              break outer;
            }
          }
        }
      }
    }
    expect(from).not.toBe(0);
    const resolved = t.resolve(from);
    expect(resolved.length).toBeGreaterThan(0);
    expect(resolved.map((r) => r.value)).toContainEqual(t.values(to)[0].value);
  });

  it('parses apidemos\' 780 KB table in a few ms', () => {
    const bytes = new Uint8Array(new AdmZip(APIDEMOS).getEntry('resources.arsc')!.getData());
    parseArsc(bytes);
    const runs = 5;
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) parseArsc(bytes);
    const ms = (performance.now() - t0) / runs;
    console.log(`apidemos resources.arsc (${bytes.length} bytes): ${ms.toFixed(2)} ms per parse`);
    expect(ms).toBeLessThan(100); // generous: shared CI machines
  });
});

describe('ResTable_config → qualifier string', () => {
  const cases: [BConfig, string][] = [
    [{}, ''],
    [{ language: 'fr', region: 'CA' }, 'fr-rCA'],
    [{ language: 'fil' }, 'fil'],
    [{ language: 'es', region: '419' }, 'es-r419'],
    [{ language: 'sr', localeScript: 'Latn' }, 'b+sr+Latn'],
    [{ language: 'de', region: 'DE', localeVariant: '1901' }, 'b+de+DE+1901'],
    [{ language: 'ar', localeNumberingSystem: 'arab' }, 'b+ar+u+nu+arab'],
    [{ uiMode: 0x20 }, 'night'],
    [{ uiMode: 0x16 }, 'watch-notnight'],
    [{ orientation: 2 }, 'land'],
    [{ density: 480 }, 'xxhdpi'],
    [{ density: 0xfffe }, 'anydpi'],
    [{ density: 560 }, '560dpi'],
    [{ sdkVersion: 21 }, 'v21'],
    [{ sdkVersion: 26, minorVersion: 1 }, 'v26.1'],
    [{ mcc: 310, mnc: 260 }, 'mcc310-mnc260'],
    [{ smallestScreenWidthDp: 600, sdkVersion: 13 }, 'sw600dp-v13'],
    [{ screenWidthDp: 820, screenHeightDp: 400 }, 'w820dp-h400dp'],
    [{ screenLayout: 0x80 | 0x20 | 0x04, density: 640, sdkVersion: 4 }, 'ldrtl-xlarge-long-xxxhdpi-v4'],
    [{ screenLayout2: 2, colorMode: 0x0a }, 'round-widecg-highdr'],
    [{ touchscreen: 3, inputFlags: 0x1 | 0x8, keyboard: 2, navigation: 2 }, 'finger-keysexposed-qwerty-navhidden-dpad'],
    [{ screenLayout: 0x03, density: 160, screenWidth: 1024, screenHeight: 600, sdkVersion: 4 }, 'large-mdpi-1024x600-v4'],
    [{ language: 'de', screenWidthDp: 500, size: 28 }, 'de'], // field beyond the config's size
  ];
  for (const [c, want] of cases) {
    it(`${JSON.stringify(c)} → "${want}"`, () => {
      const b = configBytes(c);
      expect(parseConfig(b, 0, b.length).qualifiers).toBe(want);
    });
  }
  it('decodes the fields', () => {
    const b = configBytes({ language: 'fil', region: '419', density: 320, sdkVersion: 33 });
    expect(parseConfig(b, 0, b.length)).toMatchObject({ language: 'fil', region: '419', density: 320, sdkVersion: 33, size: 64 });
  });
});

describe('printf emulation for the aapt dump', () => {
  it('formats like glibc', () => {
    expect(formatG(1.5)).toBe('1.5');
    expect(formatG(0.0001)).toBe('0.0001');
    expect(formatG(0.00001)).toBe('1e-05');
    expect(formatG(1234567)).toBe('1.23457e+06');
    expect(formatG(100000)).toBe('100000');
    expect(formatG(Math.fround(0.1))).toBe('0.1');
    expect(formatF6(16)).toBe('16.000000');
    expect(formatF6(0.0078125)).toBe('0.007812'); // exact tie: half to even
    expect(formatF6(-3)).toBe('-3.000000');
  });
});

// ---------------------------------------------------------------------------------------------
// Synthetic tables

const STR = (s: string) => ({ string: s });
const REF = (id: number) => ({ dataType: 0x01, data: id });
const INT = (n: number) => ({ dataType: 0x10, data: n >>> 0 });
const BOOL = (b: boolean) => ({ dataType: 0x12, data: b ? 0xffffffff : 0 });

function synthetic(): Uint8Array {
  return arsc([
    {
      id: 0x7f,
      name: 'com.example',
      types: [
        {
          id: 1,
          name: 'string',
          specFlags: [SPEC_PUBLIC, 0, 0, 0, 0, 0],
          configs: [
            {
              entries: [
                { key: 'app_name', value: STR('Example'), flags: 0x2 },
                { key: 'loop_a', value: REF(0x7f010002) },
                { key: 'loop_b', value: REF(0x7f010001) },
                { key: 'alias', value: REF(0x7f010000) },
                { key: 'to_framework', value: REF(0x01040000) },
                { key: 'self', value: REF(0x7f010005) },
              ],
            },
            { config: { language: 'fr' }, entries: [{ key: 'app_name', value: STR('Exemple') }] },
            { config: { language: 'de' }, sparse: true, entries: [{ key: 'app_name', value: STR('Beispiel') }, null, null, { key: 'alias', value: STR('Direkt') }] },
          ],
        },
        {
          id: 2,
          name: 'xml',
          configs: [
            { offset16: true, entries: [{ key: 'network_security_config', value: STR('res/Xy.xml') }, null, { key: 'other', value: STR('res/xml/other.xml') }] },
            { config: { sdkVersion: 24 }, entries: [{ key: 'network_security_config', value: STR('res/Xy-v24.xml') }] },
          ],
        },
        {
          id: 3,
          name: 'bool',
          configs: [{ entries: [{ key: 'flag', value: BOOL(true), compact: true }, { key: 'num', value: INT(0), compact: true }, { key: 'ref_flag', value: REF(0x7f030000) }] }],
        },
        {
          id: 4,
          name: 'style',
          configs: [{ entries: [{ key: 'Theme', bag: { parent: 0x01030005, items: [{ name: 0x01010054, value: REF(0x7f010000) }, { name: 0x0101009f, value: BOOL(false) }] } }] }],
        },
      ],
      library: [{ id: 0x02, name: 'com.example.lib' }],
      stagedAliases: [[0x01ff0000, 0x0101064c]],
      overlayable: true,
    },
    {
      id: 0x02,
      name: 'com.example.lib',
      types: [{ id: 1, name: 'integer', configs: [{ entries: [{ key: 'answer', value: INT(42) }, { key: 'dyn', value: { dataType: 0x07, data: 0x00010000 } }] }] }],
    },
  ]);
}

describe('synthetic resource tables', () => {
  const t = parseArsc(synthetic(), 'resources.arsc');

  it('reads packages, sparse / offset16 / compact entries, bags, library and staged-alias chunks', () => {
    expect(t.warnings).toEqual([]);
    expect(t.packages.map((p) => [p.id, p.name])).toEqual([
      [0x7f, 'com.example'],
      [0x02, 'com.example.lib'],
    ]);
    const p = t.packages[0];
    expect(p.dynamicRefs).toEqual([{ packageId: 2, packageName: 'com.example.lib' }]);
    expect(p.stagedAliases).toEqual([{ stagedId: 0x01ff0000, finalizedId: 0x0101064c }]);
    expect(p.typeByName('string')!.flags[0]).toBe(SPEC_PUBLIC);
    expect(t.values(0x7f010000)).toEqual([
      { config: '', value: { type: 'string', value: 'Example', index: expect.any(Number) } },
      { config: 'fr', value: { type: 'string', value: 'Exemple', index: expect.any(Number) } },
      { config: 'de', value: { type: 'string', value: 'Beispiel', index: expect.any(Number) } },
    ]);
    expect(t.nameOf(0x7f010003)).toBe('com.example:string/alias');
    expect(t.nameOf(0x7f020001)).toBeNull(); // offset16 NO_ENTRY
    expect(t.idOf('xml', 'other')).toBe(0x7f020002);
    expect(t.idOf('integer', 'answer')).toBe(0x02010000);
    expect(t.idOf('integer', 'answer', 'com.example')).toBeNull();
    expect(t.resolveInt(0x02010000)).toBe(42);
    expect(t.resolveBool(0x7f030000)).toBe(true);
    expect(t.resolveBool(0x7f030001)).toBe(false); // int 0 counts as false
    expect(t.resolveBool(0x7f030002)).toBe(true); // through a reference
    expect(t.values(0x7f040000)).toEqual([
      {
        config: '',
        value: {
          type: 'bag',
          parent: 0x01030005,
          items: [
            { name: 0x01010054, value: { type: 'reference', id: 0x7f010000 } },
            { name: 0x0101009f, value: { type: 'bool', value: false } },
          ],
        },
      },
    ]);
    // a dynamic reference with package id 0 points into its own package
    expect(t.resolveInt(0x02010001)).toBe(42);
    expect(dumpResources(t, { values: true })).toContain('config de flags=0x01 [sparse]:');
  });

  it('resolveFile finds obfuscated file paths, default configuration first', () => {
    expect(t.resolveFile(0x7f020000)).toEqual(['res/Xy.xml', 'res/Xy-v24.xml']);
    expect(t.resolveFile(0x7f7f0000)).toEqual([]);
  });

  it('follows references per configuration and leaves framework references as they are', () => {
    expect(t.resolve(0x7f010003)).toEqual([
      { config: '', value: { type: 'string', value: 'Example', index: expect.any(Number) } },
      { config: 'fr', value: { type: 'string', value: 'Exemple', index: expect.any(Number) } },
      { config: 'de', value: { type: 'string', value: 'Direkt', index: expect.any(Number) } },
    ]);
    expect(t.resolve(0x7f010004)).toEqual([{ config: '', value: { type: 'reference', id: 0x01040000 } }]);
    expect(t.resolveString(0x7f010004)).toBeNull();
  });

  it('terminates on reference cycles and reports them', () => {
    const fresh = parseArsc(synthetic());
    expect(fresh.resolve(0x7f010001)).toEqual([]);
    expect(fresh.resolveString(0x7f010002)).toBeNull();
    expect(fresh.resolve(0x7f010005)).toEqual([]);
    const msgs = fresh.warnings.map((w) => w.message);
    expect(msgs).toContain('reference cycle: com.example:string/loop_a -> com.example:string/loop_b -> com.example:string/loop_a');
    expect(msgs).toContain('reference cycle: com.example:string/self -> com.example:string/self');
    expect(fresh.warnings.every((w) => w.code === 'suspicious-structure')).toBe(true);
  });

  it('stops at maxDepth', () => {
    const chain = arsc([
      {
        id: 0x7f,
        name: 'c',
        types: [{ id: 1, name: 'string', configs: [{ entries: Array.from({ length: 12 }, (_, i) => ({ key: `s${i}`, value: i < 11 ? REF(0x7f010000 + i + 1) : STR('end') })) }] }],
      },
    ]);
    const c = parseArsc(chain);
    expect(c.resolveString(0x7f010000)).toBeNull();
    expect(c.warnings.some((w) => /longer than 8/.test(w.message))).toBe(true);
    expect(c.resolve(0x7f010000, { maxDepth: 20 })[0].value).toMatchObject({ type: 'string', value: 'end' });
    expect(c.resolveString(0x7f010005)).toBe('end');
  });

  it('warns about more packages than declared, old 284-byte package headers and a missing typeSpec', () => {
    const b = arsc(
      [
        { id: 0x7f, name: 'a', headerSize: 284, types: [{ id: 1, name: 'string', noSpec: true, configs: [{ entries: [{ key: 'x', value: STR('y') }] }] }] },
        { id: 0x80, name: 'b', types: [] },
      ],
      { declaredPackages: 1 },
    );
    const x = parseArsc(b);
    expect(x.resolveString(0x7f010000)).toBe('y');
    expect(x.packages.length).toBe(2);
    expect(x.warnings.map((w) => w.message)).toContain('table header declares 1 packages, found 2');
  });
});

describe('hostile resource tables', () => {
  const real = new Uint8Array(new AdmZip(NPM_APKS[1]).getEntry('resources.arsc')!.getData());
  const set32 = (b: Uint8Array, at: number, v: number) => new DataView(b.buffer, b.byteOffset).setUint32(at, v >>> 0, true);
  const only = (fn: () => ResourceTable) => {
    try {
      return fn();
    } catch (e) {
      expect(e).toBeInstanceOf(FormatError);
      return e as FormatError;
    }
  };
  const exercise = (t: ResourceTable) => {
    dumpResources(t, { values: true });
    for (const p of t.packages) for (const s of p.types) for (let i = 0; i < Math.min(s.entryCount, 50); i++) t.resolve(((p.id << 24) | (s.id << 16) | i) >>> 0);
  };

  it('is not a resource table: FormatError naming the file and part', () => {
    expect(() => parseArsc(new Uint8Array(4), 'x.arsc')).toThrow(FormatError);
    const axmlLike = real.slice();
    axmlLike[0] = 3;
    try {
      parseArsc(axmlLike, 'x.arsc');
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ file: 'x.arsc', part: 'table header' });
    }
  });

  it('a table size past the end, a zero-size chunk and huge counts give partial tables with warnings', () => {
    const a = real.slice();
    set32(a, 4, 0x7ffffff0);
    expect(parseArsc(a).warnings.some((w) => /truncated/.test(w.message))).toBe(true);
    const b = real.slice();
    const poolSize = new DataView(b.buffer).getUint32(12 + 4, true);
    set32(b, 12 + poolSize + 4, 0); // package chunk size 0
    const tb = parseArsc(b);
    expect(tb.packages).toEqual([]);
    expect(tb.warnings.some((w) => /invalid size 0/.test(w.message))).toBe(true);
    const c = real.slice();
    set32(c, 12 + 8, 0xffffffff); // global string count
    const tc = parseArsc(c);
    expect(tc.packages.length).toBe(1);
    expect(tc.warnings.some((w) => /does not fit/.test(w.message))).toBe(true);
    exercise(tc);
  });

  it('every truncation and 300 random corruptions end in a table or a FormatError, without hanging', () => {
    const t0 = Date.now();
    for (let n = 0; n < real.length; n += 997) {
      const r = only(() => parseArsc(real.slice(0, n)));
      if (r instanceof ResourceTable) exercise(r);
    }
    const rnd = prng(1234);
    for (let i = 0; i < 300; i++) {
      const b = real.slice();
      const flips = 1 + Math.floor(rnd() * 6);
      for (let k = 0; k < flips; k++) b[Math.floor(rnd() * 4096)] = Math.floor(rnd() * 256); // headers live near the start
      for (let k = 0; k < flips; k++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
      const r = only(() => parseArsc(b));
      if (r instanceof ResourceTable) exercise(r);
    }
    expect(Date.now() - t0).toBeLessThan(30000);
  }, 60000);

  it('a lying UTF-8 length prefix in the real global string pool is read up to the terminator', () => {
    const bytes = new Uint8Array(new AdmZip(APIDEMOS).getEntry('resources.arsc')!.getData());
    const t = parseArsc(bytes);
    const id = t.idOf('string', 'abc_action_bar_home_description')!;
    const index = (t.values(id)[0].value as { index: number }).index;
    const dv = new DataView(bytes.buffer, bytes.byteOffset);
    const at = 12 + dv.getUint32(12 + 20, true) + dv.getUint32(12 + dv.getUint16(12 + 2, true) + 4 * index, true);
    expect(bytes[at + 1]).toBe('Navigate home'.length);
    bytes[at + 1] = 3; // the UTF-8 byte length now says "Nav"
    const patched = parseArsc(bytes);
    expect(patched.resolveString(id)).toBe('Navigate home');
    expect(patched.warnings.map((w) => w.message).join()).toMatch(/UTF-8 length 3 does not match its data/);
  });

  it('a key index out of range leaves the entry without a name and warns', () => {
    const bytes = real.slice();
    const t = parseArsc(bytes);
    const spec = t.packages[0].typeByName('string')!;
    const c = spec.configs[0];
    const i = c.indexes()[0];
    const at = (c as unknown as { entriesStart: number }).entriesStart + c.offsetOf(i);
    set32(bytes, at + 4, 0x7ffffff0);
    const t2 = parseArsc(bytes);
    const id = ((0x7f << 24) | (spec.id << 16) | i) >>> 0;
    const first = t2.entries(id).find((e) => e.config.qualifiers === c.config.qualifiers)!;
    expect(first.entry.key).toBeNull();
    expect(first.entry.value).toEqual(t.values(id).find((v) => v.config === c.config.qualifiers)!.value);
    expect(t2.warnings.map((w) => w.message).join()).toMatch(/string index 2147483632 out of range/);
  });

  it('entry offsets out of range are skipped with warnings', () => {
    const b = synthetic();
    // corrupt every type chunk's first entry offset
    const dv = new DataView(b.buffer);
    let pos = 12 + dv.getUint32(12 + 4, true);
    const pkgHeader = dv.getUint16(pos + 2, true);
    const pkgEnd = pos + dv.getUint32(pos + 4, true);
    pos += pkgHeader;
    while (pos < pkgEnd) {
      const type = dv.getUint16(pos, true);
      const hs = dv.getUint16(pos + 2, true);
      if (type === 0x0201 && dv.getUint8(pos + 9) === 0) {
        dv.setUint32(pos + hs, 0x00fffff0, true); // offset of entry 0
      }
      pos += dv.getUint32(pos + 4, true);
    }
    const t = parseArsc(b);
    expect(t.values(0x7f010000).map((v) => v.config)).toEqual(['de']); // the sparse chunk was left alone
    expect(t.warnings.some((w) => /runs past the end of its type chunk/.test(w.message))).toBe(true);
  });
});

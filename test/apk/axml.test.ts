import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import AdmZip from 'adm-zip';
import { XMLValidator } from 'fast-xml-parser';
import {
  ANDROID_NS,
  type AxmlDocument,
  attrBool,
  attrInt,
  attrString,
  findAll,
  getAttr,
  parseAxml,
  renderXml,
  renderXmlTree,
} from '../../src/apk/axml.js';
import { FormatError } from '../../src/apk/errors.js';
import { StringPool } from '../../src/apk/string-pool.js';
import { attrCount, attrId, attrName } from '../../src/apk/android-attrs.js';
import { axml, type BAttr, type BNode, prng } from '../fixtures/axml/builders.js';

const EXPECTED = 'test/fixtures/axml/expected';
const CORPUS = '../shared/corpus';
const NPM_APKS = [
  'node_modules/android-apidemos/apks/ApiDemos-debug.apk',
  'node_modules/io.appium.settings/apks/settings_apk-debug.apk',
  'node_modules/appium-uiautomator2-server/apks/appium-uiautomator2-server-v10.6.6.apk',
  'node_modules/appium-uiautomator2-server/apks/appium-uiautomator2-server-debug-androidTest.apk',
];
const CORPUS_APKS = existsSync(CORPUS) ? readdirSync(CORPUS).filter((f) => f.endsWith('.apk')).map((f) => join(CORPUS, f)) : [];
const SETTINGS = NPM_APKS[1];
const APIDEMOS = NPM_APKS[0];

function entryBytes(apk: string, name: string): Uint8Array {
  return new Uint8Array(new AdmZip(apk).getEntry(name)!.getData());
}

/** "##### entry" sections of a snapshot file. */
function sections(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let cur: string | null = null;
  let buf: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('##### ')) {
      if (cur !== null) out.set(cur, buf.join('\n'));
      cur = line.slice(6);
      buf = [];
    } else buf.push(line);
  }
  if (cur !== null) out.set(cur, buf.join('\n'));
  // every section ends with the newline before the next header
  for (const [k, v] of out) out.set(k, v.endsWith('\n') || v === '' ? v : v + '\n');
  return out;
}

function firstDiff(a: string, b: string): string {
  const x = a.split('\n');
  const y = b.split('\n');
  for (let i = 0; i < Math.max(x.length, y.length); i++) if (x[i] !== y[i]) return `line ${i + 1}: aapt ${JSON.stringify(x[i])} / ours ${JSON.stringify(y[i])}`;
  return '';
}

function checkAgainstAapt(apk: string) {
  const b = basename(apk, '.apk');
  const snapshot = join(EXPECTED, `${b}.xmltree.txt`);
  const expected = sections(readFileSync(snapshot, 'utf8').replace(/\n$/, '\n'));
  const zip = new AdmZip(apk);
  const axmlEntries = zip.getEntries().map((e) => e.entryName).filter((n) => n === 'AndroidManifest.xml' || /^res\/.*\.xml$/.test(n));
  expect([...expected.keys()].sort()).toEqual(axmlEntries.sort());
  const mismatches: string[] = [];
  let attributes = 0;
  for (const [entry, want] of expected) {
    const doc = parseAxml(new Uint8Array(zip.getEntry(entry)!.getData()), entry);
    expect(doc.warnings, entry).toEqual([]);
    const got = renderXmlTree(doc);
    attributes += (want.match(/^ *A: /gm) ?? []).length;
    if (got !== want) mismatches.push(`${entry}: ${firstDiff(want, got)}`);
  }
  expect(mismatches).toEqual([]);
  return { files: expected.size, attributes };
}

describe('parseAxml agrees with `aapt dump xmltree` on every AXML file (snapshots by scripts/snapshot-xmltree.sh)', () => {
  for (const apk of NPM_APKS) {
    it(basename(apk), () => {
      const { files, attributes } = checkAgainstAapt(apk);
      expect(files).toBeGreaterThan(0);
      expect(attributes).toBeGreaterThan(0);
    });
  }
});

describe.skipIf(CORPUS_APKS.length === 0)(`parseAxml agrees with aapt on the corpus APKs${CORPUS_APKS.length === 0 ? ' (skipped: ../shared/corpus not present)' : ''}`, () => {
  for (const apk of CORPUS_APKS) {
    it.skipIf(!existsSync(join(EXPECTED, `${basename(apk, '.apk')}.xmltree.txt`)))(basename(apk), () => {
      checkAgainstAapt(apk);
    });
  }
});

describe('document model and accessors on a real manifest', () => {
  const doc = parseAxml(entryBytes(SETTINGS, 'AndroidManifest.xml'), 'AndroidManifest.xml');
  const root = doc.root!;

  it('builds the tree', () => {
    expect(root.name).toBe('manifest');
    expect(root.ns).toBeNull();
    expect(root.line).toBe(2);
    expect(doc.namespaces).toEqual([{ prefix: 'android', uri: ANDROID_NS }]);
    expect(attrString(root, 'package', null)).toBe('io.appium.settings');
    expect(attrInt(root, 'versionCode')).toBe(0xc0);
    expect(attrString(root, 'versionName')).toBe('8.0.10');
    const vc = getAttr(root, 'versionCode')!;
    expect(vc).toMatchObject({ ns: ANDROID_NS, name: 'versionCode', resourceId: 0x0101021b, raw: null, value: { type: 'int-dec', value: 192 } });
  });

  it('findAll / getAttr / attrBool', () => {
    const perms = findAll(root, 'uses-permission').map((e) => attrString(e, 'name'));
    expect(perms).toContain('android.permission.INTERNET');
    const bt = findAll(root, 'uses-permission').find((e) => attrString(e, 'name') === 'android.permission.BLUETOOTH')!;
    expect(attrInt(bt, 'maxSdkVersion')).toBe(30);
    expect(attrString(bt, 'maxSdkVersion')).toBeNull(); // wrong type
    expect(attrBool(bt, 'exported')).toBeNull(); // absent
    const app = findAll(root, 'application')[0];
    expect(app).toBeDefined();
    const exported = findAll(root, 'activity').concat(findAll(root, 'service'), findAll(root, 'receiver')).filter((e) => getAttr(e, 'exported'));
    expect(exported.length).toBeGreaterThan(0);
    for (const e of exported) expect(typeof attrBool(e, 'exported')).toBe('boolean');
    expect(findAll(root, 'manifest')).toEqual([root]);
  });

  it('renderXml gives well-formed XML for every AXML file of apidemos', () => {
    const zip = new AdmZip(APIDEMOS);
    let n = 0;
    for (const e of zip.getEntries()) {
      if (e.entryName !== 'AndroidManifest.xml' && !/^res\/.*\.xml$/.test(e.entryName)) continue;
      const text = renderXml(parseAxml(new Uint8Array(e.getData()), e.entryName));
      expect(XMLValidator.validate(text), e.entryName).toBe(true);
      n++;
    }
    expect(n).toBeGreaterThan(500);
    const m = renderXml(doc);
    expect(m).toContain('<manifest xmlns:android="http://schemas.android.com/apk/res/android" android:versionCode="192"');
    expect(m).toContain('<uses-permission android:name="android.permission.BLUETOOTH" android:maxSdkVersion="30" />');
  });

  it('parses apidemos\' 175 KB manifest in a few ms', () => {
    const bytes = entryBytes(APIDEMOS, 'AndroidManifest.xml');
    parseAxml(bytes, 'AndroidManifest.xml');
    const t0 = performance.now();
    const runs = 5;
    for (let i = 0; i < runs; i++) parseAxml(bytes, 'AndroidManifest.xml');
    const ms = (performance.now() - t0) / runs;
    console.log(`apidemos AndroidManifest.xml (${bytes.length} bytes): ${ms.toFixed(2)} ms per parse`);
    expect(ms).toBeLessThan(100); // generous: shared CI machines
  });
});

describe('android-attrs', () => {
  it('maps framework attribute ids both ways, incl. API 30-35 additions', () => {
    expect(attrCount()).toBeGreaterThan(1400);
    expect(attrName(0x01010010)).toBe('exported');
    expect(attrName(0x0101000f)).toBe('debuggable');
    expect(attrName(0x01010527)).toBe('networkSecurityConfig');
    expect(attrName(0x010104ec)).toBe('usesCleartextTraffic');
    expect(attrId('allowBackup')).toBe(0x01010280);
    expect(attrName(0x0101063e)).toBe('dataExtractionRules');
    expect(attrName(0x0101066c)).toBe('enableOnBackInvokedCallback');
    expect(attrName(0x0101065b)).toBe('localeConfig');
    expect(attrName(0x01010645)).toBe('requestRawExternalStorageAccess');
    expect(attrName(0x01010614)).toBe('preserveLegacyExternalStorage');
    expect(attrName(0x7f010000)).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------
// Hostile input made by patching real bytes

interface Node {
  offset: number;
  type: number;
  headerSize: number;
  size: number;
}
function chunkList(b: Uint8Array): Node[] {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: Node[] = [];
  let pos = dv.getUint16(2, true);
  while (pos + 8 <= b.length) {
    const n = { offset: pos, type: dv.getUint16(pos, true), headerSize: dv.getUint16(pos + 2, true), size: dv.getUint32(pos + 4, true) };
    out.push(n);
    if (n.size < 8) break;
    pos += n.size;
  }
  return out;
}
const u32 = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset).getUint32(at, true);
const set32 = (b: Uint8Array, at: number, v: number) => new DataView(b.buffer, b.byteOffset).setUint32(at, v >>> 0, true);
const set16 = (b: Uint8Array, at: number, v: number) => new DataView(b.buffer, b.byteOffset).setUint16(at, v, true);

/** Byte offset of string #index's data (UTF-16 pools) in an AXML file. */
function stringAt(b: Uint8Array, index: number): number {
  const pool = 8;
  const headerSize = new DataView(b.buffer, b.byteOffset).getUint16(pool + 2, true);
  return pool + u32(b, pool + 20) + u32(b, pool + headerSize + 4 * index);
}

function expectOnlyFormatError(fn: () => unknown): AxmlDocument | FormatError {
  try {
    return fn() as AxmlDocument;
  } catch (e) {
    expect(e).toBeInstanceOf(FormatError);
    return e as FormatError;
  }
}

describe('hostile AXML made from a real manifest', () => {
  const original = entryBytes(SETTINGS, 'AndroidManifest.xml');
  const fresh = () => original.slice();
  const elements = chunkList(original).filter((c) => c.type === 0x0102);
  const strings = StringPool.parse(original, 8, { file: 'x' }).all();

  it('attribute with an empty name string is named by its resource id (as Android does)', () => {
    const b = fresh();
    const i = strings.indexOf('versionCode');
    const at = stringAt(b, i);
    set16(b, at, 0); // length 0
    set16(b, at + 2, 0); // terminator
    const doc = parseAxml(b, 'AndroidManifest.xml');
    const a = getAttr(doc.root!, 'versionCode')!;
    expect(a).toMatchObject({ ns: ANDROID_NS, name: 'versionCode', rawName: '', resourceId: 0x0101021b });
    expect(attrInt(doc.root!, 'versionCode')).toBe(192);
    expect(doc.warnings.some((w) => w.code === 'suspicious-structure' && /has the id of android:versionCode/.test(w.message))).toBe(true);
    // aapt prints the empty name (checked against aapt on this patched file at dev time)
    expect(renderXmlTree(doc)).toContain('    A: android:(0x0101021b)=(type 0x10)0xc0\n');
    expect(renderXml(doc)).toContain('android:versionCode="192"');
  });

  it('attribute with a garbage name and no namespace is still resolved by id', () => {
    const b = fresh();
    const i = strings.indexOf('versionName');
    const at = stringAt(b, i);
    for (let k = 0; k < 'versionName'.length; k++) set16(b, at + 2 + 2 * k, 0x51); // "QQQQQQQQQQQ"
    // drop the namespace of every attribute of <manifest>
    const m = elements[0].offset + elements[0].headerSize;
    const count = new DataView(b.buffer).getUint16(m + 12, true);
    for (let k = 0; k < count; k++) set32(b, m + 20 + 20 * k, 0xffffffff);
    const doc = parseAxml(b, 'AndroidManifest.xml');
    expect(attrString(doc.root!, 'versionName')).toBe('8.0.10');
    const a = getAttr(doc.root!, 'versionName')!;
    expect(a.rawName).toBe('QQQQQQQQQQQ');
    expect(a.rawNs).toBeNull();
    expect(attrString(doc.root!, 'package', null)).toBe('io.appium.settings');
  });

  it('out-of-range string indexes give empty names and warnings', () => {
    const b = fresh();
    const el = elements[3];
    set32(b, el.offset + el.headerSize + 4, 0x00fffff0); // element name
    set32(b, el.offset + el.headerSize + 20 + 8, 0x7ffffff0); // first attribute's raw value
    const doc = parseAxml(b, 'AndroidManifest.xml');
    const bad = doc.root!.children[2];
    expect(bad.name).toBe('');
    expect(bad.attributes[0].raw).toBeNull();
    expect(doc.warnings.some((w) => /out of range/.test(w.message))).toBe(true);
  });

  it('a chunk size past the end gives a partial document plus a warning', () => {
    const b = fresh();
    const el = elements[10];
    set32(b, el.offset + 4, 0x7ffffff0);
    const doc = parseAxml(b, 'AndroidManifest.xml') as AxmlDocument;
    expect(doc.root?.name).toBe('manifest');
    expect(doc.root!.children.length).toBeLessThan(parseAxml(original, 'x').root!.children.length);
    expect(doc.warnings.some((w) => /runs past the end/.test(w.message))).toBe(true);
  });

  it('a zero chunk size ends parsing instead of looping', () => {
    const b = fresh();
    set32(b, elements[5].offset + 4, 0);
    const doc = parseAxml(b, 'AndroidManifest.xml');
    expect(doc.root?.name).toBe('manifest');
    expect(doc.warnings.some((w) => /invalid size 0/.test(w.message))).toBe(true);
  });

  it('a broken first chunk (nothing usable) is a FormatError naming the file and part', () => {
    const b = fresh();
    set32(b, 8 + 4, 0x7ffffff0); // string pool size
    expect(() => parseAxml(b, 'AndroidManifest.xml')).toThrow(FormatError);
    try {
      parseAxml(b, 'AndroidManifest.xml');
    } catch (e) {
      expect(e).toMatchObject({ file: 'AndroidManifest.xml', part: 'xml tree' });
    }
    const c = fresh();
    set32(c, 8 + 4, 0);
    expect(() => parseAxml(c, 'AndroidManifest.xml')).toThrow(FormatError);
    expect(() => parseAxml(new TextEncoder().encode('<?xml version="1.0"?><manifest/>'), 'plain.xml')).toThrow(/not a binary XML file/);
    expect(() => parseAxml(new Uint8Array(3), 'tiny.xml')).toThrow(FormatError);
  });

  it('a stringsStart outside the pool, or a huge string count, is survived', () => {
    const b = fresh();
    set32(b, 8 + 20, 0x7ffffff0); // stringsStart
    const doc = parseAxml(b, 'AndroidManifest.xml');
    expect(doc.root?.name).toBe('manifest');
    expect(renderXmlTree(doc)).toBe(renderXmlTree(parseAxml(original, 'x')));
    expect(doc.warnings.some((w) => /strings start/.test(w.message))).toBe(true);
    const c = fresh();
    set32(c, 8 + 8, 0xffffffff); // stringCount
    const doc2 = parseAxml(c, 'AndroidManifest.xml');
    expect(doc2.root?.name).toBe('manifest');
    expect(attrString(doc2.root!, 'versionName')).toBe('8.0.10');
    expect(doc2.warnings.some((w) => /string count 4294967295 does not fit/.test(w.message))).toBe(true);
  });

  it('a huge attribute count is clamped to the file', () => {
    const b = fresh();
    const el = elements.at(-1)!;
    set16(b, el.offset + el.headerSize + 12, 0xffff);
    const doc = expectOnlyFormatError(() => parseAxml(b, 'AndroidManifest.xml'));
    expect(doc).not.toBeInstanceOf(FormatError);
    expect((doc as AxmlDocument).warnings.some((w) => /attributes run past the end of the file/.test(w.message))).toBe(true);
  });

  it('every truncation and 400 random corruptions end in a document or a FormatError', () => {
    const t0 = Date.now();
    for (let n = 0; n < original.length; n += 37) expectOnlyFormatError(() => parseAxml(original.slice(0, n), 'AndroidManifest.xml'));
    const rnd = prng(42);
    for (let i = 0; i < 400; i++) {
      const b = fresh();
      const flips = 1 + Math.floor(rnd() * 8);
      for (let k = 0; k < flips; k++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
      const r = expectOnlyFormatError(() => parseAxml(b, 'AndroidManifest.xml'));
      if (!(r instanceof FormatError)) {
        renderXmlTree(r);
        renderXml(r);
      }
    }
    expect(Date.now() - t0).toBeLessThan(20000);
  });
});

// ---------------------------------------------------------------------------------------------
// Synthetic files for structures compilers do not emit

const A = (name: string, dataType: number, data?: number, raw?: string | null, extra: Partial<BAttr> = {}): BAttr => ({
  ns: ANDROID_NS,
  name,
  resId: attrId(name) ?? undefined,
  dataType,
  data,
  raw: raw ?? null,
  ...extra,
});
const nsStart: BNode = { kind: 'ns-start', prefix: 'android', uri: ANDROID_NS };
const nsEnd: BNode = { kind: 'ns-end', prefix: 'android', uri: ANDROID_NS };

describe('synthetic AXML', () => {
  it('honours attributeStart/attributeSize other than 20/20 and extra header bytes', () => {
    const b = axml(
      [
        nsStart,
        { kind: 'start', name: 'manifest', attrs: [A('versionCode', 0x10, 7)], attributeStart: 28, attributeSize: 32, headerExtra: 8 },
        { kind: 'start', name: 'application', attrs: [A('debuggable', 0x12, 0xffffffff), A('allowBackup', 0x12, 0), A('label', 3, undefined, 'App')], attributeStart: 24, attributeSize: 24 },
        { kind: 'end', name: 'application' },
        { kind: 'end', name: 'manifest' },
        nsEnd,
      ],
      { headerExtra: 4 },
    );
    const doc = parseAxml(b, 'AndroidManifest.xml');
    expect(attrInt(doc.root!, 'versionCode')).toBe(7);
    const app = doc.root!.children[0];
    expect(attrBool(app, 'debuggable')).toBe(true);
    expect(attrBool(app, 'allowBackup')).toBe(false);
    expect(attrString(app, 'label')).toBe('App');
    expect(doc.warnings.map((w) => w.message).join('\n')).toMatch(/attributeStart 28 \/ attributeSize 32/);
    expect(doc.warnings.map((w) => w.message).join('\n')).toMatch(/xml header has 4 extra bytes/);
  });

  it('skips unknown chunk types and unknown node types by size', () => {
    const junk = new Uint8Array(16);
    new DataView(junk.buffer).setUint16(0, 0x0777, true);
    new DataView(junk.buffer).setUint16(2, 8, true);
    new DataView(junk.buffer).setUint32(4, 16, true);
    const node = junk.slice();
    new DataView(node.buffer).setUint16(0, 0x017e, true);
    new DataView(node.buffer).setUint16(2, 16, true);
    const b = axml(
      [nsStart, { kind: 'start', name: 'manifest' }, { kind: 'chunk', bytes: node }, { kind: 'start', name: 'application' }, { kind: 'end', name: 'application' }, { kind: 'end', name: 'manifest' }, nsEnd],
      { before: [junk] },
    );
    const doc = parseAxml(b, 'x.xml');
    expect(doc.root!.children.map((c) => c.name)).toEqual(['application']);
    expect(doc.warnings.filter((w) => /unknown (chunk|node) type/.test(w.message)).length).toBe(2);
  });

  it('tolerates a wrong style count, a wrong file chunk type, and a missing resource map', () => {
    const nodes: BNode[] = [nsStart, { kind: 'start', name: 'manifest', attrs: [A('versionName', 3, undefined, '1.0')] }, { kind: 'end', name: 'manifest' }, nsEnd];
    const styles = parseAxml(axml(nodes, { poolOptions: { declaredStyles: 12345 } }), 'a.xml');
    expect(attrString(styles.root!, 'versionName')).toBe('1.0');
    const typed = parseAxml(axml(nodes, { fileType: 0x0000 }), 'b.xml');
    expect(attrString(typed.root!, 'versionName')).toBe('1.0');
    expect(typed.warnings.some((w) => /not RES_XML_TYPE/.test(w.message))).toBe(true);
    const noMap = parseAxml(axml(nodes, { noResourceMap: true }), 'c.xml');
    // no resource id: found by name instead
    expect(getAttr(noMap.root!, 'versionName')?.resourceId).toBeNull();
    expect(attrString(noMap.root!, 'versionName')).toBe('1.0');
  });

  it('decodes every Res_value type', () => {
    const attrs: BAttr[] = [
      A('a0', 0x00, 0),
      A('a1', 0x00, 1),
      A('ref', 0x01, 0x7f020000),
      A('attr', 0x02, 0x01010030),
      A('str', 0x03, undefined, 'hello'),
      A('flt', 0x04, 0x3fc00000),
      A('dim', 0x05, 0x1001),
      A('negdim', 0x05, 0xfffffd01),
      A('sp', 0x05, 0x0c02),
      A('frac', 0x06, 0x4010),
      A('fracp', 0x06, 0x4011),
      A('dref', 0x07, 0x00010002),
      A('dattr', 0x08, 0x00010003),
      A('dec', 0x10, 0xffffffff),
      A('hex', 0x11, 0xffffffff),
      A('yes', 0x12, 1),
      A('argb8', 0x1c, 0x80112233),
      A('rgb8', 0x1d, 0xff112233),
      A('argb4', 0x1e, 0x11223344),
      A('rgb4', 0x1f, 0xff223344),
      A('odd', 0x13, 5),
    ].map((a) => ({ ...a, resId: undefined }));
    const doc = parseAxml(axml([nsStart, { kind: 'start', name: 'x', attrs }, { kind: 'end', name: 'x' }, nsEnd]), 'v.xml');
    const v = Object.fromEntries(doc.root!.attributes.map((a) => [a.name, a.value]));
    expect(v).toEqual({
      a0: { type: 'null', empty: false },
      a1: { type: 'null', empty: true },
      ref: { type: 'reference', id: 0x7f020000 },
      attr: { type: 'attribute', id: 0x01010030 },
      str: { type: 'string', value: 'hello', index: expect.any(Number) },
      flt: { type: 'float', value: 1.5 },
      dim: { type: 'dimension', value: 16, unit: 'dip' },
      negdim: { type: 'dimension', value: -3, unit: 'dip' },
      sp: { type: 'dimension', value: 12, unit: 'sp' },
      frac: { type: 'fraction', value: 50, unit: '%' },
      fracp: { type: 'fraction', value: 50, unit: '%p' },
      dref: { type: 'dynamic-reference', id: 0x00010002 },
      dattr: { type: 'dynamic-attribute', id: 0x00010003 },
      dec: { type: 'int-dec', value: -1 },
      hex: { type: 'int-hex', value: 0xffffffff },
      yes: { type: 'bool', value: true },
      argb8: { type: 'color', argb: 0x80112233, format: 'argb8' },
      rgb8: { type: 'color', argb: 0xff112233, format: 'rgb8' },
      argb4: { type: 'color', argb: 0x11223344, format: 'argb4' },
      rgb4: { type: 'color', argb: 0xff223344, format: 'rgb4' },
      odd: { type: 'unknown', dataType: 0x13, data: 5 },
    });
    const xml = renderXml(doc);
    for (const s of ['a0="@null"', 'a1="@empty"', 'ref="@0x7f020000"', 'attr="?0x01010030"', 'flt="1.5"', 'dim="16dp"', 'negdim="-3dp"', 'frac="50%"', 'fracp="50%p"', 'dec="-1"', 'hex="0xffffffff"', 'yes="true"', 'argb8="#80112233"']) {
      expect(xml).toContain(`android:${s}`);
    }
    expect(renderXmlTree(doc)).toContain('A: android:ref=@0x7f020000\n');
  });

  it('keeps text runs, nested namespace declarations and reports odd nesting', () => {
    const b = axml([
      nsStart,
      { kind: 'start', name: 'resources' },
      { kind: 'text', text: 'before & "quoted"\n' },
      { kind: 'start', name: 'item', attrs: [{ ns: 'urn:other', name: 'k', dataType: 3, raw: 'v' }] },
      { kind: 'ns-start', prefix: 'o', uri: 'urn:other' },
      { kind: 'start', name: 'inner' },
      { kind: 'end', name: 'inner' },
      { kind: 'ns-end', prefix: 'o', uri: 'urn:other' },
      { kind: 'end', name: 'WRONG' },
      { kind: 'text', text: 'after' },
      { kind: 'end', name: 'resources' },
      { kind: 'start', name: 'second-root' },
      { kind: 'end', name: 'second-root' },
      nsEnd,
    ]);
    const doc = parseAxml(b, 'r.xml');
    const root = doc.root!;
    expect(root.text).toBe('before & "quoted"\nafter');
    expect(root.content?.map((c) => (typeof c === 'string' ? c : c.name))).toEqual(['before & "quoted"\n', 'item', 'after']);
    expect(root.children[0].children[0].nsDecls).toEqual([{ prefix: 'o', uri: 'urn:other' }]);
    expect(doc.warnings.map((w) => w.message).join('\n')).toMatch(/closes <item>[\s\S]*more than one top-level element/);
    expect(renderXmlTree(doc)).toBe(
      [
        'N: android=http://schemas.android.com/apk/res/android',
        '  E: resources (line=1)',
        '    C: "before & \\"quoted\\"\\n"',
        '    E: item (line=2)',
        '      A: urn:other:k="v" (Raw: "v")',
        '      N: o=urn:other',
        '        E: inner (line=3)',
        '    C: "after"',
        '',
      ].join('\n'),
    );
    const xml = renderXml(doc);
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain('before &amp; "quoted"');
  });

  it('an element with attributes of an unknown framework id keeps its string name', () => {
    const doc = parseAxml(
      axml([nsStart, { kind: 'start', name: 'application', attrs: [A('futureThing', 0x12, 1, null, { resId: 0x010107ff })] }, { kind: 'end', name: 'application' }, nsEnd]),
      'f.xml',
    );
    expect(doc.root!.attributes[0]).toMatchObject({ name: 'futureThing', resourceId: 0x010107ff, ns: ANDROID_NS });
    expect(attrBool(doc.root!, 'futureThing')).toBe(true);
  });

  it('survives 100 000 levels of nesting (no recursion in parse, findAll or the renderers)', () => {
    const depth = 100_000;
    const nodes: BNode[] = [nsStart];
    for (let i = 0; i < depth; i++) nodes.push({ kind: 'start', name: 'e', line: i });
    for (let i = 0; i < depth; i++) nodes.push({ kind: 'end', name: 'e' });
    nodes.push(nsEnd);
    const doc = parseAxml(axml(nodes), 'deep.xml');
    expect(findAll(doc.root!, 'e').length).toBe(depth);
    expect(renderXmlTree(doc).split('\n').length).toBe(depth + 2);
    expect(renderXml(doc).length).toBeGreaterThan(depth);
  });

  it('getAttr prefers the resource id over a decoy name', () => {
    // a decoy "exported" string whose id is android:enabled, and the real exported id with an empty name
    const doc = parseAxml(
      axml([
        nsStart,
        {
          kind: 'start',
          name: 'activity',
          attrs: [
            { ns: ANDROID_NS, name: 'exported', resId: 0x0101000e, dataType: 0x12, data: 0 },
            { ns: ANDROID_NS, name: '', resId: 0x01010010, dataType: 0x12, data: 0xffffffff },
          ],
        },
        { kind: 'end', name: 'activity' },
        nsEnd,
      ]),
      'd.xml',
    );
    expect(attrBool(doc.root!, 'exported')).toBe(true);
    expect(attrBool(doc.root!, 'enabled')).toBe(false);
    expect(doc.root!.attributes.map((a) => [a.rawName, a.name])).toEqual([
      ['exported', 'enabled'],
      ['', 'exported'],
    ]);
  });
});

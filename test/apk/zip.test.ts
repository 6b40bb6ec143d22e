import { describe, expect, it } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import AdmZip from 'adm-zip';
import { ZipArchive, dexEntryNames, DEFAULT_ZIP_LIMITS } from '../../src/apk/zip.js';
import { openContainer } from '../../src/apk/bundle.js';
import { FormatError } from '../../src/apk/errors.js';
import { buildZip, signingBlock } from '../helpers/zip-builder.js';
import { NPM_APKS, CORPUS_DIR, corpusApk } from '../helpers/apks.js';

function refusal(fn: () => unknown): FormatError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(FormatError);
    return err as FormatError;
  }
  throw new Error('expected a FormatError');
}

describe('ZipArchive on real APKs', () => {
  it('lists the uiautomator2 server APK like adm-zip does, and reads its 16 dex files in order', () => {
    const bytes = readFileSync(NPM_APKS.uia2server);
    const z = ZipArchive.open(bytes, 'uia2server.apk');
    const ref = new AdmZip(NPM_APKS.uia2server).getEntries().map((e) => e.entryName);
    expect(z.entries.map((e) => e.name)).toEqual(ref);
    expect(z.entries.length).toBe(3841);
    const dex = dexEntryNames(z);
    expect(dex).toEqual(['classes.dex', ...Array.from({ length: 15 }, (_, i) => `classes${i + 2}.dex`)]);
    const first = z.read('classes.dex');
    expect(Buffer.from(first.subarray(0, 8)).toString('latin1')).toMatch(/^dex\n03[5-9]\0$/);
    expect(Buffer.compare(Buffer.from(first), new AdmZip(NPM_APKS.uia2server).getEntry('classes.dex')!.getData())).toBe(0);
  });

  it('sees the signature schemes of the npm APKs', () => {
    const z = ZipArchive.open(readFileSync(NPM_APKS.apidemos), 'apidemos.apk');
    expect(z.signing.v2).toBe(true);
    expect(z.signing.v1).toBe(true);
  });
});

describe.skipIf(!existsSync(CORPUS_DIR))('ZipArchive on ../shared/corpus (skipped: ../shared/corpus not present)', () => {
  const expectations = existsSync(CORPUS_DIR) ? JSON.parse(readFileSync(`${CORPUS_DIR}/expectations.json`, 'utf8')) : {};
  for (const name of ['diva-beta.apk', 'insecurebankv2.apk', 'goatdroid-qark.apk', 'uncrackable-l1.apk']) {
    it(`${name}: entries, first entry, dex count and signing schemes match the ground truth`, () => {
      const exp = expectations[name].container;
      const z = ZipArchive.open(readFileSync(corpusApk(name)), name);
      expect(z.entries.length).toBe(exp.zipEntries);
      expect(z.entries[0]!.name).toBe(exp.firstEntry);
      expect(dexEntryNames(z).length).toBe(exp.dexCount);
      expect({ v1: z.signing.v1, v2: z.signing.v2, v3: z.signing.v3 }).toEqual({ v1: exp.v1, v2: exp.v2, v3: exp.v3 });
      expect(z.names((n) => /^lib\/[^/]+\/[^/]+\.so$/.test(n)).length).toBe(exp.nativeLibs);
    });
  }
});

describe('ZipArchive on odd but valid archives', () => {
  it('accepts a nameless padding entry before the manifest', () => {
    const z = ZipArchive.open(buildZip([{ name: '', data: new Uint8Array(7), method: 0 }, { name: 'AndroidManifest.xml', data: 'abc' }]), 'pad.apk');
    expect(z.entries.map((e) => e.name)).toEqual(['', 'AndroidManifest.xml']);
    expect(Buffer.from(z.read('AndroidManifest.xml')).toString()).toBe('abc');
  });

  it('keeps the first of duplicate entry names and says so', () => {
    const z = ZipArchive.open(buildZip([{ name: 'AndroidManifest.xml', data: 'first' }, { name: 'AndroidManifest.xml', data: 'second' }]), 'dup.apk');
    expect(z.entries.length).toBe(2);
    expect(Buffer.from(z.read('AndroidManifest.xml')).toString()).toBe('first');
    expect(z.duplicateNames).toEqual(['AndroidManifest.xml']);
    expect(z.warnings).toEqual([
      { code: 'suspicious-structure', file: 'dup.apk', message: 'duplicate entry names (Android 4.4+ refuses to install such an APK; the first copy is analysed): AndroidManifest.xml' },
    ]);
  });

  it('reads v2/v3-only signing blocks between the entries and the central directory', () => {
    const bytes = buildZip([{ name: 'AndroidManifest.xml', data: 'm' }], { beforeCentralDir: signingBlock([0x7109871a, 0xf05368c0]) });
    const z = ZipArchive.open(bytes, 'v23.apk');
    expect(z.signing).toEqual({ v1: false, v2: true, v3: true, v31: false, blockIds: ['0x7109871a', '0xf05368c0'] });
  });

  it('tolerates leading bytes before the first entry (offsets are taken from the directory)', () => {
    const inner = buildZip([{ name: 'AndroidManifest.xml', data: 'x' }], { prefix: new Uint8Array(100) });
    expect(Buffer.from(ZipArchive.open(inner, 'p.apk').read('AndroidManifest.xml')).toString()).toBe('x');
  });
});

describe('ZipArchive refuses hostile archives with a clear error', () => {
  it('not a zip', () => {
    const e = refusal(() => ZipArchive.open(Buffer.from('this is plainly not an APK, just some text here'), 'note.txt'));
    expect(e.message).toBe('note.txt: end of central directory: not found: not a ZIP archive, or truncated');
  });

  it('too short to be a zip', () => {
    expect(refusal(() => ZipArchive.open(new Uint8Array(3), 'x.apk')).message).toBe('x.apk: zip: not a ZIP archive (3 bytes)');
  });

  it('truncated (the end cut off)', () => {
    const bytes = readFileSync(NPM_APKS.uia2test);
    const e = refusal(() => ZipArchive.open(bytes.subarray(0, bytes.length - 5000), 'cut.apk'));
    expect(e.part).toBe('end of central directory');
  });

  it('truncated (data cut but directory kept): entry read fails, others work', () => {
    const good = buildZip([{ name: 'a', data: 'A'.repeat(1000), method: 0 }, { name: 'b', data: 'bbb' }]);
    const z = ZipArchive.open(good, 'g.apk');
    z.entries[0]!.compressedSize = 10_000_000; // a directory that lies about where data ends
    expect(refusal(() => z.read('a')).part).toBe('entry data');
    expect(Buffer.from(z.read('b')).toString()).toBe('bbb');
  });

  it('too many entries', () => {
    const bytes = buildZip(Array.from({ length: 20 }, (_, i) => ({ name: `f${i}`, data: 'x' })));
    const e = refusal(() => ZipArchive.open(bytes, 'many.apk', { ...DEFAULT_ZIP_LIMITS, maxEntries: 10 }));
    expect(e.message).toBe('many.apk: central directory at offset 0x' + (bytes.length - 22).toString(16) + ': declares 20 entries; the limit is 10');
  });

  it('an entry declaring a huge size is refused before anything is inflated', () => {
    const z = ZipArchive.open(buildZip([{ name: 'classes.dex', data: 'dex', declaredSize: 0xfffffff0 }]), 'big.apk');
    expect(refusal(() => z.read('classes.dex')).message).toMatch(/^big\.apk!classes\.dex: entry size at offset 0x0: declares 4294967280 bytes; the limit is 536870912$/);
  });

  it('an extreme compression ratio (a bomb) is refused', () => {
    const data = new Uint8Array(64 * 1024 * 1024); // 64 MiB of zeros deflates to ~64 KiB
    const z = ZipArchive.open(buildZip([{ name: 'assets/bomb.json', data }]), 'bomb.apk');
    const e = refusal(() => z.read('assets/bomb.json'));
    expect(e.part).toBe('compression ratio');
    expect(e.message).toContain('refused as a decompression bomb');
  });

  it('an entry that inflates past its declared size is refused, without inflating it all', () => {
    const data = new Uint8Array(8 * 1024 * 1024).fill(65);
    const z = ZipArchive.open(buildZip([{ name: 'assets/a.txt', data, declaredSize: 1000 }]), 'liar.apk');
    const e = refusal(() => z.read('assets/a.txt'));
    expect(e.message).toBe('liar.apk!assets/a.txt: entry size at offset 0x0: inflates past its declared 1000 bytes: refused');
  });

  it('total bytes read over the archive limit are refused', () => {
    const entries = Array.from({ length: 4 }, (_, i) => ({ name: `f${i}`, data: new Uint8Array(1000).fill(i + 1) }));
    const z = ZipArchive.open(buildZip(entries), 't.apk', { ...DEFAULT_ZIP_LIMITS, maxTotalBytes: 2500 });
    z.read('f0');
    z.read('f1');
    expect(refusal(() => z.read('f2')).part).toMatch(/entry size|archive/);
  });

  it('an unknown compression method is named', () => {
    const bytes = buildZip([{ name: 'AndroidManifest.xml', data: 'x', method: 0 }]);
    const z = ZipArchive.open(bytes, 'm.apk');
    z.entries[0]!.method = 12;
    expect(refusal(() => z.read(z.entries[0]!)).message).toBe('m.apk!AndroidManifest.xml: compression method at offset 0x0: method 12 is not one Android reads (stored or deflate)');
  });
});

describe('openContainer', () => {
  it('an APK is its own single container, with nested APKs listed', () => {
    const c = openContainer(buildZip([{ name: 'AndroidManifest.xml', data: 'm' }, { name: 'assets/plugin.apk', data: 'zip' }]), 'outer.apk');
    expect(c.kind).toBe('apk');
    expect(c.apks.map((a) => a.name)).toEqual(['outer.apk']);
    expect(c.nestedApks).toEqual(['assets/plugin.apk']);
  });

  it('an .apks bundle: base first, then splits', () => {
    const split = buildZip([{ name: 'AndroidManifest.xml', data: 's' }]);
    const base = buildZip([{ name: 'AndroidManifest.xml', data: 'b' }]);
    const c = openContainer(
      buildZip([{ name: 'toc.pb', data: 'x' }, { name: 'splits/base-xxhdpi.apk', data: split }, { name: 'splits/base-master.apk', data: base }]),
      'app.apks',
    );
    expect(c.kind).toBe('apks');
    expect(c.apks.map((a) => a.name)).toEqual(['splits/base-master.apk', 'splits/base-xxhdpi.apk']);
  });

  it('an .xapk bundle is recognised by its manifest.json', () => {
    const apk = buildZip([{ name: 'AndroidManifest.xml', data: 'b' }]);
    const c = openContainer(buildZip([{ name: 'manifest.json', data: '{}' }, { name: 'com.example.apk', data: apk }, { name: 'config.arm64_v8a.apk', data: apk }]), 'app.xapk');
    expect(c.kind).toBe('xapk');
    expect(c.apks.map((a) => a.name)).toEqual(['com.example.apk', 'config.arm64_v8a.apk']);
  });

  it('a zip with neither a manifest nor APKs is not an APK', () => {
    expect(refusal(() => openContainer(buildZip([{ name: 'readme.txt', data: 'hi' }]), 'docs.zip')).message).toBe(
      'docs.zip: AndroidManifest.xml: missing: this ZIP is not an APK (and holds no APKs)',
    );
  });
});

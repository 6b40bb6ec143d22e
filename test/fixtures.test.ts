// Checks the committed fixture APKs in test/fixtures/apks/ (built from test/fixtures/apps/ by
// scripts/build-fixtures.sh). The structural checks need nothing but Node; the aapt checks and
// the reproducibility check run only where Debian's Android tools are installed.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import AdmZip from 'adm-zip';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const FIXTURES = join(ROOT, 'test', 'fixtures');
const APKS = join(FIXTURES, 'apks');
const FRAMEWORK_RES = '/usr/share/android-framework-res/framework-res.apk';

interface Fixture {
  app: string;
  packageName: string;
  minSdk: number;
  targetSdk: number;
  dexCount: number;
}

const EXPECTED: Fixture[] = [
  { app: 'insecure-invoice', packageName: 'com.example.insecureinvoice', minSdk: 21, targetSdk: 33, dexCount: 1 },
  { app: 'secure-invoice', packageName: 'com.example.secureinvoice', minSdk: 21, targetSdk: 33, dexCount: 1 },
  { app: 'multidex-app', packageName: 'com.example.multidex', minSdk: 21, targetSdk: 30, dexCount: 3 },
  { app: 'obfuscated-nsc', packageName: 'com.example.obfnsc', minSdk: 24, targetSdk: 28, dexCount: 1 },
];

function onPath(tool: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      return statSync(join(dir, tool)).isFile();
    } catch {
      return false;
    }
  });
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function apkPath(app: string): string {
  return join(APKS, `${app}.apk`);
}

function entryNames(app: string): string[] {
  return new AdmZip(apkPath(app)).getEntries().map((e) => e.entryName);
}

function entry(app: string, name: string): Buffer {
  const data = new AdmZip(apkPath(app)).readFile(name);
  if (!data) throw new Error(`${app}.apk has no ${name}`);
  return data;
}

describe('committed fixture APKs', () => {
  it('cover every app folder in test/fixtures/apps', () => {
    const apps = readdirSync(join(FIXTURES, 'apps')).sort();
    expect(apps).toEqual(EXPECTED.map((f) => f.app).sort());
  });

  for (const f of EXPECTED) {
    describe(f.app, () => {
      it('exists and is a zip with AndroidManifest.xml, classes*.dex and resources.arsc', () => {
        expect(existsSync(apkPath(f.app))).toBe(true);
        const head = readFileSync(apkPath(f.app)).subarray(0, 4);
        expect(head.toString('hex')).toBe('504b0304'); // "PK\3\4"
        const names = entryNames(f.app);
        expect(names).toContain('AndroidManifest.xml');
        expect(names).toContain('resources.arsc');
        const dex = names.filter((n) => /^classes\d*\.dex$/.test(n)).sort();
        const wanted = ['classes.dex', ...Array.from({ length: f.dexCount - 1 }, (_, i) => `classes${i + 2}.dex`)];
        expect(dex).toEqual(wanted.sort());
        // binary AXML (RES_XML_TYPE 0x0003, header size 8), not a text manifest
        expect(entry(f.app, 'AndroidManifest.xml').readUInt32LE(0)).toBe(0x00080003);
        for (const d of dex) expect(entry(f.app, d).subarray(0, 4).toString('latin1')).toBe('dex\n');
      });

      it('has its sha256 listed in test/fixtures/README.md', () => {
        const readme = readFileSync(join(FIXTURES, 'README.md'), 'utf8');
        // the table row names the APK in backticks: `secure-invoice.apk` is not in `insecure-invoice.apk`
        const line = readme.split('\n').find((l) => l.includes(`\`${f.app}.apk\``) && /[0-9a-f]{64}/.test(l));
        expect(line, `no line with \`${f.app}.apk\` and a sha256 in README.md`).toBeDefined();
        expect(line!.match(/[0-9a-f]{64}/)![0]).toBe(sha256(apkPath(f.app)));
      });
    });
  }

  // Invariants the static rules' tests rely on.
  it('multidex-app: the http:// URL is only in classes2.dex, the token write only in classes3.dex', () => {
    const has = (name: string, text: string) => entry('multidex-app', name).includes(Buffer.from(text, 'latin1'));
    expect(['classes.dex', 'classes2.dex', 'classes3.dex'].map((d) => has(d, 'http://'))).toEqual([false, true, false]);
    expect(['classes.dex', 'classes2.dex', 'classes3.dex'].map((d) => has(d, 'session_token'))).toEqual([
      false,
      false,
      true,
    ]);
  });

  it('obfuscated-nsc: the network security config is only at a shortened path', () => {
    const names = entryNames('obfuscated-nsc');
    expect(names).not.toContain('res/xml/network_security_config.xml');
    expect(names.filter((n) => n.startsWith('res/'))).toEqual(['res/4u.xml']);
  });

  it('secure-invoice: no http:// anywhere, insecure-invoice: http:// in dex, arsc and assets', () => {
    for (const name of entryNames('secure-invoice')) {
      expect(entry('secure-invoice', name).includes(Buffer.from('http://api'))).toBe(false);
    }
    for (const name of ['classes.dex', 'resources.arsc', 'assets/config.json']) {
      expect(entry('insecure-invoice', name).includes(Buffer.from('http://api.example-invoice.com'))).toBe(true);
    }
  });
});

const hasAapt = onPath('aapt');
describe.skipIf(!hasAapt)(`aapt reads the fixtures${hasAapt ? '' : ' (skipped: aapt not on PATH; apt-get install aapt)'}`, () => {
  const aapt = (...args: string[]) => {
    const r = spawnSync('aapt', args, { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout;
  };

  for (const f of EXPECTED) {
    it(`${f.app}: aapt dump badging reports package ${f.packageName}, sdk ${f.minSdk}/${f.targetSdk}`, () => {
      const badging = aapt('dump', 'badging', apkPath(f.app));
      expect(badging).toMatch(new RegExp(`^package: name='${f.packageName.replace(/\./g, '\\.')}' versionCode='1' versionName='1\\.0'`, 'm'));
      expect(badging).toContain(`sdkVersion:'${f.minSdk}'`);
      expect(badging).toContain(`targetSdkVersion:'${f.targetSdk}'`);
      expect(badging).toMatch(/^launchable-activity: name='/m);
    });
  }

  it('insecure-invoice: the manifest is debuggable, backs up, allows cleartext', () => {
    const tree = aapt('dump', 'xmltree', apkPath('insecure-invoice'), 'AndroidManifest.xml');
    expect(tree).toMatch(/android:debuggable\(0x0101000f\)=\(type 0x12\)0xffffffff/);
    expect(tree).toMatch(/android:allowBackup\(0x01010280\)=\(type 0x12\)0xffffffff/);
    expect(tree).toMatch(/android:usesCleartextTraffic\(0x010104ec\)=\(type 0x12\)0xffffffff/);
    expect(tree).not.toMatch(/fullBackupContent|dataExtractionRules/);
  });

  it('secure-invoice: the patched manifest has dataExtractionRules(0x0101063e) and no placeholder', () => {
    const tree = aapt('dump', 'xmltree', apkPath('secure-invoice'), 'AndroidManifest.xml');
    expect(tree).toMatch(/android:dataExtractionRules\(0x0101063e\)=@0x7f[0-9a-f]{6}/);
    expect(tree).toMatch(/android:fullBackupContent\(0x010104eb\)=@0x7f[0-9a-f]{6}/);
    expect(tree).not.toMatch(/appComponentFactory|0x0101057a|debuggable/);
  });
});

const BUILD_TOOLS = ['aapt', 'aapt2', 'smali', 'zipalign', 'apksigner', 'java'];
const missingTools = [...BUILD_TOOLS.filter((t) => !onPath(t)), ...(existsSync(FRAMEWORK_RES) ? [] : [FRAMEWORK_RES])];
describe.skipIf(missingTools.length > 0)(
  `rebuilding the fixtures${missingTools.length ? ` (skipped: missing ${missingTools.join(', ')}; see scripts/build-fixtures.sh)` : ''}`,
  () => {
    it('reproduces the committed sha256s', { timeout: 300_000 }, () => {
      const out = mkdtempSync(join(tmpdir(), 'sessionscope-fixtures-'));
      try {
        const r = spawnSync('bash', [join(ROOT, 'scripts', 'build-fixtures.sh'), '--no-verify', '--out', out], {
          encoding: 'utf8',
        });
        expect(r.status, r.stderr).toBe(0);
        for (const f of EXPECTED) {
          expect(sha256(join(out, `${f.app}.apk`)), `${f.app}.apk differs from the committed one`).toBe(
            sha256(apkPath(f.app)),
          );
        }
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    });
  },
);

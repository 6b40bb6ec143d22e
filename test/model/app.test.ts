import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { loadApp } from '../../src/model/app.js';
import { policyForHost } from '../../src/model/nsc.js';
import { isBackedUp } from '../../src/model/backup.js';
import { FormatError } from '../../src/apk/errors.js';
import { ZipArchive } from '../../src/apk/zip.js';
import { NPM_APKS, CORPUS_DIR, corpusApk, fixtureApk } from '../helpers/apks.js';
import { buildZip } from '../helpers/zip-builder.js';

const load = (path: string) => loadApp(new Uint8Array(readFileSync(path)), path);

describe('fixture apps built from source', () => {
  it('insecure-invoice: every manifest fact, the config that overrides the attribute, and backup with no rules', () => {
    const app = load(fixtureApk('insecure-invoice'));
    const m = app.manifest;
    expect([m.package, m.versionName, m.versionCode, m.minSdk, m.targetSdk]).toEqual(['com.example.insecureinvoice', '1.0', 1, 21, 33]);
    expect(m.application).toMatchObject({ debuggable: true, debuggableAttr: true, allowBackup: true, allowBackupAttr: true, usesCleartextTrafficAttr: true, testOnly: false });
    expect(m.application.networkSecurityConfig).toMatchObject({ ref: '@xml/network_security_config', files: ['res/xml/network_security_config.xml'] });
    expect(m.components.map((c) => [c.kind, c.name, c.exported, c.how, c.launcher])).toEqual([
      ['activity', 'com.example.insecureinvoice.LoginActivity', true, 'explicit', true],
      ['activity', 'com.example.insecureinvoice.InvoicesActivity', true, 'explicit', false],
    ]);
    expect(m.usesPermissions.map((p) => p.name)).toEqual(['android.permission.INTERNET']);
    // The config exists, so usesCleartextTraffic="true" is ignored on API 24+: only the named domain may use http.
    expect(app.cleartext).toMatchObject({ permitted: false, source: 'nsc-platform-default', attributeIgnored: true, permittedBelowApi24: true });
    expect(policyForHost(app.cleartext, 'api.example-invoice.com').permitted).toBe(true);
    expect(policyForHost(app.cleartext, 'cdn.api.example-invoice.com').permitted).toBe(true);
    expect(policyForHost(app.cleartext, 'example.org').permitted).toBe(false);
    expect(app.cleartext.baseTrustAnchors.map((a) => a.src)).toEqual(['system', 'user']);
    expect(app.backup.android12.cloud.reason).toBe('android:allowBackup="true" and no backup rules filter it');
    expect(isBackedUp(app.backup.android12.cloud, 'sharedpref', 'session.xml')).toBe(true);
    expect(app.backup.android12.adb.enabled).toBe(true);
    expect(app.content.assets).toEqual(['assets/config.json']);
    expect(app.content.textFiles().map((f) => f.text.trim())).toEqual(['{"apiBase":"http://api.example-invoice.com/v1"}']);
    expect(app.container).toMatchObject({ kind: 'apk', dexFiles: ['classes.dex'], duplicateEntries: [] });
    expect(app.container.signing).toMatchObject({ v1: true, v2: true, v3: true });
    expect(app.complete).toBe(true);
  });

  it('secure-invoice: backup rules (fullBackupContent and the patched dataExtractionRules) exclude the session prefs', () => {
    const app = load(fixtureApk('secure-invoice'));
    const a = app.manifest.application;
    expect(a.debuggableAttr).toBe(null);
    expect(a.fullBackupContent).toMatchObject({ ref: '@xml/backup_rules', files: ['res/xml/backup_rules.xml'] });
    expect(a.dataExtractionRules).toMatchObject({ ref: '@xml/data_extraction_rules', files: ['res/xml/data_extraction_rules.xml'] });
    expect(app.backup.dataExtractionRules?.cloud?.rules.map((r) => `${r.action} ${r.domain} ${r.path}`)).toEqual(['exclude sharedpref session.xml']);
    for (const ch of [app.backup.android12.cloud, app.backup.android12.deviceTransfer, app.backup.legacy.cloud, app.backup.legacy.adb]) {
      expect(isBackedUp(ch, 'sharedpref', 'session.xml')).toBe(false);
    }
    expect(app.backup.android12.adb.enabled).toBe(false);
    expect(app.cleartext).toMatchObject({ permitted: false, source: 'nsc-base-config', domains: [] });
    expect(app.manifest.components.filter((c) => c.exported).map((c) => c.name)).toEqual(['com.example.secureinvoice.LoginActivity']);
  });

  it('multidex-app: three dex files indexed, implicit exports below API 31, targetSdk default denies cleartext', () => {
    const app = load(fixtureApk('multidex-app'));
    expect(app.container.dexFiles).toEqual(['classes.dex', 'classes2.dex', 'classes3.dex']);
    expect(app.manifest.components.map((c) => [c.name, c.exported, c.how])).toEqual([
      ['com.example.multidex.MainActivity', true, 'implicit-intent-filter'],
      ['com.example.multidex.SessionActivity', true, 'implicit-intent-filter'],
    ]);
    expect(app.manifest.problems).toEqual([]);
    expect(app.cleartext).toMatchObject({ permitted: false, source: 'targetSdk-default' });
    expect(app.manifest.application.allowBackupAttr).toBe(null);
    expect(app.backup.allowBackup).toBe(true);
    const sites = app.code.callsTo('Landroid/content/SharedPreferences$Editor;->putString');
    expect(sites.map((s) => [s.dex, s.caller.class, s.args[1]])).toEqual([
      ['classes3.dex', 'Lcom/example/multidex/store/SessionStore;', { kind: 'string', value: 'session_token' }],
    ]);
  });

  it('obfuscated-nsc: the config is found at its shortened path through resources.arsc', () => {
    const app = load(fixtureApk('obfuscated-nsc'));
    expect(app.manifest.application.networkSecurityConfig?.files).toEqual(['res/4u.xml']);
    expect(app.nsc?.file).toBe('res/4u.xml');
    expect(app.nsc?.errors).toEqual([]);
    expect(app.cleartext).toMatchObject({ permitted: true, source: 'nsc-base-config', attributeIgnored: true, permittedBelowApi24: null });
    expect(app.cleartext.domains.map((d) => [d.domain, d.includeSubdomains, d.permitted, d.pinned, d.pinExpiration])).toEqual([
      ['secure.example.com', true, false, true, '2030-01-01'],
      ['legacy.secure.example.com', false, true, true, '2030-01-01'],
    ]);
    expect(app.nsc?.debugOverrides?.trustAnchors).toEqual([{ src: 'user', overridePins: true }]);
  });
});

describe('APKs shipped in npm packages', () => {
  it.each([
    ['apidemos', NPM_APKS.apidemos, 'io.appium.android.apis', 17, 33, true, false, 1, 5068],
    ['settings', NPM_APKS.settings, 'io.appium.settings', 26, 35, true, false, 9, 5846],
    ['uia2server', NPM_APKS.uia2server, 'io.appium.uiautomator2.server', 26, 34, true, true, 16, 9575],
    ['uia2test', NPM_APKS.uia2test, 'io.appium.uiautomator2.server.test', 26, 34, true, true, 4, 215],
  ])('%s', (_n, path, pkg, min, target, debuggable, allowBackup, dexCount, classes) => {
    const app = load(path);
    expect([app.manifest.package, app.manifest.minSdk, app.manifest.targetSdk]).toEqual([pkg, min, target]);
    expect(app.manifest.application.debuggable).toBe(debuggable);
    expect(app.backup.allowBackup).toBe(allowBackup);
    expect(app.cleartext.permitted).toBe(false);
    expect(app.container.dexFiles.length).toBe(dexCount);
    expect(app.code.stats.classes).toBe(classes);
    expect(app.complete).toBe(true);
    expect(app.warnings).toEqual([]);
  });

  it('apidemos exports 336 components, all as Android computes them', () => {
    const app = load(NPM_APKS.apidemos);
    const exported = app.manifest.components.filter((c) => c.exported);
    expect(exported.length).toBe(336);
    expect(app.manifest.problems).toEqual([]);
    // Every implicit export has a filter; with targetSdk 33 the compiler forces explicit values.
    expect(exported.every((c) => c.how === 'explicit')).toBe(true);
  });
});

describe.skipIf(!existsSync(CORPUS_DIR))('../shared/corpus against expectations.json (skipped: ../shared/corpus not present)', () => {
  const exp = existsSync(CORPUS_DIR) ? JSON.parse(readFileSync(`${CORPUS_DIR}/expectations.json`, 'utf8')) : {};
  for (const name of ['diva-beta.apk', 'insecurebankv2.apk', 'goatdroid-qark.apk', 'uncrackable-l1.apk']) {
    it(`${name}: package, SDKs, debuggable, allowBackup, cleartext and exported components`, () => {
      const e = exp[name];
      const app = load(corpusApk(name));
      const m = app.manifest;
      expect({
        package: m.package, minSdk: m.minSdk, targetSdk: m.targetSdk, debuggable: m.application.debuggable,
        allowBackup: app.backup.allowBackup, cleartextPermitted: app.cleartext.permitted, networkSecurityConfig: app.nsc?.file ?? null,
      }).toEqual({
        package: e.package, minSdk: e.minSdk, targetSdk: e.targetSdk, debuggable: e.debuggable,
        allowBackup: e.allowBackup, cleartextPermitted: e.cleartextPermitted, networkSecurityConfig: e.networkSecurityConfig,
      });
      const qualify = (n: string) => (n.startsWith('.') ? e.package + n : n);
      const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
      expect(m.components.filter((c) => c.exported).map((c) => ({ kind: c.kind, name: c.name, how: c.how, permission: c.permission })).sort(byName)).toEqual(
        e.exportedComponents.list.map((c: { kind: string; name: string; how: string; permission: string | null }) => ({ ...c, name: qualify(c.name) })).sort(byName),
      );
      expect(app.container.dexFiles.length).toBe(e.container.dexCount);
      expect(app.complete).toBe(true);
    });
  }
});

describe('bundles and odd containers', () => {
  const apkBytes = (name: string) => new Uint8Array(readFileSync(fixtureApk(name)));

  it('an .apks bundle: the base is the APK without a split name', () => {
    const bundle = buildZip([
      { name: 'toc.pb', data: 'x' },
      { name: 'splits/base-master.apk', data: apkBytes('insecure-invoice'), method: 0 },
      { name: 'splits/feature-extra.apk', data: apkBytes('multidex-app'), method: 0 },
    ]);
    const app = loadApp(bundle, 'app.apks');
    expect(app.container.kind).toBe('apks');
    expect(app.manifest.package).toBe('com.example.insecureinvoice');
    expect(app.container.splits).toEqual([
      { name: 'splits/base-master.apk', split: null },
      { name: 'splits/feature-extra.apk', split: null },
    ]);
    // Code of every APK in the bundle is indexed.
    expect(app.container.dexFiles).toEqual(['classes.dex', 'app.apks!splits/feature-extra.apk!classes.dex', 'app.apks!splits/feature-extra.apk!classes2.dex', 'app.apks!splits/feature-extra.apk!classes3.dex']);
  });

  it('an APK with a nameless padding entry first and a duplicated dex name still loads, with a warning', () => {
    const z = ZipArchive.open(apkBytes('insecure-invoice'), 'x.apk');
    const entries = z.names().map((n) => ({ name: n, data: z.read(n) }));
    const odd = buildZip([{ name: '', data: new Uint8Array(3), method: 0 }, ...entries, { name: 'classes.dex', data: 'not a dex' }]);
    const app = loadApp(odd, 'odd.apk');
    expect(app.container.firstEntry).toBe('');
    expect(app.container.duplicateEntries).toEqual(['classes.dex']);
    expect(app.warnings.map((w) => w.code)).toEqual(['suspicious-structure']);
    expect(app.code.stats.classes).toBe(7);
  });

  it('a broken dex leaves a partial model marked incomplete, naming the file', () => {
    const z = ZipArchive.open(apkBytes('multidex-app'), 'x.apk');
    const entries = z.names().map((n) => ({ name: n, data: n === 'classes2.dex' ? z.read(n).subarray(0, 50) : z.read(n) }));
    const app = loadApp(buildZip(entries), 'broken.apk');
    expect(app.complete).toBe(false);
    expect(app.warnings.filter((w) => w.code === 'analysis-incomplete').map((w) => w.file)).toEqual(['classes2.dex']);
    expect(app.manifest.package).toBe('com.example.multidex');
    expect(app.code.callsTo('Landroid/content/SharedPreferences$Editor;->putString').length).toBe(1);
  });

  it('a missing manifest is fatal with a one-line reason', () => {
    expect(() => loadApp(buildZip([{ name: 'classes.dex', data: 'x' }]), 'nomanifest.apk')).toThrow(FormatError);
    expect(() => loadApp(buildZip([{ name: 'classes.dex', data: 'x' }]), 'nomanifest.apk')).toThrow('nomanifest.apk: AndroidManifest.xml: missing: this ZIP is not an APK (and holds no APKs)');
  });

  it('a manifest that is not binary XML is refused naming the file', () => {
    let err: unknown;
    try {
      loadApp(buildZip([{ name: 'AndroidManifest.xml', data: '<manifest package="x"/>' }]), 'text.apk');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FormatError);
    expect((err as FormatError).file).toBe('AndroidManifest.xml');
  });
});

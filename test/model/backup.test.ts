import { describe, expect, it } from 'vitest';
import { readBackup, isBackedUp } from '../../src/model/backup.js';
import type { Manifest } from '../../src/model/manifest.js';
import { ValueResolver } from '../../src/model/values.js';
import { el, doc, str, bool } from '../helpers/xml-tree.js';

const values = new ValueResolver(null);

function manifest(targetSdk: number, app: Partial<Manifest['application']>): Manifest {
  return {
    package: 'p', versionName: null, versionCode: null, minSdk: 21, targetSdk, maxSdk: null, compileSdk: null, split: null, sharedUserId: null,
    components: [], deepLinks: [], usesPermissions: [], permissions: [], problems: [],
    application: {
      name: null, label: null, debuggable: false, debuggableAttr: null, testOnly: false, allowBackupAttr: null, allowBackup: true,
      backupAgent: null, fullBackupOnly: false, fullBackupContent: null, dataExtractionRules: null, usesCleartextTrafficAttr: null,
      networkSecurityConfig: null, hasFragileUserData: null, requestLegacyExternalStorage: null, permission: null, line: 1, ...app,
    },
  };
}

const fullRules = doc(el('full-backup-content', {}, [el('exclude', { domain: str('sharedpref'), path: str('session.xml') }), el('exclude', { domain: str('database'), path: str('auth.db') })]));
const derRules = doc(
  el('data-extraction-rules', {}, [
    el('cloud-backup', { disableIfNoEncryptionCapabilities: bool(true) }, [el('exclude', { domain: str('sharedpref'), path: str('session.xml') })]),
    el('device-transfer', {}, [el('include', { domain: str('file'), path: str('invoices/') })]),
  ]),
);
const files: Record<string, ReturnType<typeof doc>> = { 'res/xml/backup_rules.xml': fullRules, 'res/xml/der.xml': derRules };
const load = (p: string) => files[p] ?? null;
const ref = (file: string) => ({ ref: '@xml/x', files: [file], literal: null, line: 3 });

describe('backup model', () => {
  it('allowBackup missing means every channel takes everything', () => {
    const b = readBackup(manifest(30, {}), values, load);
    expect(b.allowBackup).toBe(true);
    expect(b.legacy.cloud.reason).toBe('allowBackup is not set (defaults to true) and no backup rules filter it');
    expect(isBackedUp(b.legacy.cloud, 'sharedpref', 'session.xml')).toBe(true);
    expect(b.android12).toBe(b.legacy);
  });

  it('fullBackupContent excludes are applied, including database companions', () => {
    const b = readBackup(manifest(30, { fullBackupContent: ref('res/xml/backup_rules.xml') }), values, load);
    expect(b.fullBackupContent?.rules.map((r) => `${r.action} ${r.domain} ${r.path}`)).toEqual(['exclude sharedpref session.xml', 'exclude database auth.db']);
    expect(isBackedUp(b.legacy.cloud, 'sharedpref', 'session.xml')).toBe(false);
    expect(isBackedUp(b.legacy.cloud, 'sharedpref', 'settings.xml')).toBe(true);
    expect(isBackedUp(b.legacy.adb, 'database', 'auth.db-wal')).toBe(false);
  });

  it('fullBackupContent="false" turns backup off', () => {
    const b = readBackup(manifest(30, { fullBackupContent: { ref: null, files: [], literal: false, line: 2 } }), values, load);
    expect(b.fullBackupDisabled).toBe(true);
    expect(b.legacy.cloud.enabled).toBe(false);
  });

  it('Android 12+: dataExtractionRules govern cloud and device transfer; include rules restrict', () => {
    const b = readBackup(manifest(33, { dataExtractionRules: ref('res/xml/der.xml'), fullBackupContent: ref('res/xml/backup_rules.xml') }), values, load);
    expect(b.dataExtractionRules?.cloud?.requiresEncryption).toBe(true);
    expect(isBackedUp(b.android12.cloud, 'sharedpref', 'session.xml')).toBe(false);
    expect(isBackedUp(b.android12.deviceTransfer, 'sharedpref', 'session.xml')).toBe(false);
    expect(isBackedUp(b.android12.deviceTransfer, 'file', 'invoices/1.pdf')).toBe(true);
    // Android 11 and lower still read fullBackupContent.
    expect(isBackedUp(b.legacy.cloud, 'database', 'auth.db')).toBe(false);
    expect(b.android12.adb.enabled).toBe(false);
  });

  it('Android 12+: allowBackup="false" still lets device-to-device transfer take the data', () => {
    const b = readBackup(manifest(31, { allowBackup: false, allowBackupAttr: false }), values, load);
    expect(b.android12.cloud.enabled).toBe(false);
    expect(b.android12.deviceTransfer.enabled).toBe(true);
    expect(isBackedUp(b.android12.deviceTransfer, 'sharedpref', 'session.xml')).toBe(true);
    expect(b.legacy.deviceTransfer.enabled).toBe(false);
  });

  it('Android 12+: adb backup only for debuggable apps', () => {
    expect(readBackup(manifest(31, { debuggable: true }), values, load).android12.adb.enabled).toBe(true);
    expect(readBackup(manifest(31, {}), values, load).android12.adb.enabled).toBe(false);
  });

  it('a rules file that cannot be read is a problem, not a silent pass', () => {
    const b = readBackup(manifest(30, { fullBackupContent: ref('res/xml/missing.xml') }), values, load);
    expect(b.problems).toEqual(['android:fullBackupContent @xml/x could not be read']);
    expect(isBackedUp(b.legacy.cloud, 'sharedpref', 'session.xml')).toBe(true);
  });
});

/**
 * Backup behaviour: android:allowBackup, android:fullBackupContent rules (<full-backup-content>)
 * and android:dataExtractionRules (<data-extraction-rules> with <cloud-backup> and
 * <device-transfer>), read from the files resources.arsc names.
 *
 * Platform rules (developer.android.com/identity/data/autobackup and .../backup-leaks,
 * Android 12 behaviour changes):
 * - allowBackup missing means true; Auto Backup is on by default since API 23.
 * - android:fullBackupContent="false" turns Auto Backup off; a reference names include/exclude rules.
 * - Android 12+ (API 31) for apps targeting 31+: dataExtractionRules, when present, governs cloud
 *   backup and device-to-device transfer and fullBackupContent is ignored; allowBackup="false" still
 *   allows device-to-device transfer; adb backup excludes the app unless it is debuggable.
 * - Android 11 and lower (and apps targeting below 31): allowBackup and fullBackupContent govern
 *   cloud backup, device transfer and adb backup alike.
 * - With <include> rules only the included files are backed up; <exclude> always removes. Files in
 *   getNoBackupFilesDir(), code_cache and cache are never backed up.
 */
import type { AxmlDocument } from '../apk/axml.js';
import type { Manifest } from './manifest.js';
import type { ValueResolver } from './values.js';

export type BackupDomain = 'root' | 'file' | 'database' | 'sharedpref' | 'external' | 'device_root' | 'device_file' | 'device_database' | 'device_sharedpref';

export interface BackupRule {
  action: 'include' | 'exclude';
  domain: string;
  path: string;
  requireFlags: string | null;
  line: number;
}

export interface RuleSet {
  /** The res/ file the rules were read from. */
  file: string;
  rules: BackupRule[];
  /** cloud-backup disableIfNoEncryptionCapabilities (data extraction rules only). */
  requiresEncryption?: boolean;
}

export interface BackupChannel {
  /** Whether Android backs up the app's data through this channel at all. */
  enabled: boolean;
  /** The rules that filter it, or null when everything in the backup domains is taken. */
  rules: RuleSet | null;
  /** One sentence: why it is (not) enabled and which file decides. */
  reason: string;
}

export interface BackupModel {
  allowBackup: boolean;
  allowBackupAttr: boolean | null;
  fullBackupContent: RuleSet | null;
  /** fullBackupContent="false". */
  fullBackupDisabled: boolean;
  dataExtractionRules: { file: string; cloud: RuleSet | null; deviceTransfer: RuleSet | null } | null;
  backupAgent: string | null;
  /** Channels on an Android 12+ device (when targetSdk >= 31) and on Android 11 and lower. */
  android12: { cloud: BackupChannel; deviceTransfer: BackupChannel; adb: BackupChannel };
  legacy: { cloud: BackupChannel; deviceTransfer: BackupChannel; adb: BackupChannel };
  problems: string[];
}

function readRules(doc: AxmlDocument, file: string, values: ValueResolver, problems: string[]): { root: string | null; sets: Map<string, RuleSet> } {
  const sets = new Map<string, RuleSet>();
  const root = doc.root;
  if (!root) return { root: null, sets };
  const collect = (el: typeof root, key: string): void => {
    const set: RuleSet = { file, rules: [] };
    for (const c of el.children) {
      if (c.name !== 'include' && c.name !== 'exclude') continue;
      const get = (n: string): string | null => {
        const a = c.attributes.find((x) => x.name === n);
        return a ? values.string(a.value) : null;
      };
      const domain = get('domain');
      if (!domain) {
        problems.push(`${file}: <${c.name}> at line ${c.line} has no domain`);
        continue;
      }
      set.rules.push({ action: c.name, domain, path: get('path') ?? '.', requireFlags: get('requireFlags'), line: c.line });
    }
    if (key === 'cloud-backup') {
      const a = el.attributes.find((x) => x.name === 'disableIfNoEncryptionCapabilities');
      set.requiresEncryption = a ? values.bool(a.value) === true : false;
    }
    sets.set(key, set);
  };
  if (root.name === 'full-backup-content') collect(root, 'full');
  else if (root.name === 'data-extraction-rules') {
    for (const c of root.children) if (c.name === 'cloud-backup' || c.name === 'device-transfer') collect(c, c.name);
  } else problems.push(`${file}: unexpected root element <${root.name}>`);
  return { root: root.name, sets };
}

export function readBackup(
  manifest: Manifest,
  values: ValueResolver,
  loadXml: (resPath: string) => AxmlDocument | null,
): BackupModel {
  const app = manifest.application;
  const problems: string[] = [];
  let fullBackupContent: RuleSet | null = null;
  const fbc = app.fullBackupContent;
  const fullBackupDisabled = !!fbc && fbc.ref === null && fbc.literal === false;
  if (fbc?.ref) {
    const file = fbc.files[0];
    const doc = file ? loadXml(file) : null;
    if (!file || !doc) problems.push(`android:fullBackupContent ${fbc.ref} could not be read`);
    else fullBackupContent = readRules(doc, file, values, problems).sets.get('full') ?? null;
  }
  let dataExtractionRules: BackupModel['dataExtractionRules'] = null;
  const der = app.dataExtractionRules;
  if (der?.ref) {
    const file = der.files[0];
    const doc = file ? loadXml(file) : null;
    if (!file || !doc) problems.push(`android:dataExtractionRules ${der.ref} could not be read`);
    else {
      const { sets } = readRules(doc, file, values, problems);
      dataExtractionRules = { file, cloud: sets.get('cloud-backup') ?? null, deviceTransfer: sets.get('device-transfer') ?? null };
    }
  }

  const allow = app.allowBackup;
  const legacyRules = fullBackupDisabled ? null : fullBackupContent;
  const legacyEnabled = allow && !fullBackupDisabled;
  const legacyReason = !allow
    ? 'android:allowBackup="false"'
    : fullBackupDisabled
      ? 'android:fullBackupContent="false"'
      : fullBackupContent
        ? `allowed, filtered by ${fullBackupContent.file}`
        : app.allowBackupAttr === null
          ? 'allowBackup is not set (defaults to true) and no backup rules filter it'
          : 'android:allowBackup="true" and no backup rules filter it';
  const legacy = {
    cloud: { enabled: legacyEnabled, rules: legacyRules, reason: legacyReason },
    deviceTransfer: { enabled: legacyEnabled, rules: legacyRules, reason: legacyReason },
    adb: { enabled: legacyEnabled, rules: legacyRules, reason: legacyReason },
  };

  let android12 = legacy;
  if (manifest.targetSdk >= 31) {
    const cloudRules = dataExtractionRules ? dataExtractionRules.cloud : legacyRules;
    const d2dRules = dataExtractionRules ? dataExtractionRules.deviceTransfer : legacyRules;
    const src = dataExtractionRules ? dataExtractionRules.file : legacyRules?.file;
    android12 = {
      cloud: {
        enabled: legacyEnabled,
        rules: cloudRules,
        reason: legacyEnabled ? (cloudRules ? `allowed, filtered by ${src}` : legacyReason) : legacyReason,
      },
      deviceTransfer: {
        // allowBackup="false" does not stop device-to-device migration on Android 12+.
        enabled: true,
        rules: d2dRules,
        reason: d2dRules
          ? `device-to-device transfer filtered by ${src}`
          : allow
            ? 'device-to-device transfer takes all app data (no <device-transfer> rules)'
            : 'device-to-device transfer still runs on Android 12+ despite allowBackup="false" (no <device-transfer> rules)',
      },
      adb: {
        enabled: app.debuggable && legacyEnabled,
        rules: legacyRules,
        reason: app.debuggable ? 'adb backup works on Android 12+ because the app is debuggable' : 'adb backup excludes non-debuggable apps on Android 12+',
      },
    };
  }
  return {
    allowBackup: allow,
    allowBackupAttr: app.allowBackupAttr,
    fullBackupContent,
    fullBackupDisabled,
    dataExtractionRules,
    backupAgent: app.backupAgent,
    android12,
    legacy,
    problems,
  };
}

const DOMAIN_ALIASES: Record<string, string> = {
  device_root: 'root', device_file: 'file', device_database: 'database', device_sharedpref: 'sharedpref',
};

function pathMatches(rulePath: string, path: string): boolean {
  const rp = rulePath.replace(/^\.\/?/, '').replace(/\/$/, '');
  if (rp === '') return true;
  return path === rp || path.startsWith(`${rp}/`);
}

/**
 * Whether a file (e.g. domain "sharedpref", path "session.xml"; "database" "app.db") leaves the
 * device through a channel. Database rules also cover -journal/-wal/-shm companions, as Android's
 * FullBackup does for the database domain.
 */
export function isBackedUp(channel: BackupChannel, domain: string, path: string): boolean {
  if (!channel.enabled) return false;
  const rules = channel.rules?.rules ?? [];
  const same = (r: BackupRule): boolean => {
    const d = DOMAIN_ALIASES[r.domain] ?? r.domain;
    if (d !== domain) return false;
    if (pathMatches(r.path, path)) return true;
    return domain === 'database' && /-(journal|wal|shm)$/.test(path) && pathMatches(r.path, path.replace(/-(journal|wal|shm)$/, ''));
  };
  const includes = rules.filter((r) => r.action === 'include');
  if (includes.length > 0 && !includes.some(same)) return false;
  return !rules.some((r) => r.action === 'exclude' && same(r));
}

/**
 * app-backup: session data that leaves the device through backup or device-to-device transfer.
 *
 * Joins the backup model (src/model/backup.ts: allowBackup, fullBackupContent, dataExtractionRules
 * and the channels they govern on Android 12+ and on Android 11 and lower) with the stores the
 * storage model saw receive session data (prefs file "<name>.xml" in domain sharedpref, databases in
 * domain database, files in domain file/root). For each such store, `isBackedUp` says which channels
 * take it.
 *  - high: a session store goes out through cloud backup or adb backup;
 *  - medium: it goes out only through device-to-device transfer (needs the user's new device), or
 *    backup is on with no rules at all and no session store was found (everything the app keeps
 *    in its data directory is copied, including whatever the analysis could not see);
 *  - nothing when rules keep every session store out (or backup is off everywhere).
 * Android 12+ nuances (developer.android.com/about/versions/12/behavior-changes-12#backup-restore):
 * for apps targeting 31+, adb backup excludes the app unless it is debuggable, allowBackup="false"
 * does not stop device-to-device transfer, and dataExtractionRules replaces fullBackupContent; apps
 * with minSdk below 31 also run on Android 11 and lower, where allowBackup/fullBackupContent govern
 * every channel. The finding sits on the manifest's <application> element.
 */
import { defineRule } from '../src/rules/rule.js';
import type { Severity } from '../src/report/types.js';
import { isBackedUp, type BackupChannel } from '../src/model/backup.js';
import { capitalize, describeStore, storageModel, type SessionStore } from '../src/model/storage.js';

interface Channel {
  label: string;
  channel: BackupChannel;
  kind: 'cloud' | 'device-transfer' | 'adb';
}

export default defineRule({
  meta: {
    id: 'app-backup',
    title: 'Session data leaves the device in backups',
    severity: 'high',
    masvs: ['MASVS-STORAGE-2'],
    mastg: ['MASTG-TEST-0262'],
    cwe: ['CWE-530'],
    description:
      'Android backs up the app\'s private data (SharedPreferences, databases, files) to the user\'s cloud account, copies it to a new device during ' +
      'device-to-device transfer, and (for debuggable apps, or on Android 11 and lower) hands it to `adb backup`. When the stores that hold the session token ' +
      'or credentials are not excluded, the session is restored on another device or extracted from a backup file with a USB cable, and an app that logs in ' +
      'from a stored token resumes it there. android:allowBackup is true when absent.',
    remediation:
      'Exclude the files that hold session data from every channel: in res/xml/data_extraction_rules.xml (android:dataExtractionRules, Android 12+) add ' +
      '<exclude domain="sharedpref" path="session.xml"/> (or the database/file) under both <cloud-backup> and <device-transfer>, and the same excludes in ' +
      'the android:fullBackupContent rules for Android 11 and lower; or keep such files in getNoBackupFilesDir(); or set android:allowBackup="false" if the ' +
      'app has nothing worth restoring. Tokens restored on another device should fail anyway: bind them to a Keystore key that never leaves the device.',
    references: [
      'https://developer.android.com/identity/data/autobackup',
      'https://developer.android.com/privacy-and-security/risks/backup-leaks',
      'https://developer.android.com/about/versions/12/behavior-changes-12#backup-restore',
      'https://mas.owasp.org/MASTG/tests/android/MASVS-STORAGE/MASTG-TEST-0262/',
    ],
  },
  check(app, ctx) {
    const b = app.backup;
    const m = app.manifest;
    const line = m.application.line;
    const location = { file: 'AndroidManifest.xml', line, element: 'application' };
    const model = storageModel(app, { extraTokenPatterns: ctx.options.extraTokenPatterns });

    const channels: Channel[] = [];
    if (m.targetSdk >= 31) {
      channels.push(
        { label: 'cloud backup (Android 12+)', channel: b.android12.cloud, kind: 'cloud' },
        { label: 'device-to-device transfer (Android 12+)', channel: b.android12.deviceTransfer, kind: 'device-transfer' },
        { label: 'adb backup (Android 12+)', channel: b.android12.adb, kind: 'adb' },
      );
      if (m.minSdk < 31) {
        channels.push(
          { label: 'cloud backup (Android 11 and lower)', channel: b.legacy.cloud, kind: 'cloud' },
          { label: 'device-to-device transfer (Android 11 and lower)', channel: b.legacy.deviceTransfer, kind: 'device-transfer' },
          { label: 'adb backup (Android 11 and lower)', channel: b.legacy.adb, kind: 'adb' },
        );
      }
    } else {
      channels.push(
        { label: 'cloud backup', channel: b.legacy.cloud, kind: 'cloud' },
        { label: 'device-to-device transfer', channel: b.legacy.deviceTransfer, kind: 'device-transfer' },
        { label: 'adb backup', channel: b.legacy.adb, kind: 'adb' },
      );
    }
    if (!channels.some((c) => c.channel.enabled)) return;

    const notes: string[] = [];
    if (m.targetSdk >= 31) {
      if (!m.application.debuggable) notes.push('On Android 12+ adb backup leaves the app out (it is not debuggable).');
      if (!b.allowBackup) notes.push('android:allowBackup="false" does not stop device-to-device transfer on Android 12+.');
      if (b.fullBackupContent && !b.dataExtractionRules) notes.push(`Without android:dataExtractionRules, Android 12+ applies ${b.fullBackupContent.file} to cloud backup and device transfer.`);
      if (b.dataExtractionRules) notes.push(`On Android 12+ ${b.dataExtractionRules.file} (android:dataExtractionRules) decides; ${b.fullBackupContent ? b.fullBackupContent.file : 'fullBackupContent'} only matters on Android 11 and lower.`);
    }
    if (b.backupAgent) notes.push(`A custom BackupAgent (${b.backupAgent}) also decides what key/value backup sends.`);

    /** The channels that take a store, or null when the store's file is unknown and rules filter the channel (cannot tell). */
    const leaks = (s: SessionStore): Channel[] | null => {
      const st = s.store;
      if (st.area === 'cache' || st.area === 'no-backup' || st.area === 'external-public' || st.area === 'external-app' || st.area === 'system') return [];
      const out: Channel[] = [];
      for (const c of channels) {
        if (!c.channel.enabled) continue;
        if (st.backup) {
          if (isBackedUp(c.channel, st.backup.domain, st.backup.path)) out.push(c);
        } else if (c.channel.rules === null) out.push(c);
        else return null;
      }
      return out;
    };

    let reported = 0;
    for (const s of model.sessionStores) {
      const via = leaks(s);
      if (!via || via.length === 0) continue;
      const onlyTransfer = via.every((c) => c.kind === 'device-transfer');
      const severity: Severity = onlyTransfer ? 'medium' : 'high';
      const file = s.store.backup ? `${s.store.backup.domain}/${s.store.backup.path}` : 'file name unknown';
      const reasons = [...new Set(via.map((c) => c.channel.reason))];
      const first = s.writes[0]!;
      ctx.report({
        message:
          `${capitalize(describeStore(s.store))} holds session data (${s.keys.slice(0, 6).join(', ')}) and leaves the device through ${via.map((c) => c.label).join(', ')}: ` +
          `${reasons.join('; ')}.${notes.length ? ` ${notes.join(' ')}` : ''}`,
        location,
        evidence: `store ${file} written by ${first.at.class}->${first.at.method}${first.at.proto}; allowBackup=${b.allowBackup}${b.allowBackupAttr === null ? ' (not set)' : ''}; ` +
          `fullBackupContent=${b.fullBackupDisabled ? 'false' : (b.fullBackupContent?.file ?? 'none')}; dataExtractionRules=${b.dataExtractionRules?.file ?? 'none'}; targetSdk=${m.targetSdk}`,
        severity,
        confidence: s.store.backup ? 'high' : 'medium',
        fingerprint: ['session-store', s.store.id],
      });
      reported++;
    }
    if (reported > 0) return;

    const noRules = !b.fullBackupContent && !b.dataExtractionRules && !b.fullBackupDisabled;
    if (!noRules || !b.allowBackup) return;
    const on = channels.filter((c) => c.channel.enabled);
    ctx.report({
      message:
        `Backup is on with no rules (android:allowBackup ${b.allowBackupAttr === null ? 'is not set, which means true' : '="true"'}, neither fullBackupContent nor dataExtractionRules): ` +
        `${on.map((c) => c.label).join(', ')} copy everything the app keeps in its data directory. No session data was found in a store that backup copies, but ` +
        `whatever the app stores there (tokens written by code the analysis could not follow, WebView cookies in app_webview) goes with it.${notes.length ? ` ${notes.join(' ')}` : ''}`,
      location,
      evidence: `allowBackup=${b.allowBackup}${b.allowBackupAttr === null ? ' (not set)' : ''}; fullBackupContent=none; dataExtractionRules=none; targetSdk=${m.targetSdk}`,
      severity: 'medium',
      confidence: 'medium',
      fingerprint: ['backup-without-rules'],
    });
  },
});

/**
 * What the dynamic stage needs to know about the APK, taken from the static model (the same
 * reader the `scan` command uses): package, debuggable, backup, the launcher and the exported
 * activities (direct-launch probe), and the storage paths the code names (what pullFile mode can
 * try, since it cannot list the data directory).
 */
import { resolve } from 'node:path';
import type { AppModel } from '../src/model/app.js';

export interface AppInfo {
  package: string;
  /** Absolute path of the APK on this host (Appium's installApp reads it from the server host). */
  apkPath: string;
  debuggable: boolean;
  allowBackup: boolean;
  /** Launcher activity, fully qualified, or null. */
  launcher: string | null;
  /** Exported, enabled activities other than the launcher: candidates for a direct launch. */
  exportedActivities: string[];
  /** Relative data-directory paths the code names (shared_prefs/x.xml, databases/y). */
  candidates: string[];
}

function stringArg(args: { kind: string; value?: unknown }[], i: number): string | null {
  const a = args[i];
  return a && a.kind === 'string' && typeof a.value === 'string' ? a.value : null;
}

export function appInfo(app: AppModel, apkPath: string): AppInfo {
  const m = app.manifest;
  const activities = m.components.filter((c) => (c.kind === 'activity' || c.kind === 'activity-alias') && c.enabled);
  const launcher = activities.find((c) => c.launcher) ?? null;
  const launcherTarget = launcher ? (launcher.kind === 'activity-alias' ? launcher.targetActivity : launcher.name) : null;
  const exported = activities
    .filter((c) => c.exported && c !== launcher && c.name !== launcherTarget && !c.permission)
    .map((c) => (c.kind === 'activity-alias' ? c.name : c.name));
  const candidates = new Set<string>([`shared_prefs/${m.package}_preferences.xml`]);
  try {
    for (const s of app.code.callsTo('*->getSharedPreferences')) {
      const name = stringArg(s.args, 1);
      if (name && /^[\w.-]{1,100}$/.test(name)) candidates.add(`shared_prefs/${name}.xml`);
    }
    for (const ref of ['*->openOrCreateDatabase', 'Landroid/database/sqlite/SQLiteDatabase;->openOrCreateDatabase']) {
      for (const s of app.code.callsTo(ref)) {
        const name = stringArg(s.args, 1) ?? stringArg(s.args, 0);
        if (name && /^[\w.-]{1,100}$/.test(name)) for (const suf of ['', '-wal', '-shm', '-journal']) candidates.add(`databases/${name}${suf}`);
      }
    }
    for (const s of app.code.callsTo('Landroid/database/sqlite/SQLiteOpenHelper;-><init>', { subtypes: true })) {
      const name = stringArg(s.args, 2);
      if (name && /^[\w.-]{1,100}$/.test(name)) for (const suf of ['', '-wal', '-shm', '-journal']) candidates.add(`databases/${name}${suf}`);
    }
  } catch {
    // The code index is best effort here: pullFile mode is already marked incomplete.
  }
  return {
    package: m.package,
    apkPath: resolve(apkPath),
    debuggable: m.application.debuggable,
    allowBackup: m.application.allowBackup,
    launcher: launcherTarget,
    exportedActivities: [...new Set(exported)].slice(0, 10),
    candidates: [...candidates],
  };
}

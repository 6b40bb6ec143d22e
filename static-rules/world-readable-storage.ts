/**
 * world-readable-storage: app data created readable or writable by every app.
 *  - Context.getSharedPreferences / openFileOutput / openOrCreateDatabase / getDir and
 *    Activity.getPreferences called with MODE_WORLD_READABLE (1), MODE_WORLD_WRITEABLE (2) or both (3),
 *    possibly with MODE_APPEND (0x8000) added;
 *  - File.setReadable(true, false) / File.setWritable(true, false) (ownerOnly = false).
 *
 * Platform facts: MODE_WORLD_READABLE/WRITEABLE are deprecated since API 17; ContextImpl.checkMode
 * throws SecurityException for them when the app targets API 24 (Android 7.0) or higher, so such an
 * app only exposes the data on devices below Android 7 (and crashes on newer ones): severity one step
 * lower. setReadable(true, false) sets the file's mode bits directly, whatever the targetSdk; whether
 * others can reach the file also depends on the directories above it (app data directories are
 * private since Android 9 for apps targeting 28+), which the message says.
 * High when the store holds session data (per the storage model), medium otherwise.
 */
import { defineRule, lower } from '../src/rules/rule.js';
import type { Severity } from '../src/report/types.js';
import { describeStore, methodLabel, modeName, storageModel, type Store } from '../src/model/storage.js';

/** The name argument as the code passed it (getDir("x") creates app_x). */
function shown(api: string, s: Store): string {
  if (s.name === null) return '?';
  return JSON.stringify(api === 'Context.getDir' ? s.name.replace(/^app_/, '') : s.name);
}

export default defineRule({
  meta: {
    id: 'world-readable-storage',
    title: 'App data readable or writable by other apps',
    severity: 'high',
    masvs: ['MASVS-STORAGE-2'],
    mastg: [],
    cwe: ['CWE-276', 'CWE-732'],
    description:
      'The app creates SharedPreferences, files, databases or directories with MODE_WORLD_READABLE / MODE_WORLD_WRITEABLE, or makes a file readable or ' +
      'writable by everyone with File.setReadable(true, false) / setWritable(true, false). Any other app on the device can then read (or replace) the data: ' +
      'stored session tokens and credentials leak, and world-writable preferences let another app change the app\'s settings or plant a session. ' +
      'Android 7.0 and later throw SecurityException for MODE_WORLD_* when the app targets API 24 or higher, so there the call crashes instead; older ' +
      'devices still expose the data.',
    remediation:
      'Open every store with MODE_PRIVATE (0) and never call setReadable/setWritable with ownerOnly = false. To share data with another app, use a ' +
      'ContentProvider or FileProvider protected by a signature permission, or grant temporary URI permissions.',
    references: [
      'https://developer.android.com/reference/android/content/Context#MODE_WORLD_READABLE',
      'https://developer.android.com/about/versions/nougat/android-7.0-changes#permfilesys',
    ],
  },
  check(app, ctx) {
    const model = storageModel(app, { extraTokenPatterns: ctx.options.extraTokenPatterns });
    const sessionIds = new Map(model.sessionStores.map((s) => [s.store.id, s] as const));
    const target = app.manifest.targetSdk;
    const sessionOf = (s: Store | null) => (s && s.name !== null ? sessionIds.get(s.id) : undefined);

    for (const o of model.opens) {
      const world = o.mode & 3;
      if (world === 0) continue;
      const held = sessionOf(o.store);
      let severity: Severity = held ? 'high' : 'medium';
      const what = world === 3 ? 'readable and writable by every app' : world === 1 ? 'readable by every app' : 'writable by every app';
      let platform: string;
      if (target >= 24) {
        severity = lower(severity);
        platform =
          `The app targets API ${target}: Android 7.0 and later throw SecurityException for this mode (the call crashes there)` +
          (app.manifest.minSdk < 24 ? `, but on Android 6.0 and lower (minSdk ${app.manifest.minSdk}) the data is exposed.` : '.');
      } else {
        platform = `The app targets API ${target} (below 24), so Android honours the mode on every version.`;
      }
      ctx.report({
        message:
          `${methodLabel(o.at)} opens ${describeStore(o.store)} with ${modeName(o.mode)}: it is ${what}` +
          `${held ? `, and it holds session data (${held.keys.slice(0, 5).join(', ')})` : ''}. ${platform}`,
        location: { class: o.at.class, method: o.at.method },
        evidence: `${o.at.class}->${o.at.method}${o.at.proto}; ${o.api}(${shown(o.api, o.store)}, ${o.mode} = ${modeName(o.mode)})`,
        severity,
        confidence: o.store.name !== null ? 'high' : 'medium',
        fingerprint: [o.api, o.store.kind, o.store.name ?? '?', o.at.class, o.at.method],
      });
    }

    for (const p of model.permissions) {
      if (!p.world || p.api === 'File.setExecutable') continue;
      const held = sessionOf(p.store);
      const what = p.api === 'File.setReadable' ? 'readable' : 'writable';
      ctx.report({
        message:
          `${methodLabel(p.at)} makes ${p.store ? describeStore(p.store) : 'a file'} ${what} by every app (${p.api.replace('File.', '')}(true, false))` +
          `${held ? `, and it holds session data` : ''}. The file's own permission bits allow it on every Android version; whether another app can reach it ` +
          `also depends on the directories above it (app data directories are private for apps targeting API 28+).`,
        location: { class: p.at.class, method: p.at.method },
        evidence: `${p.at.class}->${p.at.method}${p.at.proto}; ${p.api}(true, false)${p.store ? ` on ${describeStore(p.store)}` : ''}`,
        severity: held ? 'high' : 'medium',
        confidence: 'medium',
        fingerprint: [p.api, p.store?.name ?? '?', p.at.class, p.at.method],
      });
    }
  },
});

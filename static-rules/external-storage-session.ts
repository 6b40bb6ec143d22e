/**
 * external-storage-session: session data written to external storage, from the storage model's
 * file writes whose directory is shared external storage (Environment.getExternalStorageDirectory,
 * getExternalStoragePublicDirectory, a /sdcard or /storage path) or app-specific external storage
 * (getExternalFilesDir, getExternalCacheDir).
 *
 * Platform facts (developer.android.com/training/data-storage): shared external storage is readable
 * by any app holding READ_EXTERNAL_STORAGE (and by every app on Android 4.3 and lower, and by
 * anyone with the SD card); app-specific external directories need no permission for the app itself
 * but other apps with the storage permission could read them before scoped storage (Android 10 for
 * apps targeting 29+, enforced for all from Android 11), and they are on the removable card. Both
 * stay readable over USB/adb (`adb pull /sdcard/...`) without root. Hence high for shared storage,
 * medium for app-specific external storage.
 */
import { defineRule } from '../src/rules/rule.js';
import { describeOrigin, describeStore, evidenceRedactor, methodLabel, sessionNoun, storageModel } from '../src/model/storage.js';

export default defineRule({
  meta: {
    id: 'external-storage-session',
    title: 'Session data written to external storage',
    severity: 'high',
    masvs: ['MASVS-STORAGE-2'],
    mastg: ['MASTG-TEST-0200', 'MASTG-TEST-0202'],
    cwe: ['CWE-922'],
    description:
      'The app writes a session token, password or other credential to a file on external storage. Files on shared external storage (/sdcard) can be read ' +
      'by any app holding the storage permission (by every app on old Android versions), over USB or adb without root, and from a removed SD card; ' +
      'app-specific external directories (getExternalFilesDir) were readable by other apps with the storage permission until scoped storage ' +
      '(Android 10/11) and are still reachable over USB. Whoever reads the file can replay the session or log in as the user.',
    remediation:
      'Keep session data in internal storage (Context.getFilesDir(), SharedPreferences) and encrypt it with an Android Keystore key or Tink; never write ' +
      'credentials to getExternalStorageDirectory()/getExternalStoragePublicDirectory() or getExternalFilesDir(). If a file must be shared, share it ' +
      'through a FileProvider with a temporary grant instead of placing it on external storage.',
    references: [
      'https://developer.android.com/training/data-storage',
      'https://mas.owasp.org/MASTG/tests/android/MASVS-STORAGE/MASTG-TEST-0202/',
    ],
  },
  check(app, ctx) {
    const model = storageModel(app, { extraTokenPatterns: ctx.options.extraTokenPatterns });
    for (const w of model.writes) {
      if (w.store.kind !== 'file' || !w.session) continue;
      const area = w.store.area;
      if (area !== 'external-public' && area !== 'external-app') continue;
      if (w.protection.effective) continue;
      const shared = area === 'external-public';
      const noun = sessionNoun(w.session.kind);
      const who = shared
        ? 'any app with the storage permission (every app on Android 4.3 and lower), anyone with adb or USB access, and anyone holding the SD card can read it'
        : 'other apps with the storage permission could read it before scoped storage (Android 10/11), and it stays reachable over USB/adb and on a removed SD card';
      ctx.report({
        message: `${methodLabel(w.at)} writes a ${noun} to ${describeStore(w.store)}${w.protection.kind === 'none' ? ' in plaintext' : ` (${w.protection.detail})`}: ${who}.`,
        location: { class: w.at.class, method: w.at.method },
        evidence: [
          `${w.at.class}->${w.at.method}${w.at.proto}`,
          `${w.api} to ${describeStore(w.store)}`,
          `content: ${describeOrigin(w.value, evidenceRedactor(ctx.secret))}`,
          `recognised by ${w.session.by === 'key' ? 'the file name' : w.session.by === 'value' ? "the content's shape" : "the content's origin"} ("${w.session.word}")`,
        ].join('; '),
        severity: shared ? 'high' : 'medium',
        confidence: w.session.strength === 'high' ? 'high' : 'medium',
        fingerprint: [area, w.store.name ?? '?', w.at.class, w.at.method],
      });
    }
  },
});

/**
 * debuggable: android:debuggable="true" on <application> (MASTG-TEST-0226 fails only on the explicit
 * value; the default is false and build tools set it for debug builds only). The message chains what
 * the flag turns on for someone holding the device or an adb connection: run-as into the sandbox,
 * adb backup of the app's data on Android 12+ (where it is otherwise limited to debuggable apps),
 * the network security config's <debug-overrides>, and a JDWP debugger.
 */
import { defineRule } from '../src/rules/rule.js';

export default defineRule({
  meta: {
    id: 'debuggable',
    title: 'App is debuggable',
    severity: 'high',
    masvs: ['MASVS-RESILIENCE-4', 'MASVS-STORAGE-2'],
    mastg: ['MASTG-TEST-0226'],
    cwe: ['CWE-489'],
    description:
      'android:debuggable="true" marks a debug build. On any device, anyone with an adb connection can run commands as the app (run-as) and read its private ' +
      'files, including SharedPreferences and databases holding session tokens; adb backup copies its data even on Android 12+; a debugger can attach and read ' +
      'tokens from memory; and the network security config\'s <debug-overrides> (typically trusting user-installed CAs) takes effect.',
    remediation:
      'Do not set android:debuggable in the manifest: let the build system set it for debug builds only (buildTypes.release { debuggable false }, the default), ' +
      'and check release artifacts (aapt dump badging shows application-debuggable) before publishing.',
    references: ['https://developer.android.com/privacy-and-security/risks/android-debuggable', 'https://mas.owasp.org/MASTG/tests/android/MASVS-RESILIENCE/MASTG-TEST-0226/'],
  },
  check(app, ctx) {
    const a = app.manifest.application;
    if (a.debuggableAttr !== true) return;
    const pkg = app.manifest.package;
    const impact: string[] = [
      `\`adb shell run-as ${pkg}\` gives anyone with adb access a shell as the app, which reads its sandbox (shared_prefs, databases, files: stored session tokens and credentials)`,
    ];
    impact.push(
      a.allowBackup
        ? '`adb backup` copies the app\'s data, on Android 12 and later too (where adb backup is otherwise limited to debuggable apps)'
        : '(adb backup stays off, but only because android:allowBackup="false")',
    );
    const dbg = app.nsc?.debugOverrides;
    if (dbg && app.nsc) {
      const srcs = [...new Set(dbg.trustAnchors.map((t) => t.src))];
      impact.push(
        `the network security config's <debug-overrides> (${app.nsc.file} line ${dbg.line}) is active${srcs.length ? `: every connection also trusts ${srcs.join(', ')} certificates${dbg.trustAnchors.some((t) => t.overridePins) ? ', which override certificate pins' : ''}` : ''}`,
      );
    }
    impact.push('a debugger (JDWP) can attach to the running app, read tokens from memory and change its behaviour');
    ctx.report({
      message: `android:debuggable="true" is set on <application> (line ${a.line}): this is a debug build. Consequences: ${impact.join('; ')}.`,
      location: { file: 'AndroidManifest.xml', line: a.line, element: 'application' },
      evidence: 'android:debuggable="true"',
      fingerprint: ['android:debuggable'],
    });
  },
});

/**
 * test-only: android:testOnly="true" on <application>. Android installs such an APK only with
 * `adb install -t` (PackageManager INSTALL_ALLOW_TEST) and Google Play refuses it: it is a test
 * build (Android Studio sets the flag when it deploys from the IDE) that should not reach users,
 * and it usually carries the debug settings and test hooks that go with one.
 */
import { defineRule } from '../src/rules/rule.js';

export default defineRule({
  meta: {
    id: 'test-only',
    title: 'Test-only build',
    severity: 'medium',
    masvs: ['MASVS-RESILIENCE-4'],
    mastg: [],
    cwe: ['CWE-489'],
    description:
      'android:testOnly="true" marks a build meant for testing: it installs only with adb install -t and Google Play rejects it. A test build distributed ' +
      'another way (side-loaded, an enterprise store, a leaked CI artifact) usually carries debug settings, test endpoints and hooks that weaken session handling.',
    remediation: 'Build release artifacts with the release build type (Gradle does not set testOnly there) and never ship an APK that Android Studio deployed from the IDE.',
    references: ['https://developer.android.com/guide/topics/manifest/application-element#testOnly'],
  },
  check(app, ctx) {
    const a = app.manifest.application;
    if (!a.testOnly) return;
    ctx.report({
      message:
        `android:testOnly="true" is set on <application> (line ${a.line}): this is a test build, installable only with \`adb install -t\` and refused by Google Play.` +
        (a.debuggable ? ' It is also debuggable (see the debuggable finding).' : '') +
        ' It should not be distributed to users.',
      location: { file: 'AndroidManifest.xml', line: a.line, element: 'application' },
      evidence: 'android:testOnly="true"',
      fingerprint: ['android:testOnly'],
    });
  },
});

/** Where the real APKs the tests use live. */
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(here, '../..');
const nm = (p: string): string => join(ROOT, 'node_modules', p);

export const NPM_APKS = {
  apidemos: nm('android-apidemos/apks/ApiDemos-debug.apk'),
  settings: nm('io.appium.settings/apks/settings_apk-debug.apk'),
  uia2server: nm('appium-uiautomator2-server/apks/appium-uiautomator2-server-v10.6.6.apk'),
  uia2test: nm('appium-uiautomator2-server/apks/appium-uiautomator2-server-debug-androidTest.apk'),
} as const;

/** ../shared/corpus beside the repository (absent on a user's fresh clone). */
export const CORPUS_DIR = resolve(ROOT, '../shared/corpus');
export const corpusApk = (name: string): string => join(CORPUS_DIR, name);

export const FIXTURE_APKS = join(ROOT, 'test/fixtures/apks');
export const fixtureApk = (name: string): string => join(FIXTURE_APKS, `${name}.apk`);

/**
 * Focused code cases for the storage rules (test/fixtures/rule-src/<name>.dex, assembled from smali
 * by its build.sh): the case's dex in place of insecure-invoice's code. A case folder that carries
 * its own resources.arsc (e.g. keys read through R.string) replaces multidex-app's code and
 * resources instead. Models are cached per test file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppModel } from '../../src/model/app.js';
import { variant, withDex } from './synth-app.js';
import { ROOT, fixtureApk } from './apks.js';

export const RULE_CASES = join(ROOT, 'test/fixtures/rule-src');
const cache = new Map<string, AppModel>();

export function caseApp(name: string, label = `${name}.apk`): AppModel {
  let app = cache.get(name);
  if (!app) {
    const dex = new Uint8Array(readFileSync(join(RULE_CASES, `${name}.dex`)));
    const arsc = join(RULE_CASES, name, 'resources.arsc');
    app = existsSync(arsc)
      ? variant(fixtureApk('multidex-app'), { 'classes.dex': dex, 'classes2.dex': null, 'classes3.dex': null, 'resources.arsc': new Uint8Array(readFileSync(arsc)) }, label)
      : withDex(fixtureApk('insecure-invoice'), [dex], label);
    cache.set(name, app);
  }
  return app;
}

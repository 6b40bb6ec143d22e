/** Runs one rule (or all) over an APK and returns its findings, for rule tests. */
import { readFileSync } from 'node:fs';
import { loadApp, type AppModel } from '../../src/model/app.js';
import { runRules, DEFAULT_RULE_OPTIONS, type Rule, type RuleOptions } from '../../src/rules/rule.js';
import type { Finding } from '../../src/report/types.js';

const cache = new Map<string, AppModel>();

/** Loads (once per test file) the model of an APK. */
export function appOf(path: string): AppModel {
  let app = cache.get(path);
  if (!app) {
    app = loadApp(new Uint8Array(readFileSync(path)), path);
    cache.set(path, app);
  }
  return app;
}

export function findings(rule: Rule, pathOrApp: string | AppModel, options: Partial<RuleOptions> = {}): Finding[] {
  const app = typeof pathOrApp === 'string' ? appOf(pathOrApp) : pathOrApp;
  return runRules(app, [rule], { ...DEFAULT_RULE_OPTIONS, ...options });
}

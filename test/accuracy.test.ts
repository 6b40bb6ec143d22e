/**
 * Accuracy of the whole static stage (every rule, through scanBytes) against ground truth:
 * ../shared/corpus/expectations.json for four intentionally vulnerable apps, and the benign APKs
 * that npm packages ship, which must raise no plaintext-session-storage or cleartext-traffic.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { scanBytes } from '../src/scan.js';
import { CORPUS_DIR, NPM_APKS, corpusApk } from './helpers/apks.js';

const rulesFired = (path: string): Set<string> =>
  new Set(scanBytes(new Uint8Array(readFileSync(path)), path).result.findings.map((f) => f.ruleId));

describe.skipIf(!existsSync(CORPUS_DIR))('corpus ground truth (skipped: ../shared/corpus not present)', () => {
  const exp = existsSync(CORPUS_DIR) ? JSON.parse(readFileSync(`${CORPUS_DIR}/expectations.json`, 'utf8')) : {};
  for (const name of ['diva-beta.apk', 'insecurebankv2.apk', 'goatdroid-qark.apk', 'uncrackable-l1.apk']) {
    it(`${name}: plaintext-session-storage, cleartext-traffic, debuggable and app-backup exactly as expected`, () => {
      const e = exp[name];
      const fired = rulesFired(corpusApk(name));
      expect({
        'plaintext-session-storage': fired.has('plaintext-session-storage'),
        'cleartext-traffic': fired.has('cleartext-traffic'),
        debuggable: fired.has('debuggable'),
        'app-backup': fired.has('app-backup'),
      }).toEqual({
        'plaintext-session-storage': e.plaintextCredentialStorage === true,
        'cleartext-traffic': e.cleartextPermitted,
        debuggable: e.debuggable,
        'app-backup': e.allowBackup,
      });
    });
  }
});

describe('benign APKs shipped in npm packages', () => {
  for (const [name, path] of Object.entries(NPM_APKS)) {
    it(`${name}: no plaintext-session-storage and no cleartext-traffic`, () => {
      const fired = rulesFired(path);
      expect(fired.has('plaintext-session-storage')).toBe(false);
      expect(fired.has('cleartext-traffic')).toBe(false);
    });
  }
});

/**
 * Seeded fuzzing in the suite: mutated fixture bytes (container, manifest, resources.arsc, res/xml,
 * dex) must each end in a model or a FormatError, never another exception or a hang (the test's
 * timeout is the hang guard). `npm run fuzz -- 100000 7` runs a longer campaign.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runFuzz } from './fuzz/fuzz-lib.js';
import { FIXTURE_APKS, NPM_APKS } from './helpers/apks.js';

const apks = [
  ...readdirSync(FIXTURE_APKS)
    .filter((n) => n.endsWith('.apk'))
    .map((n) => ({ name: n, bytes: new Uint8Array(readFileSync(join(FIXTURE_APKS, n))) })),
  { name: 'uia2test.apk', bytes: new Uint8Array(readFileSync(NPM_APKS.uia2test)) },
];

describe('fuzz: mutated real APKs', () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: 1500 cases, no unexpected exception`, () => {
      const stats = runFuzz(apks, seed, 1500);
      expect(stats.crashes).toEqual([]);
      expect(stats.cases).toBe(1500);
      // Both outcomes occur, so the mutations reach past the first check of each parser.
      expect(stats.loaded).toBeGreaterThan(300);
      expect(stats.refused).toBeGreaterThan(50);
    }, 120_000);
  }
});

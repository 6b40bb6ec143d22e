/**
 * The long fuzz run: `npm run fuzz -- [cases] [seed]` (defaults 100000 cases, seed 1).
 * Prints each crash with the seed and case index that reproduce it; exits 1 when there is any.
 */
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runFuzz } from './fuzz-lib.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const cases = Number(process.argv[2] ?? 100_000);
const seed = Number(process.argv[3] ?? 1);
const dir = join(root, 'test/fixtures/apks');
const apks = readdirSync(dir)
  .filter((n) => n.endsWith('.apk'))
  .map((n) => ({ name: n, bytes: new Uint8Array(readFileSync(join(dir, n))) }));
const uia2test = join(root, 'node_modules/appium-uiautomator2-server/apks/appium-uiautomator2-server-debug-androidTest.apk');
if (existsSync(uia2test)) apks.push({ name: 'uia2test.apk', bytes: new Uint8Array(readFileSync(uia2test)) });
const t0 = performance.now();
const batch = 1000;
let crashes = 0;
for (let done = 0; done < cases; done += batch) {
  const s = runFuzz(apks, seed * 1_000_003 + done, Math.min(batch, cases - done));
  for (const c of s.crashes) console.log(`CRASH seed=${c.seed} case=${c.caseIndex} ${c.target} ${c.part}: ${c.error}`);
  crashes += s.crashes.length;
  if ((done / batch) % 10 === 0) console.log(`${done + s.cases} cases, ${crashes} crashes, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
console.log(`done: ${cases} cases over ${apks.length} APKs, ${crashes} crashes, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
process.exitCode = crashes ? 1 : 0;

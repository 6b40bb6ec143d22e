/**
 * `npm run build && node dist/bench/dex-bench.js [--runs N] [--synthetic] [--only name,name]`
 *
 * Parse + index time of every dex of each APK, each run in a fresh Node process (the cost that
 * matters is a cold one: one scan per process), with the median over the runs and the peak RSS.
 * Reported per APK:
 *   unzip   inflating the classes*.dex entries (adm-zip; not part of the dex reader)
 *   parse   parseDex on every dex
 *   index   buildCodeIndex (every method walked, call sites with constant arguments)
 *   query   first callsTo() of a common API (builds the lazy target map)
 *   rss     peak of process.memoryUsage().rss sampled after each phase, and the process maxRSS
 * `--synthetic` adds the 100,000-class, 10-dex app of bench/synthetic.ts (built once with smali
 * into .bench-cache/; skipped when smali/aapt are missing) to show that cost grows linearly.
 */
import AdmZip from 'adm-zip';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDex } from '../src/apk/dex.js';
import { buildCodeIndex } from '../src/model/code-index.js';

const here = dirname(fileURLToPath(import.meta.url));
// Runs from dist/bench/ (compiled) or bench/ (ts runners).
const root = existsSync(join(here, '../package.json')) ? resolve(here, '..') : resolve(here, '../..');

interface Sample {
  unzipMs: number;
  parseMs: number;
  indexMs: number;
  queryMs: number;
  rssPeakMb: number;
  maxRssMb: number;
  dexFiles: number;
  dexMb: number;
  classes: number;
  callSites: number;
  instructions: number;
}

/** One measured run (child process): prints a Sample as JSON. */
function one(apk: string): void {
  let rssPeak = process.memoryUsage().rss;
  const sample = (): void => {
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  };
  const t0 = performance.now();
  const zip = new AdmZip(readFileSync(apk));
  const entries = zip
    .getEntries()
    .map((e) => e.entryName)
    .filter((n) => /^classes\d*\.dex$/.test(n));
  const bufs = entries.map((n) => [n, new Uint8Array(zip.getEntry(n)!.getData())] as const);
  const t1 = performance.now();
  sample();
  const dexes = bufs.map(([n, b]) => parseDex(b, n));
  const t2 = performance.now();
  sample();
  const index = buildCodeIndex(dexes);
  const t3 = performance.now();
  sample();
  index.callsTo('Landroid/content/SharedPreferences$Editor;->putString');
  const t4 = performance.now();
  sample();
  const out: Sample = {
    unzipMs: t1 - t0,
    parseMs: t2 - t1,
    indexMs: t3 - t2,
    queryMs: t4 - t3,
    rssPeakMb: rssPeak / 2 ** 20,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    dexFiles: dexes.length,
    dexMb: bufs.reduce((a, [, b]) => a + b.length, 0) / 2 ** 20,
    classes: index.stats.classes,
    callSites: index.stats.callSites,
    instructions: index.stats.instructions,
  };
  console.log(JSON.stringify(out));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function main(): void {
  const args = process.argv.slice(2);
  if (args[0] === '--one' && args[1]) {
    one(args[1]);
    return;
  }
  const opt = (name: string): string | undefined => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const runs = Number(opt('runs') ?? '5');
  const only = (opt('only') ?? '').split(',').filter(Boolean);
  const nm = (p: string): string => join(root, 'node_modules', p);
  const apks = [
    nm('appium-uiautomator2-server/apks/appium-uiautomator2-server-v10.6.6.apk'),
    nm('appium-uiautomator2-server/apks/appium-uiautomator2-server-debug-androidTest.apk'),
    nm('io.appium.settings/apks/settings_apk-debug.apk'),
    nm('android-apidemos/apks/ApiDemos-debug.apk'),
  ];
  const corpus = resolve(root, '../shared/corpus');
  for (const f of ['insecurebankv2.apk', 'diva-beta.apk', 'goatdroid-qark.apk', 'uncrackable-l1.apk']) {
    if (existsSync(join(corpus, f))) apks.push(join(corpus, f));
  }
  if (args.includes('--synthetic')) {
    const cache = join(root, '.bench-cache');
    mkdirSync(cache, { recursive: true });
    const path = join(cache, 'synthetic-100000.apk');
    if (existsSync(path)) apks.push(path);
    else {
      // Built by the scan benchmark's generator (smali + aapt), cached for later runs.
      const gen = join(here, 'synthetic.js');
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', `import(${JSON.stringify(gen)}).then(m => console.log(m.buildSynthetic(${JSON.stringify(cache)}, 100000, 10)))`], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
      if (existsSync(path)) apks.push(path);
      else console.log(`synthetic app not available: ${r.stdout.trim()}`);
    }
  }
  const self = fileURLToPath(import.meta.url);
  console.log(`parse + index, fresh process per run, median of ${runs} (node ${process.version})`);
  const cols = ['apk', 'dex', 'MB', 'classes', 'call sites', 'unzip ms', 'parse ms', 'index ms', 'parse+index ms', 'query ms', 'rss peak MB', 'maxRSS MB'];
  console.log(cols.join('\t'));
  for (const apk of apks) {
    if (only.length && !only.some((o) => basename(apk).includes(o))) continue;
    const samples: Sample[] = [];
    for (let i = 0; i < runs; i++) {
      const r = spawnSync(process.execPath, [self, '--one', apk], { encoding: 'utf8', maxBuffer: 1 << 20 });
      if (r.status !== 0) {
        console.log(`${basename(apk)}: run failed\n${r.stderr}`);
        break;
      }
      samples.push(JSON.parse(r.stdout.trim().split('\n').pop() as string) as Sample);
    }
    if (samples.length === 0) continue;
    const m = (k: keyof Sample): number => median(samples.map((s) => s[k]));
    const f = (x: number): string => x.toFixed(0);
    console.log(
      [
        basename(apk), samples[0].dexFiles, samples[0].dexMb.toFixed(1), samples[0].classes, samples[0].callSites,
        f(m('unzipMs')), f(m('parseMs')), f(m('indexMs')), f(median(samples.map((s) => s.parseMs + s.indexMs))), f(m('queryMs')),
        f(m('rssPeakMb')), f(m('maxRssMb')),
      ].join('\t'),
    );
  }
}

main();

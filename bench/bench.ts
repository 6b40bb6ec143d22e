/**
 * `npm run bench [-- --runs N --peer-runs N --only name,name --synthetic]`
 *
 * Fresh-process medians of wall time and peak memory for our full read+index of each APK, beside
 * the peer tools installed on this machine (aapt dump xmltree, androguard AnalyzeAPK, apktool d),
 * with ratios from the same run. `--synthetic` also builds (once, cached in .bench-cache/) a
 * 100,000-class, 10-dex app from generated smali to show that cost grows linearly.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSynthetic } from './synthetic.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const opt = (name: string, def: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : def;
};
const runs = Number(opt('runs', '5'));
const peerRuns = Number(opt('peer-runs', '1'));
const only = opt('only', '').split(',').filter(Boolean);

interface Sample {
  wallMs: number;
  rssMb: number;
  ok: boolean;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const hasTime = existsSync('/usr/bin/time');
function measure(cmd: string, argv: string[], cwd?: string): Sample {
  const t0 = performance.now();
  const r = hasTime
    ? spawnSync('/usr/bin/time', ['-f', '__RSS_KB=%M', cmd, ...argv], { cwd, encoding: 'utf8', maxBuffer: 1 << 28 })
    : spawnSync(cmd, argv, { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  const wallMs = performance.now() - t0;
  const m = /__RSS_KB=(\d+)/.exec(r.stderr ?? '');
  return { wallMs, rssMb: m ? Number(m[1]) / 1024 : NaN, ok: r.status === 0 };
}

function which(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
}

interface Tool {
  name: string;
  runs: number;
  available: boolean;
  run(apk: string): Sample;
}

const node = process.execPath;
const tools: Tool[] = [
  { name: 'sessionscope load+index', runs, available: true, run: (apk) => measure(node, [join(root, 'dist/bench/load-one.js'), apk]) },
  { name: 'sessionscope scan --format json', runs, available: true, run: (apk) => measure(node, [join(root, 'bin/sessionscope.js'), 'scan', apk, '--format', 'json', '--fail-on', 'never']) },
  { name: 'aapt dump xmltree', runs, available: which('aapt'), run: (apk) => measure('aapt', ['dump', 'xmltree', apk, 'AndroidManifest.xml']) },
  {
    name: 'androguard AnalyzeAPK',
    runs: peerRuns,
    available: existsSync('/usr/bin/python3') && spawnSync('/usr/bin/python3', ['-c', 'import androguard']).status === 0,
    run: (apk) =>
      measure('/usr/bin/python3', ['-c', 'import sys\nfrom androguard.misc import AnalyzeAPK\na,d,dx=AnalyzeAPK(sys.argv[1])\nprint(len(list(dx.get_classes())), len(list(dx.get_methods())))', apk]),
  },
  {
    name: 'apktool d',
    runs: peerRuns,
    available: which('apktool'),
    run: (apk) => {
      const out = mkdtempSync(join(tmpdir(), 'ss-apktool-'));
      try {
        return measure('apktool', ['d', '-f', '-o', join(out, 'o'), apk]);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    },
  },
];

const targets: { name: string; path: string }[] = [
  { name: 'fixture insecure-invoice', path: join(root, 'test/fixtures/apks/insecure-invoice.apk') },
  { name: 'uia2test (4 dex)', path: join(root, 'node_modules/appium-uiautomator2-server/apks/appium-uiautomator2-server-debug-androidTest.apk') },
  { name: 'settings (9 dex)', path: join(root, 'node_modules/io.appium.settings/apks/settings_apk-debug.apk') },
  { name: 'apidemos (1 dex)', path: join(root, 'node_modules/android-apidemos/apks/ApiDemos-debug.apk') },
  { name: 'uia2server (16 dex, 18 MB)', path: join(root, 'node_modules/appium-uiautomator2-server/apks/appium-uiautomator2-server-v10.6.6.apk') },
];
if (args.includes('--synthetic')) {
  const p = buildSynthetic(join(root, '.bench-cache'), 100_000, 10);
  if (p) targets.push({ name: 'synthetic 100k classes (10 dex)', path: p });
}

console.log(`sessionscope bench: ${runs} fresh-process runs per cell for us, ${peerRuns} for the slow peers; median wall / peak RSS`);
console.log(`machine: ${(await import('node:os')).cpus().length} cores, node ${process.version}\n`);
for (const t of targets) {
  if (!existsSync(t.path) || (only.length && !only.some((o) => t.name.includes(o)))) continue;
  console.log(t.name);
  let ours = NaN;
  for (const tool of tools) {
    if (!tool.available) {
      console.log(`  ${tool.name.padEnd(34)} not installed`);
      continue;
    }
    const samples = Array.from({ length: tool.runs }, () => tool.run(t.path));
    const okSamples = samples.filter((s) => s.ok);
    if (!okSamples.length) {
      console.log(`  ${tool.name.padEnd(34)} FAILED (${samples.length} runs)`);
      continue;
    }
    const wall = median(okSamples.map((s) => s.wallMs));
    const rss = median(okSamples.map((s) => s.rssMb));
    if (tool.name === 'sessionscope load+index') ours = wall;
    const r = wall / ours;
    const ratio = tool.name.startsWith('sessionscope') ? '' : r >= 1 ? `  ${r.toFixed(1)}x our time` : `  ${(1 / r).toFixed(0)}x faster than us${tool.name.startsWith('aapt') ? ' (manifest only)' : ''}`;
    console.log(`  ${tool.name.padEnd(34)} ${(wall / 1000).toFixed(3).padStart(8)} s  ${rss.toFixed(0).padStart(6)} MB${ratio}${okSamples.length < samples.length ? `  (${samples.length - okSamples.length} failed runs)` : ''}`);
  }
}

/**
 * Node.js against the engines ranges of the packages a dynamic run loads: Appium 3 (its server)
 * and WebdriverIO 9 (the client). The ranges are read from their package.json in sessionscope's
 * node_modules, so a newer Appium with another range is judged by its own words; when Appium is
 * not installed, its documented 3.x range is used.
 *
 * The range grammar is the subset npm engines fields use: `||` alternatives of space-separated
 * comparators (`^x.y.z`, `>=`, `>`, `<=`, `<`, `=` or a bare version).
 */
import { fixes, result, type CheckResult, type Host } from './types.js';

export const APPIUM3_NODE_RANGE = '^20.19.0 || ^22.12.0 || >=24.0.0';

type Version = [number, number, number];

function parseVersion(v: string): Version | null {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] : null;
}

function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

function comparatorHolds(v: Version, comp: string): boolean | null {
  const m = /^(\^|>=|<=|>|<|=)?\s*(v?\d+(?:\.\d+){0,2})$/.exec(comp);
  if (!m) return null;
  const ref = parseVersion(m[2]!)!;
  const c = compare(v, ref);
  switch (m[1]) {
    case '^': {
      const upper: Version = ref[0] > 0 ? [ref[0] + 1, 0, 0] : [0, ref[1] + 1, 0];
      return c >= 0 && compare(v, upper) < 0;
    }
    case '>=':
      return c >= 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '<':
      return c < 0;
    default:
      return c === 0;
  }
}

/** Whether `version` is in `range`; null when the range uses syntax outside the subset above. */
export function satisfies(version: string, range: string): boolean | null {
  const v = parseVersion(version);
  if (!v) return null;
  let any = false;
  for (const alt of range.split('||')) {
    const comps = alt.trim().replace(/(\^|>=|<=|>|<|=)\s+/g, '$1').split(/\s+/).filter(Boolean);
    if (!comps.length) return null;
    let all = true;
    for (const comp of comps) {
      const holds = comparatorHolds(v, comp);
      if (holds === null) return null;
      all &&= holds;
    }
    any ||= all;
  }
  return any;
}

interface EngineSource {
  name: string;
  version: string | null;
  range: string;
}

function engineOf(host: Host, pkg: string): EngineSource | null {
  const file = host.resolvePackageJson(pkg);
  if (!file) return null;
  const json = host.fs.readJson(file) as { version?: string; engines?: { node?: string } } | null;
  if (!json?.engines?.node) return null;
  return { name: pkg, version: json.version ?? null, range: json.engines.node };
}

export function checkNode(host: Host): CheckResult {
  const sources: EngineSource[] = [];
  const appium = engineOf(host, 'appium');
  sources.push(appium ?? { name: 'appium', version: '3 (documented range; node_modules/appium not found)', range: APPIUM3_NODE_RANGE });
  const wdio = engineOf(host, 'webdriverio');
  if (wdio) sources.push(wdio);
  const label = (s: EngineSource): string => `${s.name}${s.version ? ` ${s.version}` : ''} (${s.range})`;
  const bad = sources.filter((s) => satisfies(host.nodeVersion, s.range) === false);
  const unreadable = sources.filter((s) => satisfies(host.nodeVersion, s.range) === null);
  const fix = fixes('nvm install 22 && nvm use 22');
  if (bad.length) {
    return result('node', 'Node.js', true, 'fail', `${host.nodeVersion} is outside ${bad.map(label).join(' and ')}`, fix);
  }
  if (unreadable.length) {
    return result('node', 'Node.js', true, 'warn', `${host.nodeVersion}: cannot read the range of ${unreadable.map(label).join(' and ')}; check it by hand`, fix);
  }
  return result('node', 'Node.js', true, 'ok', `${host.nodeVersion} satisfies ${sources.map(label).join(' and ')}`);
}

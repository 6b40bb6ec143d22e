/**
 * `sessionscope generate` from reports of real dynamic runs on the SIMULATED device (recorded in
 * beforeAll through test/dynamic/e2e-helpers.ts): which tests are emitted for which probe
 * verdicts, that the generated projects type-check with tsc for both runners, that report strings
 * reach the code only as escaped literals, and every refusal (one line naming the file, exit 2).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppiumServer } from '../../dynamic/appium-server.js';
import { publicCapabilities } from '../../dynamic/report.js';
import { lit } from '../../src/generate/emit-code.js';
import { MAX_REPORT_BYTES } from '../../src/report/load.js';
import { VERSIONS } from '../../src/generate/emit-project.js';
import { MARKER } from '../../src/generate/writer.js';
import { APKS, CREDS, startSimServer } from '../dynamic/e2e-helpers.js';
import { INSECURE, ROOT, SECURE } from '../sim-driver/helpers.js';
import { cli, linkNodeModules, readJson, recordRun, tempDir, tsc } from './helpers.js';

let server: AppiumServer;
const reports: Record<'secure' | 'insecure' | 'stopped' | 'crashedAtLogin', string> = { secure: '', insecure: '', stopped: '', crashedAtLogin: '' };

beforeAll(async () => {
  server = await startSimServer();
  reports.secure = await recordRun(server, APKS.secure, SECURE, 'unit-secure');
  reports.insecure = await recordRun(server, APKS.insecure, INSECURE, 'unit-insecure');
  reports.stopped = await recordRun(server, APKS.insecure, INSECURE, 'unit-stopped', { simulation: { crashOn: 'logout' }, mayStop: true });
  reports.crashedAtLogin = await recordRun(server, APKS.insecure, INSECURE, 'unit-crash', { simulation: { crashOn: 'login' }, mayStop: true });
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

async function generateTo(report: string, extra: string[] = [], out = path.join(tempDir('unit'), 'tests')): Promise<{ out: string; code: number; stderr: string }> {
  const r = await cli(['generate', '--from', report, '--out', out, ...extra]);
  return { out, ...r };
}

function read(dir: string, name: string): string {
  return readFileSync(path.join(dir, name), 'utf8');
}

function testNames(spec: string): string[] {
  return [...spec.matchAll(/^\s*it\((".*?"), /gm)].map((m) => JSON.parse(m[1]!) as string);
}

const ALL = ['no plaintext token after login', 'logout clears the session', 'relaunch shows the login screen', 'back navigation after logout shows nothing private', 'the token rotates on each login', 'reinstall does not restore the session'];

describe('which tests are generated', () => {
  it('secure run: one test per pass/fail probe; rotation (inconclusive in the run) is left out and the README says why', async () => {
    const verdicts = Object.fromEntries(((readJson(reports.secure) as { results: { dynamic: { probes: { name: string; verdict: string }[] } }[] }).results[0]!.dynamic.probes).map((p) => [p.name, p.verdict]));
    expect(verdicts).toMatchObject({ login: 'pass', logout: 'pass', relaunch: 'pass', 'back-navigation': 'pass', rotation: 'inconclusive', reinstall: 'pass' });
    const g = await generateTo(reports.secure);
    expect(g.code, g.stderr).toBe(0);
    expect(testNames(read(g.out, 'session.test.ts'))).toEqual(ALL.filter((n) => n !== 'the token rotates on each login'));
    const readme = read(g.out, 'README.md');
    expect(readme).toContain('- the token rotates on each login (rotation): inconclusive in the recorded run: the token is stored encrypted');
    expect(readme).toContain('**a SIMULATED device**');
    expect(readme).toContain('- app: com.example.secureinvoice version 1.0');
    expect(g.stderr).toContain('left out: the token rotates on each login (inconclusive in the recorded run)');
    expect(new Set(readdirNames(g.out))).toEqual(new Set(['.sessionscope-generated', 'README.md', 'capabilities.ts', 'flow.ts', 'package.json', 'properties.ts', 'recorded.ts', 'selectors.ts', 'session.test.ts', 'support.ts', 'tsconfig.json', 'vitest.config.ts']));
    const pkg = readJson(path.join(g.out, 'package.json')) as { type: string; scripts: Record<string, string>; devDependencies: Record<string, string> };
    expect(pkg.type).toBe('module');
    expect(pkg.scripts).toEqual({ test: 'vitest run', typecheck: 'tsc -p tsconfig.json --noEmit' });
    expect(pkg.devDependencies).toEqual({ '@types/node': VERSIONS['@types/node'], appium: VERSIONS.appium, 'appium-uiautomator2-driver': VERSIONS['appium-uiautomator2-driver'], typescript: VERSIONS.typescript, vitest: VERSIONS.vitest, webdriverio: VERSIONS.webdriverio });
  });

  it('insecure run: all six properties, with the recorded verdict and rule id beside each', async () => {
    const g = await generateTo(reports.insecure);
    expect(g.code, g.stderr).toBe(0);
    const spec = read(g.out, 'session.test.ts');
    expect(testNames(spec)).toEqual(ALL);
    expect(spec).toContain('// ghost-login; the recorded run: FAILED (the app had this flaw)');
    expect(spec).toContain('// token-not-rotated; the recorded run: passed');
    expect(read(g.out, 'recorded.ts')).toContain('export const SESSION_PLACES: readonly SessionPlace[] = [{"area":"data","file":"shared_prefs/session.xml","key":"auth_token","kind":"jwt"},{"area":"data","file":"shared_prefs/session.xml","key":"password","kind":"password"}];');
    const flow = read(g.out, 'flow.ts');
    expect(flow).toContain('await d.type(S.USERNAME, "id=username", fromEnv("${env:SESSIONSCOPE_USER}"));');
    expect(flow).toContain('await d.type(S.PASSWORD, "accessibilityId=password", fromEnv("${env:SESSIONSCOPE_PASSWORD}"), { password: true });');
    expect(flow).toContain('await d.tap(S.LOG_IN, "text=Log in");');
    // Credentials never reach the generated folder.
    for (const name of readdirNames(g.out)) for (const secret of Object.values(CREDS)) expect(read(g.out, name)).not.toContain(secret);
  });

  it('a run that stopped early: tests for the probes that finished, and the README says the run stopped', async () => {
    const g = await generateTo(reports.stopped);
    expect(g.code, g.stderr).toBe(0);
    expect(testNames(read(g.out, 'session.test.ts'))).toEqual(['no plaintext token after login']);
    const readme = read(g.out, 'README.md');
    expect(readme).toMatch(/\*\*the recorded run stopped early\*\* \(logout/);
    expect(readme).toContain('- relaunch shows the login screen (relaunch): not reached: the recorded run stopped early');
  });

  it('a run that stopped before any property was checked: refused, exit 2', async () => {
    const g = await generateTo(reports.crashedAtLogin);
    expect(g.code).toBe(2);
    expect(g.stderr.trim().split('\n')).toHaveLength(1);
    expect(g.stderr).toMatch(new RegExp(`^sessionscope: ${escapeRe(reports.crashedAtLogin)}: no property was checked in this run \\(login: inconclusive in the recorded run; .*\\); nothing to generate\\n$`));
    expect(existsSync(g.out)).toBe(false);
  });

  it('versions in the generated package.json are the ones this repository builds with', () => {
    const ours = readJson(path.join(ROOT, 'package.json')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    const all = { ...ours.dependencies, ...ours.devDependencies };
    for (const name of ['webdriverio', 'vitest', 'typescript', '@types/node', 'appium', 'appium-uiautomator2-driver', '@wdio/globals', '@wdio/mocha-framework'] as const) expect(VERSIONS[name], name).toBe(all[name]);
  });
});

/** Files of a generated folder, relative, without node_modules. */
function readdirNames(dir: string, sub = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(dir, sub), { withFileTypes: true })) {
    if (e.name === 'node_modules') continue;
    const rel = sub ? `${sub}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...readdirNames(dir, rel));
    else out.push(rel);
  }
  return out;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('the generated projects type-check', () => {
  it('vitest runner (secure run) and wdio runner (insecure run): tsc --noEmit exits 0', async () => {
    const a = await generateTo(reports.secure);
    const b = await generateTo(reports.insecure, ['--runner', 'wdio']);
    expect([a.code, b.code]).toEqual([0, 0]);
    for (const dir of [a.out, b.out]) {
      linkNodeModules(dir);
      const r = tsc(dir);
      expect(r.output).toBe('');
      expect(r.code).toBe(0);
    }
    const wdio = read(b.out, 'wdio.conf.ts');
    expect(wdio).toContain("services: [['appium', { command: 'appium', args: { allowInsecure: driver + ':adb_shell' } }]]");
    expect(wdio).toContain("framework: 'mocha'");
    expect(testNames(read(b.out, 'specs/session.spec.ts'))).toEqual(ALL);
    expect((readJson(path.join(b.out, 'package.json')) as { scripts: { test: string } }).scripts.test).toBe('wdio run wdio.conf.ts');
  }, 120_000);

  it('a tsc error in the generated code would be caught (the check can fail)', async () => {
    const g = await generateTo(reports.secure);
    linkNodeModules(g.out);
    writeFileSync(path.join(g.out, 'flow.ts'), `${read(g.out, 'flow.ts')}\nexport const broken: number = 'text';\n`);
    const r = tsc(g.out);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain("flow.ts(");
    expect(r.output).toContain("error TS2322: Type 'string' is not assignable to type 'number'.");
  }, 60_000);
});

describe('report strings are escaped', () => {
  const HOSTILE = "a'b\"c`d${process.exit(7)}e\nf*/g\u2028h\\i</script>";

  it('a selector, typed text, paths, places and capabilities with quotes, backticks, ${, newlines and */ stay literal and the code type-checks', async () => {
    const doc = readJson(reports.insecure) as { results: { app: { versionName: string }; dynamic: { stoppedAt?: string; replay: Record<string, any> } }[] };
    const r = doc.results[0]!;
    const replay = r.dynamic.replay;
    replay.flow.login[0].selector = { strategy: 'id', value: HOSTILE };
    replay.flow.login[1].selector = { strategy: 'text', value: HOSTILE };
    replay.flow.login[1].text = `${HOSTILE}\${env:SESSIONSCOPE_PASSWORD}`;
    replay.flow.logout[0].selector = { strategy: 'xpath', value: `//*[@text="${HOSTILE}"]` };
    replay.flow.loggedIn = [{ strategy: 'accessibilityId', value: HOSTILE }];
    replay.apkPath = `/tmp/${HOSTILE}.apk`;
    replay.exportedActivities = [HOSTILE];
    replay.sessionValues = [{ area: 'data', file: `shared_prefs/${HOSTILE}.xml`, key: HOSTILE, kind: 'jwt', plaintext: true }];
    replay.capabilities[`appium:${HOSTILE}`] = HOSTILE;
    r.app.versionName = HOSTILE;
    r.dynamic.stoppedAt = HOSTILE;
    const file = path.join(tempDir('hostile'), 'report.json');
    writeFileSync(file, JSON.stringify(doc));
    for (const runner of ['vitest', 'wdio']) {
      const g = await generateTo(file, ['--runner', runner]);
      expect(g.code, g.stderr).toBe(0);
      const selectors = read(g.out, 'selectors.ts');
      // Constant names keep only [A-Z0-9_] of a selector; the value stays a JSON string literal.
      expect(selectors).toContain(`export const A_B_C_D_PROCESS_EXIT_7_E_F_G_H_I_SCRIPT: Locator = { using: "id", value: ${lit(`com.example.insecureinvoice:id/${HOSTILE}`)} };`);
      expect(selectors).toContain(`value: ${lit(HOSTILE)} };`);
      expect(selectors).toContain(`value: ${lit(`//*[@text="${HOSTILE}"]`)} };`);
      expect(read(g.out, 'flow.ts')).toContain(`fromEnv(${lit(`${HOSTILE}\${env:SESSIONSCOPE_PASSWORD}`)}), { password: true });`);
      const recorded = read(g.out, 'recorded.ts');
      expect(recorded).toContain(`export const RECORDED_APK = ${lit(`/tmp/${HOSTILE}.apk`)};`);
      expect(recorded).toContain(`export const EXPORTED_ACTIVITIES: readonly string[] = ${lit([HOSTILE])};`);
      expect(recorded).toContain(lit(`shared_prefs/${HOSTILE}.xml`));
      expect(read(g.out, 'capabilities.ts')).toContain(`${lit(`appium:${HOSTILE}`)}: ${lit(HOSTILE)}`);
      // No raw newline from the report anywhere in the code (it would end a comment or literal).
      for (const name of readdirNames(g.out).filter((n) => n.endsWith('.ts'))) expect(read(g.out, name), name).not.toContain('e\nf*/');
      expect(read(g.out, 'README.md')).not.toContain('e\nf');
      linkNodeModules(g.out);
      const t = tsc(g.out);
      expect(t.output).toBe('');
      expect(t.code).toBe(0);
    }
  }, 120_000);

  it('a package name that is not one is refused (it would name files and code)', async () => {
    const doc = readJson(reports.insecure) as { results: { dynamic: { replay: { appPackage: string } } }[] };
    doc.results[0]!.dynamic.replay.appPackage = HOSTILE;
    const file = path.join(tempDir('badpkg'), 'report.json');
    writeFileSync(file, JSON.stringify(doc));
    const g = await generateTo(file);
    expect(g.code).toBe(2);
    expect(g.stderr).toBe(`sessionscope: ${file}: replay.appPackage is not a package name\n`);
  });
});

describe('refusals: one line naming the file, exit 2', () => {
  async function refused(content: string | null, expected: (file: string) => string): Promise<void> {
    const dir = tempDir('bad');
    const file = path.join(dir, 'report.json');
    if (content !== null) writeFileSync(file, content);
    const g = await generateTo(file);
    expect(g.code).toBe(2);
    expect(g.stderr).toBe(`sessionscope: ${expected(file)}\n`);
    expect(existsSync(g.out)).toBe(false);
  }

  it('a missing file', () => refused(null, (f) => `${f}: cannot read the report (no such file)`));
  it('not JSON', () => refused('{ nope', (f) => `${f}: not JSON; expected the report.json written by sessionscope dynamic`));
  it('JSON of another tool', () => refused('{"name":"x","results":[]}', (f) => `${f}: not a sessionscope report (no tool.name "sessionscope", schemaVersion 1 and results)`));

  it('a static-only report (sessionscope scan)', async () => {
    const dir = tempDir('static');
    const file = path.join(dir, 'scan.json');
    const s = await cli(['scan', APKS.insecure, '--format', 'json', '--output', file, '--fail-on', 'never']);
    expect(s.code).toBe(0);
    const g = await generateTo(file);
    expect(g.code).toBe(2);
    expect(g.stderr).toBe(`sessionscope: ${file}: a static-only report (sessionscope scan); generate needs the report.json of sessionscope dynamic\n`);
  });

  it('a dynamic report without replay data (an older sessionscope)', async () => {
    const doc = readJson(reports.secure) as { results: { dynamic: { replay?: unknown } }[] };
    delete doc.results[0]!.dynamic.replay;
    await refused(JSON.stringify(doc), (f) => `${f}: no replay data (written by an older sessionscope; run sessionscope dynamic again)`);
  });

  it('a file larger than any report: refused before it is read', async () => {
    const file = path.join(tempDir('huge'), 'report.json');
    writeFileSync(file, '');
    truncateSync(file, MAX_REPORT_BYTES + 1); // sparse: costs no disk
    const g = await generateTo(file);
    expect(g.code).toBe(2);
    expect(g.stderr).toBe(`sessionscope: ${file}: cannot read the report (${MAX_REPORT_BYTES + 1} bytes is larger than a report can be, limit ${MAX_REPORT_BYTES})\n`);
  });

  it('a report folder given as the report', async () => {
    const dir = tempDir('isdir');
    const g = await generateTo(dir);
    expect(g.code).toBe(2);
    expect(g.stderr).toBe(`sessionscope: ${dir}: cannot read the report (is a directory)\n`);
  });
});

describe('the output folder', () => {
  it('a non-empty folder that is not ours is left alone without --force, written with it', async () => {
    const out = tempDir('users');
    writeFileSync(path.join(out, 'notes.txt'), 'mine');
    const g = await generateTo(reports.secure, [], out);
    expect(g.code).toBe(2);
    expect(g.stderr).toBe(`sessionscope: ${out}: not empty and not an earlier sessionscope generate output; not written (use --force)\n`);
    expect(readdirSync(out)).toEqual(['notes.txt']);
    const f = await generateTo(reports.secure, ['--force'], out);
    expect(f.code, f.stderr).toBe(0);
    expect(read(out, 'notes.txt')).toBe('mine');
    expect(existsSync(path.join(out, 'session.test.ts'))).toBe(true);
  });

  it('an earlier output is replaced without --force; switching runners removes the other runner\'s files', async () => {
    const first = await generateTo(reports.insecure);
    expect(first.code).toBe(0);
    const marker = readJson(path.join(first.out, MARKER)) as { tool: string; runner: string; files: string[] };
    expect(marker.tool).toBe('sessionscope');
    expect(marker.runner).toBe('vitest');
    const again = await generateTo(reports.insecure, ['--runner', 'wdio'], first.out);
    expect(again.code, again.stderr).toBe(0);
    expect(existsSync(path.join(first.out, 'session.test.ts'))).toBe(false);
    expect(existsSync(path.join(first.out, 'vitest.config.ts'))).toBe(false);
    expect(existsSync(path.join(first.out, 'specs/session.spec.ts'))).toBe(true);
    expect(readdirSync(first.out).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('a file where the folder should be, and a specs entry that is not a folder, are refused', async () => {
    const dir = tempDir('file');
    const asFile = path.join(dir, 'out');
    writeFileSync(asFile, 'x');
    const g = await generateTo(reports.secure, [], asFile);
    expect(g.code).toBe(2);
    expect(g.stderr).toBe(`sessionscope: ${asFile}: exists and is not a folder\n`);
    const out = path.join(dir, 'gen');
    mkdirSync(out);
    writeFileSync(path.join(out, 'specs'), 'not a folder');
    const w = await generateTo(reports.secure, ['--runner', 'wdio', '--force'], out);
    expect(w.code).toBe(2);
    expect(w.stderr).toMatch(new RegExp(`^sessionscope: ${escapeRe(out)}: cannot write \\((EEXIST|ENOTDIR)\\)\\n$`));
  });
});

describe('what the dynamic report records for the generator', () => {
  it('placeholders, not credentials: the report of a run holds ${env:NAME} and neither credential value', () => {
    const text = readFileSync(reports.insecure, 'utf8');
    for (const secret of Object.values(CREDS)) expect(text).not.toContain(secret);
    const doc = JSON.parse(text) as { results: { dynamic: { replay: { flow: { login: { text?: string }[] } } } }[] };
    expect(doc.results[0]!.dynamic.replay.flow.login.map((s) => s.text ?? null)).toEqual(['${env:SESSIONSCOPE_USER}', '${env:SESSIONSCOPE_PASSWORD}', null]);
  });

  it('capabilities lose secret-looking entries at any depth', () => {
    expect(
      publicCapabilities({
        platformName: 'Android',
        'appium:udid': 'emulator-5554',
        'appium:keystorePassword': 'hunter2',
        'appium:simulation': { flaws: ['x'] },
        'sauce:options': { username: 'qa', accessKey: 'k-123', tunnel: { authToken: 't' } },
      }),
    ).toEqual({ platformName: 'Android', 'appium:udid': 'emulator-5554', 'appium:simulation': { flaws: ['x'] }, 'sauce:options': { username: 'qa', tunnel: {} } });
  });
});

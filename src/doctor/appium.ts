/**
 * The Appium side of a dynamic run. Without --appium-url, sessionscope starts the `appium` package
 * from its own node_modules (dynamic/appium-server.ts) with APPIUM_HOME removed, so Appium's home is
 * sessionscope's package.json and its drivers are the ones that package depends on; doctor asks
 * that same Appium, the same way (`appium driver list --installed --json`, from the package root,
 * without APPIUM_HOME), whether the UiAutomator2 driver is there. With --appium-url, the server at
 * that address must answer `GET /status` with ready.
 */
import { describeRun, fixes, result, type CheckResult, type Host } from './types.js';

/** Appium starts a Node program; give it more than an adb call. */
const APPIUM_CLI_TIMEOUT_MS = 30_000;

interface DriverEntry {
  automationName?: string;
  version?: string;
  pkgName?: string;
  installPath?: string;
}

function restoreDeps(host: Host): string[] {
  return [`cd "${host.packageRoot}" && npm install`, `cd "${host.packageRoot}" && npx appium driver doctor uiautomator2`];
}

export async function checkAppiumLocal(host: Host): Promise<CheckResult> {
  const title = 'Appium + UiAutomator2';
  let cli: string;
  try {
    cli = host.resolveAppiumCli();
  } catch (err) {
    return result('appium', title, true, 'fail', (err as Error).message.replace(/^Appium server did not start: /, ''), fixes(restoreDeps(host)[0]!));
  }
  const pkgJson = host.resolvePackageJson('appium');
  const appiumVersion = pkgJson ? ((host.fs.readJson(pkgJson) as { version?: string } | null)?.version ?? '?') : '?';
  const env = { ...host.env };
  delete env.APPIUM_HOME;
  const timeoutMs = Math.max(host.timeoutMs, APPIUM_CLI_TIMEOUT_MS);
  const r = await host.run(host.nodePath, [cli, 'driver', 'list', '--installed', '--json'], { timeoutMs, cwd: host.packageRoot, env });
  if (r.error || r.code !== 0) return result('appium', title, true, 'fail', `appium ${appiumVersion}: ${describeRun('appium driver list', r, timeoutMs)}`, fixes(...restoreDeps(host)));
  let drivers: Record<string, DriverEntry>;
  try {
    drivers = JSON.parse(r.stdout) as Record<string, DriverEntry>;
  } catch {
    return result('appium', title, true, 'fail', `appium ${appiumVersion}: appium driver list printed no JSON`, fixes(...restoreDeps(host)));
  }
  const ignored = host.env.APPIUM_HOME ? ` (APPIUM_HOME=${host.env.APPIUM_HOME} is ignored: sessionscope starts Appium without it)` : '';
  const ua2 = Object.entries(drivers).find(([, d]) => d.automationName === 'UiAutomator2');
  if (!ua2) {
    const others = Object.entries(drivers).map(([name, d]) => `${name}@${d.version ?? '?'}`).join(', ') || 'none';
    return result('appium', title, true, 'fail', `appium ${appiumVersion} has no UiAutomator2 driver (installed: ${others})${ignored}`, fixes(...restoreDeps(host)));
  }
  const [name, d] = ua2;
  return result('appium', title, true, 'ok', `appium ${appiumVersion}, ${name} driver ${d.version ?? '?'} (${d.installPath ?? d.pkgName ?? '?'})${ignored}`);
}

const STATUS_TIMEOUT_MS = 5_000;

export async function checkAppiumUrl(host: Host, url: string): Promise<CheckResult> {
  const title = 'Appium server';
  const start = fixes(
    `cd "${host.packageRoot}" && npx appium server --address 127.0.0.1 --port 4723 --allow-insecure=uiautomator2:adb_shell`,
    'sessionscope doctor   # without --appium-url: sessionscope starts its own Appium',
  );
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return result('appium', title, true, 'fail', `--appium-url ${url} is not a URL`, start);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return result('appium', title, true, 'fail', `--appium-url ${url} is not an http(s) URL`, start);
  const base = url.replace(/\/+$/, '');
  const reply = await host.getStatus(base, STATUS_TIMEOUT_MS);
  if (reply.httpStatus === null) return result('appium', title, true, 'fail', `GET ${base}/status: ${reply.error ?? 'no reply'}`, start);
  const value = (reply.body as { value?: { ready?: boolean; message?: string; build?: { version?: string } } } | null)?.value;
  if (!reply.ok || !value) return result('appium', title, true, 'fail', `GET ${base}/status answered HTTP ${reply.httpStatus}${value ? '' : ' without an Appium status'}`, start);
  const version = value.build?.version ? `Appium ${value.build.version}` : 'version not reported';
  if (value.ready === false) return result('appium', title, true, 'fail', `${base} is not ready (${value.message ?? version})`, start);
  return result('appium', title, true, 'ok', `${base} is ready (${version}); its drivers are not listed over HTTP`);
}

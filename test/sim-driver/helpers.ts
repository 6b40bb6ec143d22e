/**
 * Shared by the simulated-device tests: make sure the compiled driver (what Appium loads) is not
 * older than its sources, start a session with WebdriverIO, and small device helpers.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { remote } from 'webdriverio';
import type { AppiumServer } from '../../dynamic/appium-server.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const APKS = {
  insecure: path.join(ROOT, 'test/fixtures/apks/insecure-invoice.apk'),
  secure: path.join(ROOT, 'test/fixtures/apks/secure-invoice.apk'),
  multidex: path.join(ROOT, 'test/fixtures/apks/multidex-app.apk'),
};
export const INSECURE = 'com.example.insecureinvoice';
export const SECURE = 'com.example.secureinvoice';

/** Relative `.js` imports of a TypeScript file, as the .ts files they name. */
function localImports(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of src.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)\.js'/g)) out.push(path.resolve(path.dirname(file), `${m[1]}.ts`));
  return out.filter((f) => existsSync(f));
}

/**
 * Appium loads the driver from dist/ (compiled by `npm run build`). When a source file of the
 * driver (or of sessionscope code it imports) is newer than its compiled file, compile that import
 * graph again, so that the tests never run an old driver.
 */
export function ensureDriverBuilt(): void {
  const entry = path.join(ROOT, 'test/sim-driver/src/index.ts');
  const seen = new Set<string>();
  const todo = [entry];
  while (todo.length) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    todo.push(...localImports(f));
  }
  const stale = (): boolean =>
    [...seen].some((f) => {
      const out = path.join(ROOT, 'dist', path.relative(ROOT, f)).replace(/\.ts$/, '.js');
      return !existsSync(out) || statSync(out).mtimeMs < statSync(f).mtimeMs;
    });
  if (!stale()) return;
  const lock = path.join(ROOT, 'dist/.sim-driver-build.lock');
  mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`${lock} is held for more than 60 s; remove it if no build is running`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
  try {
    if (!stale()) return; // another test file built it while this one waited for the lock
    const cfg = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
    if (!cfg) throw new Error('cannot read tsconfig.json');
    const program = ts.createProgram([entry], cfg.options);
    const result = program.emit();
    const errors = [...ts.getPreEmitDiagnostics(program), ...result.diagnostics].filter((d) => d.category === ts.DiagnosticCategory.Error);
    if (errors.length) throw new Error(`the simulated driver does not compile:\n${ts.formatDiagnostics(errors, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => '\n' })}`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export type Browser = WebdriverIO.Browser;

let udids = 0;
/** A fresh simulated device for each test (device state lives as long as the server). */
export function newUdid(label: string): string {
  return `sim-${label}-${process.pid}-${++udids}`;
}

/** Opens a session on the simulated device; `caps` are added with the `appium:` prefix. */
export async function openSession(server: AppiumServer, caps: Record<string, unknown>): Promise<Browser> {
  const u = new URL(server.url);
  const capabilities: Record<string, unknown> = { platformName: 'Android', 'appium:automationName': 'SimAndroid' };
  for (const [k, v] of Object.entries(caps)) capabilities[k.includes(':') ? k : `appium:${k}`] = v;
  return await remote({
    hostname: u.hostname,
    port: Number(u.port),
    path: '/',
    logLevel: 'silent',
    connectionRetryCount: 0,
    capabilities: capabilities as WebdriverIO.Capabilities,
  });
}

export async function shell(d: Browser, line: string): Promise<string> {
  return (await d.execute('mobile: shell', { command: line })) as unknown as string;
}

/** The error message of a rejected promise ('' when it resolves). */
export async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return '';
  } catch (e) {
    return (e as Error).message;
  }
}

export async function login(d: Browser, user: string, password: string): Promise<void> {
  await d.$('id=username').setValue(user);
  await d.$('id=password').setValue(password);
  await d.$('id=login').click();
}

export async function logout(d: Browser): Promise<void> {
  await d.$('id=logout').click();
}

/** `login` or `invoices` (the screens of both fixture apps), or the package in front otherwise. */
export async function screen(d: Browser): Promise<string> {
  const pkg = (await d.execute('mobile: getCurrentPackage', {})) as unknown as string;
  if (!pkg.startsWith('com.example.')) return pkg;
  if (await d.$('id=invoices_title').isExisting()) return 'invoices';
  if (await d.$('id=login').isExisting()) return 'login';
  return 'other';
}

export async function relaunch(d: Browser, pkg: string): Promise<void> {
  await d.execute('mobile: terminateApp', { appId: pkg });
  await d.execute('mobile: activateApp', { appId: pkg });
}

/** A file of the app's sandbox read as root (`cat` through base64), or null when it does not exist. */
export async function readAsRoot(d: Browser, pkg: string, rel: string): Promise<Buffer | null> {
  const out = await shell(d, `ls /data/data/${pkg}/${rel} 2>/dev/null && base64 -w 0 /data/data/${pkg}/${rel} || true`);
  const lines = out.split('\n');
  return lines.length > 1 ? Buffer.from(lines[1]!, 'base64') : null;
}

export function jwtPayload(token: string): { sub: string; iat: number; exp: number } {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { sub: string; iat: number; exp: number };
}

export function prefValue(xml: string, key: string): string | null {
  const m = new RegExp(`<string name="${key}">([^<]*)</string>`).exec(xml);
  return m ? m[1]! : null;
}

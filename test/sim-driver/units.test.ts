/**
 * The simulated device's parts without Appium: the shell interpreter, the locator strategies on a
 * screen tree, SharedPreferences XML and the font. (The end-to-end tests are in sim-driver.test.ts.)
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppRuntime, parsePrefs, prefsXml, type Behaviour, type PrefValue } from './src/behaviour.js';
import { SimDevice } from './src/device.js';
import { hasGlyph, textWidth } from './src/png.js';
import { parse, Shell, tokenize } from './src/shell.js';
import { findById, findByUiSelector, findByXPath, screenTree, SelectorError, type UiNode } from './src/ui.js';
import { APKS, INSECURE, ROOT } from './helpers.js';

function device(root = true): { d: SimDevice; sh: Shell; rt: AppRuntime } {
  const d = new SimDevice(`unit-${Math.random()}`);
  d.configure({ root });
  const rt = new AppRuntime(d);
  return { d, sh: new Shell(d, rt), rt };
}

describe('shell parsing', () => {
  it('splits words with quotes and escapes like sh', () => {
    expect(tokenize(`stat -c '%a %s %n' "a b" c\\ d {} +`)).toEqual(['stat', '-c', '%a %s %n', 'a b', 'c d', '{}', '+'].map((word) => ({ word })));
    expect(tokenize('a;b&&c||d|e > f 2>/dev/null 2>&1')).toEqual([
      { word: 'a' }, { op: ';' }, { word: 'b' }, { op: '&&' }, { word: 'c' }, { op: '||' }, { word: 'd' }, { op: '|' }, { word: 'e' },
      { op: '>' }, { word: 'f' }, { op: '2>' }, { word: '/dev/null' }, { op: '2>&1' },
    ]);
    expect(parse("sh -c 'id; ls'")).toEqual([{ op: ';', pipeline: [{ argv: ['sh', '-c', 'id; ls'], redirects: [] }] }]);
    expect(() => parse("echo 'open")).toThrow(/unterminated/);
  });
});

describe('shell commands', () => {
  it('runs sequences, pipes and redirections', () => {
    const { sh } = device();
    expect(sh.run("sh -c 'echo a; false && echo b; echo c'").stdout).toBe('a\nc\n');
    expect(sh.run('false || echo fallback').stdout).toBe('fallback\n');
    expect(sh.run('echo hello | base64 | base64 -d').stdout).toBe('hello\n');
    expect(sh.run('echo one > /sdcard/Download/a.txt; echo two >> /sdcard/Download/a.txt; cat /sdcard/Download/a.txt').stdout).toBe('one\ntwo\n');
    expect(sh.run('cat /nope 2>/dev/null')).toEqual({ stdout: '', stderr: '', code: 1 });
    expect(sh.run('cat /sdcard/missing 2>&1').stdout).toBe('cat: /sdcard/missing: No such file or directory\n');
    expect(sh.run('cd /sdcard/Download && pwd && ls').stdout).toBe('/sdcard/Download\na.txt\n');
    expect(sh.run('test -f /sdcard/Download/a.txt && [ -d /sdcard ] && echo yes').stdout).toBe('yes\n');
    expect(sh.run('frobnicate')).toEqual({ stdout: '', stderr: '/system/bin/sh: frobnicate: inaccessible or not found\n', code: 127 });
    expect(sh.run('ls /sdcard/Download | wc -l').stdout).toBe('1\n');
    expect(sh.run("getprop | grep -F 'ro.sessionscope.simulated'").stdout).toBe('[ro.sessionscope.simulated]: [true]\n');
  });

  it('lists, hashes and stats an app sandbox in one find, as run-as, root or shell', () => {
    const { d, sh } = device(false);
    d.install(APKS.insecure);
    const uid = d.packages.get(INSECURE)!.uid;
    d.writeFile(`/data/data/${INSECURE}/shared_prefs/a.xml`, Buffer.from('<map />\n'), uid, 0o660);
    d.writeFile(`/data/data/${INSECURE}/files/b.bin`, Buffer.from([0, 1, 2]), uid, 0o600);
    const out = sh.run(`run-as ${INSECURE} find . -type f -exec stat -c '%a %s %n' {} + -exec sha256sum {} +`).stdout.split('\n');
    expect(out.slice(0, 2)).toEqual(['600 3 ./files/b.bin', '660 8 ./shared_prefs/a.xml']);
    expect(out[2]).toMatch(/^[0-9a-f]{64} {2}\.\/files\/b\.bin$/);
    expect(sh.run(`run-as ${INSECURE} id`).stdout).toMatch(new RegExp(`^uid=${uid}\\(u0_a${uid - 10000}\\)`));
    expect(sh.run(`ls /data/data/${INSECURE}`)).toMatchObject({ code: 1, stderr: `ls: /data/data/${INSECURE}: Permission denied\n` });
    expect(sh.run('run-as com.example.nothere ls').stderr).toBe('run-as: unknown package: com.example.nothere\n');
    expect(sh.run(`run-as ${INSECURE} base64 -w 0 files/b.bin`).stdout).toBe('AAEC');
    expect(sh.run(`pm clear ${INSECURE}`).stdout).toBe('Success\n');
    expect(sh.run(`run-as ${INSECURE} find . -type f`).stdout).toBe('');
  });

  it('reports backup sets, packages and accounts', () => {
    const { d, sh } = device();
    d.install(APKS.insecure);
    expect(sh.run('bmgr list sets').stdout).toBe('No restore sets available\n');
    sh.run(`bmgr backupnow ${INSECURE}`);
    expect(sh.run('bmgr list sets').stdout).toBe(`  ${d.backupToken} : sdk_gphone64_x86_64\n`);
    expect(sh.run(`bmgr restore ${d.backupToken} ${INSECURE}`).stdout).toContain(`onUpdate: 0 = ${INSECURE}`);
    expect(sh.run('settings get secure backup_auto_restore').stdout).toBe('1\n');
    sh.run('settings put secure backup_auto_restore 0');
    expect(d.autoRestore).toBe(false);
    expect(sh.run('dumpsys package com.example.nothere').stdout).toBe('Unable to find package: com.example.nothere\n');
    expect(sh.run('dumpsys account').stdout).toContain('Accounts: 0');
    expect(sh.run(`pm path ${INSECURE}`).stdout).toMatch(/^package:\/data\/app\/.*\/base\.apk\n$/);
  });
});

describe('screens and locators', () => {
  const behaviour = JSON.parse(readFileSync(path.join(ROOT, 'test/sim-driver/apps/com.example.insecureinvoice.json'), 'utf8')) as Behaviour;
  const login = screenTree(INSECURE, behaviour.screens.login!, { username: 'alice' }, 'username');
  const invoices = screenTree(INSECURE, behaviour.screens.invoices!, {}, null);
  const ids = (nodes: UiNode[]): string[] => nodes.map((n) => n.resourceId || n.text);

  it('answers the XPath subset', () => {
    expect(ids(findByXPath(login, '//*[@content-desc="login"]'))).toEqual([`${INSECURE}:id/login`]);
    expect(ids(findByXPath(login, '//android.widget.EditText[2]'))).toEqual([`${INSECURE}:id/password`]);
    expect(ids(findByXPath(login, '//android.widget.EditText[last()]'))).toEqual([`${INSECURE}:id/password`]);
    expect(ids(findByXPath(login, "//android.widget.EditText[@focused='true' and @text='alice']"))).toEqual([`${INSECURE}:id/username`]);
    expect(findByXPath(invoices, '//*[contains(@text,"INV-100")]')).toHaveLength(3);
    expect(findByXPath(invoices, '//*[starts-with(@text,"INV-1002")]')).toHaveLength(1);
    expect(ids(findByXPath(invoices, '(//android.widget.TextView)[2]'))).toEqual([`${INSECURE}:id/invoices_title`]);
    expect(findByXPath(invoices, '//*[@resource-id="nope" or @content-desc="logout"]')).toHaveLength(1);
    expect(findByXPath(login, '/hierarchy/android.widget.FrameLayout')).toHaveLength(1);
    expect(findByXPath(login, '//android.widget.Button/..')[0]!.cls).toBe('android.widget.LinearLayout');
    expect(findByXPath(login, '//*[not(@clickable="true")]').every((n) => !n.clickable)).toBe(true);
    expect(() => findByXPath(login, '//*[@text=]')).toThrow(SelectorError);
  });

  it('answers UiSelector chains and ids', () => {
    expect(ids(findByUiSelector(login, 'new UiSelector().resourceId("com.example.insecureinvoice:id/password")'))).toEqual([`${INSECURE}:id/password`]);
    expect(findByUiSelector(invoices, 'new UiSelector().textContains("USD")')).toHaveLength(3);
    expect(ids(findByUiSelector(login, 'new UiSelector().className("android.widget.EditText").instance(1)'))).toEqual([`${INSECURE}:id/password`]);
    expect(ids(findByUiSelector(login, 'new UiSelector().descriptionMatches("log.*")'))).toEqual([`${INSECURE}:id/login`]);
    expect(() => findByUiSelector(login, 'new UiScrollable(new UiSelector())')).toThrow(SelectorError);
    expect(() => findByUiSelector(login, 'new UiSelector().childSelector(new UiSelector())')).toThrow(SelectorError);
    expect(ids(findById(login, 'username', INSECURE))).toEqual([`${INSECURE}:id/username`]);
    expect(ids(findById(login, 'android:id/content', INSECURE))).toEqual(['android:id/content']);
  });
});

describe('SharedPreferences XML and the font', () => {
  it('writes and reads Android\'s prefs format with escaping', () => {
    const map = new Map<string, PrefValue>([
      ['token', { kind: 'string', value: 'a<b>&"c"' }],
      ['logged_in', { kind: 'boolean', value: 'true' }],
    ]);
    const xml = prefsXml(map);
    expect(xml).toBe(
      "<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n<map>\n    <string name=\"token\">a&lt;b&gt;&amp;&quot;c&quot;</string>\n    <boolean name=\"logged_in\" value=\"true\" />\n</map>\n",
    );
    expect(parsePrefs(xml)).toEqual(map);
    expect(prefsXml(new Map())).toBe("<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n<map />\n");
  });

  it('has a 5x7 glyph for every printable ASCII character', () => {
    const missing = [...Array(95).keys()].map((i) => String.fromCharCode(32 + i)).filter((c) => !hasGlyph(c));
    expect(missing).toEqual([]);
    expect(textWidth('Log in', 5)).toBe(180);
  });
});

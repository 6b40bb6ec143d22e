import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFlow } from '../../dynamic/flow.js';
import { Recorder } from '../../dynamic/recorder.js';
import { Secrets, sha256 } from '../../dynamic/secrets.js';
import type { Device } from '../../dynamic/session.js';
import type { Selector } from '../../dynamic/flow.js';
import { Fault, Ui } from '../../dynamic/ui.js';

const ENV = { SESSIONSCOPE_USER: 'alice@example.com', SESSIONSCOPE_PW: 'Tr0ub4dor&3' };

/** A screen as a set of visible selectors; clicks and keys are logged. */
class ScriptedDevice implements Device {
  readonly info = { udid: 'x', automationName: 'Fake', platformVersion: null, deviceName: null, simulated: false };
  visible = new Set<string>();
  log: string[] = [];
  appState = 4;
  scrolls = 0;
  private key(s: Selector): string {
    return `${s.strategy}=${s.value}`;
  }
  async find(s: Selector): Promise<string[]> {
    if (s.strategy === 'uiautomator' && s.value.includes('scrollable(true)')) return ['list'];
    return this.visible.has(this.key(s)) ? [this.key(s)] : [];
  }
  async click(el: string): Promise<void> { this.log.push(`click ${el}`); }
  async type(el: string, text: string): Promise<void> { this.log.push(`type ${el} ${text.length}`); }
  async attribute(el: string, name: string): Promise<string | null> { return name === 'password' && el.includes('pw') ? 'true' : 'false'; }
  async back(): Promise<void> { this.log.push('back'); }
  async pageSource(): Promise<string> { return '<hierarchy/>'; }
  async screenshot(): Promise<Buffer> { return Buffer.alloc(0); }
  async execute<T>(method: string): Promise<T> {
    if (method === 'mobile: queryAppState') return this.appState as T;
    if (method === 'mobile: scrollGesture') {
      this.scrolls++;
      if (this.scrolls === 2) this.visible.add('text=Log out');
      return true as T;
    }
    return undefined as T;
  }
  async shell(): Promise<string> { return ''; }
  async pullFile(): Promise<Buffer> { return Buffer.alloc(0); }
  async close(): Promise<void> {}
}

const FLOW = `login:
  steps:
    - type: { id: user }
      text: "\${env:SESSIONSCOPE_USER}"
    - type: { id: pw }
      text: "\${env:SESSIONSCOPE_PW}"
    - tap: { text: Skip }
      optional: true
    - tap: { id: go }
logout:
  steps:
    - scroll: { text: Log out }
      maxSwipes: 3
    - tap: { text: Log out }
    - back
loggedIn: { id: home }
loggedOut: { id: go }
timeouts: { step: 300ms, launch: 300ms }
`;

function setup() {
  const flow = parseFlow(FLOW, 'flow.yml', { env: ENV });
  const secrets = new Secrets(flow.secrets);
  const lines: string[] = [];
  const rec = new Recorder(mkdtempSync(path.join(tmpdir(), 'ss-ui-')), secrets, { line: (l) => lines.push(l) }, { capture: false });
  const d = new ScriptedDevice();
  const ui = new Ui(d, flow, 'com.x', rec, secrets);
  ui.pollMs = 10;
  return { flow, d, ui, rec, lines };
}

describe('Ui', () => {
  it('types credentials, records the password hash (password field), skips an optional tap, never prints values', async () => {
    const { d, ui, lines } = setup();
    d.visible = new Set(['id=user', 'id=pw', 'id=go']);
    await ui.runSteps(ui.flow.login, 'log in');
    expect(d.log).toEqual(['type id=user 17', 'type id=pw 11', 'click id=go']);
    expect([...ui.passwordHashes]).toEqual([sha256('Tr0ub4dor&3')]);
    expect(lines.join('\n')).not.toMatch(/alice|Tr0ub4dor/);
    expect(lines[0]).toMatch(/^ {2}setup › log in: type \$\{env:SESSIONSCOPE_USER\} into id=user \(\d\.\d\d s\)$/);
  });

  it('scrolls until the selector shows, then taps it', async () => {
    const { d, ui } = setup();
    await ui.runSteps(ui.flow.logout, 'log out');
    expect(d.scrolls).toBe(2);
    expect(d.log).toEqual(['click text=Log out', 'back']);
  });

  it('a selector that never appears is a Fault naming the step; a dead app is named as a crash', async () => {
    const { d, ui } = setup();
    await expect(ui.runSteps(ui.flow.login, 'log in')).rejects.toThrow(new Fault('setup › log in: type ${env:SESSIONSCOPE_USER} into id=user', 'id=user did not appear within 300 ms'));
    d.appState = 1;
    await expect(ui.expectState(100)).rejects.toThrow(/the app is not running \(it crashed or closed\); the loggedIn or the loggedOut marker did not appear$/);
  });

  it('tells the login state by the markers', async () => {
    const { d, ui } = setup();
    d.visible = new Set(['id=home']);
    expect(await ui.state(50)).toBe('in');
    d.visible = new Set(['id=go']);
    expect(await ui.state(50)).toBe('out');
    d.visible = new Set();
    expect(await ui.state(30)).toBe('unknown');
  });
});

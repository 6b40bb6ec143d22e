import { describe, expect, it } from 'vitest';
import { describeStep, draftToFlow, FlowError, flowToYaml, parseFlow, type FlowDraft } from '../../dynamic/flow.js';

const ENV = { SESSIONSCOPE_USER: 'alice@example.com', SESSIONSCOPE_PASSWORD: 'hunter2-Secret!' };

const GOOD = `app:
  package: com.example.insecureinvoice
  activity: .LoginActivity
login:
  steps:
    - action: type
      selector: { id: username }
      text: \${env:SESSIONSCOPE_USER}
    - action: type
      selector: { accessibilityId: password }
      text: \${env:SESSIONSCOPE_PASSWORD}
    - tap: { text: Log in }
logout:
  steps:
    - tap: { accessibilityId: More options }
      optional: true
    - action: tap
      selector: "xpath=//*[@text='Log out']"
    - back
loggedIn: { id: invoices_title }
loggedOut:
  - { id: login }
  - { uiautomator: 'new UiSelector().text("Log in")' }
request:
  method: get
  url: http://127.0.0.1:8080/v1/me
  headers:
    Authorization: Bearer \${token}
timeouts:
  step: 5s
  launch: 2m
  command: 30000
`;

function issues(src: string, env: Record<string, string> = ENV): string[] {
  try {
    parseFlow(src, 'flow.yml', { env });
  } catch (err) {
    if (err instanceof FlowError) return err.lines;
    throw err;
  }
  return [];
}

describe('parseFlow', () => {
  it('reads a complete flow with both step forms, selectors, markers, request and timeouts', () => {
    const f = parseFlow(GOOD, 'flow.yml', { env: ENV });
    expect(f.app).toEqual({ package: 'com.example.insecureinvoice', activity: '.LoginActivity' });
    expect(f.login.map((s) => s.action)).toEqual(['type', 'type', 'tap']);
    expect(f.login[0]).toMatchObject({ action: 'type', selector: { strategy: 'id', value: 'username' }, text: { value: 'alice@example.com', secret: true, env: ['SESSIONSCOPE_USER'] }, line: 6 });
    expect(f.login[2]).toMatchObject({ action: 'tap', selector: { strategy: 'text', value: 'Log in' } });
    expect(f.logout[0]).toMatchObject({ action: 'tap', optional: true, selector: { strategy: 'accessibilityId', value: 'More options' } });
    expect(f.logout[1]).toMatchObject({ selector: { strategy: 'xpath', value: "//*[@text='Log out']" } });
    expect(f.logout[2]).toMatchObject({ action: 'back' });
    expect(f.loggedIn).toEqual([{ strategy: 'id', value: 'invoices_title' }]);
    expect(f.loggedOut).toHaveLength(2);
    expect(f.request).toEqual({ method: 'GET', url: 'http://127.0.0.1:8080/v1/me', headers: { Authorization: 'Bearer ${token}' }, body: null, rejected: [401, 403] });
    expect(f.timeouts).toEqual({ stepMs: 5000, launchMs: 120_000, commandMs: 30_000, backupMs: 120_000 });
    expect(f.secrets.sort()).toEqual(['alice@example.com', 'hunter2-Secret!']);
  });

  it('never puts a credential into a step description', () => {
    const f = parseFlow(GOOD, 'flow.yml', { env: ENV });
    const text = [...f.login, ...f.logout].map(describeStep).join('\n');
    expect(text).toContain('type ${env:SESSIONSCOPE_PASSWORD} into accessibilityId=password');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('alice@');
  });

  it('names the file, the line and the path of an unknown selector strategy', () => {
    const src = `login:
  steps:
    - tap: { id: a }
    - tap: { id: b }
    - action: tap
      selector:
        css: "#login"
logout: { steps: [back] }
loggedIn: { id: x }
loggedOut: { id: y }
`;
    expect(issues(src)).toEqual(['flow.yml:7: login.steps[2].selector: unknown strategy "css"']);
  });

  it('reports every problem with its line, sorted, and the message says how many more', () => {
    const src = `app:
  package: not a package
login:
  steps:
    - action: click
      selector: { id: x }
    - type: { id: user }
    - type: { id: pass }
      text: \${env:NOPE_NOT_SET}
logout:
  steps: []
loggedIn: { id: a, text: b }
loggedOut: "css=.x"
colour: blue
`;
    const lines = issues(src);
    expect(lines).toEqual([
      'flow.yml:2: app.package: "not a package" is not a package name',
      'flow.yml:5: login.steps[0].action: unknown action "click" (expected tap, type, wait, back, scroll)',
      'flow.yml:7: login.steps[1]: a type step needs text (use "${env:NAME}" for credentials)',
      'flow.yml:9: login.steps[2].text: environment variable NOPE_NOT_SET is not set',
      'flow.yml:11: logout.steps: needs at least one step',
      'flow.yml:12: loggedIn: a selector has exactly one strategy, found 2',
      'flow.yml:13: loggedOut: unknown strategy "css"',
      'flow.yml:14: unknown key "colour" (expected app, login, logout, loggedIn, loggedOut, request, timeouts)',
    ]);
    try {
      parseFlow(src, 'flow.yml', { env: ENV });
    } catch (err) {
      expect((err as Error).message).toBe('flow.yml:2: app.package: "not a package" is not a package name (and 7 more problems)');
    }
  });

  it('rejects missing sections, bad durations, bad XPath, other references and a request without ${token}', () => {
    expect(issues('login: { steps: [back] }\n')).toEqual([
      'flow.yml:1: missing "logout" (the steps that log out)',
      'flow.yml:1: missing "loggedIn" (a selector visible only when logged in)',
      'flow.yml:1: missing "loggedOut" (a selector visible only when logged out)',
    ]);
    const src = `login:
  steps:
    - wait: { xpath: "Log in" }
      timeout: soon
    - type: { id: u }
      text: "\${user}"
logout: { steps: [back] }
loggedIn: { id: a }
loggedOut: { id: b }
request:
  url: ftp://example.com/\${token}
timeouts: { step: -1 }
`;
    expect(issues(src)).toEqual([
      'flow.yml:3: login.steps[0].wait.xpath: an XPath starts with "/" or "("',
      'flow.yml:4: login.steps[0].timeout: expected a duration such as 15s, 500ms, 2m or a number of milliseconds, found "soon"',
      'flow.yml:6: login.steps[1].text: unknown reference "${user}" (use ${env:NAME})',
      'flow.yml:11: request.url: expected an http or https URL, found ftp:',
      'flow.yml:12: timeouts.step: expected a duration such as 15s, 500ms, 2m or a number of milliseconds, found -1',
    ]);
    expect(issues(`login: { steps: [back] }
logout: { steps: [back] }
loggedIn: { id: a }
loggedOut: { id: b }
request:
  url: https://api.example.com/me
  headers: { Authorization: Bearer abc }
`)).toEqual(['flow.yml:6: request: the request must use ${token} in url, headers or body']);
  });

  it('reports YAML syntax errors and a non-mapping document with their line', () => {
    expect(issues('login:\n  steps: [back\nlogout: x\n')[0]).toMatch(/^flow\.yml:\d+: YAML: /);
    expect(issues('- a\n- b\n')).toEqual(['flow.yml:1: expected a mapping with app, login, logout, loggedIn and loggedOut, found a list']);
    expect(issues('a: 1\na: 2\n')[0]).toMatch(/^flow\.yml:2: YAML: Map keys must be unique/);
  });

  it('does not print the value of a variable that is set, only the name of one that is not', () => {
    const src = GOOD.replace('${env:SESSIONSCOPE_PASSWORD}', '${env:MISSING_PW}');
    const lines = issues(src);
    expect(lines).toEqual(['flow.yml:11: login.steps[1].text: environment variable MISSING_PW is not set']);
    expect(lines.join()).not.toContain('alice');
  });
});

describe('flowToYaml / draftToFlow', () => {
  const draft: FlowDraft = {
    app: { package: 'com.example.secureinvoice', activity: null },
    login: [
      { action: 'type', selector: { strategy: 'id', value: 'username' }, env: 'SESSIONSCOPE_USER' },
      { action: 'type', selector: { strategy: 'id', value: 'password' }, env: 'SESSIONSCOPE_PASSWORD' },
      { action: 'tap', selector: { strategy: 'id', value: 'login' } },
    ],
    logout: [{ action: 'tap', selector: { strategy: 'accessibilityId', value: 'More options' } }, { action: 'tap', selector: { strategy: 'text', value: 'Log out' } }],
    loggedIn: [{ strategy: 'id', value: 'invoices_title' }],
    loggedOut: [{ strategy: 'id', value: 'login' }],
  };

  it('writes env references, never values, and the text parses back to the same flow', () => {
    const yaml = flowToYaml(draft);
    expect(yaml).toContain('${env:SESSIONSCOPE_PASSWORD}');
    expect(yaml).not.toContain('hunter2');
    const f = parseFlow(yaml, 'flow.yml', { env: ENV });
    expect(f.login.map(describeStep)).toEqual(['type ${env:SESSIONSCOPE_USER} into id=username', 'type ${env:SESSIONSCOPE_PASSWORD} into id=password', 'tap id=login']);
    expect(f.logout.map(describeStep)).toEqual(['tap accessibilityId=More options', 'tap text=Log out']);
    expect(draftToFlow(draft, ENV).loggedIn).toEqual([{ strategy: 'id', value: 'invoices_title' }]);
  });
});

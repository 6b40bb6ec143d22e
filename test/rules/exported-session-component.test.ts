import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import rule from '../../static-rules/exported-session-component.js';
import { RULES } from '../../static-rules/index.js';
import { fingerprintOf } from '../../src/rules/rule.js';
import { sessionNameWord, nameWords } from '../../src/model/component-signals.js';
import { appOf, findings } from '../helpers/rules.js';
import { CORPUS_DIR, NPM_APKS, corpusApk, fixtureApk } from '../helpers/apks.js';
import { el, str, bool, int } from '../helpers/xml-tree.js';
import { manifestTree, remodel } from '../fixtures/rule-data/remodel.js';

const ID = 'exported-session-component';
const fp = (kind: string, name: string) => fingerprintOf(ID, [kind, name]);
const action = (n: string) => el('action', { 'android:name': str(n) });
const category = (n: string) => el('category', { 'android:name': str(n) });
const launcherFilter = () => el('intent-filter', {}, [action('android.intent.action.MAIN'), category('android.intent.category.LAUNCHER')]);
const browsable = (scheme: string, host: string, path?: string) =>
  el('intent-filter', {}, [
    action('android.intent.action.VIEW'),
    category('android.intent.category.DEFAULT'),
    category('android.intent.category.BROWSABLE'),
    el('data', { 'android:scheme': str(scheme), 'android:host': str(host), ...(path ? { 'android:path': str(path) } : {}) }),
  ]);

describe('meta and registration', () => {
  it('is registered once, with its standards', () => {
    expect(RULES.filter((r) => r.meta.id === ID)).toEqual([rule]);
    expect(rule.meta).toMatchObject({ masvs: ['MASVS-PLATFORM-1'], mastg: ['MASTG-TEST-0029', 'MASWE-0018'], cwe: ['CWE-926'] });
    expect(rule.meta.description).toContain('MASWE-0018');
  });

  it('session words in class names', () => {
    expect(nameWords('Ljakhar/aseem/diva/APICreds2Activity;')).toEqual(['api', 'creds', 'activity']);
    expect(['PostLogin', 'ChangePassword', 'SignInActivity', 'AccountsFragment', 'TokenRefreshService', 'SocialAPIAuthentication'].map((n) => sessionNameWord(`Lx/${n};`))).toEqual([
      'login', 'password', 'signin', 'accounts', 'token', 'authentication',
    ]);
    expect(['Tokenizer', 'AuthorList', 'Pinned', 'ViewProfile', 'SpinnerActivity'].map((n) => sessionNameWord(`Lx/${n};`))).toEqual([null, null, null, null, null]);
  });
});

describe('fixture apps', () => {
  it('insecure-invoice: InvoicesActivity, a post-login screen any app can open (high); the launcher is not reported', () => {
    const f = findings(rule, fixtureApk('insecure-invoice'));
    expect(f.map((x) => [x.severity, x.confidence, x.location, x.fingerprint])).toEqual([
      [
        'high',
        'high',
        { file: 'AndroidManifest.xml', line: 40, element: 'activity', class: 'Lcom/example/insecureinvoice/InvoicesActivity;' },
        fp('activity', 'com.example.insecureinvoice.InvoicesActivity'),
      ],
    ]);
    expect(f[0]!.message).toBe(
      'Activity com.example.insecureinvoice.InvoicesActivity is exported (android:exported="true") with no permission: any app on the device can start it, with any extras. ' +
        'It handles session data: is opened by LoginActivity.openInvoices() after sign-in; has a logout() action (a screen for signed-in users). ' +
        'Another app can open it directly, skipping the sign-in flow, and read what it shows or returns, or feed it a token of its choosing.',
    );
    expect(f[0]!.library).toBeUndefined();
  });

  it('secure-invoice: its launcher LoginActivity alone is not a finding', () => {
    expect(findings(rule, fixtureApk('secure-invoice'))).toEqual([]);
  });

  it('multidex-app: SessionActivity, implicitly exported below API 31, reads the token through SessionStore (high)', () => {
    const f = findings(rule, fixtureApk('multidex-app'));
    expect(f.map((x) => [x.severity, x.confidence, x.location, x.fingerprint])).toEqual([
      ['high', 'high', { file: 'AndroidManifest.xml', line: 36, element: 'activity', class: 'Lcom/example/multidex/SessionActivity;' }, fp('activity', 'com.example.multidex.SessionActivity')],
    ]);
    expect(f[0]!.message).toContain('is exported (it has an intent-filter and no android:exported, which means exported for targetSdk 30 (below 31)) with no permission');
    expect(f[0]!.message).toContain('its name says "session"; reads SharedPreferences key "session_token" through SessionStore.readToken()');
  });

  it('obfuscated-nsc: only a launcher: nothing', () => {
    expect(findings(rule, fixtureApk('obfuscated-nsc'))).toEqual([]);
  });
});

describe('hand-built manifests over the fixtures\' code', () => {
  const invoice = () => appOf(fixtureApk('insecure-invoice'));
  const pkg = 'com.example.insecureinvoice';

  it('a normal-level custom permission protects nothing; signature and dangerous ones do', () => {
    const build = (level: number | null) => {
      const perm = el('permission', { 'android:name': str(`${pkg}.OPEN`), ...(level === null ? {} : { 'android:protectionLevel': int(level) }) });
      const act = el('activity', { 'android:name': str('.InvoicesActivity'), 'android:exported': bool(true), 'android:permission': str(`${pkg}.OPEN`) });
      return { ...manifestTree({ pkg, targetSdk: 33, components: [act], extra: [perm] }), perm, act };
    };
    const normal = build(null);
    const f = findings(rule, remodel(invoice(), { manifest: normal.root }));
    expect(f.map((x) => [x.severity, x.location.line, x.fingerprint])).toEqual([['high', normal.act.line, fp('activity', `${pkg}.InvoicesActivity`)]]);
    expect(f[0]!.message).toContain(
      `with only the permission ${pkg}.OPEN, which the app declares with protectionLevel normal (line ${normal.perm.line}): any app that asks for it is granted it at install, without the user`,
    );
    expect(findings(rule, remodel(invoice(), { manifest: build(0).root })).length).toBe(1);
    expect(findings(rule, remodel(invoice(), { manifest: build(1).root }))).toEqual([]); // dangerous
    expect(findings(rule, remodel(invoice(), { manifest: build(2).root }))).toEqual([]); // signature
  });

  it('a normal platform permission (INTERNET) does not protect; a signature platform one does', () => {
    const withPerm = (p: string) =>
      manifestTree({ pkg, targetSdk: 33, components: [el('service', { 'android:name': str('.SyncService'), 'android:exported': bool(true), 'android:permission': str(p) })] }).root;
    const f = findings(rule, remodel(invoice(), { manifest: withPerm('android.permission.INTERNET') }));
    expect(f.map((x) => [x.severity, x.fingerprint])).toEqual([['medium', fp('service', `${pkg}.SyncService`)]]);
    expect(f[0]!.message).toContain('with only the permission android.permission.INTERNET, a normal permission any app can hold: any app on the device can start or bind to it.');
    expect(findings(rule, remodel(invoice(), { manifest: withPerm('android.permission.BIND_JOB_SERVICE') }))).toEqual([]);
  });

  it('disabled or not exported: nothing', () => {
    const { root } = manifestTree({
      pkg,
      targetSdk: 33,
      components: [
        el('activity', { 'android:name': str('.InvoicesActivity'), 'android:exported': bool(true), 'android:enabled': bool(false) }),
        el('activity', { 'android:name': str('.TokenActivity'), 'android:exported': bool(false) }),
      ],
    });
    expect(findings(rule, remodel(invoice(), { manifest: root }))).toEqual([]);
  });

  it('the launcher is reported when it takes token deep links; a plain launcher is not', () => {
    const plain = manifestTree({ pkg, targetSdk: 33, components: [el('activity', { 'android:name': str('.LoginActivity'), 'android:exported': bool(true) }, [launcherFilter()])] });
    expect(findings(rule, remodel(invoice(), { manifest: plain.root }))).toEqual([]);
    const act = el('activity', { 'android:name': str('.LoginActivity'), 'android:exported': bool(true) }, [launcherFilter(), browsable('invoiceapp', 'oauth', '/callback')]);
    const withLink = manifestTree({ pkg, targetSdk: 33, components: [act] });
    const f = findings(rule, remodel(invoice(), { manifest: withLink.root }));
    expect(f.map((x) => [x.severity, x.confidence, x.location])).toEqual([['high', 'high', { file: 'AndroidManifest.xml', line: act.line, element: 'activity', class: `L${pkg.replace(/\./g, '/')}/LoginActivity;` }]]);
    expect(f[0]!.message).toContain('it accepts browsable deep links for invoiceapp://oauth/callback');
  });

  it('a browsable deep link into a screen without session signals: medium', () => {
    const { root } = manifestTree({ pkg, targetSdk: 33, components: [el('activity', { 'android:name': str('.HelpActivity'), 'android:exported': bool(true) }, [browsable('https', 'help.example.com')])] });
    const f = findings(rule, remodel(invoice(), { manifest: root }));
    expect(f.map((x) => [x.severity, x.fingerprint])).toEqual([['medium', fp('activity', `${pkg}.HelpActivity`)]]);
    expect(f[0]!.message).toContain('It also accepts browsable deep links, so any web page can start it with data of its choosing.');
  });

  it('a plain exported activity without session signals: low', () => {
    const { root } = manifestTree({ pkg, targetSdk: 33, components: [el('activity', { 'android:name': str('.AboutActivity'), 'android:exported': bool(true) })] });
    expect(findings(rule, remodel(invoice(), { manifest: root })).map((x) => [x.severity, x.message])).toEqual([
      ['low', `Activity ${pkg}.AboutActivity is exported (android:exported="true") with no permission: any app on the device can start it, with any extras.`],
    ]);
  });

  it('an exported activity-alias is judged by the code of its target', () => {
    const target = el('activity', { 'android:name': str('.InvoicesActivity'), 'android:exported': bool(false) });
    const alias = el('activity-alias', { 'android:name': str('.Shortcut'), 'android:targetActivity': str('.InvoicesActivity'), 'android:exported': bool(true) });
    const { root } = manifestTree({ pkg, targetSdk: 33, components: [target, alias] });
    const f = findings(rule, remodel(invoice(), { manifest: root }));
    expect(f.map((x) => [x.severity, x.location.class, x.fingerprint])).toEqual([['high', `L${pkg.replace(/\./g, '/')}/InvoicesActivity;`, fp('activity-alias', `${pkg}.Shortcut`)]]);
  });

  const HAVE_CORPUS = existsSync(CORPUS_DIR);
  it.skipIf(!HAVE_CORPUS)(`a provider with no android:exported at targetSdk 16 is exported by default; at 17 it is not${HAVE_CORPUS ? '' : ' (skipped: ../shared/corpus not present)'}`, () => {
    const diva = appOf(corpusApk('diva-beta.apk'));
    const provider = () => el('provider', { 'android:name': str('.NotesProvider'), 'android:authorities': str('jakhar.aseem.diva.provider.notesprovider') });
    const at16 = manifestTree({ pkg: 'jakhar.aseem.diva', minSdk: 15, targetSdk: 16, components: [provider()] });
    const f = findings(rule, remodel(diva, { manifest: at16.root }));
    expect(f.map((x) => [x.severity, x.confidence, x.fingerprint])).toEqual([['high', 'high', fp('provider', 'jakhar.aseem.diva.NotesProvider')]]);
    expect(f[0]!.message).toBe(
      'Content provider jakhar.aseem.diva.NotesProvider is exported (providers are exported by default for targetSdk 16 and lower (this app targets 16)) with no permission ' +
        '(readable and writable by any app): any app on the device can query or change its data through content://jakhar.aseem.diva.provider.notesprovider. ' +
        'It is backed by an SQLite database: other apps can read and change its tables through content:// URIs (and try SQL injection through selection arguments).',
    );
    const at17 = manifestTree({ pkg: 'jakhar.aseem.diva', minSdk: 15, targetSdk: 17, components: [provider()] });
    expect(findings(rule, remodel(diva, { manifest: at17.root }))).toEqual([]);
    // Read protected by a signature permission, write left open: still reported, as writable.
    const perm = el('permission', { 'android:name': str('jakhar.aseem.diva.READ'), 'android:protectionLevel': int(2) });
    const half = el('provider', { 'android:name': str('.NotesProvider'), 'android:authorities': str('x'), 'android:exported': bool(true), 'android:readPermission': str('jakhar.aseem.diva.READ') });
    const g = findings(rule, remodel(diva, { manifest: manifestTree({ pkg: 'jakhar.aseem.diva', targetSdk: 23, components: [half], extra: [perm] }).root }));
    expect(g.map((x) => x.severity)).toEqual(['high']);
    expect(g[0]!.message).toContain('with no permission (writable by any app)');
  });
});

describe('APKs shipped in npm packages: no high finding', () => {
  it.each([
    ['apidemos', NPM_APKS.apidemos, { medium: 2, low: 329 }],
    ['settings', NPM_APKS.settings, { medium: 12 }],
    ['uia2server', NPM_APKS.uia2server, { medium: 1, info: 3 }],
    ['uia2test', NPM_APKS.uia2test, {}],
  ])('%s', (_n, path, counts) => {
    const f = findings(rule, path);
    const got: Record<string, number> = {};
    for (const x of f) got[x.severity] = (got[x.severity] ?? 0) + 1;
    expect(got).toEqual(counts);
    // Every finding is an exported, enabled, non-launcher component.
    const app = appOf(path);
    for (const x of f) {
      const c = app.manifest.components.find((k) => k.line === x.location.line)!;
      expect(c.exported && c.enabled && !c.launcher).toBe(true);
    }
  });

  it('uia2server: the AndroidX test activities are labelled as library code and ranked down', () => {
    const lib = findings(rule, NPM_APKS.uia2server).filter((x) => x.library);
    expect(lib.map((x) => [x.severity, x.library, x.location.class])).toEqual([
      ['info', 'AndroidX', 'Landroidx/test/core/app/InstrumentationActivityInvoker$BootstrapActivity;'],
      ['info', 'AndroidX', 'Landroidx/test/core/app/InstrumentationActivityInvoker$EmptyActivity;'],
      ['info', 'AndroidX', 'Landroidx/test/core/app/InstrumentationActivityInvoker$EmptyFloatingActivity;'],
    ]);
  });
});

const HAVE_CORPUS = existsSync(CORPUS_DIR);
describe.skipIf(!HAVE_CORPUS)(`corpus against expectations.json${HAVE_CORPUS ? '' : ' (skipped: ../shared/corpus not present)'}`, () => {
  const exp = HAVE_CORPUS ? JSON.parse(readFileSync(`${CORPUS_DIR}/expectations.json`, 'utf8')) : {};
  const HIGH: Record<string, string[]> = {
    'diva-beta.apk': ['APICredsActivity', 'APICreds2Activity', 'NotesProvider'],
    'insecurebankv2.apk': ['PostLogin', 'DoTransfer', 'ViewStatement', 'ChangePassword', 'MyBroadCastReceiver', 'TrackUserContentProvider'],
    'goatdroid-qark.apk': ['SocialAPIAuthentication'],
    'uncrackable-l1.apk': [],
  };

  it.each(Object.keys(HIGH))('%s: the unprotected exported non-launcher components, session ones high', (name) => {
    const e = exp[name];
    const app = appOf(corpusApk(name));
    const qualify = (n: string) => (n.startsWith('.') ? e.package + n : n);
    const launchers = new Set(app.manifest.components.filter((c) => c.launcher).map((c) => c.name));
    const expected = e.exportedComponents.list
      .filter((c: { permission: string | null }) => c.permission === null)
      .map((c: { kind: string; name: string }) => fp(c.kind, qualify(c.name)))
      .filter((f: string) => ![...launchers].some((l) => f === fp('activity', l)));
    const f = findings(rule, app);
    expect(f.map((x) => x.fingerprint).sort()).toEqual(expected.sort());
    const high = f.filter((x) => x.severity === 'high').map((x) => x.location.class!.replace(/^.*\//, '').replace(/;$/, ''));
    expect(high.sort()).toEqual([...HIGH[name]!].sort());
  });

  it('insecurebankv2: why each is session-related', () => {
    const f = findings(rule, corpusApk('insecurebankv2.apk'));
    const msg = (cls: string) => f.find((x) => x.location.class === `Lcom/android/insecurebankv2/${cls};`)!.message;
    expect(msg('PostLogin')).toContain('its name says "login"; is opened by DoLogin$RequestTask.postData() after sign-in');
    expect(msg('DoTransfer')).toContain('reads SharedPreferences key "superSecurePassword"');
    expect(msg('MyBroadCastReceiver')).toContain('Broadcast receiver com.android.insecurebankv2.MyBroadCastReceiver is exported (android:exported="true") with no permission: any app on the device can send it broadcasts.');
    expect(msg('TrackUserContentProvider')).toContain('It is backed by an SQLite database');
  });

  it('goatdroid: SocialAPIAuthentication returns the session token to its caller; the others rank by kind', () => {
    const f = findings(rule, corpusApk('goatdroid-qark.apk'));
    expect(f.map((x) => [x.severity, x.location.class!.replace(/^.*\//, '')])).toEqual([
      ['high', 'SocialAPIAuthentication;'],
      ['medium', 'LocationService;'],
      ['medium', 'SendSMSNowReceiver;'],
      ['low', 'ViewCheckin;'],
      ['low', 'ViewProfile;'],
    ]);
    expect(f[0]!.message).toContain('returns "sessionToken" to the calling app (putExtra + setResult)');
  });
});

/**
 * The HTML report: self-contained, every APK-controlled string inert, links and anchors whole,
 * and checked in a real browser (Debian's chromium, headless) when one is installed: screenshots
 * at desktop and phone width land in test/report/screenshots/ for a person to look at.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { esc, imageSrc, renderHtml } from '../../src/report/html.js';
import type { RuleDoc } from '../../src/report/rule-docs.js';
import type { Report } from '../../src/report/types.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const SHOTS = join(import.meta.dirname, 'screenshots');
const load = (name: string): Report => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as Report;
const RULES = JSON.parse(readFileSync(join(FIXTURES, 'rules.json'), 'utf8')) as RuleDoc[];

const count = (s: string, re: RegExp): number => (s.match(re) ?? []).length;

describe('renderHtml', () => {
  const html = renderHtml(load('insecure-invoice.json'), { rules: RULES });
  const hostile = renderHtml(load('hostile-multi.json'), { rules: RULES });

  it('is one self-contained file: no external stylesheet, script, font or image', () => {
    for (const page of [html, hostile]) {
      expect(page.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
      expect(page).not.toMatch(/<link\b/i);
      expect(page).not.toMatch(/<script[^>]*\bsrc=/i);
      expect(page).not.toMatch(/@import|url\(/i);
      expect(count(page, /<script>/g)).toBe(1);
      for (const [, src] of page.matchAll(/<img src="([^"]*)"/g)) expect(src).toMatch(/^(data:image\/png;base64,|screens\/)/);
    }
  });

  it('allows only its own inline script, by hash, in the Content-Security-Policy', () => {
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
    const hash = createHash('sha256').update(script).digest('base64');
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)![1]!.replace(/&#39;/g, "'");
    expect(csp).toContain(`script-src 'sha256-${hash}'`);
    expect(csp).toContain("default-src 'none'");
  });

  it('shows header, summary, app facts and exported components', () => {
    expect(html).toContain('<title>sessionscope report: com.example.insecureinvoice</title>');
    expect(html).toContain('sessionscope 0.1.0 · scanned 2025-03-14 09:26:53 UTC · 1 app · 10 findings');
    expect(html).toContain('<li class="chip sev-high">5 high</li>');
    expect(html).toContain('<li class="chip zero">0 critical</li>');
    expect(html).toContain('<dt>Debuggable</dt><dd><span class="yes">yes</span> <span class="muted">(android:debuggable)</span></dd>');
    expect(html).toContain(
      "(decided by the platform default for targetSdk 33: the network security config&#39;s base-config sets no cleartext policy)",
    );
    expect(html).toContain('<li><code>api.example-invoice.com</code> and subdomains: cleartext <span class="yes">permitted</span></li>');
    expect(html).toContain('<h4>Exported components (3)</h4>');
    expect(html).toContain('<td data-label="Exported by">intent filter without android:exported</td>');
  });

  it('renders each finding as a card with rule link, location, evidence, remediation, references and badges', () => {
    expect(count(html, /<article class="finding /g)).toBe(10);
    const card = /<article class="finding sev-high" data-sev="high" id="t1-f1">[\s\S]*?<\/article>/.exec(html)![0];
    expect(card).toContain('<span class="badge confirmed">Confirmed by the dynamic run</span>');
    expect(card).toContain('<h4>Session token stored in plaintext</h4>');
    expect(card).toContain('<a href="#rule-plaintext-session-storage"><code>plaintext-session-storage</code></a>');
    expect(card).toContain('<div><dt>Location</dt><dd><code>com.example.insecureinvoice.SessionStore.saveToken()</code></dd></div>');
    expect(card).toContain('<pre><code>auth_token = eyJh… (redacted, 212 chars, sha256 3f9a0c1e2b7d)</code></pre>');
    expect(card).toContain('Encrypt the value with a key held in the Android Keystore');
    expect(card).toContain('<li class="chip ref">MASVS-STORAGE-1</li><li class="chip ref">MASTG-TEST-0287</li><li class="chip ref">CWE-312</li>');
    expect(html).toContain('<span class="badge refuted">Refuted by the dynamic run</span>');
    expect(html).toContain('<span class="badge not-tested">Not tested dynamically</span>');
    expect(html).toContain('<span class="badge lib">Third-party library: OkHttp</span>');
    expect(html).toContain('<div><dt>Location</dt><dd><code>AndroidManifest.xml:27 &lt;application&gt;</code></dd></div>');
  });

  it('every in-page link has a target (rules appendix included)', () => {
    for (const page of [html, hostile]) {
      const ids = new Set([...page.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]));
      const targets = [...page.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]);
      expect(targets.length).toBeGreaterThan(3);
      for (const t of targets) expect(ids.has(t), t).toBe(true);
    }
    expect(html).toContain('<article class="rule sev-high" id="rule-plaintext-session-storage"><h3>Session token stored in plaintext</h3>');
    expect(html).toContain('<h3>Rules without findings (2)</h3>');
    expect(html).toContain('<a href="https://developer.android.com/privacy-and-security/keystore" rel="noreferrer">');
  });

  it('shows the dynamic run with probes, verdicts and screenshots (inline data: or relative file)', () => {
    expect(html).toContain('<h3 id="t1-dynamic">Dynamic run</h3>');
    expect(html).toContain('<strong>Simulated device.</strong>');
    expect(html).toContain('token-survives-logout <span class="chip verdict-fail">FAIL</span>');
    expect(html).toContain('<span class="chip verdict-inconclusive">INCONCLUSIVE</span>');
    expect(html).toMatch(/<img src="data:image\/png;base64,iVBORw0KGgo[A-Za-z0-9+/=]+" alt="Screenshot after step 1: launch LoginActivity" loading="lazy">/);
    expect(html).toContain('<img src="screens/login-2.png" alt="Screenshot after step 2: log in as test user" loading="lazy">');
    expect(html).toContain('<details><summary>Page source</summary><pre><code>&lt;hierarchy&gt;');
    expect(html).toContain('<strong>3. tap Log out</strong> <span class="muted">640\u00a0ms</span>');
    expect(hostile).not.toContain('Dynamic run');
  });

  it('links page sources the dynamic stage saved as files; never links absolute or parent paths', () => {
    const base = load('insecure-invoice.json');
    const withFiles = (pageSource: string): string =>
      renderHtml(
        { ...base, results: [{ ...base.results[0]!, dynamic: { simulated: true, probes: [{ name: 'login', verdict: 'fail', summary: 's', steps: [{ name: 'step', durationMs: 5, pageSource }] }] } }] },
        { rules: RULES },
      );
    expect(withFiles('steps/003-login.xml')).toContain('<p><a href="steps/003-login.xml">Page source</a></p>');
    expect(withFiles('/etc/passwd.xml')).not.toContain('href="/etc/passwd.xml"');
    expect(withFiles('../../x.xml')).not.toContain('href="../../x.xml"');
  });

  it('makes attacker-controlled text inert: package, version, message, evidence, domains, warnings', () => {
    expect(hostile).not.toContain("<script>document.title='pwned'</script>");
    expect(hostile).not.toMatch(/<img src=x/i);
    expect(hostile).not.toMatch(/<[a-z][^>]*\son[a-z]+=/i);
    expect(hostile).not.toContain('<b>Provider</b>');
    expect(hostile).toContain('<title>sessionscope report: 2 apps</title>');
    expect(hostile).toContain('<code>com.evil&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;</code>');
    expect(hostile).toContain('1.0&quot;&gt;&lt;img src=x onerror=&quot;document.title=&#39;pwned&#39;&quot;&gt;');
    expect(hostile).toContain(
      '<pre><code>&lt;/pre&gt;&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt; \\u0000\\u0001\\u001b[31m ]]&gt; &amp; &quot;quoted&quot; | pipe</code></pre>',
    );
    expect(hostile).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    expect(hostile).toContain('<div class="banner" role="note"><strong>Analysis incomplete.</strong>');
    expect(hostile).toContain('<li><strong>Analysis incomplete</strong> in <code>classes2.dex</code>: <span class="wrap">method_ids out of range at offset 0x70; skipped 1,204 methods</span></li>');
    // An anchor built from an attacker-chosen rule id stays a plain id.
    const r = load('hostile-multi.json');
    r.results[0]!.findings[0]!.ruleId = '"><script>x</script>';
    const page = renderHtml(r, { rules: [] });
    expect(page).toContain('<a href="#rule----script-x--script-"><code>&quot;&gt;&lt;script&gt;x&lt;/script&gt;</code></a>');
    expect(page).toContain('id="rule----script-x--script-"');
    expect(page).not.toContain('<script>x</script>');
  });

  it('loads screenshots only from raster data: URLs or relative paths; tolerates malformed dynamic data', () => {
    expect(imageSrc('data:image/png;base64,iVBO Rw==')).toBe('data:image/png;base64,iVBORw==');
    expect(imageSrc('data:image/svg+xml;base64,PHN2Zz4=')).toBeNull();
    expect(imageSrc('javascript:alert(1)')).toBeNull();
    expect(imageSrc('https://evil.example/x.png')).toBeNull();
    expect(imageSrc('//evil.example/x.png')).toBeNull();
    expect(imageSrc('/etc/passwd')).toBeNull();
    expect(imageSrc('shots\\step 1 "a".png')).toBe('shots/step%201%20%22a%22.png');
    const r = load('insecure-invoice.json');
    (r.results[0]!.dynamic as { probes: { steps: { screenshot: string }[] }[] }).probes[0]!.steps[0]!.screenshot = 'javascript:alert(1)';
    const page = renderHtml(r, { rules: RULES });
    expect(page).toContain('Screenshot not embedded: <code>javascript:alert(1)</code>');
    expect(page).not.toContain('src="javascript:');
    for (const dynamic of [{}, { probes: 'x' }, { probes: [null, 3, { steps: [null, { durationMs: 'slow', name: 7 }] }] }]) {
      r.results[0]!.dynamic = dynamic;
      expect(renderHtml(r, { rules: RULES })).toContain('<h3 id="t1-dynamic">Dynamic run</h3>');
    }
    for (const dynamic of [null, 42, 'x']) {
      r.results[0]!.dynamic = dynamic;
      expect(renderHtml(r, { rules: RULES })).not.toContain('Dynamic run');
    }
  });

  it('esc turns bidi overrides and control characters into visible escapes', () => {
    expect(esc('a\u202eb\u0007c\r\nd')).toBe('a\\u202eb\\u0007c\nd');
  });
});

function findChromium(): string | null {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  return null;
}

const CHROMIUM = findChromium();
if (!CHROMIUM) console.warn('test/report/html.test.ts: chromium is not installed (apt-get install chromium); skipping the browser checks');

describe.skipIf(!CHROMIUM)('renderHtml in headless Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sessionscope-html-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (args: string[]): string => {
    const profile = mkdtempSync(join(dir, 'profile-'));
    const r = spawnSync(
      CHROMIUM!,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--hide-scrollbars',
        `--user-data-dir=${profile}`,
        ...args,
      ],
      { encoding: 'utf8', timeout: 90_000, maxBuffer: 32 * 1024 * 1024 },
    );
    rmSync(profile, { recursive: true, force: true });
    expect(r.error).toBeUndefined();
    return r.stdout;
  };
  const write = (name: string, report: Report): string => {
    const file = join(dir, `${name}.html`);
    writeFileSync(file, renderHtml(report, { rules: RULES }));
    return pathToFileURL(file).href;
  };
  // The relative screenshot the sample report names, beside the page.
  const report = load('insecure-invoice.json');
  const dataUrl = (report.results[0]!.dynamic as { probes: { steps: { screenshot: string }[] }[] }).probes[0]!.steps[0]!.screenshot;
  mkdirSync(join(dir, 'screens'), { recursive: true });
  writeFileSync(join(dir, 'screens', 'login-2.png'), Buffer.from(dataUrl.split(',')[1]!, 'base64'));
  mkdirSync(SHOTS, { recursive: true });

  function pngSize(file: string): { width: number; height: number } {
    const b = readFileSync(file);
    expect(b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    expect(b.subarray(12, 16).toString('latin1')).toBe('IHDR');
    return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
  }

  it.each([
    ['desktop', 1280, 2000],
    ['mobile', 375, 2400],
  ])('takes a %s screenshot (%i px wide)', (label, width, height) => {
    const png = join(SHOTS, `insecure-invoice-${label}.png`);
    rmSync(png, { force: true });
    run([`--screenshot=${png}`, `--window-size=${width},${height}`, write('insecure-invoice', report)]);
    const size = pngSize(png);
    expect(size.width).toBe(width);
    expect(size.height).toBe(height);
    expect(readFileSync(png).length).toBeGreaterThan(20_000);
  });

  it('takes a screenshot of the hostile report', () => {
    const png = join(SHOTS, 'hostile-multi-desktop.png');
    rmSync(png, { force: true });
    run([`--screenshot=${png}`, '--window-size=1280,2000', write('hostile-multi', load('hostile-multi.json'))]);
    expect(pngSize(png)).toEqual({ width: 1280, height: 2000 });
  });

  it('runs its own script (the filter appears) but no injected one (the title is untouched)', () => {
    const dom = run(['--dump-dom', write('hostile-dom', load('hostile-multi.json'))]);
    expect(dom).toContain('<title>sessionscope report: 2 apps</title>');
    expect(dom).not.toMatch(/<title>[^<]*pwned/);
    expect(dom).toContain('<form class="filter">');
    expect(dom).toContain('# Hard-coded &lt;script&gt;document.title=\'pwned\'&lt;/script&gt; secret');
    expect(dom).toContain('WebView keeps cookies after logout');
    expect(count(dom, /<script>/g)).toBe(1);
    expect(count(dom, /<img /g)).toBe(0);
  });

  it('the severity filter hides the unchecked severity', () => {
    // A test-only copy: the policy would (rightly) block the script that plays the user's click.
    const click = `<script>var i=document.querySelector('form.filter input[value="high"]');i.checked=false;i.dispatchEvent(new Event('change',{bubbles:true}));</script>`;
    const page = renderHtml(report, { rules: RULES })
      .replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '')
      .replace('</body>', `${click}</body>`);
    const file = join(dir, 'filter.html');
    writeFileSync(file, page);
    const dom = run(['--dump-dom', pathToFileURL(file).href]);
    const cards = [...dom.matchAll(/<article class="finding [^"]*" data-sev="([a-z]+)" id="t1-f\d+"( hidden="")?>/g)];
    expect(cards.map((m) => `${m[1]}${m[2] ? ' hidden' : ''}`)).toEqual([
      ...Array(5).fill('high hidden'),
      ...Array(4).fill('medium'),
      'low',
    ]);
  });

  it('is fully readable with scripts disabled: every finding is shown, the filter stays hidden', () => {
    // Chromium's --blink-settings=scriptEnabled=false also stops --dump-dom, so "disabled" here is a
    // policy that blocks the page's only script.
    const page = renderHtml(report, { rules: RULES }).replace(/script-src &#39;sha256-[^&]+&#39;/, 'script-src &#39;none&#39;');
    expect(page).toContain('script-src &#39;none&#39;');
    const file = join(dir, 'noscript.html');
    writeFileSync(file, page);
    const dom = run(['--dump-dom', pathToFileURL(file).href]);
    expect(dom).toContain('<form class="filter" hidden="">');
    expect(count(dom, /<article class="finding [^"]*" data-sev="[a-z]+" id="t1-f\d+">/g)).toBe(10);
    for (const f of report.results[0]!.findings) expect(dom).toContain(`<h4>${f.title}</h4>`);
    // And what it looks like (Chromium's own "scripts off" switch also stops its screenshot code).
    const png = join(SHOTS, 'insecure-invoice-noscript.png');
    rmSync(png, { force: true });
    run([`--screenshot=${png}`, '--window-size=1280,1200', pathToFileURL(file).href]);
    expect(pngSize(png)).toEqual({ width: 1280, height: 1200 });
  });
});

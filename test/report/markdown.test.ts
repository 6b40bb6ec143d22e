/**
 * The Markdown step summary: exact table rows, the row cap, the size cap, and attacker-controlled
 * text that can break neither the table nor out of it. Rendered with markdown-it (CommonMark +
 * GFM tables, raw HTML allowed as GitHub allows <details>) to check what a reader would see.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import MarkdownIt from 'markdown-it';
import { STEP_SUMMARY_LIMIT, mdCode, mdLine, mdText, renderMarkdown } from '../../src/report/markdown.js';
import type { RuleDoc } from '../../src/report/rule-docs.js';
import type { Finding, Report } from '../../src/report/types.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const load = (name: string): Report => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as Report;
const RULES = JSON.parse(readFileSync(join(FIXTURES, 'rules.json'), 'utf8')) as RuleDoc[];
const md = new MarkdownIt({ html: true, linkify: true });

/** The cells of every body row of every table in the rendered HTML. */
function tableRows(html: string): string[][] {
  return [...html.matchAll(/<tbody>([\s\S]*?)<\/tbody>/g)].flatMap((t) =>
    [...t[1]!.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) => [...r[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1]!)),
  );
}

describe('renderMarkdown', () => {
  const text = renderMarkdown(load('insecure-invoice.json'), { rules: RULES });

  it('has a heading per target, a severity count table and a findings table', () => {
    expect(text.startsWith('# sessionscope report\n\nsessionscope 0.1.0 · 1 app · 10 findings, 5 high or critical\n')).toBe(true);
    expect(text).toContain('\n## com.example.insecureinvoice 1.0\n');
    expect(text).toContain('`app/build/outputs/apk/release/insecure-invoice.apk` · minSdk 21 · targetSdk 33 · 10 findings');
    expect(text).toContain('| Severity | Findings |\n| --- | ---: |\n| Critical | 0 |\n| High | 5 |\n| Medium | 4 |\n| Low | 1 |\n| Info | 0 |\n');
    expect(text).toContain('| Severity | Rule | Title | Location |\n| --- | --- | --- | --- |\n');
    expect(text).toContain(
      '| High | `plaintext-session-storage` | Session token stored in plaintext (confirmed dynamically) | `com.example.insecureinvoice.SessionStore.saveToken()` |\n',
    );
    expect(text).toContain('| High | `debuggable` | App is debuggable | `AndroidManifest.xml:27 <application>` |\n');
    expect(text).toContain(
      '| Low | `token-logging` | Session token written to the log (third-party library OkHttp) | `okhttp3.logging.HttpLoggingInterceptor.intercept()` |\n',
    );
    const rows = tableRows(md.render(text));
    expect(rows).toHaveLength(5 + 10 + 3);
    expect(rows[5]).toEqual([
      'High',
      '<code>plaintext-session-storage</code>',
      'Session token stored in plaintext (confirmed dynamically)',
      '<code>com.example.insecureinvoice.SessionStore.saveToken()</code>',
    ]);
  });

  it('collapses messages, evidence and fixes in <details>; lists the dynamic probes', () => {
    expect(text).toContain('<details>\n<summary>Messages and fixes (10 findings)</summary>\n\n#### High: Session token stored in plaintext\n');
    expect(text).toContain('```text\nauth_token = eyJh… (redacted, 212 chars, sha256 3f9a0c1e2b7d)\n```');
    expect(text).toContain('**Fix:** Encrypt the value with a key held in the Android Keystore \\(for example with Tink\'s AEAD\\), or keep short-lived tokens in memory only.');
    expect(text).toContain('### Dynamic run (simulated device)');
    expect(text).toContain('| token-survives-logout | fail | After logout, shared\\_prefs/session.xml still holds auth\\_token \\(sha256 3f9a0c1e2b7d\\) and the old token is accepted by GET /v1/invoices. |');
    const html = md.render(text);
    expect(html).toContain('<details>\n<summary>Messages and fixes (10 findings)</summary>');
    expect(html).toContain('<h4>High: Session token stored in plaintext</h4>');
  });

  it('caps the findings table with an "and N more" line', () => {
    const capped = renderMarkdown(load('insecure-invoice.json'), { rules: RULES, maxRows: 4 });
    expect(capped).toContain('\n…and 6 more findings (see the full report).\n');
    expect(capped).toContain('Messages and fixes (4 findings)');
    const findingRows = capped.split('\n').filter((l) => /^\| (Critical|High|Medium|Low|Info) \| `/.test(l));
    expect(findingRows).toHaveLength(4);
  });

  it('flags incomplete analysis and lists warnings', () => {
    const hostile = renderMarkdown(load('hostile-multi.json'), { rules: RULES });
    expect(hostile).toContain('> [!WARNING]\n> **Analysis incomplete.** Part of this APK could not be read');
    expect(hostile).toContain('- **Analysis incomplete** in `classes2.dex`: method\\_ids out of range at offset 0x70; skipped 1,204 methods');
    expect(hostile).toContain('\n## com.example.secureinvoice 2.3.1\n');
    expect(hostile).toContain('\nNo findings.\n');
  });

  it('keeps attacker-controlled text inside its cell and inert', () => {
    const hostile = renderMarkdown(load('hostile-multi.json'), { rules: RULES });
    // The raw row: every | from the APK is escaped, so the row still has exactly four cells.
    expect(hostile).toContain(
      "| Critical | `hardcoded-secret` | \\# Hard-coded \\<script\\>document.title='pwned'\\</script\\> secret | `res/xml/<evil>.xml:2 <string>` |",
    );
    const html = md.render(hostile);
    for (const row of tableRows(html)) expect(row.length === 2 || row.length === 3 || row.length === 4).toBe(true);
    const findingRows = tableRows(html).filter((r) => r.length === 4);
    expect(findingRows.map((r) => r[0])).toEqual(['Critical', 'Info', 'Low']);
    expect(findingRows[0]![2]).toBe('# Hard-coded &lt;script&gt;document.title=’pwned’&lt;/script&gt; secret'.replace(/’/g, "'"));
    expect(html).not.toMatch(/<(script|img|a|em|strong|h1)\b[^>]*>[^<]*pwned/i);
    expect(html).not.toMatch(/<a\s/i);
    expect(html).not.toMatch(/<img\b/i);
    expect(html).not.toMatch(/<script\b/i);
    // The message with markdown syntax and a newline stays one literal paragraph.
    expect(hostile).toContain(
      "Key \\| value \\<script\\>document.title='pwned'\\</script\\> with \\*stars\\*, \\_underscores\\_, \\`ticks\\`, \\[a link\\]\\(javascript\\:alert\\(1\\)\\) and \\<img src=x onerror=alert\\(1\\)\\> second line",
    );
    expect(html).toContain("<p>Key | value &lt;script&gt;document.title='pwned'&lt;/script&gt; with *stars*, _underscores_, `ticks`, [a link](javascript:alert(1)) and &lt;img src=x onerror=alert(1)&gt; second line</p>");
    // Evidence in a fence its content cannot close; control characters removed.
    expect(hostile).toContain("```text\n</pre><script>document.title='pwned'</script> [31m ]]> & \"quoted\" | pipe\n```");
    expect(hostile).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
  });

  it('escapes mentions, math, autolinks, list starts and backticks', () => {
    expect(mdText('@octocat see $x^2$ at http://evil.example')).toBe('\\@octocat see \\$x^2\\$ at http\\://evil.example');
    expect(mdLine('- not a list')).toBe('\\- not a list');
    expect(mdLine('1. not a list')).toBe('1\\. not a list');
    expect(mdLine('    indented')).toBe('indented');
    expect(mdText('version 1.0')).toBe('version 1.0');
    expect(md.render(mdLine('- a\n# b\n1) c'))).toBe('<p>- a # b 1) c</p>\n');
    expect(mdCode('a ``b`` c', false)).toBe('```a ``b`` c```');
    expect(mdCode('`x`', true)).toBe('`` `x` ``');
    expect(mdCode('a|b', true)).toBe('`a\\|b`');
    expect(md.renderInline(mdText('@octocat [x](http://e.example) **b**'))).toBe('@octocat [x](http://e.example) **b**');
  });

  it('stays under GitHub’s 1 MiB step-summary limit: details first, then whole lines go', () => {
    const r = load('insecure-invoice.json');
    const base = r.results[0]!.findings[0]!;
    const many: Finding[] = Array.from({ length: 3000 }, (_, i) => ({ ...base, fingerprint: `${i}`, message: `${'m'.repeat(900)} ${i}` }));
    r.results[0]!.findings = many;
    expect(renderMarkdown(r, { rules: RULES })).toContain('…and 2950 more findings');
    const out = renderMarkdown(r, { rules: RULES, maxRows: 3000 });
    expect(Buffer.byteLength(out)).toBeLessThan(STEP_SUMMARY_LIMIT);
    expect(out).toContain('_Details omitted: the summary would exceed the size GitHub accepts. See the full report._');
    expect(out).not.toContain('<details>');
    expect(out.split('\n').filter((l) => l.startsWith('| High | `plaintext-session-storage` |'))).toHaveLength(3000);
    // Many targets: even the tables no longer fit, and the cut falls on a line boundary.
    const huge: Report = { ...r, results: Array.from({ length: 100 }, () => r.results[0]!) };
    const cut = renderMarkdown(huge, { rules: RULES, maxBytes: 200_000 });
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(200_000);
    expect(cut.endsWith('\n_…truncated: the summary would exceed the size GitHub accepts. See the full report._\n')).toBe(true);
  });
});

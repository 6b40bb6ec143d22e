/**
 * A single self-contained HTML page: inline CSS, no external fonts, scripts or images, fully
 * readable with scripts off (the only script reveals a severity filter). Everything that comes
 * from the APK (package names, messages, evidence, file names) is attacker-controlled: every string
 * goes through `esc`, URLs through `imageSrc`/`linkHref`, and a Content-Security-Policy that allows
 * only the one inline script (by hash) backs that up.
 */
import { createHash } from 'node:crypto';
import {
  cleartextSourceText,
  dynamicStatusOf,
  locationText,
  ruleDocsById,
  rulesForReport,
  severityCounts,
  type RuleDoc,
} from './rule-docs.js';
import { SEVERITIES, type Finding, type Report, type Severity, type TargetResult } from './types.js';

export interface HtmlOptions {
  rules: readonly RuleDoc[];
  /** When the scan ran; defaults to the report's `generatedAt` when it has one. */
  generatedAt?: string;
}

/** The dynamic stage's result as the page reads it: every field optional, checked before use. */
export interface DynamicStepView { name?: string; durationMs?: number; screenshot?: string; pageSource?: string }
export interface DynamicProbeView { name?: string; verdict?: string; summary?: string; steps?: DynamicStepView[] }
export interface DynamicRunView { simulated?: boolean; probes?: DynamicProbeView[] }

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Escapes for text and attribute values; control and bidi-override characters become visible `\xNN`. */
export function esc(value: unknown): string {
  return String(value ?? '')
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A data: image (raster types only) or a relative path; anything else is not loaded. */
export function imageSrc(src: string): string | null {
  const data = /^data:image\/(png|jpeg|gif|webp);base64,([A-Za-z0-9+/=\s]+)$/i.exec(src);
  if (data) return `data:image/${data[1]!.toLowerCase()};base64,${data[2]!.replace(/\s+/g, '')}`;
  const p = src.replace(/\\/g, '/');
  if (/^[a-z][a-z0-9+.-]*:/i.test(p) || p.startsWith('/') || p === '') return null;
  return p.split('/').map(encodeURIComponent).join('/');
}

function linkHref(url: string): string | null {
  return /^https?:\/\/[^\s"'<>]+$/i.test(url) ? url : null;
}

function anchor(s: string): string {
  return s.replace(/[^A-Za-z0-9_-]/g, '-');
}

const SCRIPT = `document.querySelectorAll('form.filter').forEach(function(f){f.hidden=false;f.addEventListener('change',function(){var on={};f.querySelectorAll('input').forEach(function(i){on[i.value]=i.checked});f.parentNode.querySelectorAll('article.finding').forEach(function(a){a.hidden=!on[a.getAttribute('data-sev')]})})});`;
const SCRIPT_HASH = createHash('sha256').update(SCRIPT).digest('base64');

const CSS = `
:root{--fg:#1d2433;--muted:#4a5568;--line:#d5dae1;--bg:#f6f7f9;--card:#fff;--critical:#6b0f1a;--high:#b42318;--medium:#a04100;--low:#175cd3;--info:#475467;--pass:#067647}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
header.top,main,footer{max-width:1100px;margin:0 auto;padding:0 16px}
header.top{padding-top:20px}
h1{font-size:1.6rem;margin:0 0 4px}h2{font-size:1.35rem;margin:0 0 4px;overflow-wrap:break-word}h3{font-size:1.1rem;margin:24px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}h4{font-size:1.02rem;margin:6px 0}
a{color:#0b50b3}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:.88em}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f1f3f6;border:1px solid var(--line);border-radius:4px;padding:8px;margin:4px 0}
.muted{color:var(--muted)}.wrap{overflow-wrap:anywhere}
nav ul{list-style:none;padding:0;margin:8px 0;display:flex;flex-wrap:wrap;gap:4px 16px}
section.target,section.rules{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:16px;margin:16px 0}
.chip{display:inline-block;border-radius:999px;padding:1px 10px;font-size:.82rem;font-weight:600;color:#fff;background:var(--info);white-space:nowrap}
.sev-critical{background:var(--critical)}.sev-high{background:var(--high)}.sev-medium{background:var(--medium)}.sev-low{background:var(--low)}.sev-info{background:var(--info)}
.chip.zero{background:#fff;color:var(--muted);border:1px solid var(--line);font-weight:400}
.chip.ref{background:#eef1f5;color:var(--fg);font-weight:500;border:1px solid var(--line)}
ul.chips{list-style:none;padding:0;margin:6px 0;display:flex;flex-wrap:wrap;gap:6px}
.banner{border-left:6px solid var(--high);background:#fdecea;padding:10px 12px;margin:12px 0;border-radius:4px}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}
dl.facts dt{font-weight:600}dl.facts dd{margin:0;overflow-wrap:anywhere}
.yes{color:var(--high);font-weight:600}
.table{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:.92rem}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}td code{overflow-wrap:break-word}td.kind{white-space:nowrap}
article.rule h3{border:0;margin:0;padding:0}
article.finding,article.rule,section.probe{border:1px solid var(--line);border-left:6px solid var(--info);border-radius:6px;padding:10px 14px;margin:12px 0;background:var(--card);break-inside:avoid}
article.sev-critical{border-left-color:var(--critical);background:var(--card)}article.sev-high{border-left-color:var(--high);background:var(--card)}article.sev-medium{border-left-color:var(--medium);background:var(--card)}article.sev-low{border-left-color:var(--low);background:var(--card)}article.sev-info{border-left-color:var(--info);background:var(--card)}
.badges{display:flex;flex-wrap:wrap;gap:6px;align-items:center}
.badge{display:inline-block;border-radius:4px;padding:0 8px;font-size:.8rem;font-weight:600;border:1px solid currentColor}
.badge.confirmed{color:var(--high)}.badge.refuted{color:var(--pass)}.badge.not-tested,.badge.lib{color:var(--muted)}
dl.meta{display:flex;flex-wrap:wrap;gap:2px 18px;margin:6px 0;font-size:.92rem}dl.meta div{display:flex;gap:6px;min-width:0}dl.meta dt{color:var(--muted)}dl.meta dt::after{content:":"}dl.meta dd{margin:0;overflow-wrap:anywhere;min-width:0}
.label{font-weight:600;font-size:.85rem;color:var(--muted)}
.verdict-pass{background:var(--pass)}.verdict-fail{background:var(--high)}.verdict-inconclusive{background:var(--info)}
section.probe.verdict-pass{border-left-color:var(--pass);background:var(--card)}section.probe.verdict-fail{border-left-color:var(--high);background:var(--card)}section.probe.verdict-inconclusive{background:var(--card)}
ol.steps{display:flex;flex-wrap:wrap;gap:12px;padding:0;list-style:none}
ol.steps li{width:200px;max-width:100%;font-size:.88rem}
ol.steps img{display:block;width:100%;height:auto;border:1px solid var(--line);border-radius:4px}
form.filter{margin:8px 0}form.filter fieldset{border:1px solid var(--line);border-radius:6px;display:flex;flex-wrap:wrap;gap:4px 14px}
footer{color:var(--muted);font-size:.85rem;padding-bottom:24px}
p.msg{white-space:pre-line;overflow-wrap:anywhere}
@media (max-width:600px){body{font-size:14px}h1{font-size:1.35rem}h2{font-size:1.15rem}dl.facts{grid-template-columns:1fr}dl.facts dd{margin-bottom:6px}section.target,section.rules{padding:12px}
dl.meta{display:block}dl.meta div{display:grid;grid-template-columns:6.5em 1fr;gap:8px}
table,tbody,tr,td{display:block}thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}tr{border-bottom:1px solid var(--line);padding:6px 0}td{border:0;padding:1px 0}td::before{content:attr(data-label) ": ";color:var(--muted)}}
@media print{body{background:#fff}h2,h3,h4{break-after:avoid}form.filter,nav{display:none}section.target,section.rules{border:0;padding:0}.chip,.banner,.badge{-webkit-print-color-adjust:exact;print-color-adjust:exact}a{color:inherit}section.target{break-before:page}section.target:first-of-type{break-before:auto}}
`;

const SEV_LABEL: Record<Severity, string> = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low', info: 'Info' };
const HOW: Record<string, string> = {
  explicit: 'android:exported="true"',
  'implicit-intent-filter': 'intent filter without android:exported',
  'default-provider': 'provider default (targetSdk 16 or lower)',
  default: 'platform default',
};
const STATUS: Record<string, string> = { confirmed: 'Confirmed by the dynamic run', refuted: 'Refuted by the dynamic run', 'not-tested': 'Not tested dynamically' };

const yesNo = (b: boolean, bad: boolean): string => (b ? `<span class="${bad ? 'yes' : ''}">yes</span>` : 'no');
const chips = (items: string[], cls = 'ref'): string =>
  items.length ? `<ul class="chips">${items.map((i) => `<li class="chip ${cls}">${esc(i)}</li>`).join('')}</ul>` : '';

function formatTime(s: string): string {
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? s : `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function duration(ms: unknown): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '';
  return ms < 1000 ? `${Math.round(ms)}\u00a0ms` : `${(ms / 1000).toFixed(1)}\u00a0s`;
}

function appFacts(r: TargetResult): string {
  const a = r.app;
  const backupRules = [
    a.fullBackupContent === 'false' ? 'android:fullBackupContent="false"' : a.fullBackupContent ? `fullBackupContent ${a.fullBackupContent}` : '',
    a.dataExtractionRules ? `dataExtractionRules ${a.dataExtractionRules}` : '',
  ]
    .filter(Boolean)
    .join('; ');
  const domains = a.cleartextDomains.length
    ? `<ul>${a.cleartextDomains.map((d) => `<li><code>${esc(d.domain)}</code>${d.includeSubdomains ? ' and subdomains' : ''}: cleartext ${d.permitted ? '<span class="yes">permitted</span>' : 'not permitted'}</li>`).join('')}</ul>`
    : 'none named';
  const rows: [string, string][] = [
    ['Package', `<code>${esc(a.package)}</code>`],
    ['Version', `${esc(a.versionName ?? '?')} (code ${esc(a.versionCode ?? '?')})`],
    ['SDK', `min ${esc(a.minSdk)}, target ${esc(a.targetSdk)}`],
    ['Debuggable', `${yesNo(a.debuggable, true)} <span class="muted">(android:debuggable)</span>`],
    ['Test-only', `${yesNo(a.testOnly, true)} <span class="muted">(android:testOnly)</span>`],
    ['Backup', `${a.allowBackup ? '<span class="yes">allowed</span>' : 'disabled'} <span class="muted">(android:allowBackup; absent means allowed${backupRules ? `; rules: ${esc(backupRules)}` : '; no backup rules'})</span>`],
    ['Cleartext (default)', `${a.cleartextPermitted ? '<span class="yes">permitted</span>' : 'not permitted'} <span class="muted">(decided by ${esc(cleartextSourceText(a))})</span>`],
    ['Network security config', a.networkSecurityConfig ? `<code>${esc(a.networkSecurityConfig)}</code>` : 'none'],
    ['Cleartext domains', domains],
  ];
  if (a.frameworks?.length) rows.push(['Frameworks', esc(a.frameworks.join(', '))]);
  const an = r.analysis;
  const signing = Object.entries(an.signing).filter(([, v]) => v).map(([k]) => k).join(', ') || 'unsigned';
  rows.push(['Analysis', `${esc(an.container)}, ${esc(an.dexFiles.length)} dex, ${esc(an.classes)} classes, ${esc(an.methods)} methods, signing ${esc(signing)}, ${esc(an.durationMs)} ms`]);
  const comps = a.exportedComponents.length
    ? `<h4>Exported components (${a.exportedComponents.length})</h4><div class="table"><table><thead><tr><th scope="col">Kind</th><th scope="col">Name</th><th scope="col">Permission</th><th scope="col">Exported by</th></tr></thead><tbody>${a.exportedComponents
        .map((c) => `<tr><td class="kind" data-label="Kind">${esc(c.kind)}</td><td data-label="Name"><code>${esc(c.name)}</code></td><td data-label="Permission">${c.permission ? `<code>${esc(c.permission)}</code>` : '<span class="yes">none</span>'}</td><td data-label="Exported by">${esc(HOW[c.how] ?? c.how)}</td></tr>`)
        .join('')}</tbody></table></div>`
    : '<h4>Exported components</h4><p>None.</p>';
  return `<dl class="facts">${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>${comps}`;
}

function findingCard(f: Finding, doc: RuleDoc | undefined, id: string): string {
  const status = dynamicStatusOf(f);
  const badges = [
    `<span class="chip sev-${f.severity}">${SEV_LABEL[f.severity]}</span>`,
    status ? `<span class="badge ${status}">${STATUS[status]}</span>` : '',
    f.library ? `<span class="badge lib">Third-party library: ${esc(f.library)}</span>` : '',
  ].join(' ');
  const loc = locationText(f.location);
  const refs = [...f.masvs, ...f.mastg, ...f.cwe];
  return `<article class="finding sev-${f.severity}" data-sev="${f.severity}" id="${id}">
<div class="badges">${badges}</div>
<h4>${esc(f.title)}</h4>
<dl class="meta"><div><dt>Rule</dt><dd><a href="#rule-${esc(anchor(f.ruleId))}"><code>${esc(f.ruleId)}</code></a></dd></div>${loc ? `<div><dt>Location</dt><dd><code>${esc(loc)}</code></dd></div>` : ''}<div><dt>Confidence</dt><dd>${esc(f.confidence)}</dd></div><div><dt>Stage</dt><dd>${esc(f.stage)}</dd></div></dl>
<p class="msg">${esc(f.message)}</p>
${f.evidence !== undefined ? `<div><span class="label">Evidence</span><pre><code>${esc(f.evidence)}</code></pre></div>` : ''}
${doc?.remediation ? `<p><span class="label">Remediation</span><br>${esc(doc.remediation)}</p>` : ''}
${chips(refs)}
</article>`;
}

function readDynamic(d: unknown): DynamicRunView | null {
  if (!d || typeof d !== 'object') return null;
  const o = d as DynamicRunView;
  return { simulated: o.simulated === true, probes: Array.isArray(o.probes) ? o.probes.filter((p) => p && typeof p === 'object') : [] };
}

function dynamicSection(d: DynamicRunView, n: number): string {
  const str = (v: unknown): string => (typeof v === 'string' ? v : '');
  const probes = (d.probes ?? []).map((p) => {
    const verdict = ['pass', 'fail', 'inconclusive'].includes(str(p.verdict)) ? str(p.verdict) : 'inconclusive';
    const steps = (Array.isArray(p.steps) ? p.steps : []).filter((s) => s && typeof s === 'object');
    const items = steps.map((s, i) => {
      const shot = str(s.screenshot);
      const src = shot ? imageSrc(shot) : null;
      const img = src
        ? `<img src="${esc(src)}" alt="${esc(`Screenshot after step ${i + 1}: ${str(s.name)}`)}" loading="lazy">`
        : shot
          ? `<p class="muted wrap">Screenshot not embedded: <code>${esc(shot)}</code></p>`
          : '';
      const src2 = str(s.pageSource);
      // The dynamic stage stores page sources as files beside the report: link those; inline text otherwise.
      const isFile = /^[\w./-]+\.xml$/.test(src2) && !src2.startsWith('/') && !src2.includes('..');
      const page = !src2
        ? ''
        : isFile
          ? `<p><a href="${esc(src2)}">Page source</a></p>`
          : `<details><summary>Page source</summary><pre><code>${esc(src2.length > 20000 ? `${src2.slice(0, 20000)}… (${src2.length} chars)` : src2)}</code></pre></details>`;
      return `<li>${img}<div><strong>${i + 1}. ${esc(str(s.name))}</strong> <span class="muted">${duration(s.durationMs)}</span></div>${page}</li>`;
    });
    return `<section class="probe verdict-${verdict}"><h4>${esc(str(p.name) || 'probe')} <span class="chip verdict-${verdict}">${verdict.toUpperCase()}</span></h4>
<p class="wrap">${esc(str(p.summary))}</p>${items.length ? `<ol class="steps">${items.join('')}</ol>` : ''}</section>`;
  });
  return `<h3 id="t${n}-dynamic">Dynamic run</h3>${d.simulated ? '<p class="banner" style="border-left-color:var(--info);background:#eef1f5"><strong>Simulated device.</strong> These probes ran against a simulated device, not a real emulator.</p>' : ''}${probes.join('\n') || '<p>No probes ran.</p>'}`;
}

function targetSection(r: TargetResult, n: number, docs: Map<string, RuleDoc>): string {
  const counts = severityCounts(r.findings);
  const summary = `<ul class="chips" aria-label="Findings by severity">${SEVERITIES.map((s) => `<li class="chip ${counts[s] ? `sev-${s}` : 'zero'}">${counts[s]} ${s}</li>`).join('')}</ul>`;
  const incomplete = r.analysis.complete
    ? ''
    : `<div class="banner" role="note"><strong>Analysis incomplete.</strong> Part of this APK could not be read, so findings may be missing. See the warnings below.</div>`;
  const filter = r.findings.length > 1
    ? `<form class="filter" hidden><fieldset><legend>Show severities</legend>${SEVERITIES.filter((s) => counts[s]).map((s) => `<label><input type="checkbox" value="${s}" checked> ${s}</label>`).join('')}</fieldset></form>`
    : '';
  const cards = r.findings.map((f, i) => findingCard(f, docs.get(f.ruleId), `t${n}-f${i + 1}`)).join('\n');
  const warnings = r.warnings.length
    ? `<h3 id="t${n}-warnings">Warnings</h3><ul>${r.warnings.map((w) => `<li><strong>${w.code === 'analysis-incomplete' ? 'Analysis incomplete' : 'Suspicious structure'}</strong> in <code>${esc(w.file)}</code>: <span class="wrap">${esc(w.message)}</span></li>`).join('')}</ul>`
    : '';
  const dyn = readDynamic(r.dynamic);
  return `<section class="target" id="t${n}" aria-labelledby="t${n}-h">
<h2 id="t${n}-h">${esc(r.app.package)} <span class="muted">${esc(r.app.versionName ?? '')}</span></h2>
<p class="muted wrap"><code>${esc(r.target.path)}</code> · sha256 <code>${esc(r.target.sha256.slice(0, 16))}…</code> · ${esc(r.target.sizeBytes.toLocaleString('en-US'))} bytes</p>
${incomplete}
<h3>Summary</h3>${summary}
<h3>App</h3>${appFacts(r)}
<h3>Findings (${r.findings.length})</h3>${filter}${cards || '<p>No findings.</p>'}
${warnings}
${dyn ? dynamicSection(dyn, n) : ''}
</section>`;
}

function ruleCard(d: RuleDoc): string {
  const refs = (d.references ?? []).map((u) => {
    const href = linkHref(u);
    return `<li>${href ? `<a href="${esc(href)}" rel="noreferrer">${esc(u)}</a>` : esc(u)}</li>`;
  });
  return `<article class="rule sev-${d.severity}" id="rule-${esc(anchor(d.id))}"><h3>${esc(d.title)}</h3>
<p><code>${esc(d.id)}</code> · default severity <span class="chip sev-${d.severity}">${SEV_LABEL[d.severity]}</span></p>
<p>${esc(d.description)}</p>${d.remediation ? `<p><span class="label">Remediation</span><br>${esc(d.remediation)}</p>` : ''}
${chips([...d.masvs, ...d.mastg, ...d.cwe])}${refs.length ? `<ul>${refs.join('')}</ul>` : ''}</article>`;
}

/** Rules with findings in full; the rules that ran without findings as a short list. */
function rulesAppendix(docs: RuleDoc[], report: Report): string {
  const found = new Set(report.results.flatMap((r) => r.findings.map((f) => f.ruleId)));
  const hit = docs.filter((d) => found.has(d.id));
  const clean = docs.filter((d) => !found.has(d.id));
  const quiet = clean.length
    ? `<h3>Rules without findings (${clean.length})</h3><ul>${clean.map((d) => `<li id="rule-${esc(anchor(d.id))}">${esc(d.title)} <code>${esc(d.id)}</code></li>`).join('')}</ul>`
    : '';
  return `<section class="rules" id="rules" aria-labelledby="rules-h"><h2 id="rules-h">Rules</h2>${hit.map(ruleCard).join('\n')}${quiet}${docs.length ? '' : '<p>No rule documentation was provided.</p>'}</section>`;
}

export function renderHtml(report: Report, opts: HtmlOptions): string {
  const docs = rulesForReport(report, opts.rules);
  const byId = ruleDocsById(docs);
  const loose = (report as unknown as { generatedAt?: unknown }).generatedAt;
  const when = opts.generatedAt ?? (typeof loose === 'string' ? loose : undefined);
  const total = report.results.reduce((n, r) => n + r.findings.length, 0);
  const title = report.results.length === 1 ? `sessionscope report: ${report.results[0]!.app.package}` : `sessionscope report: ${report.results.length} apps`;
  const nav = report.results.map((r, i) => `<li><a href="#t${i + 1}">${esc(r.app.package)}</a> <span class="muted">(${r.findings.length})</span></li>`).join('');
  const csp = `default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data: file:; script-src 'sha256-${SCRIPT_HASH}'; base-uri 'none'; form-action 'none'`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${esc(csp)}">
<meta name="referrer" content="no-referrer">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header class="top">
<h1>sessionscope report</h1>
<p class="muted">sessionscope ${esc(report.tool.version)}${when ? ` · scanned ${esc(formatTime(when))}` : ''} · ${report.results.length} app${report.results.length === 1 ? '' : 's'} · ${total} finding${total === 1 ? '' : 's'}</p>
<nav aria-label="Contents"><ul>${nav}<li><a href="#rules">Rules</a></li></ul></nav>
</header>
<main>
${report.results.map((r, i) => targetSection(r, i + 1, byId)).join('\n')}
${rulesAppendix(docs, report)}
</main>
<footer><p>Evidence values are redacted unless the scan ran with --show-secrets. Findings in third-party library code rank one step lower and are labelled.</p></footer>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/** The rules reference page (docs/rules.md), generated from each rule's meta so the two never disagree. */
import type { Rule } from './rule.js';

const MASTG_URL = (id: string): string => `https://mas.owasp.org/MASTG/tests/android/${id}/`;
const CWE_URL = (id: string): string => `https://cwe.mitre.org/data/definitions/${id.replace(/^CWE-/, '')}.html`;

export function rulesMarkdown(rules: readonly Rule[]): string {
  const out: string[] = [
    '# sessionscope rules',
    '',
    '<!-- Generated from static-rules/*.ts by `npm run docs`; edit the rules, not this file. -->',
    '',
    '| id | title | default severity | MASVS | CWE |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const r of rules) {
    out.push(`| [\`${r.meta.id}\`](#${r.meta.id}) | ${r.meta.title} | ${r.meta.severity} | ${r.meta.masvs.join(', ')} | ${r.meta.cwe.join(', ')} |`);
  }
  for (const r of rules) {
    const m = r.meta;
    out.push('', `## ${m.id}`, '', `**${m.title}** — default severity ${m.severity}.`, '', m.description, '', `**Fix:** ${m.remediation}`, '');
    const refs = [
      ...m.masvs.map((x) => x),
      ...m.mastg.map((x) => `[${x}](${MASTG_URL(x)})`),
      ...m.cwe.map((x) => `[${x}](${CWE_URL(x)})`),
      ...(m.references ?? []).map((u) => `<${u}>`),
    ];
    if (refs.length) out.push(`References: ${refs.join(', ')}`);
  }
  return `${out.join('\n')}\n`;
}

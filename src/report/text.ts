/** Plain-text report for a terminal: app facts, findings grouped by severity, what was skipped. */
import pc from 'picocolors';
import { SEVERITIES, type Report, type Severity } from './types.js';

export interface TextOptions {
  color: boolean;
}

const SEV_COLOR: Record<Severity, (s: string) => string> = {
  critical: (s) => pc.bold(pc.red(s)),
  high: pc.red,
  medium: pc.yellow,
  low: pc.cyan,
  info: pc.dim,
};

export function renderText(report: Report, opts: TextOptions): string {
  const c = pc.createColors(opts.color);
  const sevColor = (s: Severity, t: string): string => (opts.color ? SEV_COLOR[s](t) : t);
  const out: string[] = [`sessionscope ${report.tool.version} report: ${report.results.length} target${report.results.length === 1 ? '' : 's'}`, ''];
  for (const r of report.results) {
    const a = r.app;
    out.push(c.bold(`${r.target.path}`) + c.dim(`  sha256 ${r.target.sha256.slice(0, 16)}…  ${r.target.sizeBytes} bytes`));
    out.push(`  package ${a.package}  version ${a.versionName ?? '?'} (${a.versionCode ?? '?'})  minSdk ${a.minSdk}  targetSdk ${a.targetSdk}`);
    const flags = [
      `debuggable ${a.debuggable}`,
      `testOnly ${a.testOnly}`,
      `allowBackup ${a.allowBackup}`,
      `cleartext ${a.cleartextPermitted ? 'permitted' : 'not permitted'} (${a.cleartextSource})`,
    ];
    out.push(`  ${flags.join('  ')}`);
    if (a.networkSecurityConfig) out.push(`  network security config ${a.networkSecurityConfig}`);
    for (const d of a.cleartextDomains) out.push(`    ${d.domain}${d.includeSubdomains ? ' (+subdomains)' : ''}: cleartext ${d.permitted ? 'permitted' : 'not permitted'}`);
    out.push(`  exported components ${a.exportedComponents.length}${a.exportedComponents.length ? ': ' : ''}${a.exportedComponents.slice(0, 6).map((x) => `${x.kind} ${x.name}`).join(', ')}${a.exportedComponents.length > 6 ? ', …' : ''}`);
    out.push(c.dim(`  ${r.analysis.container}, ${r.analysis.dexFiles.length} dex, ${r.analysis.classes} classes, ${r.analysis.methods} methods, ${r.analysis.durationMs} ms${r.analysis.complete ? '' : ', ANALYSIS INCOMPLETE'}`));
    const dyn = r.dynamic as { simulated?: boolean; probes?: { name?: string; verdict?: string; summary?: string }[]; stoppedAt?: string } | null;
    if (dyn && typeof dyn === 'object') {
      out.push(c.bold(`  dynamic run${dyn.simulated ? ' (SIMULATED device, not an emulator)' : ''}:`));
      for (const p of dyn.probes ?? []) out.push(`    ${String(p.verdict ?? '?').toUpperCase().padEnd(12)} ${p.name ?? ''}: ${p.summary ?? ''}`);
      if (dyn.stoppedAt) out.push(c.yellow(`    stopped at: ${dyn.stoppedAt}`));
    }
    if (r.findings.length === 0) out.push('  no findings');
    for (const sev of SEVERITIES) {
      const group = r.findings.filter((f) => f.severity === sev);
      if (!group.length) continue;
      out.push(sevColor(sev, `  ${sev.toUpperCase()} (${group.length})`));
      for (const f of group) {
        const loc = f.location.class ? `${f.location.class}${f.location.method ? `->${f.location.method}` : ''}` : `${f.location.file ?? ''}${f.location.line ? `:${f.location.line}` : ''}`;
        const lib = f.library ? c.dim(`  [third-party: ${f.library}]`) : '';
        const status = f.dynamicStatus ? `  [${f.dynamicStatus} by the dynamic run]` : '';
        out.push(`    ${f.ruleId}  ${f.title}  ${c.dim(loc)}${lib}${status}`);
        out.push(`      ${f.message}`);
        if (f.evidence) out.push(c.dim(`      evidence: ${f.evidence.split('\n').join('\n                ')}`));
      }
    }
    for (const w of r.warnings) out.push(c.yellow(`  warning [${w.code}] ${w.file}: ${w.message}`));
    out.push('');
  }
  return out.join('\n');
}

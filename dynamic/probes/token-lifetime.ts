/**
 * Probe 8, token lifetime: the JWTs seen at login. `exp − iat` above 8 hours (or `exp` measured
 * from the login time when there is no `iat`), or no `exp` at all, is `long-lived-token`: a stolen
 * token stays useful for that long. Opaque tokens do not show their lifetime: inconclusive.
 */
import type { Artifact } from '../artifacts.js';
import { dynamicFinding } from '../findings.js';
import { devicePath, showValue, type Probe, type ProbeOutcome } from './probe.js';

export const MAX_LIFETIME_SECONDS = 8 * 3600;

function human(sec: number): string {
  if (sec >= 86400 * 2) return `${Math.round(sec / 86400)} days`;
  if (sec >= 7200) return `${Math.round(sec / 3600)} hours`;
  return `${Math.round(sec / 60)} minutes`;
}

export function judgeLifetime(tokens: readonly { artifact: Artifact; at: number }[], pkg: string, maxSeconds = MAX_LIFETIME_SECONDS): ProbeOutcome {
  const seen = new Set<string>();
  const unique = tokens.filter((t) => (seen.has(t.artifact.sha256) ? false : (seen.add(t.artifact.sha256), true)));
  const jwts = unique.filter((t) => t.artifact.kind === 'jwt' && t.artifact.jwt);
  const evidence: string[] = [];
  const findings = [];
  for (const { artifact: a, at } of jwts) {
    const { exp, iat } = a.jwt!;
    const lifetime = exp === null ? null : exp - (iat ?? Math.floor(at / 1000));
    evidence.push(`${devicePath(a, pkg)} (${a.where}): ${exp === null ? 'no exp claim' : `lifetime ${human(lifetime!)}${iat === null ? ' (from login time; no iat)' : ''}`}`);
    if (lifetime === null || lifetime > maxSeconds) {
      findings.push(
        dynamicFinding('long-lived-token', {
          message: lifetime === null ? `The JWT stored at ${devicePath(a, pkg)} (${a.where}) has no exp claim: it never expires.` : `The JWT stored at ${devicePath(a, pkg)} (${a.where}) is valid for ${human(lifetime)} (more than ${human(maxSeconds)}).`,
          location: { file: devicePath(a, pkg), element: a.key ?? undefined },
          evidence: `${exp === null ? 'no exp' : `exp − ${iat === null ? 'login time' : 'iat'} = ${lifetime} s`}; ${showValue(a)}`,
          fingerprint: [pkg, a.file, a.key ?? a.kind],
        }),
      );
    }
  }
  const byFp = new Map(findings.map((f) => [f.fingerprint, f]));
  const list = [...byFp.values()];
  if (list.length) return { verdict: 'fail', summary: `${list.length} long-lived token${list.length === 1 ? '' : 's'} (limit ${human(maxSeconds)})`, evidence, findings: list };
  if (jwts.length) return { verdict: 'pass', summary: `${jwts.length} JWT${jwts.length === 1 ? '' : 's'} expire within ${human(maxSeconds)}`, evidence, findings: [] };
  if (unique.length) return { verdict: 'inconclusive', summary: 'the tokens on the device are opaque: their lifetime is not visible', evidence: unique.map((t) => `${devicePath(t.artifact, pkg)}: ${showValue(t.artifact)}`), findings: [] };
  return { verdict: 'inconclusive', summary: 'no plaintext token on the device to read a lifetime from', evidence, findings: [] };
}

export const tokenLifetime: Probe = {
  name: 'token-lifetime',
  title: 'how long a stored token stays valid',
  precondition: (ctx) => (ctx.state.login ? null : 'login did not complete'),
  async run(ctx) {
    return ctx.rec.step('decode the stored tokens', async () => judgeLifetime(ctx.state.tokens, ctx.app.package), { capture: false });
  },
};

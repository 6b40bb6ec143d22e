/**
 * Probe 9, server-side revocation (opt-in: the flow's `request` template): replay the token of
 * the session that was logged out against the server. 401/403 (or the statuses the template
 * lists as `rejected`) means the server ended the session; anything else is
 * `token-valid-after-logout`: logout only forgot the token on the device.
 */
import type { Artifact } from '../artifacts.js';
import { dynamicFinding } from '../findings.js';
import type { RequestTemplate } from '../flow.js';
import { redact } from '../../src/report/redact.js';
import { devicePath, showValue, type Probe, type ProbeOutcome } from './probe.js';

const PREFERENCE = ['jwt', 'bearer', 'opaque-token', 'session-id'];

/** The token to replay: a JWT first, then a bearer value, an opaque token, a session id. */
export function pickToken(tokens: readonly Artifact[]): Artifact | null {
  const sorted = [...tokens].filter((t) => PREFERENCE.includes(t.kind)).sort((a, b) => PREFERENCE.indexOf(a.kind) - PREFERENCE.indexOf(b.kind));
  return sorted[0] ?? null;
}

export function tokenValue(a: Artifact): string {
  return a.kind === 'bearer' ? a.value.replace(/^Bearer\s+/i, '') : a.value;
}

export function fill(template: string, token: string): string {
  return template.split('${token}').join(token);
}

/** The request with the token filled in. */
export function buildRequest(t: RequestTemplate, token: string): { url: string; init: RequestInit } {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(t.headers)) headers[k] = fill(v, token);
  return { url: fill(t.url, encodeURIComponent(token)), init: { method: t.method, headers, ...(t.body !== null && t.method !== 'GET' && t.method !== 'HEAD' ? { body: fill(t.body, token) } : {}), redirect: 'manual' } };
}

export type ReplayResult = { status: number } | { error: string };

export function judgeRevocation(result: ReplayResult, t: RequestTemplate, token: Artifact, pkg: string): ProbeOutcome {
  const target = `${t.method} ${fill(t.url, redact(tokenValue(token)))}`;
  const evidence = [`replayed ${showValue(token)} from ${devicePath(token, pkg)} (${token.where}) after logout`, `request: ${target}`];
  if ('error' in result) return { verdict: 'inconclusive', summary: `the server could not be reached: ${result.error}`, evidence, findings: [] };
  evidence.push(`response status ${result.status}`);
  if (t.rejected.includes(result.status)) return { verdict: 'pass', summary: `the server rejects the logged-out token (HTTP ${result.status})`, evidence, findings: [] };
  return {
    verdict: 'fail',
    summary: `the server answers HTTP ${result.status} to the logged-out token (expected ${t.rejected.join(' or ')})`,
    evidence,
    findings: [
      dynamicFinding('token-valid-after-logout', {
        message: `After logout the server still accepts the session's token: ${target} answers HTTP ${result.status}. Logout must revoke the session on the server, not only forget it on the device.`,
        location: { file: devicePath(token, pkg), element: token.key ?? undefined },
        evidence: `HTTP ${result.status} for ${target}`,
        fingerprint: [pkg, t.method, new URL(fill(t.url, 'TOKEN')).host, new URL(fill(t.url, 'TOKEN')).pathname],
      }),
    ],
  };
}

export async function replay(t: RequestTemplate, token: string, timeoutMs = 15_000): Promise<ReplayResult> {
  const { url, init } = buildRequest(t, token);
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer().catch(() => undefined);
    return { status: res.status };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    return { error: e.cause?.code ?? e.cause?.message ?? e.message };
  }
}

export const revocation: Probe = {
  name: 'revocation',
  title: 'the server rejects the token after logout',
  precondition: (ctx) => {
    if (!ctx.flow.request) return 'not run: add a request template to the flow file (request: method, url, headers with ${token}) to test server-side revocation';
    if (!ctx.state.logoutDone) return 'logout did not complete';
    if (!pickToken(ctx.state.loggedOutTokens)) return 'no plaintext token of the logged-out session was found on the device to replay';
    return null;
  },
  async run(ctx) {
    const t = ctx.flow.request!;
    const token = pickToken(ctx.state.loggedOutTokens)!;
    const value = tokenValue(token);
    ctx.secrets.add(value);
    const result = await ctx.rec.step('replay the logged-out token', () => replay(t, value), { capture: false });
    return judgeRevocation(result, t, token, ctx.app.package);
  },
};

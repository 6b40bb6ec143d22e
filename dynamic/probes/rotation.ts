/**
 * Probe 6, token rotation: log in a second time and compare the session values with the first
 * login's. A plaintext token seen again is `token-not-rotated` (a stolen token stays good across
 * logins); so is an identifier the app held before login that is still there after it (session
 * fixation). Encrypted values can only show non-rotation when the ciphertext is identical; when it
 * differs the probe cannot tell a new token from a re-encryption and says so.
 */
import type { Artifact } from '../artifacts.js';
import { dynamicFinding } from '../findings.js';
import type { Inspection } from '../inspect.js';
import { accessNote, describeArtifact, devicePath, PLAINTEXT_TOKEN_KINDS, showValue, takeSnapshot, uniqueFindings, type Probe, type ProbeOutcome } from './probe.js';

export function judgeRotation(opts: {
  first: readonly Artifact[];
  second: Inspection;
  /** Session-like values present before the first login (S0). */
  preLogin: readonly Artifact[];
  /** Hashes of the values present after the first login (S1). */
  firstHashes: Set<string>;
  pkg: string;
}): ProbeOutcome {
  const { first, second, preLogin, firstHashes, pkg } = opts;
  const evidence = [accessNote(second)];
  // The same place (file and key) holding the same value at both logins.
  const same = (a: Artifact): boolean => second.artifacts.some((b) => b.area === a.area && b.file === a.file && b.where === a.where && b.sha256 === a.sha256);
  const tokens1 = first.filter((a) => a.plaintext && PLAINTEXT_TOKEN_KINDS.has(a.kind));
  const enc1 = first.filter((a) => a.kind === 'encrypted');
  const reused = tokens1.filter(same);
  const reusedEnc = enc1.filter((a) => a.value.length >= 16 && same(a));
  const fixed = preLogin.filter((a) => PLAINTEXT_TOKEN_KINDS.has(a.kind) && firstHashes.has(a.sha256));
  const findings = uniqueFindings([
    ...reused.map((a) =>
      dynamicFinding('token-not-rotated', {
        message: `The second login stored the same ${a.kind === 'jwt' ? 'JWT' : 'token'} as the first (${devicePath(a, pkg)}, ${a.where}): logging in again does not issue a new session token.`,
        location: { file: devicePath(a, pkg), element: a.key ?? undefined },
        evidence: `same value at both logins: ${showValue(a)}`,
        fingerprint: [pkg, a.file, a.key ?? a.kind],
      }),
    ),
    ...reusedEnc.map((a) =>
      dynamicFinding('token-not-rotated', {
        message: `The second login stored byte-for-byte the same encrypted session value as the first (${devicePath(a, pkg)}, ${a.where}): the token (and its encryption) did not change.`,
        location: { file: devicePath(a, pkg), element: a.key ?? undefined },
        evidence: `same ciphertext at both logins: ${showValue(a)}`,
        confidence: 'medium',
        fingerprint: [pkg, a.file, a.key ?? a.kind],
      }),
    ),
    ...fixed.map((a) =>
      dynamicFinding('token-not-rotated', {
        message: `An identifier the app held before login (${devicePath(a, pkg)}, ${a.where}) is unchanged after login: a session fixed before authentication stays valid (session fixation).`,
        location: { file: devicePath(a, pkg), element: a.key ?? undefined },
        evidence: `present before and after login: ${showValue(a)}`,
        confidence: 'medium',
        fingerprint: [pkg, 'pre-login', a.file, a.key ?? a.kind],
      }),
    ),
  ]);
  for (const a of second.artifacts) evidence.push(`second login: ${describeArtifact(a)}`);
  if (findings.length) return { verdict: 'fail', summary: `${reused.length + reusedEnc.length} session value${reused.length + reusedEnc.length === 1 ? '' : 's'} identical at both logins${fixed.length ? `; ${fixed.length} pre-login identifier${fixed.length === 1 ? '' : 's'} kept` : ''}`, evidence, findings };
  if (!second.complete) return { verdict: 'inconclusive', summary: `the storage could not be read completely (${second.snapshot.access})`, evidence, findings };
  if (tokens1.length) {
    const tokens2 = second.artifacts.filter((a) => a.plaintext && PLAINTEXT_TOKEN_KINDS.has(a.kind));
    if (!tokens2.length) return { verdict: 'inconclusive', summary: 'the first login stored a plaintext token but the second stored none to compare', evidence, findings };
    return { verdict: 'pass', summary: `a new token at the second login (${tokens1.length} token${tokens1.length === 1 ? '' : 's'} compared)`, evidence, findings };
  }
  if (enc1.length) {
    return { verdict: 'inconclusive', summary: 'the token is stored encrypted and the ciphertext changed: a new token and a re-encryption of the same token look alike on disk', evidence, findings };
  }
  return { verdict: 'inconclusive', summary: 'no session value on disk to compare between the two logins', evidence, findings };
}

export const rotation: Probe = {
  name: 'rotation',
  title: 'a new token at every login',
  precondition: (ctx) => (ctx.state.login ? null : 'login did not complete'),
  async run(ctx) {
    const { ui, rec } = ctx;
    await ui.ensureLoggedOut('log out');
    const at = Date.now();
    await ui.login('log in again');
    await rec.step('send the app to the background (flush writes)', () => ui.background());
    const i = await takeSnapshot(ctx, 'snapshot S3 (after the second login)');
    await ui.comeBack();
    for (const a of i.artifacts) if (a.plaintext && PLAINTEXT_TOKEN_KINDS.has(a.kind)) ctx.state.tokens.push({ artifact: a, at });
    const first = ctx.state.login!;
    return judgeRotation({ first: first.artifacts, second: i, preLogin: ctx.state.baselineArtifacts, firstHashes: first.inspection.hashes, pkg: ctx.app.package });
  },
};

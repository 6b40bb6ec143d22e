// Masks the run's credentials in log files that run-dynamic.sh keeps (appium.log, logcat.txt):
// Appium logs the arguments of setValue() in clear, and `sessionscope dynamic --appium-url` does
// not own that server's log, so it cannot mask it itself. The credentials are the values of
// SESSIONSCOPE_USER / SESSIONSCOPE_PASSWORD and of every ${env:NAME} the flow file names, found
// with the stage's own flow parser and masked with its own Secrets (dist/, built by npm).
//
// Usage: node emulator/mask-logs.mjs [--flow FILE] LOG... (missing logs are skipped; prints nothing
// secret, exit 2 with one line when dist/ is not built).
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (rel) => pathToFileURL(path.join(root, 'dist', rel)).href;

let Secrets;
let loadFlow;
try {
  ({ Secrets } = await import(dist('dynamic/secrets.js')));
  ({ loadFlow } = await import(dist('dynamic/flow.js')));
} catch {
  process.stderr.write(`sessionscope-emulator: mask-logs: ${path.join(root, 'dist')} is not built (run npm run build)\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
const secrets = new Secrets([process.env.SESSIONSCOPE_USER ?? '', process.env.SESSIONSCOPE_PASSWORD ?? '']);
const at = args.indexOf('--flow');
if (at >= 0) {
  const [, file] = args.splice(at, 2);
  try {
    for (const s of (await loadFlow(file)).secrets) secrets.add(s);
  } catch {
    // a flow that does not load stopped the run before anything was typed
  }
}
for (const file of args) {
  let text;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    continue;
  }
  const masked = secrets.mask(text);
  if (masked !== text) await writeFile(file, masked);
}

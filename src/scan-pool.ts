/**
 * Scans several APKs in parallel on worker threads (one APK per worker at a time, at most one
 * worker per core). One APK is scanned in this thread: a worker's start-up would cost more than
 * it saves. Results come back in the order of the inputs; the first bad input fails the batch
 * with its one-line reason, naming the file.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { describeError, scanFile, type ScanOptions } from './scan.js';
import type { TargetResult } from './report/types.js';
import { UserError } from './user-error.js';

export interface PoolOptions extends Omit<ScanOptions, 'rules'> {
  maxWorkers?: number;
}

export class ScanFailed extends UserError {}

export async function scanFiles(paths: string[], opts: PoolOptions = {}): Promise<TargetResult[]> {
  const workers = Math.min(paths.length, opts.maxWorkers ?? availableParallelism());
  if (workers <= 1) {
    const out: TargetResult[] = [];
    for (const p of paths) {
      try {
        out.push((await scanFile(p, opts)).result);
      } catch (err) {
        const msg = describeError(err);
        throw new ScanFailed(msg.startsWith(p) ? msg : `${p}: ${msg}`);
      }
    }
    return out;
  }
  const results: (TargetResult | undefined)[] = new Array(paths.length);
  let next = 0;
  let failure: string | null = null;
  const { maxWorkers: _m, ...scanOpts } = opts;
  const runWorker = (): Promise<void> =>
    new Promise((resolve) => {
      const w = new Worker(new URL('./scan-worker.js', import.meta.url), { workerData: scanOpts });
      const feed = (): void => {
        if (failure !== null || next >= paths.length) {
          void w.terminate().then(() => resolve());
          return;
        }
        const i = next++;
        w.postMessage({ index: i, path: paths[i] });
      };
      w.on('message', (m: { index: number; result?: TargetResult; error?: string }) => {
        if (m.error !== undefined) {
          const p = paths[m.index]!;
          failure ??= m.error.startsWith(p) ? m.error : `${p}: ${m.error}`;
        } else results[m.index] = m.result;
        feed();
      });
      w.on('error', (err) => {
        failure ??= `internal error in a scan worker: ${err.message}`;
        resolve();
      });
      feed();
    });
  await Promise.all(Array.from({ length: workers }, runWorker));
  if (failure !== null) throw new ScanFailed(failure);
  return results as TargetResult[];
}

/** A scan worker thread: receives {index, path}, answers {index, result} or {index, error}. */
import { parentPort, workerData } from 'node:worker_threads';
import { describeError, scanFile, type ScanOptions } from './scan.js';

const opts = workerData as ScanOptions;
parentPort!.on('message', async (m: { index: number; path: string }) => {
  try {
    const { result } = await scanFile(m.path, opts);
    parentPort!.postMessage({ index: m.index, result });
  } catch (err) {
    parentPort!.postMessage({ index: m.index, error: describeError(err) });
  }
});

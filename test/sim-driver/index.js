// SIMULATION ONLY. Appium loads this file for the `simandroid` driver. The driver is TypeScript in
// ./src, compiled by the root `npm run build` to dist/test/sim-driver/src.
import { existsSync } from 'node:fs';

const entry = new URL('../../dist/test/sim-driver/src/index.js', import.meta.url);
if (!existsSync(entry)) {
  throw new Error('sessionscope-sim-driver: dist/test/sim-driver/src/index.js is missing; run `npm run build` in the sessionscope root');
}
export const { SimAndroidDriver } = await import(entry.href);

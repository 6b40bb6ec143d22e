/**
 * The call-site index over the code of every dex file of an app. The code lives in
 * ./code-index/ (index.ts explains how the index is built and queried); this entry keeps the
 * import path every module uses.
 */
export * from './code-index/index.js';

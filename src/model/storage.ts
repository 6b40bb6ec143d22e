/**
 * The storage model of an app. The code lives in ./storage/ (index.ts explains what is found and
 * how); this entry keeps the import path the rules, the dynamic stage and the tests use.
 */
export * from './storage/index.js';

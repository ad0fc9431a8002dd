/**
 * The manifest loader as the commands reach it (test/unit/architecture.test.ts), without
 * the controller: `validate` and `schema` load only this.
 */
export { loadFromDisk, readSchemas, schemaValidator } from './adapters/manifest-loader.js';
export { LoadCache, loadDirectory } from './adapters/load-cache.js';
export type { DirectoryLoad } from './adapters/manifest-loader.js';

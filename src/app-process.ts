/** What the command line needs of the process and the file system, without loading the controller. */
export { runCompiled } from './adapters/compile-cache.js';
export { isDirectoryTarget } from './adapters/path-kind.js';
export { setControllerV8Flags } from './adapters/release-memory.js';

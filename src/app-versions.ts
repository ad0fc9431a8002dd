/** What `tinyforge version` reports, from the package it is installed with and the engine. */
export { engineVersion, packageVersion } from './adapters/versions.js';

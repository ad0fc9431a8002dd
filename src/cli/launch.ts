import { keepYoungGenerationSmall, runCompiled } from '../app-process.js';

/**
 * The bin's start: first the V8 flags the command runs under (the long-running
 * controller keeps its young generation small, before any of its modules load), then
 * the CLI's bundle, from V8's code cache where there is one. In that order: V8 keeps its
 * flags with the code it caches and refuses code cached under other flags.
 */
export function launch(bundle: URL, argv: readonly string[]): void {
  if (argv[0] === 'run') keepYoungGenerationSmall();
  runCompiled(bundle);
}

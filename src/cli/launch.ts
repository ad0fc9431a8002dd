import { runCompiled, setControllerV8Flags } from '../app-process.js';

/**
 * The bin's start: first the V8 flags the command runs under (the long-running
 * controller keeps its young generation small, before any of its modules load; a
 * one-shot `run --once` need not, and collects less often), then the CLI's bundle, from
 * V8's code cache where there is one. In that order: V8 keeps its flags with the code it
 * caches and refuses code cached under other flags. The controller and `run --once` each
 * keep a cache of their own: a cache holds the functions the run that made it compiled.
 */
export function launch(bundle: URL, argv: readonly string[]): void {
  const variant = argv[0] !== 'run' ? '' : argv.includes('--once') ? 'run --once' : 'controller';
  if (variant === 'controller') setControllerV8Flags();
  runCompiled(bundle, variant);
}

import module from 'node:module';

/**
 * Turns on V8's compile cache for the modules loaded from now on, where Node has it
 * (22.1 and later; on older Node nothing happens): later starts read the compiled code
 * instead of compiling it again. Node keeps the cache in its own folder (NODE_COMPILE_CACHE,
 * else the system's temporary folder); NODE_DISABLE_COMPILE_CACHE=1 turns it off.
 */
export function enableCompileCache(): void {
  try {
    (module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
  } catch {
    // A cache that cannot be set up only costs the time it would have saved.
  }
}

/** Told of each call a port answered or failed: its method's name and how long it took. */
export type CallObserver = (operation: string, seconds: number) => void;

/**
 * The port as it is, each method call timed and told to `observe` (for `/metrics`): one
 * wrapper for every port, whatever its methods, so a method added to a port is timed too.
 * The call's answer and its error pass through unchanged.
 */
export function timedCalls<T extends object>(port: T, observe: CallObserver): T {
  return new Proxy(port, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function' || typeof key !== 'string') return value;
      return (...args: unknown[]) => {
        const started = performance.now();
        const told = () => observe(key, (performance.now() - started) / 1000);
        try {
          const answer: unknown = value.apply(target, args);
          if (answer instanceof Promise) return answer.finally(told);
          told();
          return answer;
        } catch (error) {
          told();
          throw error;
        }
      };
    },
  });
}

/** Lookups by key only: what a planner needs of a map or a set. */
export type Lookup<K, V> = Pick<ReadonlyMap<K, V>, 'get' | 'has'>;
export type Membership<K> = Pick<ReadonlySet<K>, 'has'>;

/** A map built on its first lookup: a pass with nothing to plan (the usual one) never builds it. */
export function lazyMap<K, V>(build: () => ReadonlyMap<K, V>): Lookup<K, V> {
  let map: ReadonlyMap<K, V> | undefined;
  const built = () => {
    map ??= build();
    return map;
  };
  return { get: (key) => built().get(key), has: (key) => built().has(key) };
}

/** A set built on its first lookup. */
export function lazySet<K>(build: () => ReadonlySet<K>): Membership<K> {
  let set: ReadonlySet<K> | undefined;
  return {
    has: (key) => {
      set ??= build();
      return set.has(key);
    },
  };
}

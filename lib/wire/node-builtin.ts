/**
 * A Node built-in module looked up at run time through
 * `process.getBuiltinModule` (Node ≥ 20.16), never imported statically, so
 * the modules that use it stay browser-safe: elsewhere it is undefined and
 * the caller takes its pure-JS path. The caller checks the members it needs.
 */
export function nodeBuiltin<T extends object>(id: `node:${string}`): Partial<T> | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return proc?.getBuiltinModule?.(id) as Partial<T> | undefined;
}

// A store's statements, each prepared the first time it is used rather than when the store
// opens. The run store and its tables hold ~60 statements; a CLI command uses a handful, and
// preparing them all cost ~4-5 ms of every command's start (issue 17). A statement
// whose SQL is wrong now fails where it is first used, which every store test reaches.

type Makers = Record<string, () => unknown>;

/** An object with one property per maker, whose value is made on first read and kept. */
export function preparedWhenUsed<T extends Makers>(makers: T): { readonly [K in keyof T]: ReturnType<T[K]> } {
  const statements = {} as Record<string, unknown>;
  for (const [name, make] of Object.entries(makers)) {
    Object.defineProperty(statements, name, {
      configurable: true,
      enumerable: true,
      get() {
        const value = make();
        Object.defineProperty(statements, name, { value, enumerable: true });
        return value;
      },
    });
  }
  return statements as { readonly [K in keyof T]: ReturnType<T[K]> };
}

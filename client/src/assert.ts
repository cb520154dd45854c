/** Ends an exhaustive `switch`: the compiler refuses a case left out. */
export function assertUnreachable(value: never): never {
  throw new Error(`unexpected value: ${String(value)}`);
}

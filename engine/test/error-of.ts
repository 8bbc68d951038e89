/** The error `f` throws, for tests that check its class and message; fails when it throws nothing. */
export function errorOf(f: () => unknown): Error {
  try {
    f();
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`threw a non-Error: ${String(error)}`);
  }
  throw new Error("expected the call to throw");
}

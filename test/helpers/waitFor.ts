/**
 * Polling for tests: `waitFor` calls `f` every 100 ms until it returns something other than
 * undefined, and throws `timed out waiting for <what>` after `ms`.
 */

/** The first defined value of `f`. Example: `const tx = await waitFor('the payment to be mined', 10_000, () => mined())`. */
export async function waitFor<T>(what: string, ms: number, f: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

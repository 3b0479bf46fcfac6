// What a call throws, for asserting on the error itself; a call that throws nothing fails the test.

export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('nothing was thrown');
}

// Runs a call that must be refused and returns the error it threw.
export async function refusal(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to be refused");
}

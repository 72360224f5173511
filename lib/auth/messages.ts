// Sign-in error codes shared by the server (next-auth authorize) and the sign-in form.
export const SIGN_IN_ERROR = { invalid: "invalid_credentials", locked: "locked" } as const;

// The authorize callback throws "locked:<epoch ms>" so the form can say when to try again.
export function encodeLocked(until: Date): string {
  return `${SIGN_IN_ERROR.locked}:${until.getTime()}`;
}

export function describeSignInError(code: string | null | undefined, now = Date.now()): string | null {
  if (!code) return null;
  if (code.startsWith(`${SIGN_IN_ERROR.locked}:`)) {
    const until = Number(code.slice(SIGN_IN_ERROR.locked.length + 1));
    const minutes = Math.max(1, Math.ceil((until - now) / 60_000));
    return `Too many failed sign-ins for this email. Sign-in is paused for ${minutes} minute${minutes === 1 ? "" : "s"}; try again later.`;
  }
  if (code === SIGN_IN_ERROR.invalid || code === "CredentialsSignin") return "The email or password is incorrect.";
  return "Sign-in failed. Please try again.";
}

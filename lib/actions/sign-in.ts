"use server";
import { AuthError } from "next-auth";
import { z } from "zod";
import { signIn } from "@/lib/auth/auth";
import { checkThrottle, throttleMessage } from "@/lib/auth/throttle";
import { normalizeEmail } from "@/lib/auth/users";
import { action } from "./safe-action";

const ZSignIn = z.object({
  email: z.string().trim().min(1, "Enter your email."),
  password: z.string().min(1, "Enter your password."),
  callbackUrl: z.string().optional(),
});

/** Only same-site paths: an open redirect after sign-in would be a phishing aid. */
function safeCallback(url: string | undefined): string {
  return url?.startsWith("/") && !url.startsWith("//") ? url : "/";
}

export const signInAction = action({ access: "public", schema: ZSignIn }, async (input, { db, ip }) => {
  try {
    await signIn("credentials", {
      email: input.email,
      password: input.password,
      redirectTo: safeCallback(input.callbackUrl),
    });
    return { ok: true as const, data: undefined };
  } catch (error) {
    if (!(error instanceof AuthError)) throw error; // the success path throws Next's redirect
    const throttle = await checkThrottle(db, { email: normalizeEmail(input.email), ip });
    if (!throttle.allowed) return { ok: false as const, status: 429, error: throttleMessage(throttle) };
    return { ok: false as const, status: 401, error: "Wrong email or password." };
  }
});

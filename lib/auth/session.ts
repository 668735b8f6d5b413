import { redirect } from "next/navigation";
import { cache } from "react";
import { auth } from "./auth";

export type SessionUser = { id: string; email: string; name?: string | null };

/** The signed-in user of this request, or null. */
export const getSessionUser = cache(async (): Promise<SessionUser | null> => {
  const session = await auth();
  const user = session?.user;
  return user?.id && user.email ? { id: user.id, email: user.email, name: user.name } : null;
});

/** The signed-in user, or a redirect to sign-in that comes back to `returnTo`. */
export async function requireUser(returnTo?: string): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) redirect(returnTo ? `/sign-in?callbackUrl=${encodeURIComponent(returnTo)}` : "/sign-in");
  return user;
}

import NextAuth, { CredentialsSignin, type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { getDb } from "@/db/client";
import { env } from "@/lib/env";
import { auditSignInProblem, checkThrottle, recordSignInAttempt } from "./throttle";
import { findUserByEmail, normalizeEmail, verifyCredentials } from "./users";

declare module "next-auth" {
  interface Session {
    user: { id: string; email: string; name?: string | null };
  }
}

export class ThrottledSignIn extends CredentialsSignin {
  code = "throttled";
}

/** The caller's address as the proxy in front of us reports it; "unknown" when there is none. */
export function clientIp(headers: Headers): string {
  return headers.get("x-forwarded-for")?.split(",")[0]?.trim() || headers.get("x-real-ip") || "unknown";
}

function isLocalUrl(url: string): boolean {
  const { hostname } = new URL(url);
  return hostname === "localhost" || hostname === "127.0.0.1" || hostname === "[::1]";
}

function config(): NextAuthConfig {
  const { AUTH_SECRET, NODE_ENV, appUrl } = env();
  // Secure cookies in production; a local `npm start` on http://localhost must still be able to sign in.
  const secure = NODE_ENV === "production" && !isLocalUrl(appUrl);
  return {
    secret: AUTH_SECRET,
    trustHost: true,
    session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
    pages: { signIn: "/sign-in" },
    useSecureCookies: secure,
    cookies: {
      sessionToken: {
        name: secure ? "__Secure-meridian.session" : "meridian.session",
        options: { httpOnly: true, sameSite: "lax", path: "/", secure },
      },
    },
    providers: [
      Credentials({
        credentials: {
          email: { label: "Email", type: "email" },
          password: { label: "Password", type: "password" },
        },
        async authorize(credentials, request) {
          const email = normalizeEmail(String(credentials?.email ?? ""));
          const password = String(credentials?.password ?? "");
          const ip = clientIp(request.headers);
          const db = getDb();
          const throttle = await checkThrottle(db, { email, ip });
          if (!throttle.allowed) {
            const user = await findUserByEmail(db, email);
            await auditSignInProblem(db, { email, ip, userId: user?.id, action: "auth.sign_in_throttled" });
            throw new ThrottledSignIn();
          }
          const user = await verifyCredentials(db, email, password);
          const known = user ?? (await findUserByEmail(db, email));
          await recordSignInAttempt(db, { email, ip, succeeded: Boolean(user), userId: known?.id });
          return user ? { id: user.id, email: user.email, name: user.name } : null;
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user?.id) token.uid = user.id;
        return token;
      },
      session({ session, token }) {
        if (typeof token.uid === "string") session.user.id = token.uid;
        return session;
      },
    },
  };
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => config());

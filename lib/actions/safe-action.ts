import { headers } from "next/headers";
import { unstable_rethrow } from "next/navigation";
import type { z } from "zod";
import { type Db, getDb } from "@/db/client";
import type { Organization, Role } from "@/db/schema";
import { clientIp } from "@/lib/auth/auth";
import { getSessionUser, type SessionUser } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { findMembershipBySlug } from "@/lib/orgs/organizations";
import { hasRole } from "@/lib/orgs/roles";

export type ActionResult<T = undefined> =
  | { ok: true; data: T; message?: string }
  | { ok: false; error: string; status: number; fieldErrors?: Record<string, string[]> };

type Access = "public" | "user" | { role: Role };

type Ctx<A extends Access> = { db: Db; ip: string } & (A extends "public"
  ? { user: SessionUser | null }
  : A extends "user"
    ? { user: SessionUser }
    : { user: SessionUser; org: Organization; role: Role });

const fail = (status: number, error: string, fieldErrors?: Record<string, string[]>) =>
  ({ ok: false, status, error, ...(fieldErrors ? { fieldErrors } : {}) }) as const;

/**
 * The one path for server actions: session → user → membership of the form's `orgSlug` → role →
 * zod-validated input → `{ ok, data } | { ok: false, error }`. Not a member reads as "not found".
 * Use with useActionState: `(previousState, formData) => result`.
 */
export function action<A extends Access, S extends z.ZodType, T>(
  options: { access: A; schema: S },
  handler: (input: z.infer<S>, ctx: Ctx<A>) => Promise<T | ActionResult<T>>,
) {
  return async (_prev: unknown, formData: FormData): Promise<ActionResult<T>> => {
    try {
      const db = getDb();
      const ip = clientIp(await headers());
      const user = await getSessionUser();
      const ctx: Record<string, unknown> = { db, ip, user };
      if (options.access !== "public") {
        if (!user) return fail(401, "Your session has ended. Sign in again.");
        if (typeof options.access === "object") {
          const slug = String(formData.get("orgSlug") ?? "");
          const m = slug ? await findMembershipBySlug(db, { slug, userId: user.id }) : undefined;
          if (!m) return fail(404, "Not found.");
          if (!hasRole(m.role, options.access.role))
            return fail(403, "You do not have permission to do this.");
          ctx.org = m.org;
          ctx.role = m.role;
        }
      }
      const parsed = options.schema.safeParse(Object.fromEntries(formData));
      if (!parsed.success) {
        const fieldErrors: Record<string, string[]> = {};
        for (const issue of parsed.error.issues) {
          const key = issue.path.join(".") || "form";
          fieldErrors[key] = [...(fieldErrors[key] ?? []), issue.message];
        }
        const first = parsed.error.issues[0];
        return fail(
          422,
          first ? `${first.path.join(".") || "form"}: ${first.message}` : "Invalid input.",
          fieldErrors,
        );
      }
      const out = await handler(parsed.data, ctx as Ctx<A>);
      if (out && typeof out === "object" && "ok" in out) return out as ActionResult<T>;
      return { ok: true, data: out as T };
    } catch (error) {
      unstable_rethrow(error); // redirect() and notFound() are control flow, not failures
      if (error instanceof AppError) return fail(error.status, error.message, error.details?.fieldErrors);
      console.error("[action] unexpected error", error);
      return fail(
        500,
        "Something went wrong on our side. Try again; if it keeps failing, check the server log.",
      );
    }
  };
}

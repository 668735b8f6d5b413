import { type NextRequest, NextResponse } from "next/server";
import type { z } from "zod";
import { type Db, getDb } from "@/db/client";
import type { Organization, Role } from "@/db/schema";
import { authenticateApiKey } from "@/lib/api-keys";
import { clientIp } from "@/lib/auth/auth";
import { getSessionUser, type SessionUser } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { findMembershipBySlug } from "@/lib/orgs/organizations";
import { hasRole } from "@/lib/orgs/roles";

/** API keys act with this role: they bring data in and read it, but never manage members, keys or settings. */
export const API_KEY_ROLE: Role = "member";

export type ApiContext<Q, B, P> = {
  req: NextRequest;
  db: Db;
  ip: string;
  org: Organization;
  role: Role;
  /** Set for session calls; null for API-key calls. */
  user: SessionUser | null;
  apiKeyId: string | null;
  query: Q;
  body: B;
  params: P;
};

type Options<Q extends z.ZodType, B extends z.ZodType> = {
  role: Role;
  query?: Q;
  body?: B;
  /** Refuse API keys (for endpoints only a signed-in person may use, e.g. key management). */
  sessionOnly?: boolean;
};

export function jsonError(status: number, error: string, extra: Record<string, unknown> = {}) {
  return NextResponse.json({ error, ...extra }, { status });
}

/**
 * The one path for /api/v1 route handlers: `Authorization: Bearer <api key>` (the key's org) or a session
 * plus `?org=<slug>` → membership → role → zod-validated query and JSON body → JSON result.
 * Errors: 401 no credentials, 404 not a member / unknown org, 403 role too low, 422 validation.
 */
export function apiHandler<
  Q extends z.ZodType = z.ZodUndefined,
  B extends z.ZodType = z.ZodUndefined,
  P = Record<string, string>,
>(options: Options<Q, B>, handler: (ctx: ApiContext<z.infer<Q>, z.infer<B>, P>) => Promise<unknown>) {
  return async (req: NextRequest, route: { params: Promise<P> }): Promise<Response> => {
    try {
      const db = getDb();
      const auth = await authenticate(req, db, options.sessionOnly ?? false);
      if (auth instanceof Response) return auth;
      if (!hasRole(auth.role, options.role)) return jsonError(403, "Your role does not allow this.");
      const query = options.query
        ? options.query.safeParse(Object.fromEntries(req.nextUrl.searchParams))
        : undefined;
      if (query && !query.success) return validationError("query", query.error);
      let body: z.ZodSafeParseResult<unknown> | undefined;
      if (options.body) {
        let raw: unknown;
        try {
          raw = await req.json();
        } catch {
          return jsonError(400, "The request body is not valid JSON.");
        }
        body = options.body.safeParse(raw);
        if (!body.success) return validationError("body", body.error);
      }
      const result = await handler({
        req,
        db,
        ip: clientIp(req.headers),
        ...auth,
        query: query?.data as z.infer<Q>,
        body: body?.data as z.infer<B>,
        params: await route.params,
      });
      return result instanceof Response ? result : NextResponse.json(result);
    } catch (error) {
      if (error instanceof AppError) {
        const headers = error.details?.retryAfterSeconds
          ? { "Retry-After": String(error.details.retryAfterSeconds) }
          : undefined;
        return NextResponse.json(
          {
            error: error.message,
            ...(error.details?.fieldErrors ? { fieldErrors: error.details.fieldErrors } : {}),
          },
          { status: error.status, headers },
        );
      }
      console.error(`[api] ${req.method} ${req.nextUrl.pathname} failed`, error);
      return jsonError(500, "Internal error; the server log has the details.");
    }
  };
}

async function authenticate(req: NextRequest, db: Db, sessionOnly: boolean) {
  const header = req.headers.get("authorization");
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) return jsonError(401, "Use `Authorization: Bearer <api key>`.");
    if (sessionOnly) return jsonError(403, "This endpoint needs a signed-in user, not an API key.");
    const key = await authenticateApiKey(db, match[1]);
    if (!key) return jsonError(401, "Invalid or revoked API key.");
    // A key acts for its own org only; naming another one is "not found", like any other org's data.
    const named = req.nextUrl.searchParams.get("org");
    if (named && named.toLowerCase() !== key.org.slug) return jsonError(404, "Not found.");
    return { org: key.org, role: API_KEY_ROLE, user: null, apiKeyId: key.keyId };
  }
  const user = await getSessionUser();
  if (!user) return jsonError(401, "Sign in, or send `Authorization: Bearer <api key>`.");
  const slug = req.nextUrl.searchParams.get("org");
  if (!slug) return jsonError(400, "Name the organisation with `?org=<slug>` when calling with a session.");
  const m = await findMembershipBySlug(db, { slug, userId: user.id });
  if (!m) return jsonError(404, "Not found.");
  return { org: m.org, role: m.role, user, apiKeyId: null };
}

function validationError(where: "query" | "body", error: z.ZodError) {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || where;
    fieldErrors[key] = [...(fieldErrors[key] ?? []), issue.message];
  }
  const first = error.issues[0];
  const where1 = first ? `${where}.${first.path.join(".")}`.replace(/\.$/, "") : where;
  return jsonError(422, `Invalid ${where1}: ${first?.message ?? "invalid"}`, { fieldErrors });
}

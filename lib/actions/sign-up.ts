"use server";
import { AuthError } from "next-auth";
import { z } from "zod";
import { signIn } from "@/lib/auth/auth";
import { createUser, ZEmail, ZPassword } from "@/lib/auth/users";
import { acceptInvitation, findPendingInvitation } from "@/lib/orgs/invitations";
import { createOrganization } from "@/lib/orgs/organizations";
import { slugify, ZOrgName, ZSlug } from "@/lib/orgs/validation";
import { action } from "./safe-action";

const ZSignUp = z
  .object({
    name: z.string().trim().max(80).optional(),
    email: ZEmail,
    password: ZPassword,
    invite: z.string().optional(),
    orgName: z.string().optional(),
    orgSlug: z.string().optional(),
  })
  .transform((v) => ({ ...v, orgSlug: v.orgSlug?.trim() || slugify(v.orgName ?? "") }))
  .superRefine((v, ctx) => {
    if (v.invite) return; // joining an existing org: no org of one's own needed
    for (const [field, schema] of [
      ["orgName", ZOrgName],
      ["orgSlug", ZSlug],
    ] as const) {
      const r = schema.safeParse(v[field] ?? "");
      if (!r.success)
        ctx.addIssue({ code: "custom", path: [field], message: r.error.issues[0]?.message ?? "Invalid." });
    }
  });

/** Creates the account and either its first organisation or the invited membership, then signs in. */
export const signUpAction = action({ access: "public", schema: ZSignUp }, async (input, { db }) => {
  const { invite, orgName = "", orgSlug } = input;
  let destination: string;
  if (invite) {
    if (!(await findPendingInvitation(db, invite))) {
      return {
        ok: false as const,
        status: 404,
        error: "This invitation link is invalid, was already used, or has expired.",
      };
    }
    destination = await db.transaction(async (tx) => {
      const user = await createUser(tx, input);
      const org = await acceptInvitation(tx, { token: invite, userId: user.id });
      return `/${org.slug}`;
    });
  } else {
    destination = await db.transaction(async (tx) => {
      const user = await createUser(tx, input);
      const org = await createOrganization(tx, {
        name: orgName,
        slug: orgSlug,
        ownerUserId: user.id,
      });
      return `/${org.slug}`;
    });
  }
  try {
    await signIn("credentials", { email: input.email, password: input.password, redirectTo: destination });
  } catch (error) {
    if (error instanceof AuthError)
      return {
        ok: false as const,
        status: 500,
        error: "Your account was created, but signing in failed: sign in again.",
      };
    throw error;
  }
  return undefined;
});

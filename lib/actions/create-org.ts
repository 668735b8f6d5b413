"use server";
import { redirect } from "next/navigation";
import { z } from "zod";
import { createOrganization } from "@/lib/orgs/organizations";
import { ZCurrency, ZOrgName, ZSlug, ZTimeZone } from "@/lib/orgs/validation";
import { action } from "./safe-action";

const ZCreateOrg = z.object({
  name: ZOrgName,
  slug: ZSlug,
  currency: ZCurrency.default("USD"),
  timezone: ZTimeZone.default("UTC"),
});

export const createOrgAction = action({ access: "user", schema: ZCreateOrg }, async (input, { db, user }) => {
  const org = await createOrganization(db, { ...input, ownerUserId: user.id });
  redirect(`/${org.slug}`);
});

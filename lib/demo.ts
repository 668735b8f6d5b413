import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { organizations } from "@/db/schema";
import { createUser, findUserByEmail } from "@/lib/auth/users";
import { DEMO_ACTIVATION_EVENTS } from "@/lib/events/demo";
import { createOrganization } from "@/lib/orgs/organizations";

export const DEMO = {
  email: "demo@meridian.local",
  password: "meridian-demo",
  orgSlug: "demo",
  orgName: "Demo Company",
} as const;

/**
 * Seeds the demo org and its owner if missing; safe to run on every start. Embedded mode only. The
 * caller imports the sample data into a new demo org once the jobs run (lib/uploads/sample.ts).
 */
export async function seedDemo(
  db: Db,
): Promise<{ created: false } | { created: true; orgId: string; userId: string }> {
  const [existing] = await db
    .select({ id: organizations.id })
    .from(organizations)
    .where(eq(organizations.slug, DEMO.orgSlug));
  if (existing) return { created: false };
  const user =
    (await findUserByEmail(db, DEMO.email)) ??
    (await createUser(db, { email: DEMO.email, password: DEMO.password, name: "Demo Owner" }));
  const org = await createOrganization(db, {
    name: DEMO.orgName,
    slug: DEMO.orgSlug,
    currency: "USD",
    timezone: "UTC",
    ownerUserId: user.id,
  });
  // The demo's product events name these as activation (ENG-4); its first import backfills 18 months.
  await db
    .update(organizations)
    .set({
      settings: { ...org.settings, activationEvents: [...DEMO_ACTIVATION_EVENTS], initialSnapshotDays: 548 },
    })
    .where(eq(organizations.id, org.id));
  return { created: true, orgId: org.id, userId: user.id };
}

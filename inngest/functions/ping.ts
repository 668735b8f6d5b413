import { count, eq } from "drizzle-orm";
import { organizations } from "@/db/schema";
import { defineJob } from "../define-job";
import { pingRequested } from "../events";

/**
 * Proves the job wiring end to end (event → function → step → database) on either executor. With an
 * org id it also says whether that org exists; it never reads anything else of the org.
 */
export const ping = defineJob(
  { id: "ping", name: "Ping", trigger: pingRequested, concurrency: { limit: 1, key: "event.data.orgId" } },
  async ({ event, step, db }) => {
    const orgId = event.data.orgId ?? null;
    const database = await step.run("check-database", async () => {
      const [all] = await db.select({ n: count() }).from(organizations);
      if (!orgId) return { organizations: all?.n ?? 0, orgFound: null };
      const [mine] = await db.select({ n: count() }).from(organizations).where(eq(organizations.id, orgId));
      return { organizations: all?.n ?? 0, orgFound: (mine?.n ?? 0) > 0 };
    });
    return { pong: true, orgId, ...database };
  },
);

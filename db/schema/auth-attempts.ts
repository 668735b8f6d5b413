import { bigserial, boolean, index, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** Sign-in attempts, kept in the database so throttling holds across restarts and instances. */
export const authAttempts = pgTable(
  "auth_attempts",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    email: text("email").notNull(),
    ip: text("ip").notNull(),
    succeeded: boolean("succeeded").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("auth_attempts_email_idx").on(t.email, t.createdAt),
    index("auth_attempts_ip_idx").on(t.ip, t.createdAt),
  ],
);

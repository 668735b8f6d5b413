"use server";
import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { customers } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { updateRevenueForCustomers } from "@/lib/metrics/derive";
import { upsertCustomer } from "@/lib/revenue/items";
import { action } from "./safe-action";

const optionalText = (max: number, label: string) =>
  z.string().trim().max(max, `${label} is at most ${max} characters.`).optional();

// Not exported: a "use server" file may export async functions only.
const ZCreateCustomerForm = z.object({
  externalId: optionalText(200, "The id"),
  name: z
    .string()
    .trim()
    .min(1, "Enter the customer's name.")
    .max(200, "The name is at most 200 characters."),
  email: z
    .string()
    .trim()
    .max(320)
    .refine((v) => v === "" || z.email().safeParse(v).success, "Enter an email address, or leave it empty.")
    .optional(),
  company: optionalText(200, "The company"),
  country: optionalText(80, "The country"),
  industry: optionalText(120, "The industry"),
  segment: optionalText(120, "The segment"),
});

/** Adds a customer by hand; without an id of its own, it gets `manual-<random>`. Opens its page. */
export const createCustomerAction = action(
  { access: { role: "member" }, schema: ZCreateCustomerForm },
  async (input, { db, org }) => {
    const externalId = input.externalId || `manual-${randomBytes(5).toString("hex")}`;
    const customer = await db.transaction(async (tx) => {
      // upsertCustomer updates an existing id: adding must not silently overwrite another customer.
      const [taken] = await tx
        .select({ id: customers.id })
        .from(customers)
        .where(and(eq(customers.orgId, org.id), eq(customers.externalId, externalId)));
      if (taken) {
        throw new AppError(409, `A customer with the id ${externalId} exists already.`, {
          fieldErrors: { externalId: ["Another customer has this id."] },
        });
      }
      const created = await upsertCustomer(tx, org.id, { ...input, externalId });
      await updateRevenueForCustomers(tx, org.id, [created.id]);
      return created;
    });
    revalidatePath(`/${org.slug}/customers`);
    redirect(`/${org.slug}/customers/${customer.id}`);
  },
);

import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { getSessionUser } from "@/lib/auth/session";
import { listUserOrgs } from "@/lib/orgs/organizations";

export const dynamic = "force-dynamic";

/** `/`: the first organisation of the signed-in user, or sign-in. */
export default async function Home() {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  const [first] = await listUserOrgs(getDb(), user.id);
  redirect(first ? `/${first.slug}` : "/orgs/new");
}

import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { ActionForm, Field } from "@/components/ui/action-form";
import { signInAction } from "@/lib/actions/sign-in";
import { getSessionUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string }>;
}) {
  const { callbackUrl } = await searchParams;
  if (await getSessionUser()) redirect(callbackUrl?.startsWith("/") ? callbackUrl : "/");
  return (
    <>
      <h1 className="mb-4 text-xl font-semibold">Sign in</h1>
      <ActionForm
        action={signInAction}
        submitLabel="Sign in"
        pendingLabel="Signing in…"
        hidden={callbackUrl ? { callbackUrl } : undefined}
      >
        <Field name="email" label="Email" type="email" autoComplete="email" required autoFocus />
        <Field name="password" label="Password" type="password" autoComplete="current-password" required />
      </ActionForm>
      <p className="mt-4 text-sm text-slate-600">
        New to Meridian?{" "}
        <Link className="text-indigo-700 underline" href="/sign-up">
          Create an account
        </Link>
      </p>
    </>
  );
}

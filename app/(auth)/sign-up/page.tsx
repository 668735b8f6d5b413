import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { SignUpForm } from "@/components/auth/sign-up-form";
import { getSessionUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Create your account" };

export default async function SignUpPage() {
  if (await getSessionUser()) redirect("/");
  return (
    <>
      <h1 className="mb-1 text-xl font-semibold">Create your account</h1>
      <p className="mb-4 text-sm text-slate-600">
        You will own a new organisation; invite your team afterwards.
      </p>
      <SignUpForm />
      <p className="mt-4 text-sm text-slate-600">
        Already have an account?{" "}
        <Link className="text-indigo-700 underline" href="/sign-in">
          Sign in
        </Link>
      </p>
    </>
  );
}

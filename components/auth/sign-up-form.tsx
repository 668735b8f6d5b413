import { ActionForm, Field } from "@/components/ui/action-form";
import { signUpAction } from "@/lib/actions/sign-up";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password";

/** Sign-up; with `invite`, the account joins that invitation's org instead of creating one. */
export function SignUpForm({ invite, email }: { invite?: string; email?: string }) {
  return (
    <ActionForm
      action={signUpAction}
      submitLabel="Create account"
      pendingLabel="Creating account…"
      hidden={invite ? { invite } : undefined}
    >
      <Field name="name" label="Your name" autoComplete="name" />
      <Field name="email" label="Email" type="email" autoComplete="email" required defaultValue={email} />
      <Field
        name="password"
        label="Password"
        type="password"
        autoComplete="new-password"
        required
        minLength={MIN_PASSWORD_LENGTH}
        hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
      />
      {!invite && (
        <>
          <Field name="orgName" label="Organisation name" required placeholder="Acme Inc." />
          <Field
            name="orgSlug"
            label="Organisation address"
            placeholder="acme"
            hint="Lowercase letters, digits and dashes; your pages live at /<address>. Left empty, it is made from the name."
          />
        </>
      )}
    </ActionForm>
  );
}

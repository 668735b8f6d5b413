"use client";
import { createContext, type ReactNode, useActionState, useContext, useEffect, useRef } from "react";
import type { ActionResult } from "@/lib/actions/safe-action";

type Action<T> = (prev: unknown, formData: FormData) => Promise<ActionResult<T>>;
const FieldErrors = createContext<Record<string, string[]> | undefined>(undefined);

/**
 * A form bound to a server action made with `action()`: shows pending state, the error or success
 * message (announced to screen readers) and per-field errors next to their inputs.
 */
export function ActionForm<T>({
  action,
  children,
  submitLabel,
  pendingLabel,
  hidden,
  className,
  resetOnSuccess = false,
  submitVariant = "primary",
  renderResult,
}: {
  action: Action<T>;
  children?: ReactNode;
  submitLabel: string;
  pendingLabel?: string;
  hidden?: Record<string, string>;
  className?: string;
  resetOnSuccess?: boolean;
  submitVariant?: "primary" | "secondary" | "danger";
  renderResult?: (data: T) => ReactNode;
}) {
  const [state, formAction, pending] = useActionState<ActionResult<T> | null, FormData>(action, null);
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state?.ok && resetOnSuccess) ref.current?.reset();
  }, [state, resetOnSuccess]);
  return (
    <form ref={ref} action={formAction} className={className ?? "space-y-4"} noValidate>
      {Object.entries(hidden ?? {}).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <FieldErrors.Provider value={state && !state.ok ? state.fieldErrors : undefined}>
        {children}
      </FieldErrors.Provider>
      <div aria-live="polite">
        {state && !state.ok && (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
            {state.error}
          </p>
        )}
        {state?.ok && state.message && (
          <p className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800">{state.message}</p>
        )}
        {state?.ok && renderResult?.(state.data)}
      </div>
      <SubmitButton pending={pending} variant={submitVariant}>
        {pending ? (pendingLabel ?? `${submitLabel}…`) : submitLabel}
      </SubmitButton>
    </form>
  );
}

const VARIANTS = {
  primary: "bg-indigo-600 text-white hover:bg-indigo-500 focus-visible:outline-indigo-600",
  secondary:
    "bg-white text-slate-900 ring-1 ring-inset ring-slate-300 hover:bg-slate-50 focus-visible:outline-slate-600",
  danger:
    "bg-white text-red-700 ring-1 ring-inset ring-red-300 hover:bg-red-50 focus-visible:outline-red-600",
};

function SubmitButton({
  pending,
  variant,
  children,
}: {
  pending: boolean;
  variant: keyof typeof VARIANTS;
  children: ReactNode;
}) {
  return (
    <button
      type="submit"
      disabled={pending}
      className={`inline-flex items-center justify-center rounded-md px-3 py-2 text-sm font-semibold shadow-sm focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 disabled:opacity-60 ${VARIANTS[variant]}`}
    >
      {children}
    </button>
  );
}

/** A labelled input whose error comes from the enclosing ActionForm's result. */
export function Field({
  name,
  label,
  hint,
  type = "text",
  ...rest
}: { name: string; label: string; hint?: string } & React.InputHTMLAttributes<HTMLInputElement>) {
  const errors = useContext(FieldErrors)?.[name];
  const id = `field-${name}`;
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <input
        id={id}
        name={name}
        type={type}
        aria-invalid={errors ? true : undefined}
        aria-describedby={errors ? `${id}-error` : hint ? `${id}-hint` : undefined}
        className="mt-1 block w-full rounded-md border-0 px-3 py-2 text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:ring-indigo-600 sm:text-sm aria-[invalid]:ring-red-500"
        {...rest}
      />
      {hint && !errors && (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      )}
      {errors && (
        <p id={`${id}-error`} className="mt-1 text-xs text-red-700">
          {errors.join(" ")}
        </p>
      )}
    </div>
  );
}

export function SelectField({
  name,
  label,
  options,
  defaultValue,
}: {
  name: string;
  label: string;
  options: readonly string[];
  defaultValue?: string;
}) {
  const errors = useContext(FieldErrors)?.[name];
  const id = `field-${name}`;
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <select
        id={id}
        name={name}
        defaultValue={defaultValue}
        className="mt-1 block w-full rounded-md border-0 px-3 py-2 text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600 sm:text-sm"
      >
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
      {errors && <p className="mt-1 text-xs text-red-700">{errors.join(" ")}</p>}
    </div>
  );
}

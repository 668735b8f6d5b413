"use client";
import {
  createContext,
  type ReactNode,
  startTransition,
  useActionState,
  useContext,
  useEffect,
  useId,
  useRef,
} from "react";
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
    <form
      ref={ref}
      action={formAction}
      // React resets a form after a submitted `action`; submitting through a transition instead keeps
      // what the user typed when the server says no. (Without JavaScript, `action` still posts it.)
      onSubmit={(event) => {
        event.preventDefault();
        const formData = new FormData(event.currentTarget);
        startTransition(() => formAction(formData));
      }}
      noValidate
    >
      {Object.entries(hidden ?? {}).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <div className={className ?? "space-y-4"}>
        <FieldErrors.Provider value={state && !state.ok ? state.fieldErrors : undefined}>
          {children}
        </FieldErrors.Provider>
        <div>
          <SubmitButton pending={pending} variant={submitVariant}>
            {pending ? (pendingLabel ?? `${submitLabel}…`) : submitLabel}
          </SubmitButton>
        </div>
      </div>
      <div aria-live="polite" className="empty:hidden mt-3 space-y-2">
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
  // Unique per instance: a page may hold several forms with a field of the same name.
  const id = `field-${name}-${useId()}`;
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
        className="mt-1 block w-full rounded-md border-0 px-3 py-2 text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:outline-none focus:ring-2 focus:ring-inset focus:ring-indigo-600 sm:text-sm aria-[invalid]:ring-red-500"
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

/** A checkbox (value "yes" when ticked) whose error comes from the enclosing ActionForm's result. */
export function CheckboxField({ name, label }: { name: string; label: ReactNode }) {
  const errors = useContext(FieldErrors)?.[name];
  const id = `field-${name}-${useId()}`;
  return (
    <div>
      <div className="flex items-start gap-2">
        <input
          id={id}
          name={name}
          type="checkbox"
          value="yes"
          aria-invalid={errors ? true : undefined}
          aria-describedby={errors ? `${id}-error` : undefined}
          className="mt-0.5 h-4 w-4 rounded border-slate-300 text-indigo-600 focus:ring-indigo-600"
        />
        <label htmlFor={id} className="text-sm text-slate-800">
          {label}
        </label>
      </div>
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
  hideLabel = false,
}: {
  name: string;
  label: string;
  options: readonly string[];
  defaultValue?: string;
  /** Keep the label for screen readers only (e.g. inside a table row that already names the member). */
  hideLabel?: boolean;
}) {
  const errors = useContext(FieldErrors)?.[name];
  // Unique per instance: a page may hold several forms with a field of the same name.
  const id = `field-${name}-${useId()}`;
  return (
    <div>
      <label htmlFor={id} className={hideLabel ? "sr-only" : "block text-sm font-medium text-slate-800"}>
        {label}
      </label>
      <select
        id={id}
        name={name}
        defaultValue={defaultValue}
        className={`${hideLabel ? "" : "mt-1 "}block w-full min-w-[7.5rem] rounded-md border-0 px-3 py-2 text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 bg-white focus:outline-none focus:ring-2 focus:ring-indigo-600 sm:text-sm`}
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

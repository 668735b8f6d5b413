"use client";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";

/**
 * Picks a CSV file and streams it to POST /api/v1/uploads (the session authenticates it); then opens the
 * upload's page, where the preview and mapping happen. The same file again opens the existing upload.
 */
export function UploadForm({ orgSlug, maxMb }: { orgSlug: string; maxMb: number }) {
  const router = useRouter();
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    const file = new FormData(event.currentTarget).get("file");
    if (!(file instanceof File) || file.size === 0) {
      setError(file instanceof File && file.name ? `${file.name} is empty.` : "Choose a CSV file first.");
      return;
    }
    if (file.size > maxMb * 1024 * 1024) {
      setError(`${file.name} is larger than the ${maxMb} MB limit.`);
      return;
    }
    setBusy(true);
    try {
      const body = new FormData();
      body.append("file", file);
      const response = await fetch(`/api/v1/uploads?org=${encodeURIComponent(orgSlug)}`, {
        method: "POST",
        body,
      });
      const json = (await response.json().catch(() => null)) as {
        upload?: { id: string };
        duplicate?: boolean;
        error?: string;
      } | null;
      if (!response.ok || !json?.upload) {
        setError(json?.error ?? `The upload failed (HTTP ${response.status}).`);
        return;
      }
      router.push(`/${orgSlug}/uploads/${json.upload.id}${json.duplicate ? "?duplicate=1" : ""}`);
    } catch {
      setError("The upload failed: the server could not be reached.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={onSubmit} className="flex flex-wrap items-end gap-3" noValidate>
      <div className="min-w-0 flex-1">
        <label htmlFor={`${id}-file`} className="block text-sm font-medium text-slate-800">
          CSV file (up to {maxMb} MB)
        </label>
        <input
          id={`${id}-file`}
          name="file"
          type="file"
          accept=".csv,.tsv,.txt,text/csv,text/plain"
          aria-describedby={error ? `${id}-error` : undefined}
          className="mt-1 block w-full text-sm text-slate-700 file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:py-2 file:text-sm file:font-semibold file:text-slate-800 hover:file:bg-slate-200"
        />
      </div>
      <button
        type="submit"
        disabled={busy}
        className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 disabled:opacity-60"
      >
        {busy ? "Uploading…" : "Upload and preview"}
      </button>
      <p id={`${id}-error`} role="alert" className="basis-full text-sm text-red-700 empty:hidden">
        {error ?? ""}
      </p>
    </form>
  );
}

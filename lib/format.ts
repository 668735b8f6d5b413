/** `2026-11-22` (UTC). */
export function formatDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** `2026-11-22 14:05:09` (UTC); "—" for no date. */
export function formatDateTime(d: Date | null | undefined): string {
  return d ? d.toISOString().slice(0, 19).replace("T", " ") : "—";
}

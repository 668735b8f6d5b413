/** `2026-11-22` (UTC). */
export function formatDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** `2026-11-22 14:05:09` (UTC); "—" for no date. */
export function formatDateTime(d: Date | null | undefined): string {
  return d ? d.toISOString().slice(0, 19).replace("T", " ") : "—";
}

/** A byte count for people: "512 B", "3.4 kB", "12.0 MB" (decimal units, as file managers show). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ["kB", "MB", "GB"];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** An exact decimal string with its whole part grouped: "-1234567.5" → "-1,234,567.5". */
export function groupThousands(decimal: string): string {
  const [whole = "", fraction] = decimal.split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/** "1 customer", "2,500 customers": a count with its noun (nouns that take an "s"). */
export function plural(n: number, noun: string): string {
  return `${n.toLocaleString("en-US")} ${noun}${n === 1 ? "" : "s"}`;
}

/*
 * Countries are stored as ISO 3166-1 alpha-2 codes (the dashboards filter by code): an export that
 * writes them out ("Germany", "Deutschland", "États-Unis") is read to the code, in the languages the
 * header spellings cover. A value that names no country is kept as written.
 */

const LANGUAGES = ["en", "de", "fr", "es", "pt", "nl", "it"] as const;

/** Spellings Intl's names miss: short forms and old names people still write. */
const EXTRA: Record<string, string> = {
  usa: "US",
  "u.s.": "US",
  "u.s.a.": "US",
  "united states of america": "US",
  america: "US",
  uk: "GB",
  "u.k.": "GB",
  "great britain": "GB",
  britain: "GB",
  england: "GB",
  scotland: "GB",
  wales: "GB",
  "northern ireland": "GB",
  holland: "NL",
  "the netherlands": "NL",
  "south korea": "KR",
  korea: "KR",
  russia: "RU",
  "czech republic": "CZ",
  uae: "AE",
};

let names: Map<string, string> | null = null;

const key = (s: string) =>
  s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/\s+/g, " ").trim();

function countryNames(): Map<string, string> {
  if (names) return names;
  names = new Map(Object.entries(EXTRA));
  const A = "A".charCodeAt(0);
  for (const language of LANGUAGES) {
    const display = new Intl.DisplayNames([language], { type: "region", fallback: "none" });
    for (let i = 0; i < 26; i++) {
      for (let j = 0; j < 26; j++) {
        const asked = String.fromCharCode(A + i, A + j);
        const name = display.of(asked);
        // Old codes read as today's (DD → DE, UK → GB); private-use ones (QO, ZZ) have no country.
        if (!name || /^(Q[M-Z]|X[A-JL-Z]|ZZ|AA)$/.test(asked)) continue;
        const code = canonical(asked);
        if (!names.has(key(name))) names.set(key(name), code);
      }
    }
  }
  return names;
}

const canonicalCodes = new Map<string, string>();

/** Today's code of a two-letter region code (UK → GB); an import asks once per row, so it is cached. */
function canonical(code: string): string {
  let known = canonicalCodes.get(code);
  if (known === undefined) {
    known = Intl.getCanonicalLocales(`und-${code}`)[0]?.slice(4) ?? code;
    canonicalCodes.set(code, known);
  }
  return known;
}

/** "DE" for "de", "Germany", "Deutschland" or "Allemagne"; anything else as written (trimmed). */
export function countryCode(value: string | null): string | null {
  if (value === null) return null;
  const text = value.trim();
  if (text === "") return null;
  if (/^[A-Za-z]{2}$/.test(text)) return canonical(text.toUpperCase());
  return countryNames().get(key(text)) ?? text;
}

import { CURRENCY_CODES } from "./amounts";
import { describeRate, profileContent, type TContentProfile } from "./content";
import {
  KIND_NAMES,
  KINDS,
  kindDef,
  normaliseHeader,
  type TFieldDef,
  type TKind,
  type TKindDef,
} from "./fields";
import { HEADER_SPELLINGS, LANGUAGES, type TLanguage } from "./languages";

/*
 * Which canonical field each column holds: by its header first (exact spelling, then the spelling
 * without noise such as "(UTC)", then a known spelling inside a longer header), by its values second.
 * Every column gets its best candidate, highest confidence first, and a field goes to one column only.
 */

export type TColumnSuggestion = {
  index: number;
  header: string;
  field: string | null;
  /** 0..1; 1 for a mapping the user chose. */
  confidence: number;
  reason: string;
};

type TCandidate = { index: number; field: string; confidence: number; reason: string; rank: number };
/** A spelling that names a field; `language` when it is not English ("German"). */
type TAliasHit = { field: TFieldDef; weak: boolean; rank: number; alias: string; language?: string };

/** A spelling as the reasons quote it: "'Beginn' (German)". */
const spelling = (h: TAliasHit) => `'${h.alias}'${h.language ? ` (${h.language})` : ""}`;

const STRONG = 0.95;
const WEAK = 0.6;
/** Words that say how a value is written, not what it is: "Created (UTC)", "Amount USD". */
const NOISE = new Set(["utc", "gmt", "local", "iso", "yyyy", "mm", "dd", "yy", "date format", "in", "the"]);

/** Per kind: normalised spelling → the fields it names, built once. */
const ALIASES = new Map<TKind, Map<string, TAliasHit[]>>(
  KIND_NAMES.map((kind) => {
    const index = new Map<string, TAliasHit[]>();
    const add = (alias: string, hit: TAliasHit) => index.set(alias, [...(index.get(alias) ?? []), hit]);
    const def = kindDef(kind);
    for (const field of def.fields) {
      const extra = def.extraAliases?.[field.key] ?? [];
      [...extra, ...field.aliases].forEach((a, rank) => {
        add(normaliseHeader(a), { field, weak: false, rank, alias: a });
      });
      (field.weakAliases ?? []).forEach((a, rank) => {
        add(normaliseHeader(a), { field, weak: true, rank: 100 + rank, alias: a });
      });
      // Other languages' spellings after English's (languages.ts); one spelling may be in several.
      const other = HEADER_SPELLINGS[field.key];
      for (const [weak, byLanguage] of [
        [false, other?.strong],
        [true, other?.weak],
      ] as const) {
        for (const [lang, spellings] of Object.entries(byLanguage ?? {})) {
          for (const [rank, a] of (spellings ?? []).entries()) {
            const words = normaliseHeader(a);
            const language = LANGUAGES[lang as TLanguage];
            // Written the same as an English spelling ("Segment"), or as another language's ("Land").
            const same = index.get(words)?.find((h) => h.field === field && h.weak === weak);
            if (same?.language && !same.language.includes(language)) same.language += `, ${language}`;
            else if (!same) add(words, { field, weak, rank: (weak ? 150 : 50) + rank, alias: a, language });
          }
        }
      }
    }
    return [kind, index];
  }),
);

function headerCandidates(kind: TKind, index: number, header: string): TCandidate[] {
  const aliases = ALIASES.get(kind) ?? new Map<string, TAliasHit[]>();
  const words = normaliseHeader(header);
  const quoted = `'${header.trim()}'`;
  const exact = aliases.get(words);
  if (exact)
    return exact.map((h) => hit(index, h, h.weak ? WEAK : STRONG, `header ${quoted} matched ${spelling(h)}`));
  const stripped = words
    .split(" ")
    .filter((w) => !NOISE.has(w) && !CURRENCY_CODES.has(w.toUpperCase()))
    .join(" ");
  const plain = stripped ? aliases.get(stripped) : undefined;
  if (plain) {
    return plain.map((h) =>
      hit(index, h, (h.weak ? WEAK : STRONG) - 0.1, `header ${quoted} matched ${spelling(h)}`),
    );
  }
  const dotted = dottedCandidates(aliases, index, header);
  if (dotted.length) return dotted;
  // A known spelling of two or more words inside a longer header: "Subscription Start Date (local)". In
  // a dotted header the attribute is looked in first: Zuora's "RatePlanCharge.EffectiveEndDate" is an
  // end date, though its entity's words spell "rate plan".
  const attribute = DOTTED.exec(header)?.[2];
  const inAttribute = attribute === undefined ? [] : longestContained(aliases, normaliseHeader(attribute));
  const longest = inAttribute.length > 0 ? inAttribute : longestContained(aliases, words);
  return longest.map((h) => hit(index, h, h.weak ? 0.4 : 0.7, `header ${quoted} contains ${spelling(h)}`));
}

/** The hits of the longest known spelling of two or more words inside `words`; [] when none. */
function longestContained(aliases: Map<string, TAliasHit[]>, words: string): TAliasHit[] {
  let longest: TAliasHit[] = [];
  let longestAlias = "";
  const padded = ` ${words} `;
  for (const [alias, hits] of aliases) {
    if (!alias.includes(" ") || alias.length <= longestAlias.length || !padded.includes(` ${alias} `))
      continue;
    longest = hits;
    longestAlias = alias;
  }
  return longest;
}

/** "subscriptions.id", "customers.email": an export's entity before a dot, as Chargebee writes headers. */
const DOTTED = /^\s*([A-Za-z][A-Za-z ]*)\.(.+)$/;

/**
 * A dotted header read as "<entity, singular> <attribute>" ("subscriptions.id" → "subscription id"), else
 * as its attribute alone ("customers.company" → "company", "subscriptions.mrr" → "mrr").
 */
function dottedCandidates(aliases: Map<string, TAliasHit[]>, index: number, header: string): TCandidate[] {
  const m = DOTTED.exec(header);
  if (!m) return [];
  const entity = normaliseHeader(m[1] ?? "").replace(/s$/, "");
  const attribute = normaliseHeader(m[2] ?? "");
  const quoted = `'${header.trim()}'`;
  for (const words of [`${entity} ${attribute}`, attribute]) {
    const hits = aliases.get(words);
    if (hits) {
      return hits.map((h) =>
        hit(index, h, (h.weak ? WEAK : STRONG) - 0.1, `header ${quoted} matched ${spelling(h)}`),
      );
    }
  }
  return [];
}

function hit(index: number, h: TAliasHit, confidence: number, reason: string): TCandidate {
  return { index, field: h.field.key, confidence, reason, rank: h.rank };
}

/** Header candidates doubted when the values disagree with the field's type. */
function checkAgainstContent(c: TCandidate, def: TFieldDef, content: TContentProfile): TCandidate {
  if (content.filled < 3) return c;
  // A plan is shown by its name: a column of ids (Stripe's Plan: price_1N…) gives way to one of names
  // (Product: "Pro Monthly") when the file has both, and is still the plan when it is the only one.
  if (def.key === "plan" && content.rates.id >= 0.9) {
    return {
      ...c,
      confidence: c.confidence - 0.05,
      reason: `${c.reason} (its values are ids, not names)`,
    };
  }
  // A subscription's item is on one row: a column whose values mostly repeat names something else
  // (Chargebee's catalogue item_id is a plan many subscriptions share), and keying items by it would
  // merge them. A few repeats are the file's mistakes, which the preview lists as repeated ids.
  if (def.key === "item_id" && content.distinct < 0.7 * content.filled) return { ...c, confidence: 0 };
  if (def.type === "text") return c;
  const rate = content.rates[def.type];
  if (rate >= 0.9) {
    // Agreeing values settle a tie between two readings of one header ("Customer": id or name).
    return {
      ...c,
      confidence: Math.min(1, c.confidence + 0.04),
      reason: `${c.reason}; ${describeRate(def.type, rate)}`,
    };
  }
  if (rate >= 0.5) return c;
  // A flag is only ever yes or no: a "Free trial ends" column of dates is some other trial field.
  if (def.type === "flag") return { ...c, confidence: 0 };
  return {
    ...c,
    confidence: c.confidence * 0.5,
    reason: `${c.reason}, but only ${describeRate(def.type, rate)}`,
  };
}

const MONEY_FIELDS = new Set(["amount", "mrr", "discount_amount"]);

/** Fields a column's values suggest, for columns whose header names none. */
function contentCandidates(kind: TKind, index: number, c: TContentProfile): TCandidate[] {
  if (c.filled === 0) return [];
  const out: TCandidate[] = [];
  const def: TKindDef = KINDS[kind];
  const has = (field: string) =>
    def.fields.some((f) => f.key === field) && !def.notByContent?.includes(field);
  const add = (field: string, confidence: number, reason: string) => {
    if (has(field)) out.push({ index, field, confidence, reason, rank: 200 + out.length });
  };
  const { rates } = c;
  if (rates.email >= 0.8) add("customer_email", 0.5 + 0.3 * rates.email, describeRate("email", rates.email));
  if (rates.currency >= 0.9) add("currency", 0.75, describeRate("currency", rates.currency));
  if (rates.interval >= 0.9) add("interval", 0.75, describeRate("interval", rates.interval));
  if (rates.status >= 0.9) add("status", 0.7, describeRate("status", rates.status));
  if (rates.date >= 0.8 && !(c.excelSerial && rates.date < 1)) {
    const reason = describeRate("date", rates.date);
    add("start_date", 0.35 + 0.25 * rates.date, reason);
    // An end date is blank on the rows still running: a column of dates filled on every row is a
    // creation or renewal date far more often (Stripe's "Created (UTC)", HubSpot's "Create Date").
    if (c.filled < c.total) add("end_date", 0.3 + 0.25 * rates.date, reason);
    add("created_at", 0.35 + 0.25 * rates.date, reason);
  }
  if (rates.timestamp >= 0.9) add("timestamp", 0.6, describeRate("timestamp", rates.timestamp));
  if (rates.json >= 0.9) add("properties", 0.6, describeRate("json", rates.json));
  if (c.percentSigned >= 0.8) add("discount_percent", 0.5, describeRate("percent", c.percentSigned));
  if (c.moneyLike >= 0.8) {
    add("amount", 0.45, describeRate("money", c.moneyLike));
    add("mrr", 0.4, describeRate("money", c.moneyLike));
  }
  if (rates.id >= 0.9) {
    const unique = c.distinct === c.filled;
    const reason = `${describeRate("id", rates.id)}${unique ? ", all different" : ", some repeated"}`;
    if (unique) add(KINDS[kind].rowId, 0.45, reason);
    add("customer_id", unique ? 0.4 : 0.45, reason);
  }
  if (rates.integer === 1 && rates.date < 0.5) add("quantity", 0.3, describeRate("integer", 1));
  return out;
}

/**
 * A field (or none) per column, with a confidence and the reason. `sampleRows` are the data rows (not
 * the header); a few hundred are plenty.
 */
export function suggestMapping(
  kind: TKind,
  headers: readonly string[],
  sampleRows: readonly (readonly string[])[],
): TColumnSuggestion[] {
  const def = kindDef(kind);
  const candidates: TCandidate[] = [];
  headers.forEach((header, index) => {
    const content = profileContent(sampleRows.map((r) => r[index] ?? ""));
    const byHeader = headerCandidates(kind, index, header)
      .map((c) => checkAgainstContent(c, def.fields.find((f) => f.key === c.field) as TFieldDef, content))
      .filter((c) => c.confidence > 0);
    // A column whose header names a money field that another column took is not another money field
    // by its values: Chargebee's plan_amount (the quantity's total) beside plan_unit_price is not MRR.
    const named = byHeader.some((c) => MONEY_FIELDS.has(c.field));
    const byContent = contentCandidates(kind, index, content).filter(
      (c) => !named || !MONEY_FIELDS.has(c.field),
    );
    candidates.push(...byHeader, ...byContent);
  });
  return assign(headers, candidates, def);
}

/** Greedy: the most confident (column, field) pair first; ties go to the better spelling, then left. */
function assign(headers: readonly string[], candidates: TCandidate[], def: { fields: readonly TFieldDef[] }) {
  const fieldOrder = new Map(def.fields.map((f, i) => [f.key, i]));
  candidates.sort(
    (a, b) =>
      b.confidence - a.confidence ||
      a.rank - b.rank ||
      a.index - b.index ||
      (fieldOrder.get(a.field) ?? 0) - (fieldOrder.get(b.field) ?? 0),
  );
  const result: TColumnSuggestion[] = headers.map((header, index) => ({
    index,
    header,
    field: null,
    confidence: 0,
    reason: "no known header and nothing recognisable in the values",
  }));
  const taken = new Map<string, number>();
  const explained = new Set<number>();
  for (const c of candidates) {
    const column = result[c.index];
    if (!column) continue;
    const owner = taken.get(c.field);
    if (column.field !== null) continue;
    if (owner !== undefined) {
      if (!explained.has(c.index)) {
        column.reason = `${c.reason}, but ${quote(headers[owner])} fits ${c.field} better`;
        explained.add(c.index);
      }
      continue;
    }
    column.field = c.field;
    column.confidence = round(c.confidence);
    column.reason = c.reason;
    taken.set(c.field, c.index);
  }
  return result;
}

const quote = (s: string | undefined) => `'${(s ?? "").trim()}'`;
const round = (n: number) => Math.round(n * 100) / 100;

export type TKindDetection = { kind: TKind; confidence: number; reason: string };

/**
 * Subscriptions, customers or events: the kind whose requirements the suggested mapping meets, preferring
 * the one with more of its fields found (subscriptions need money and dates a customer list lacks; events
 * a user, an event name and a time).
 */
export function detectKind(headers: readonly string[], rows: readonly (readonly string[])[]): TKindDetection {
  const scored = KIND_NAMES.map((kind) => {
    const mapping = suggestMapping(kind, headers, rows);
    const missing = validateMapping(kind, mapping).filter((p) => p.code === "missing");
    const found = mapping.filter((m) => m.field !== null && m.confidence >= 0.5);
    const score = found.reduce((s, m) => s + m.confidence, 0);
    return { kind, met: missing.length === 0, found, score };
  });
  scored.sort((a, b) => Number(b.met) - Number(a.met) || b.score - a.score);
  const [best, second] = scored;
  if (!best) return { kind: "subscriptions", confidence: 0, reason: "no columns" };
  // Named as the mapping's dropdowns name them ("Start date"), not by their keys.
  const labels = new Map(kindDef(best.kind).fields.map((f) => [f.key, f.label]));
  const fields = best.found.map((m) => labels.get(m.field as string) ?? m.field).join(", ");
  if (!best.met) {
    return {
      kind: best.kind,
      confidence: 0.3,
      reason: `no kind's required columns were all found; closest: ${fields}`,
    };
  }
  const clear = !second?.met || best.score >= second.score * 1.5;
  return {
    kind: best.kind,
    confidence: clear ? 0.9 : 0.6,
    reason: `found ${fields}${second?.met ? `; the columns would also do for ${second.kind}` : ""}`,
  };
}

export type TMappingIssue = {
  code: "missing" | "duplicate" | "unknown_field";
  message: string;
  fields: string[];
};

/** Whether a mapping can be imported: every requirement met, no field twice, only the kind's fields. */
export function validateMapping(
  kind: TKind,
  mapping: readonly { header: string; field: string | null }[],
): TMappingIssue[] {
  const def = kindDef(kind);
  const issues: TMappingIssue[] = [];
  const mapped = new Map<string, string[]>();
  for (const m of mapping) {
    if (m.field === null) continue;
    if (!def.fields.some((f) => f.key === m.field)) {
      issues.push({
        code: "unknown_field",
        message: `'${m.header}' is mapped to '${m.field}', which ${def.label.toLowerCase()} do not have.`,
        fields: [m.field],
      });
      continue;
    }
    mapped.set(m.field, [...(mapped.get(m.field) ?? []), m.header]);
  }
  for (const [field, headers] of mapped) {
    if (headers.length > 1) {
      issues.push({
        code: "duplicate",
        message: `${headers.map(quote).join(" and ")} are both mapped to ${field}; keep one.`,
        fields: [field],
      });
    }
  }
  for (const r of def.requirements) {
    if (!r.oneOf.some((all) => all.every((f) => mapped.has(f)))) {
      issues.push({ code: "missing", message: r.message, fields: [...new Set(r.oneOf.flat())] });
    }
  }
  return issues;
}

/** The column an override's key names: "#3" (the third), else its header as written, else as normalised. */
export function overriddenColumn<C extends { header: string }>(
  columns: readonly C[],
  key: string,
): C | undefined {
  const byNumber = /^#(\d+)$/.exec(key.trim());
  if (byNumber) return columns[Number(byNumber[1]) - 1];
  return (
    columns.find((c) => c.header === key) ??
    columns.find((c) => normaliseHeader(c.header) === normaliseHeader(key))
  );
}

/**
 * The user's choices over the suggestion: keys are a header ("Start Date") or a 1-based column number
 * ("#3", for files with two columns of one name); a null field unmaps the column. A field the user gives
 * to one column is taken from any column that had it by suggestion.
 */
export function applyOverrides(
  suggestions: readonly TColumnSuggestion[],
  overrides: Readonly<Record<string, string | null>>,
): { mapping: TColumnSuggestion[]; unmatched: string[] } {
  const result = suggestions.map((s) => ({ ...s }));
  const chosen = new Set<number>();
  const unmatched: string[] = [];
  for (const [key, field] of Object.entries(overrides)) {
    const column = overriddenColumn(result, key);
    if (!column) {
      unmatched.push(key);
      continue;
    }
    column.field = field;
    column.confidence = 1;
    column.reason = field === null ? "left out by you" : "chosen by you";
    chosen.add(column.index);
  }
  for (const s of result) {
    if (chosen.has(s.index) || s.field === null) continue;
    const owner = result.find((o) => chosen.has(o.index) && o.field === s.field);
    if (owner) {
      s.reason = `${quote(owner.header)} holds ${s.field} now`;
      s.field = null;
      s.confidence = 0;
    }
  }
  return { mapping: result, unmatched };
}

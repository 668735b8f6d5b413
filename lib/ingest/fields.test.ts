import { describe, expect, it } from "vitest";
import { KIND_NAMES, kindDef, normaliseHeader } from "./fields";
import { HEADER_SPELLINGS } from "./languages";
import { suggestMapping } from "./mapping";

describe("the header spellings", () => {
  it.each(KIND_NAMES)("every %s field has at least 15 spellings", (kind) => {
    const def = kindDef(kind);
    const short = def.fields
      .map((f) => ({
        key: f.key,
        count: f.aliases.length + (f.weakAliases?.length ?? 0) + (def.extraAliases?.[f.key]?.length ?? 0),
      }))
      .filter((f) => f.count < 15);
    expect(short).toEqual([]);
  });

  it.each(KIND_NAMES)("no %s spelling names two fields outright", (kind) => {
    const def = kindDef(kind);
    const owner = new Map<string, string>();
    const clashes: string[] = [];
    for (const f of def.fields) {
      for (const a of [...(def.extraAliases?.[f.key] ?? []), ...f.aliases]) {
        const words = normaliseHeader(a);
        const other = owner.get(words);
        if (other && other !== f.key) clashes.push(`${words}: ${other} and ${f.key}`);
        owner.set(words, f.key);
      }
    }
    expect(clashes).toEqual([]);
  });

  it.each(KIND_NAMES)("each %s spelling, written as exports write it, maps to its field", (kind) => {
    const def = kindDef(kind);
    const wrong: string[] = [];
    for (const f of def.fields) {
      for (const a of [...(def.extraAliases?.[f.key] ?? []), ...f.aliases]) {
        // "start date" as "Start Date", "start_date" and "startDate".
        const title = a.replace(/\b\w/g, (c) => c.toUpperCase());
        const snake = a.replace(/ /g, "_");
        const camel = a.replace(/ (\w)/g, (_, c: string) => c.toUpperCase());
        for (const header of [title, snake, camel]) {
          const [column] = suggestMapping(kind, [header], []);
          if (column?.field !== f.key) wrong.push(`${header} → ${column?.field}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it.each(KIND_NAMES)("other languages' strong %s spellings name one field, and map to it", (kind) => {
    const def = kindDef(kind);
    const owner = new Map<string, string>();
    for (const f of def.fields) {
      for (const a of [...(def.extraAliases?.[f.key] ?? []), ...f.aliases])
        owner.set(normaliseHeader(a), f.key);
    }
    const clashes: string[] = [];
    const wrong: string[] = [];
    for (const f of def.fields) {
      for (const spellings of Object.values(HEADER_SPELLINGS[f.key]?.strong ?? {})) {
        for (const a of spellings ?? []) {
          const words = normaliseHeader(a);
          const other = owner.get(words);
          if (other && other !== f.key) clashes.push(`${a}: ${other} and ${f.key}`);
          owner.set(words, f.key);
          const [column] = suggestMapping(kind, [a], []);
          if (column?.field !== f.key) wrong.push(`${a} → ${column?.field}`);
        }
      }
    }
    expect(clashes).toEqual([]);
    expect(wrong).toEqual([]);
  });
});

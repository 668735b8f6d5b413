import { describe, expect, it } from "vitest";
import {
  decidePercentScale,
  isBlank,
  parseEmail,
  parseFlag,
  parseInteger,
  parseInterval,
  parseJsonObject,
  parsePercent,
  parseStatus,
  parseTimestamp,
} from "./values";

const ok = <T>(r: { ok: true; value: T } | { ok: false; reason: string }) =>
  r.ok ? r.value : `ERR ${r.reason}`;

describe("parseInterval", () => {
  it.each([
    ["Monthly", "month", 1],
    ["monthly", "month", 1],
    ["month", "month", 1],
    ["mo", "month", 1],
    ["mon", "month", 1],
    ["1 month", "month", 1],
    ["/mo", "month", 1],
    ["per month", "month", 1],
    ["every 2 months", "month", 2],
    ["every other month", "month", 2],
    // HubSpot's own spellings.
    ["Per six months", "month", 6],
    ["Every two years", "year", 2],
    ["Every three months", "month", 3],
    ["Quarterly", "month", 3],
    ["quarter", "month", 3],
    ["3 months", "month", 3],
    ["semi-annual", "month", 6],
    ["Semi_Annually", "month", 6],
    ["6 months", "month", 6],
    ["Annual", "year", 1],
    ["Annually", "year", 1],
    ["Yearly", "year", 1],
    ["year", "year", 1],
    ["yr", "year", 1],
    ["12 months", "year", 1],
    ["1 year", "year", 1],
    ["24 months", "year", 2],
    ["P1Y", "year", 1],
    ["P3M", "month", 3],
    ["12m", "year", 1],
    ["Weekly", "week", 1],
    ["week", "week", 1],
    ["wk", "week", 1],
    ["bi-weekly", "week", 2],
    ["every 2 weeks", "week", 2],
    ["Daily", "day", 1],
    ["day", "day", 1],
  ])("%s → %s × %d", (text, unit, count) => {
    expect(ok(parseInterval(text))).toEqual({ unit, count });
  });

  it("refuses one-time charges and nonsense", () => {
    expect(ok(parseInterval("one-time"))).toBe(
      "ERR 'one-time' is a one-time charge, not a recurring interval",
    );
    expect(ok(parseInterval("sometimes"))).toBe("ERR 'sometimes' is not a billing interval");
    expect(ok(parseInterval("0 months"))).toBe("ERR '0 months' is not an interval of 1 to 120 periods");
    expect(ok(parseInterval("annnual"))).toBe("ERR 'annnual' is not a billing interval");
  });
});

describe("parseEmail", () => {
  it("lower-cases and unwraps named addresses", () => {
    expect(ok(parseEmail(" Allison@Baremetrics.com "))).toBe("allison@baremetrics.com");
    expect(ok(parseEmail("Ann Lee <ann@example.co.uk>"))).toBe("ann@example.co.uk");
    expect(ok(parseEmail("mailto:bob@example.com"))).toBe("bob@example.com");
    expect(ok(parseEmail("bob@example"))).toBe("ERR 'bob@example' is not an email address");
    expect(ok(parseEmail("a b@example.com"))).toBe("ERR 'a b@example.com' is not an email address");
  });
});

describe("parseInteger", () => {
  it("takes grouped and spreadsheet-float whole numbers", () => {
    expect(ok(parseInteger("12"))).toBe(12);
    expect(ok(parseInteger("1,000"))).toBe(1000);
    expect(ok(parseInteger("1 000"))).toBe(1000);
    expect(ok(parseInteger("1.000"))).toBe(1000);
    expect(ok(parseInteger("12.0"))).toBe(12);
    expect(ok(parseInteger("-3"))).toBe(-3);
    expect(ok(parseInteger("12.5"))).toBe("ERR '12.5' is not a whole number");
    expect(ok(parseInteger("1,00"))).toBe(1);
    expect(ok(parseInteger("1,0000"))).toBe("ERR '1,0000' is not a whole number");
    expect(ok(parseInteger("ten"))).toBe("ERR 'ten' is not a whole number");
  });
});

describe("percentages", () => {
  it("are percentage points as exact decimals", () => {
    expect(ok(parsePercent("10%"))).toBe("10");
    expect(ok(parsePercent("12.5 %"))).toBe("12.5");
    expect(ok(parsePercent("12,5%"))).toBe("12.5");
    expect(ok(parsePercent("10"))).toBe("10");
    expect(ok(parsePercent("0.1", "fraction"))).toBe("10");
    expect(ok(parsePercent("0.125", "fraction"))).toBe("12.5");
    expect(ok(parsePercent("1", "fraction"))).toBe("100");
    expect(ok(parsePercent("10%", "fraction"))).toBe("10");
    expect(ok(parsePercent("ten"))).toBe("ERR 'ten' is not a percentage");
  });

  it("a column of values within 0..1 with fractions is read as fractions", () => {
    expect(decidePercentScale(["0.1", "0.25", "", "0"])).toBe("fraction");
    expect(decidePercentScale(["0.1", "15"])).toBe("points");
    expect(decidePercentScale(["0.5%", "0.1"])).toBe("points");
    expect(decidePercentScale(["0", "1"])).toBe("points");
  });
});

describe("parseInterval in other languages", () => {
  it.each([
    ["monatlich", "month", 1],
    ["Monat", "month", 1],
    ["pro Monat", "month", 1],
    ["alle 3 Monate", "month", 3],
    ["vierteljährlich", "month", 3],
    ["halbjährlich", "month", 6],
    ["Jährlich", "year", 1],
    ["12 Monate", "year", 1],
    ["mensuel", "month", 1],
    ["par mois", "month", 1],
    ["tous les 3 mois", "month", 3],
    ["trimestriel", "month", 3],
    ["Annuel", "year", 1],
    ["1 an", "year", 1],
    ["mensual", "month", 1],
    ["cada 2 meses", "month", 2],
    ["trimestral", "month", 3],
    ["semestral", "month", 6],
    ["anual", "year", 1],
    ["1 año", "year", 1],
    ["mensal", "month", 1],
    ["quinzenal", "week", 2],
    ["maandelijks", "month", 1],
    ["per kwartaal", "month", 3],
    ["jaarlijks", "year", 1],
    ["wekelijks", "week", 1],
    ["mensile", "month", 1],
    ["ogni 6 mesi", "month", 6],
    ["annuale", "year", 1],
    ["settimanale", "week", 1],
  ])("%s → every %s×%s", (text, unit, count) => {
    expect(ok(parseInterval(text))).toEqual({ unit: count === 12 ? "year" : unit, count });
  });
});

describe("parseFlag", () => {
  it.each([
    ["TRUE", true],
    ["true", true],
    [" Yes ", true],
    ["Y", true],
    ["1", true],
    ["x", true],
    ["FALSE", false],
    ["no", false],
    ["N", false],
    ["0", false],
    ["off", false],
    ["ja", true],
    ["Nein", false],
    ["oui", true],
    ["non", false],
    ["sí", true],
    ["não", false],
    ["nee", false],
  ])("%s → %s", (text, value) => {
    expect(ok(parseFlag(text))).toBe(value);
  });

  it("refuses anything else, saying what a flag is", () => {
    expect(ok(parseFlag("maybe"))).toBe("ERR 'maybe' is not yes or no (true/false, yes/no, y/n, 1/0)");
    expect(ok(parseFlag("2"))).toMatch(/^ERR/);
  });
});

describe("parseStatus in other languages", () => {
  it.each([
    ["aktiv", "active"],
    ["Gekündigt", "canceled"],
    ["storniert", "canceled"],
    ["pausiert", "paused"],
    ["Testphase", "trialing"],
    ["überfällig", "past_due"],
    ["Actif", "active"],
    ["Résilié", "canceled"],
    ["en pause", "paused"],
    ["Période d'essai", "trialing"],
    ["impayé", "past_due"],
    ["Activo", "active"],
    ["cancelada", "canceled"],
    ["dado de baja", "canceled"],
    ["en prueba", "trialing"],
    ["ativo", "active"],
    ["inadimplente", "past_due"],
    ["Actief", "active"],
    ["opgezegd", "canceled"],
    ["beëindigd", "canceled"],
    ["attivo", "active"],
    ["disdetto", "canceled"],
    ["in prova", "trialing"],
    ["sospeso", "paused"],
  ])("%s → %s", (text, status) => {
    expect(ok(parseStatus(text))).toBe(status);
  });
});

describe("parseStatus", () => {
  it.each([
    ["active", "active"],
    ["Active", "active"],
    ["trialing", "trialing"],
    ["trial", "trialing"],
    ["in_trial", "trialing"],
    ["past_due", "past_due"],
    ["Past Due", "past_due"],
    ["past-due", "past_due"],
    ["unpaid", "past_due"],
    ["paused", "paused"],
    ["canceled", "canceled"],
    ["Cancelled", "canceled"],
    ["ended", "canceled"],
    ["churned", "canceled"],
    ["non_renewing", "active"],
  ])("%s → %s", (text, status) => {
    expect(ok(parseStatus(text))).toBe(status);
  });

  it("refuses unknown statuses, naming the accepted ones", () => {
    expect(ok(parseStatus("unknown"))).toBe(
      "ERR 'unknown' is not a known status (active, trialing, past due, paused, canceled)",
    );
    // Stripe's incomplete subscriptions and Zuora's drafts never started: no item, as the Stripe sync does.
    for (const status of ["incomplete", "incomplete_expired", "Draft", "Pending Activation"]) {
      expect(ok(parseStatus(status))).toBe(
        `ERR '${status}' is a subscription that never started: it has no revenue to import`,
      );
    }
  });
});

describe("isBlank", () => {
  it("treats export placeholders as empty", () => {
    expect(["", " ", "-", "N/A", "null", "—"].map(isBlank)).toEqual([true, true, true, true, true, true]);
    expect(isBlank("0")).toBe(false);
  });

  it("and the placeholders of other languages and their Excel's #N/A", () => {
    expect(["k.A.", "n.v.", "keine", "aucun", "#NV", "#N/D", "#N/B"].every(isBlank)).toBe(true);
    expect(isBlank("kein Rabatt")).toBe(false);
  });
});

describe("parseTimestamp", () => {
  it.each([
    ["2024-05-01T14:30:00Z", "2024-05-01T14:30:00.000Z"],
    ["2024-05-01T16:30:00+02:00", "2024-05-01T14:30:00.000Z"],
    ["2024-05-01T20:00:00+0530", "2024-05-01T14:30:00.000Z"],
    ["2024-05-01T12:30:00-02", "2024-05-01T14:30:00.000Z"],
    ["2024-05-01 14:30:00", "2024-05-01T14:30:00.000Z"],
    ["2024-05-01 14:30", "2024-05-01T14:30:00.000Z"],
    ["2024-05-01 14:30:00.123456", "2024-05-01T14:30:00.123Z"],
    ["2024-05-01 14:30:00 UTC", "2024-05-01T14:30:00.000Z"],
    ["1714573800", "2024-05-01T14:30:00.000Z"],
    ["1714573800.5", "2024-05-01T14:30:00.500Z"],
    ["1714573800000", "2024-05-01T14:30:00.000Z"],
  ])("%s → %s", (text, iso) => {
    expect(ok(parseTimestamp(text))).toBe(iso);
  });

  it.each([
    "2024-05-01",
    "2024-02-30 10:00:00",
    "2024-05-01 24:00:00",
    "yesterday",
    "05/01/2024 14:30",
    "12345",
  ])("%s is not a moment", (text) => {
    expect(ok(parseTimestamp(text))).toMatch(/^ERR '.*' is not a date and time/);
  });
});

describe("parseJsonObject", () => {
  it("keeps an object's text and refuses arrays, values and broken JSON", () => {
    expect(ok(parseJsonObject(' {"plan": "pro"} '))).toBe('{"plan": "pro"}');
    expect(ok(parseJsonObject("[1]"))).toBe("ERR '[1]' is not a JSON object");
    expect(ok(parseJsonObject("42"))).toBe("ERR '42' is not a JSON object");
    expect(ok(parseJsonObject("{plan: pro}"))).toBe("ERR '{plan: pro}' is not a JSON object");
  });
});

import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tokenize } from "./dialect";
import { normaliseHeader } from "./fields";
import { applyOverrides, detectKind, suggestMapping, validateMapping } from "./mapping";

const fixture = (name: string) => {
  const records = tokenize(readFileSync(path.join("tests/fixtures/ingest", name), "utf8"), ",");
  const [header, ...rows] = records.map((r) => r.fields);
  return { headers: header ?? [], rows };
};
const fieldsOf = (m: { header: string; field: string | null }[]) =>
  Object.fromEntries(m.map((c) => [c.header, c.field]));

/** A column of an export: its header, a sample value, and the field it should map to. */
type TExportColumn = [header: string, value: string, field: string | null];

/** The suggested mapping of an export's columns (three sample rows; `uniqueIds`: the first column's differ). */
function mapExport(columns: readonly TExportColumn[], { uniqueIds = false } = {}) {
  const rows = [1, 2, 3].map((n) => columns.map(([, v], i) => (uniqueIds && i === 0 ? `${v}${n}` : v)));
  const mapping = suggestMapping(
    "subscriptions",
    columns.map(([h]) => h),
    rows,
  );
  return {
    mapping,
    fields: fieldsOf(mapping),
    expected: Object.fromEntries(columns.map(([h, , f]) => [h, f])),
  };
}

describe("normaliseHeader", () => {
  it.each([
    ["Start Date", "start date"],
    ["start_date", "start date"],
    ["startDate", "start date"],
    ["MRRAmount", "mrr amount"],
    ["START-DATE", "start date"],
    ["Created (UTC)", "created utc"],
    ["Discount (%)", "discount percent"],
    ["Créé le", "cree le"],
    ["Customer #", "customer number"],
    ["e-mail", "e mail"],
  ])("%s → %s", (header, words) => {
    expect(normaliseHeader(header)).toBe(words);
  });
});

describe("suggestMapping by header", () => {
  it("maps Baremetrics' import template", () => {
    const { headers, rows } = fixture("baremetrics_manual_subscription_import_template.csv");
    const mapping = suggestMapping("subscriptions", headers, rows);
    expect(fieldsOf(mapping)).toEqual({
      plan_oid: null,
      plan_name: "plan",
      plan_currency: "currency",
      plan_amount: "amount",
      plan_interval: "interval",
      plan_interval_count: "interval_count",
      customer_oid: "customer_id",
      customer_name: "customer_name",
      customer_email: "customer_email",
      subscription_oid: "subscription_id",
      subscription_started_at: "start_date",
      subscription_canceled_at: "end_date",
      subscription_quantity: "quantity",
    });
    expect(mapping.find((m) => m.header === "plan_name")).toMatchObject({
      confidence: 0.95,
      reason: "header 'plan_name' matched 'plan name'",
    });
    expect(mapping.find((m) => m.header === "plan_oid")?.reason).toBe(
      "header 'plan_oid' matched 'plan oid', but 'plan_name' fits plan better",
    );
    expect(mapping.find((m) => m.header === "subscription_started_at")).toMatchObject({
      confidence: 0.95,
      reason: "header 'subscription_started_at' matched 'subscription started at'",
    });
    expect(validateMapping("subscriptions", mapping)).toEqual([]);
  });

  it("maps ravenstack's subscriptions, with a ready MRR column", () => {
    const { headers, rows } = fixture("ravenstack_subscriptions.csv");
    const mapping = suggestMapping("subscriptions", headers, rows);
    expect(fieldsOf(mapping)).toEqual({
      subscription_id: "subscription_id",
      account_id: "customer_id",
      start_date: "start_date",
      end_date: "end_date",
      plan_tier: "plan",
      seats: "quantity",
      mrr_amount: "mrr",
      arr_amount: null,
      is_trial: "trial",
      upgrade_flag: null,
      downgrade_flag: null,
      churn_flag: null,
      billing_frequency: "interval",
      auto_renew_flag: null,
    });
    expect(mapping.find((m) => m.header === "start_date")?.reason).toBe(
      "header 'start_date' matched 'start date'; 100% of values are dates",
    );
    expect(validateMapping("subscriptions", mapping)).toEqual([]);
  });

  it("maps ravenstack's accounts as customers", () => {
    const { headers, rows } = fixture("ravenstack_accounts.csv");
    const mapping = suggestMapping("customers", headers, rows);
    expect(fieldsOf(mapping)).toEqual({
      account_id: "customer_id",
      account_name: "customer_name",
      industry: "industry",
      country: "country",
      signup_date: "created_at",
      referral_source: null,
      plan_tier: null,
      seats: null,
      is_trial: null,
      churn_flag: null,
    });
  });

  it("maps dotted entity.attribute headers (Chargebee's exports) and its billing period as the count", () => {
    const columns: TExportColumn[] = [
      ["subscriptions.id", "16CRibSd1z3fP4Rf", "subscription_id"],
      ["subscriptions.customer_id", "cus_00017", "customer_id"],
      ["subscriptions.plan_id", "pro-monthly", "plan"],
      ["subscriptions.plan_quantity", "2", "quantity"],
      ["subscriptions.plan_unit_price", "49.00", "amount"],
      ["subscriptions.currency_code", "USD", "currency"],
      ["subscriptions.billing_period", "1", "interval_count"],
      ["subscriptions.billing_period_unit", "month", "interval"],
      ["subscriptions.status", "active", "status"],
      ["subscriptions.started_at", "2024-01-05 10:00:00", "start_date"],
      ["subscriptions.cancelled_at", "", "end_date"],
      ["subscriptions.mrr", "98.00", "mrr"],
      ["customers.email", "ops@acme.io", "customer_email"],
      ["customers.company", "Acme", "company"],
      ["subscriptions.trial_end", "2024-01-19 10:00:00", null],
    ];
    const { mapping, fields, expected } = mapExport(columns);
    expect(fields).toEqual(expected);
    expect(mapping[0]?.reason).toMatch(/^header 'subscriptions.id' matched 'subscription id'/);
    // "Billing Period" written as words is still the interval.
    const [words] = suggestMapping(
      "subscriptions",
      ["Billing Period"],
      [["monthly"], ["yearly"], ["monthly"]],
    );
    expect(words?.field).toBe("interval");
  });

  it("maps Zuora's Object.Field headers: the rate plan is the plan, the subscription's name its id", () => {
    const columns: TExportColumn[] = [
      ["Subscription.Name", "A-S00000123", "subscription_id"],
      ["Account.AccountNumber", "A00000045", "customer_id"],
      ["Account.Name", "Acme Corp", "customer_name"],
      ["Subscription.Status", "Active", "status"],
      ["Subscription.SubscriptionStartDate", "2024-01-01", "start_date"],
      ["Subscription.SubscriptionEndDate", "2025-01-01", "end_date"],
      ["RatePlan.Name", "Gold", "plan"],
      ["RatePlanCharge.MRR", "150.00", "mrr"],
      ["RatePlanCharge.Quantity", "3", "quantity"],
      ["RatePlanCharge.BillingPeriod", "Month", "interval"],
      ["Account.Currency", "USD", "currency"],
      ["BillToContact.WorkEmail", "ap@acme.com", "customer_email"],
    ];
    const { fields, expected } = mapExport(columns, { uniqueIds: true });
    expect(fields).toEqual(expected);
  });

  it("maps a Recurly subscriptions export", () => {
    const columns: TExportColumn[] = [
      ["subscription_id", "4a1b2c3d", "subscription_id"],
      ["account_code", "acct-1", "customer_id"],
      ["account_email", "x@y.com", "customer_email"],
      ["plan_code", "gold", null],
      ["plan_name", "Gold", "plan"],
      ["quantity", "1", "quantity"],
      ["unit_amount", "29.00", "amount"],
      ["currency", "USD", "currency"],
      ["plan_interval_length", "1", "interval_count"],
      ["plan_interval_unit", "months", "interval"],
      ["state", "active", "status"],
      ["activated_at", "2024-02-01T00:00:00Z", "start_date"],
      ["canceled_at", "", "end_date"],
    ];
    const { fields, expected } = mapExport(columns);
    expect(fields).toEqual(expected);
  });

  it("maps Paddle's billing cycle: the interval and its frequency (the count)", () => {
    const headers = ["billing_cycle_interval", "billing_cycle_frequency"];
    const rows = [
      ["month", "1"],
      ["year", "1"],
      ["month", "3"],
    ];
    expect(fieldsOf(suggestMapping("subscriptions", headers, rows))).toEqual({
      billing_cycle_interval: "interval",
      billing_cycle_frequency: "interval_count",
    });
  });

  it("maps HubSpot's 'Record ID' to the subscription id, not to a quantity by its numbers", () => {
    const rows = [["18234"], ["18235"], ["18236"]];
    expect(suggestMapping("subscriptions", ["Record ID"], rows)[0]?.field).toBe("subscription_id");
    expect(suggestMapping("customers", ["Record ID"], rows)[0]?.field).toBe("customer_id");
  });

  it("maps a Stripe subscriptions export", () => {
    const headers = [
      "id",
      "Customer ID",
      "Customer Name",
      "Customer Email",
      "Plan",
      "Quantity",
      "Amount",
      "Currency",
      "Interval",
      "Status",
      "Created (UTC)",
      "Start (UTC)",
      "Current Period Start (UTC)",
      "Current Period End (UTC)",
      "Trial Start (UTC)",
      "Canceled At (UTC)",
      "Ended At (UTC)",
    ];
    const row = [
      "sub_1",
      "cus_1",
      "Acme",
      "ops@acme.io",
      "Pro",
      "3",
      "49.00",
      "usd",
      "month",
      "active",
      "2024-03-01 10:00",
      "2024-03-05 10:00",
      "2024-04-05 10:00",
      "2024-05-05 10:00",
      "",
      "",
      "",
    ];
    const mapping = suggestMapping("subscriptions", headers, [row, row.map((v) => v.replace("1", "2"))]);
    expect(fieldsOf(mapping)).toEqual({
      id: "subscription_id",
      "Customer ID": "customer_id",
      "Customer Name": "customer_name",
      "Customer Email": "customer_email",
      Plan: "plan",
      Quantity: "quantity",
      Amount: "amount",
      Currency: "currency",
      Interval: "interval",
      Status: "status",
      "Created (UTC)": null,
      "Start (UTC)": "start_date",
      "Current Period Start (UTC)": null,
      "Current Period End (UTC)": null,
      "Trial Start (UTC)": null,
      // Stripe's canceled_at is when the cancellation was asked for; ended_at is when service stopped.
      "Canceled At (UTC)": null,
      "Ended At (UTC)": "end_date",
    });
    expect(mapping.find((m) => m.header === "Start (UTC)")).toMatchObject({
      confidence: 0.85,
      // Two rows are too few to judge the values by.
      reason: "header 'Start (UTC)' matched 'start'",
    });
  });

  it("reads the unit price as the amount when the file has the quantity's total too (Chargebee)", () => {
    const headers = [
      "subscriptions.id",
      "subscriptions.plan_quantity",
      "subscriptions.plan_unit_price",
      "subscriptions.plan_amount",
    ];
    const rows = [1, 2, 3].map((n) => [`cb_${n}`, "5", "20.00", "100.00"]);
    expect(fieldsOf(suggestMapping("subscriptions", headers, rows))).toMatchObject({
      "subscriptions.plan_quantity": "quantity",
      "subscriptions.plan_unit_price": "amount",
      "subscriptions.plan_amount": null,
    });
  });

  it("takes a column of dates by its values as the end date only when some rows have none", () => {
    const headers = ["id", "Customer ID", "Amount", "Interval", "Start (UTC)", "Created (UTC)", "Closed"];
    const rows = [1, 2, 3].map((n) => [
      `sub_${n}`,
      `cus_${n}`,
      "49.00",
      "month",
      "2024-03-05",
      "2024-03-01",
      n === 2 ? "2024-09-01" : "",
    ]);
    expect(fieldsOf(suggestMapping("subscriptions", headers, rows))).toMatchObject({
      "Created (UTC)": null,
      Closed: "end_date",
    });
  });

  it("reads plan names from the Product column when the Plan column holds price ids", () => {
    const rows = [1, 2, 3].map((n) => [
      `sub_${n}`,
      `cus_${n}`,
      `price_1N${n}xYz`,
      "Pro Monthly",
      "49.00",
      "month",
      "2024-03-05",
    ]);
    const headers = ["id", "Customer ID", "Plan", "Product", "Amount", "Interval", "Start"];
    const mapping = suggestMapping("subscriptions", headers, rows);
    expect(fieldsOf(mapping)).toMatchObject({ Plan: null, Product: "plan" });
    expect(mapping.find((m) => m.header === "Plan")?.reason).toBe(
      "header 'Plan' matched 'plan' (its values are ids, not names), but 'Product' fits plan better",
    );
    // Without a column of names the ids are the plan.
    const alone = suggestMapping(
      "subscriptions",
      headers.slice(0, 3),
      rows.map((r) => r.slice(0, 3)),
    );
    expect(fieldsOf(alone)).toMatchObject({ Plan: "plan" });
  });

  it.each([
    [
      "Subscription Start Date (local time)",
      "start_date",
      "header 'Subscription Start Date (local time)' contains 'subscription start date'",
    ],
    [
      "Monthly Recurring Revenue",
      "mrr",
      "header 'Monthly Recurring Revenue' matched 'monthly recurring revenue'",
    ],
    ["Billing Cycle", "interval", "header 'Billing Cycle' matched 'billing cycle'"],
    ["Discount (%)", "discount_percent", "header 'Discount (%)' matched 'discount percent'"],
    ["E-mail", "customer_email", "header 'E-mail' matched 'e mail'"],
  ])("header %s → %s", (header, field, reason) => {
    const [column] = suggestMapping("subscriptions", [header], []);
    expect(column).toMatchObject({ field, reason });
  });

  it("maps a trial flag by its header only when its values are yes or no", () => {
    const flags = [["TRUE"], ["FALSE"], ["FALSE"]];
    for (const header of ["is_trial", "Trial?", "On Free Trial", "Trialing"]) {
      const [column] = suggestMapping("subscriptions", [header], flags);
      expect(column, header).toMatchObject({ field: "trial" });
    }
    // A trial's end date is not the flag (nor the subscription's end), and a column of yes/no is not a
    // trial flag by its values alone: churn and auto-renew flags look the same.
    const dates = [["2024-01-01"], ["2024-02-01"], ["2024-03-01"]];
    expect(suggestMapping("subscriptions", ["Free trial ends"], dates)[0]?.field).not.toBe("trial");
    expect(suggestMapping("subscriptions", ["churn_flag"], flags)[0]?.field).toBeNull();
  });

  it("doubts a header whose values disagree: a 'Customer' column of names is a name, not an id", () => {
    const rows = [["Acme Inc"], ["Beta Labs"], ["Gamma Co"]];
    const [column] = suggestMapping("subscriptions", ["Customer"], rows);
    expect(column).toMatchObject({ field: "customer_name", confidence: 0.6 });
    const [ids] = suggestMapping("subscriptions", ["Customer"], [["cus_1"], ["cus_2"], ["cus_3"]]);
    expect(ids).toMatchObject({ field: "customer_id", confidence: 0.64 });
  });
});

describe("suggestMapping in other languages (languages.ts)", () => {
  // Exports and spreadsheets as their authors write them: each file's values in its own language.
  const files: Record<string, TExportColumn[]> = {
    German: [
      ["Vertragsnummer", "V-1001", "subscription_id"],
      ["Kundennummer", "K-2001", "customer_id"],
      ["Kundenname", "Müller GmbH", "customer_name"],
      ["E-Mail-Adresse", "info@mueller.de", "customer_email"],
      ["Land", "DE", "country"],
      ["Branche", "Handel", "industry"],
      ["Tarif", "Pro", "plan"],
      ["Anzahl Lizenzen", "3", "quantity"],
      ["Betrag", "1.234,50 €", "amount"],
      ["Währung", "EUR", "currency"],
      ["Zahlungsintervall", "monatlich", "interval"],
      ["Rabatt %", "10 %", "discount_percent"],
      ["Vertragsbeginn", "05.03.2024", "start_date"],
      ["Kündigungsdatum", "", "end_date"],
      ["Status", "aktiv", "status"],
      ["Testphase", "nein", "trial"],
    ],
    French: [
      ["N° abonnement", "AB-1", "subscription_id"],
      ["Code client", "C-77", "customer_id"],
      ["Nom du client", "Boulangerie Paul", "customer_name"],
      ["Courriel", "paul@boulangerie.fr", "customer_email"],
      ["Société", "Paul SARL", "company"],
      ["Pays", "FR", "country"],
      ["Formule", "Essentiel", "plan"],
      ["Quantité", "2", "quantity"],
      ["Montant HT", "49,00 €", "amount"],
      ["Devise", "EUR", "currency"],
      ["Périodicité", "mensuel", "interval"],
      ["Date de début", "15/01/2024", "start_date"],
      ["Date de résiliation", "", "end_date"],
      ["Statut", "actif", "status"],
    ],
    Spanish: [
      ["ID de suscripción", "SUS-1", "subscription_id"],
      ["Número de cliente", "CL-9", "customer_id"],
      ["Nombre del cliente", "Panadería Sol", "customer_name"],
      ["Correo electrónico", "sol@panaderia.es", "customer_email"],
      ["País", "ES", "country"],
      ["Plan", "Básico", "plan"],
      ["Cantidad", "1", "quantity"],
      ["Importe", "29,90", "amount"],
      ["Moneda", "EUR", "currency"],
      ["Periodicidad", "anual", "interval"],
      ["Fecha de inicio", "01/02/2024", "start_date"],
      ["Fecha de baja", "", "end_date"],
      ["Estado", "activo", "status"],
    ],
    Portuguese: [
      ["ID da assinatura", "ASS-1", "subscription_id"],
      ["Código do cliente", "CLI-4", "customer_id"],
      ["Nome do cliente", "Padaria Lua", "customer_name"],
      ["Plano", "Premium", "plan"],
      ["Preço", "R$ 99,90", "amount"],
      ["Moeda", "BRL", "currency"],
      ["Periodicidade", "mensal", "interval"],
      ["Data de início", "10/03/2024", "start_date"],
      ["Data de cancelamento", "", "end_date"],
      ["Situação", "ativo", "status"],
    ],
    Dutch: [
      ["Abonnementsnummer", "AB-5", "subscription_id"],
      ["Klantnummer", "KL-5", "customer_id"],
      ["Klantnaam", "Bakkerij de Vries", "customer_name"],
      ["Bedrijfsnaam", "De Vries BV", "company"],
      ["Pakket", "Plus", "plan"],
      ["Aantal", "4", "quantity"],
      ["Bedrag", "€ 19,95", "amount"],
      ["Valuta", "EUR", "currency"],
      ["Facturatieperiode", "per kwartaal", "interval"],
      ["Ingangsdatum", "01-04-2024", "start_date"],
      ["Einddatum", "", "end_date"],
    ],
    Italian: [
      ["ID abbonamento", "ABB-1", "subscription_id"],
      ["Codice cliente", "CC-3", "customer_id"],
      ["Ragione sociale", "Forno Rossi srl", "company"],
      ["Nome cliente", "Mario Rossi", "customer_name"],
      ["Piano", "Base", "plan"],
      ["Canone", "€ 15,00", "amount"],
      ["Valuta", "EUR", "currency"],
      ["Periodicità", "annuale", "interval"],
      ["Data di inizio", "01/05/2024", "start_date"],
      ["Data di disdetta", "", "end_date"],
      ["Stato", "attivo", "status"],
    ],
  };

  it.each(Object.entries(files))(
    "maps a %s subscriptions export, naming the language",
    (language, columns) => {
      const { mapping, fields, expected } = mapExport(columns, { uniqueIds: true });
      expect(fields).toEqual(expected);
      const translated = mapping.find((m) => m.header === columns[0]?.[0]);
      expect(translated?.reason).toContain(`(${language}`);
      expect(
        detectKind(
          columns.map(([h]) => h),
          [columns.map(([, v]) => v)],
        ).kind,
      ).toBe("subscriptions");
    },
  );

  it("a spelling that names two fields is weak, and the values decide", () => {
    // "Kunde" holds ids or names, as English's "Customer" does.
    const [ids] = suggestMapping("subscriptions", ["Kunde"], [["K-1"], ["K-2"], ["K-3"]]);
    expect(ids).toMatchObject({
      field: "customer_id",
      reason: "header 'Kunde' matched 'Kunde' (German); 100% of values are ids",
    });
    const [names] = suggestMapping(
      "subscriptions",
      ["Kunde"],
      [["Müller GmbH"], ["Schmidt AG"], ["Lang KG"]],
    );
    expect(names?.field).toBe("customer_name");
    // "Tarif" is a plan in German and a price in French.
    expect(suggestMapping("subscriptions", ["Tarif"], [["Pro"], ["Basic"], ["Pro"]])[0]?.field).toBe("plan");
    expect(suggestMapping("subscriptions", ["Tarif"], [["49,00 €"], ["9,90 €"], ["19,00 €"]])[0]?.field).toBe(
      "amount",
    );
  });

  it("a spelling shared by languages names them all; one shared with English stays English", () => {
    const [land] = suggestMapping("subscriptions", ["Land"], [["DE"], ["NL"], ["BE"]]);
    expect(land?.reason).toBe("header 'Land' matched 'Land' (German, Dutch)");
    const [segment] = suggestMapping("subscriptions", ["Segment"], [["SMB"], ["SMB"], ["Enterprise"]]);
    expect(segment?.reason).toBe("header 'Segment' matched 'segment'");
  });

  it("maps a German customers file and detects it as customers", () => {
    const headers = ["Kundennummer", "Firma", "E-Mail", "Land", "Kunde seit"];
    const rows = [["K-1", "Müller GmbH", "a@mueller.de", "DE", "05.03.2024"]];
    expect(detectKind(headers, rows).kind).toBe("customers");
    expect(fieldsOf(suggestMapping("customers", headers, rows))).toEqual({
      Kundennummer: "customer_id",
      Firma: "company",
      "E-Mail": "customer_email",
      Land: "country",
      "Kunde seit": "created_at",
    });
  });
});

describe("suggestMapping by content", () => {
  it("finds emails, dates, currencies, intervals, money and ids under meaningless headers", () => {
    const headers = ["col a", "col b", "col c", "col d", "col e", "col f", "col g"];
    const rows = [
      ["S-1", "ann@a.io", "2024-01-05", "EUR", "monthly", "€49.00", "2024-06-01"],
      ["S-2", "bob@b.io", "2024-02-05", "EUR", "annual", "€490.00", ""],
      ["S-3", "cy@c.io", "2024-03-05", "USD", "monthly", "$9.99", "2024-07-01"],
      ["S-4", "di@d.io", "2024-03-09", "USD", "quarterly", "$19.99", ""],
    ];
    const mapping = suggestMapping("subscriptions", headers, rows);
    expect(mapping.map((m) => m.field)).toEqual([
      "subscription_id",
      "customer_email",
      "start_date",
      "currency",
      "interval",
      "amount",
      "end_date",
    ]);
    expect(mapping[1]).toMatchObject({ confidence: 0.8, reason: "100% of values are email addresses" });
    expect(mapping[2]?.reason).toBe("100% of values are dates");
    expect(mapping[0]?.reason).toBe("100% of values are ids, all different");
  });

  it("never gives one field to two columns", () => {
    const mapping = suggestMapping("subscriptions", ["Email", "Contact email"], [["a@b.co", "c@d.co"]]);
    expect(mapping.map((m) => m.field)).toEqual(["customer_email", null]);
  });
});

describe("detectKind", () => {
  it("subscriptions when money and dates are there, customers otherwise", () => {
    const subs = fixture("ravenstack_subscriptions.csv");
    expect(detectKind(subs.headers, subs.rows)).toMatchObject({ kind: "subscriptions", confidence: 0.9 });
    // The reason names the fields as the mapping's dropdowns do.
    expect(detectKind(subs.headers, subs.rows).reason).toMatch(/^found .*Start date/);
    const accounts = fixture("ravenstack_accounts.csv");
    expect(detectKind(accounts.headers, accounts.rows)).toMatchObject({ kind: "customers", confidence: 0.9 });
    const bm = fixture("baremetrics_manual_subscription_import_template.csv");
    expect(detectKind(bm.headers, bm.rows).kind).toBe("subscriptions");
  });
});

describe("validateMapping", () => {
  const col = (header: string, field: string | null) => ({ header, field });

  it("names what is missing", () => {
    expect(
      validateMapping("subscriptions", [col("Customer", "customer_name"), col("Amount", "amount")]),
    ).toEqual([
      {
        code: "missing",
        message: "Map the column with the subscription's start date.",
        fields: ["start_date"],
      },
      {
        code: "missing",
        message: "Map either the amount and the billing interval, or a ready MRR column.",
        fields: ["amount", "interval", "mrr"],
      },
    ]);
  });

  it("refuses a field mapped twice and a field the kind does not have", () => {
    const issues = validateMapping("customers", [
      col("Email", "customer_email"),
      col("Mail", "customer_email"),
      col("Amount", "amount"),
    ]);
    expect(issues).toEqual([
      {
        code: "unknown_field",
        message: "'Amount' is mapped to 'amount', which customers do not have.",
        fields: ["amount"],
      },
      {
        code: "duplicate",
        message: "'Email' and 'Mail' are both mapped to customer_email; keep one.",
        fields: ["customer_email"],
      },
    ]);
  });
});

describe("applyOverrides", () => {
  it("the user's choice wins and takes the field from the suggested column", () => {
    const suggested = suggestMapping("subscriptions", ["Created", "Start", "Plan", "Plan"], []);
    expect(suggested.map((m) => m.field)).toEqual([null, "start_date", "plan", null]);
    const { mapping, unmatched } = applyOverrides(suggested, {
      Created: "start_date",
      "#3": null,
      Nope: "plan",
    });
    expect(mapping.map((m) => [m.field, m.confidence, m.reason])).toEqual([
      ["start_date", 1, "chosen by you"],
      [null, 0, "'Created' holds start_date now"],
      [null, 1, "left out by you"],
      [null, 0, suggested[3]?.reason],
    ]);
    expect(unmatched).toEqual(["Nope"]);
  });
});

describe("a row per subscription item", () => {
  it("maps the item's id beside the subscription's: Stripe's subscription items, HubSpot's line items", () => {
    const stripe = suggestMapping(
      "subscriptions",
      ["Subscription ID", "Subscription Item ID", "Customer ID", "Plan", "Amount", "Interval", "Start Date"],
      [
        ["sub_1", "si_1", "cus_1", "Base", "100.00", "month", "2024-01-01"],
        ["sub_1", "si_2", "cus_1", "Add-on", "20.00", "month", "2024-01-01"],
        ["sub_2", "si_3", "cus_2", "Base", "50.00", "month", "2024-02-01"],
      ],
    );
    expect(fieldsOf(stripe)).toMatchObject({
      "Subscription ID": "subscription_id",
      "Subscription Item ID": "item_id",
    });
    const hubspot = suggestMapping(
      "subscriptions",
      ["Deal ID", "Line Item ID", "Company", "Amount", "Billing frequency", "Start date"],
      [
        ["d1", "l1", "Acme", "100", "monthly", "2024-01-01"],
        ["d1", "l2", "Acme", "20", "monthly", "2024-01-01"],
        ["d2", "l3", "Beta", "100", "monthly", "2024-01-01"],
      ],
    );
    expect(fieldsOf(hubspot)).toMatchObject({ "Deal ID": "subscription_id", "Line Item ID": "item_id" });
  });

  it("reads Zuora's rate plan charges: the charge number is the item, EffectiveEndDate an end date", () => {
    const headers = [
      "Account.AccountNumber",
      "Account.Name",
      "Subscription.Name",
      "RatePlanCharge.ChargeNumber",
      "RatePlanCharge.Name",
      "RatePlanCharge.MRR",
      "RatePlanCharge.EffectiveStartDate",
      "RatePlanCharge.EffectiveEndDate",
    ];
    const rows = [
      ["A0001", "Acme", "A-S00000001", "C-00000001", "Base", "100", "2024-01-01", ""],
      ["A0001", "Acme", "A-S00000001", "C-00000002", "Add-on", "20", "2024-01-01", "2024-06-01"],
      ["A0002", "Beta", "A-S00000002", "C-00000003", "Base", "50", "2024-02-01", ""],
    ];
    expect(fieldsOf(suggestMapping("subscriptions", headers, rows))).toEqual({
      "Account.AccountNumber": "customer_id",
      "Account.Name": "customer_name",
      "Subscription.Name": "subscription_id",
      "RatePlanCharge.ChargeNumber": "item_id",
      "RatePlanCharge.Name": "plan",
      "RatePlanCharge.MRR": "mrr",
      "RatePlanCharge.EffectiveStartDate": "start_date",
      "RatePlanCharge.EffectiveEndDate": "end_date",
    });
  });

  it("does not take a catalogue's item id, shared by many subscriptions, for the item (Chargebee)", () => {
    const mapping = suggestMapping(
      "subscriptions",
      ["Subscription ID", "Item ID", "Amount", "Interval", "Start Date"],
      [
        ["s1", "pro-USD-monthly", "100", "month", "2024-01-01"],
        ["s2", "pro-USD-monthly", "100", "month", "2024-01-01"],
        ["s3", "basic-USD-monthly", "10", "month", "2024-01-01"],
      ],
    );
    expect(fieldsOf(mapping)["Item ID"]).not.toBe("item_id");
    // The same header over one id per row is the item's.
    const unique = suggestMapping(
      "subscriptions",
      ["Subscription ID", "Item ID"],
      [
        ["s1", "i1"],
        ["s1", "i2"],
        ["s2", "i3"],
      ],
    );
    expect(fieldsOf(unique)["Item ID"]).toBe("item_id");
  });

  it("still reads a subscription name of plan names as the plan", () => {
    const mapping = suggestMapping(
      "subscriptions",
      ["Subscription Name", "Amount"],
      [
        ["Pro Monthly", "100"],
        ["Basic Monthly", "10"],
        ["Pro Monthly", "100"],
      ],
    );
    expect(fieldsOf(mapping)["Subscription Name"]).toBe("plan");
  });
});

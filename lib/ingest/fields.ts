import { EVENT_FIELDS } from "./fields-events";
import { SUBSCRIPTION_FIELDS } from "./fields-subscriptions";

/*
 * The canonical fields of each upload kind, as data: the value type of each field (which parser reads
 * it) and the header spellings earlier systems and exports use for it. A new kind (transactions,
 * inventory, events) is a new entry in KINDS, not new code. Header spellings are compared after
 * `normaliseHeader`, so "Start Date", "start_date", "startDate" and "START-DATE" are one spelling.
 */

export const VALUE_TYPES = [
  "text",
  "id",
  "email",
  "date",
  "money",
  "currency",
  "interval",
  "integer",
  "percent",
  "status",
  /** Yes or no: TRUE/FALSE, yes/no, Y/N, 1/0. */
  "flag",
  /** A moment (events): ISO 8601 in UTC. */
  "timestamp",
  /** A JSON object, kept as its text (events' properties). */
  "json",
] as const;
export type TValueType = (typeof VALUE_TYPES)[number];

export type TFieldDef = {
  key: string;
  label: string;
  type: TValueType;
  /** Header spellings that name this field outright, best first. */
  aliases: readonly string[];
  /** Spellings that may name it, or something else ("created", "date", "customer"). */
  weakAliases?: readonly string[];
};

/** At least one alternative, each a list of fields that must all be mapped (and filled in a row). */
export type TRequirement = { oneOf: readonly (readonly string[])[]; message: string };

export type TKindDef = {
  label: string;
  fields: readonly TFieldDef[];
  requirements: readonly TRequirement[];
  /** The field that identifies a row; duplicates of it are reported. */
  rowId: string;
  /** Spellings that name a field only in this kind: a plain "id" is the subscription's in a subscriptions export. */
  extraAliases?: Readonly<Record<string, readonly string[]>>;
  /** Fields never suggested from a column's values alone: an events file's other ids are rarely customers'. */
  notByContent?: readonly string[];
};

const IDENTITY: TRequirement = {
  oneOf: [["customer_id"], ["customer_name"], ["customer_email"]],
  message: "Map a column that identifies the customer: customer id, customer name or customer email.",
};

const CUSTOMER_ID_ALIASES = [
  "customer id",
  "customer oid",
  "customer external id",
  "customer number",
  "customer no",
  "customer ref",
  "customer reference",
  "customer code",
  "customer uuid",
  "cust id",
  "client id",
  "client number",
  "account id",
  "account number",
  "account no",
  "account code",
  "stripe customer id",
  "chargebee customer id",
  "external customer id",
  "buyer id",
  "subscriber id",
  "company id",
];

export const CUSTOMER_FIELDS = {
  customer_id: {
    key: "customer_id",
    label: "Customer id",
    type: "id",
    aliases: CUSTOMER_ID_ALIASES,
    // After customer_name's "customer": a bare "Customer" column more often holds names.
    weakAliases: ["user id", "member id", "contact id", "customer", "account"],
  },
  customer_name: {
    key: "customer_name",
    label: "Customer name",
    type: "text",
    aliases: [
      "customer name",
      "name",
      "full name",
      "client name",
      "account name",
      "contact name",
      "customer full name",
      "customer display name",
      "display name",
      "billing name",
      "cardholder name",
      "customer description",
      "subscriber name",
      "buyer name",
      "name of customer",
      "client",
      "subscriber",
    ],
    weakAliases: ["customer", "account", "description"],
  },
  customer_email: {
    key: "customer_email",
    label: "Customer email",
    type: "email",
    aliases: [
      "email",
      "e mail",
      "email address",
      "e mail address",
      "customer email",
      "customer email address",
      "customer e mail",
      "billing email",
      "billing contact email",
      "contact email",
      "primary email",
      "user email",
      "account email",
      "subscriber email",
      "client email",
      "invoice email",
      "email id",
      "mail",
    ],
  },
  company: {
    key: "company",
    label: "Company",
    type: "text",
    aliases: [
      "company",
      "company name",
      "organization",
      "organisation",
      "organization name",
      "organisation name",
      "org name",
      "business",
      "business name",
      "customer company",
      "billing company",
      "associated company",
      "legal name",
      "legal entity",
      "entity name",
      "company legal name",
      "employer",
      "firm",
    ],
    weakAliases: ["org"],
  },
  country: {
    key: "country",
    label: "Country",
    type: "text",
    aliases: [
      "country",
      "country code",
      "country name",
      "country region",
      "billing country",
      "billing address country",
      "customer country",
      "customer address country",
      "address country",
      "shipping country",
      "card country",
      "ip country",
      "country iso",
      "country iso code",
      "nation",
      "cntry",
      "geo",
    ],
    weakAliases: ["region", "location"],
  },
  industry: {
    key: "industry",
    label: "Industry",
    type: "text",
    aliases: [
      "industry",
      "industry name",
      "industry type",
      "industry vertical",
      "industry category",
      "company industry",
      "customer industry",
      "sector",
      "business sector",
      "vertical",
      "business type",
      "line of business",
      "naics description",
      "sic description",
      "market",
    ],
    weakAliases: ["category"],
  },
  segment: {
    key: "segment",
    label: "Segment",
    type: "text",
    aliases: [
      "segment",
      "customer segment",
      "market segment",
      "account segment",
      "sales segment",
      "customer tier",
      "account tier",
      "company size",
      "company size segment",
      "business size",
      "customer type",
      "account type",
      "customer group",
      "customer class",
      "size",
    ],
    weakAliases: ["tier", "type", "group", "class"],
  },
  created_at: {
    key: "created_at",
    label: "Customer since",
    type: "date",
    aliases: [
      "created at",
      "created",
      "created date",
      "create date",
      "date created",
      "created on",
      "signup date",
      "sign up date",
      "signed up at",
      "signed up",
      "registration date",
      "registered at",
      "joined",
      "joined at",
      "join date",
      "customer since",
      "account created",
      "became a customer date",
      "first seen",
      "onboarding date",
    ],
    weakAliases: ["start date", "date", "since"],
  },
} as const satisfies Record<string, TFieldDef>;

const { created_at: _createdAt, ...CUSTOMER_ON_SUBSCRIPTION } = CUSTOMER_FIELDS;

/**
 * The columns that name a subscriptions row's item, first filled one wins: its own item id (a file with a
 * row per item), else its subscription's id. The import's key (itemKeyOf), the preview's repeated ids and
 * the left-out check all read them in this order.
 */
export const ITEM_KEY_FIELDS = ["item_id", "subscription_id"] as const;

export const KINDS = {
  subscriptions: {
    label: "Subscriptions",
    rowId: "subscription_id",
    // HubSpot's exports name a deal's (or line item's) id "Record ID".
    extraAliases: { subscription_id: ["id", "record id", "object id"] },
    fields: [
      SUBSCRIPTION_FIELDS.subscription_id,
      SUBSCRIPTION_FIELDS.item_id,
      ...Object.values(CUSTOMER_ON_SUBSCRIPTION),
      ...SUBSCRIPTION_FIELDS.rest,
    ],
    requirements: [
      { oneOf: [["start_date"]], message: "Map the column with the subscription's start date." },
      IDENTITY,
      {
        oneOf: [["amount", "interval"], ["mrr"]],
        message: "Map either the amount and the billing interval, or a ready MRR column.",
      },
    ],
  },
  customers: {
    label: "Customers",
    rowId: "customer_id",
    extraAliases: { customer_id: ["id", "record id", "object id"] },
    fields: Object.values(CUSTOMER_FIELDS),
    requirements: [IDENTITY],
  },
  events: {
    label: "Events",
    rowId: "id",
    extraAliases: { id: ["id"] },
    notByContent: ["customer_id"],
    fields: EVENT_FIELDS,
    requirements: [
      { oneOf: [["user_id"]], message: "Map the column with the user id (user_id, distinct_id, userId)." },
      { oneOf: [["name"]], message: "Map the column with the event name (event, event_name, event_type)." },
      {
        oneOf: [["timestamp"]],
        message: "Map the column with the event's time (timestamp, time, event_time).",
      },
    ],
  },
} as const satisfies Record<string, TKindDef>;

export type TKind = keyof typeof KINDS;
export const KIND_NAMES = Object.keys(KINDS) as TKind[];
export type TFieldKey<K extends TKind = TKind> = (typeof KINDS)[K]["fields"][number]["key"];

export function kindDef(kind: TKind): TKindDef {
  return KINDS[kind];
}

export function fieldDef(kind: TKind, key: string): TFieldDef | undefined {
  return kindDef(kind).fields.find((f) => f.key === key);
}

const CAMEL = /([a-z\d])([A-Z])/g;
const ACRONYM_END = /([A-Z])([A-Z][a-z])/g;
const PERCENT_SIGN = /%/g;
const HASH_SIGN = /#/g;
const NON_ALNUM = /[^a-z0-9]+/g;

/**
 * A header reduced to lower-case ASCII words: accents dropped, camelCase split, `%` read as "percent",
 * `#` as "number", everything else a space. "Créé le" → "cree le", "startedAt" → "started at",
 * "MRRAmount" → "mrr amount",
 * "Discount (%)" → "discount percent", "Created (UTC)" → "created utc".
 */
export function normaliseHeader(header: string): string {
  return header
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/ß/g, "ss")
    .replace(CAMEL, "$1 $2")
    .replace(ACRONYM_END, "$1 $2")
    .toLowerCase()
    .replace(PERCENT_SIGN, " percent ")
    .replace(HASH_SIGN, " number ")
    .replace(NON_ALNUM, " ")
    .trim();
}

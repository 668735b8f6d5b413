-- UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, the version, then gen_random_uuid()'s random
-- bits and variant. Ids made later sort later, so a bulk insert extends the primary key at its right
-- edge. In plain SQL for Postgres 15+ and PGlite (Postgres 18's built-in uuidv7() is not everywhere yet).
CREATE OR REPLACE FUNCTION meridian_uuidv7() RETURNS uuid LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
  SELECT encode(
    set_bit(set_bit(
      overlay(uuid_send(gen_random_uuid())
        PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
        FROM 1 FOR 6),
      52, 1), 53, 1),
    'hex')::uuid
$$;--> statement-breakpoint
ALTER TABLE "subscription_items" ALTER COLUMN "id" SET DEFAULT meridian_uuidv7();

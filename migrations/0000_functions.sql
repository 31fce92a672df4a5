-- Time-ordered UUIDs (RFC 9562 version 7) for public ids: 48-bit Unix milliseconds followed by
-- random bits, so new rows land at the right edge of the unique index instead of all over it
-- (PostgreSQL 15 has no built-in uuidv7()).
CREATE OR REPLACE FUNCTION juntos_uuid_v7() RETURNS uuid
LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
  SELECT encode(
    set_bit(
      set_bit(
        overlay(uuid_send(gen_random_uuid())
                placing substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
                FROM 1 FOR 6),
        52, 1),
      53, 1),
    'hex')::uuid
$$;

-- Issue 15 (reconciliation write path): no query reads source_entities by document number (documents
-- are looked up through person_identifiers, candidates through entity_blocking_keys), yet every
-- record version the import writes and every link the engine writes (a non-HOT update: person_id is
-- indexed) inserted into this index. Idempotent (the runtime-role test re-applies the last migration).
DROP INDEX IF EXISTS "source_entities_doc_number_idx";

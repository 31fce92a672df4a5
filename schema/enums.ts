import { pgEnum } from 'drizzle-orm/pg-core';
import { SOURCE_NAMES } from '../src/kernel';
import { AFFILIATION_STATES, SUBSYSTEMS } from '../src/domain/reference/affiliations';

export const sourceEnum = pgEnum('source', SOURCE_NAMES);

export const personStatusEnum = pgEnum('person_status', ['active', 'merged']);
export const sexEnum = pgEnum('sex', ['M', 'F', 'I']);
export const zoneEnum = pgEnum('zone', ['cabecera', 'centro_poblado', 'rural_disperso']);

/** A projection row stays after its source record disappears from a later extract: it is marked, never deleted. */
export const recordStatusEnum = pgEnum('record_status', ['active', 'vanished']);

export const subsystemEnum = pgEnum('subsystem', SUBSYSTEMS);
export const affiliationStateEnum = pgEnum('affiliation_state', AFFILIATION_STATES);

/** received (pending a worker) → parsing → staged → applied → done; any state → failed. */
export const importStateEnum = pgEnum('import_state', ['received', 'parsing', 'staged', 'applied', 'done', 'failed']);
export const issueSeverityEnum = pgEnum('issue_severity', ['error', 'warning']);

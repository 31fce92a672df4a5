/**
 * The four roles an API client can hold. Kept free of imports: the database enum
 * (schema/security.ts), the CLI and the GraphQL access rules all read it.
 *
 * - reader: agency IT. Registry queries; document numbers masked, no raw source lines, no victim details.
 * - steward: review queue and decisions; full identifiers and raw lines (every read audited).
 * - operator: imports, runs, queue dashboard. No personal data at all.
 * - admin: everything, plus API clients and the audit log.
 */
export const ROLES = ['reader', 'steward', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (s: string): s is Role => (ROLES as readonly string[]).includes(s);

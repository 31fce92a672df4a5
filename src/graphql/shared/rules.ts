import { Extensions } from 'type-graphql';
import { ROLES, type Role } from '../../kernel';

/**
 * Who may call a field. Required on every Query and Mutation field (the schema does not build
 * without it, and tests/security/schemaRules.test.ts walks the schema); allowed on any other field
 * to restrict it further. Checked before execution (the whole request is refused with FORBIDDEN)
 * and again when the field resolves.
 *
 *   @Query(() => ReviewQueue)
 *   @Allow('steward', 'admin')
 *   reviewQueue(...) { ... }
 */
export const ALLOW_KEY = 'allow';

export function Allow(...roles: Role[]): MethodDecorator & PropertyDecorator {
  if (!roles.length || roles.some((r) => !ROLES.includes(r))) throw new Error(`@Allow needs roles among ${ROLES.join(', ')}`);
  return Extensions({ [ALLOW_KEY]: [...new Set(roles)] }) as MethodDecorator & PropertyDecorator;
}

/** Every authenticated client (reference data, health of the hub). */
export const ANY_ROLE: Role[] = [...ROLES];
/** Roles that read the registry (personal data). */
export const REGISTRY_ROLES: Role[] = ['reader', 'steward', 'admin'];
/** Roles that run imports and reconciliation. */
export const OPERATION_ROLES: Role[] = ['operator', 'admin'];

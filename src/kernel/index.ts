/**
 * The kernel: what every layer shares and nothing in it depends on the project — time (Clock),
 * errors with stable codes (AppError), the registry source names, roles and the authenticated
 * Principal, territorial scopes, audit events, ids and keyset paging.
 */
export * from './audit';
export * from './clock';
export * from './errors';
export * from './ids';
export * from './paging';
export * from './principal';
export * from './roles';
export * from './sources';
export * from './territory';

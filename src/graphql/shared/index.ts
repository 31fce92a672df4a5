/**
 * The GraphQL building blocks every feature's `graphql/` folder uses: the request context, access
 * rules (`@Allow`) and sensitivity tags (`@Sensitive`, `@PersonalType`), the shared enums and
 * scalars, connections and operational pages, id parsing, loader batching and the request's audit
 * trail. Nothing here knows a feature; the assembly (schema, loaders, full context) is one folder up.
 *
 * type-graphql reads decorator metadata through the reflect-metadata polyfill: it is loaded here
 * first, so every class decorated with these pieces finds it.
 */
import 'reflect-metadata';

export * from './auditTrail';
export * from './batching';
export * from './connection';
export * from './context';
export * from './enums';
export * from './ids';
export * from './paging';
export * from './rules';
export * from './scalars';
export * from './sensitivity';
export * from './runTimes';

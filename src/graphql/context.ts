import type { AccessContext } from '../access';
import type { AppServices } from '../app';
import type { ImportsContext } from '../imports';
import type { ReconciliationContext } from '../reconciliation';
import type { RegistryContext } from '../registry';
import type { StewardshipContext } from '../stewardship';
import type { CruceContext } from '../cruce';
import type { LogrosContext } from '../logros';
import type { OpsContext } from '../ops';
import type { Loaders } from './loaders';
import type { RequestContext } from './shared';

/** The context of a GraphQL request (built in src/http/server.ts): every feature's slice at once. */
export interface GraphQLContext extends RequestContext {
  services: AppServices;
  /** Per-request loaders with the caller's territory scope baked in: resolve persons only through them. */
  loaders: Loaders;
}

/** Compile-time check that the full context serves every feature's resolvers. */
export type FeatureContexts = RegistryContext &
  ImportsContext &
  ReconciliationContext &
  StewardshipContext &
  AccessContext &
  CruceContext &
  LogrosContext &
  OpsContext;
export const asFeatureContexts = (ctx: GraphQLContext): FeatureContexts => ctx;

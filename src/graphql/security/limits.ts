import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import type { GraphQLError, ValidationContext, ValidationRule } from 'graphql';
import type { Config } from '../../platform/config';

/** Report through the validation context (a thrown error would escape graphql's validate()). */
const report = [(ctx: ValidationContext | null, err: GraphQLError) => ctx?.reportError(err)];

/**
 * Static document limits, as validation rules (they run before any resolver, in the same pass as
 * graphql's own rules, which refuse fragment cycles). Depth counts fragments flattened (a spread
 * adds no level, its fields do) and does not skip `__schema`. Tokens are limited by the parser
 * (`parseOptions.maxTokens`) and cost by the guard plugin, which sees variable values.
 */
export function documentLimitRules(config: Pick<Config, 'API_MAX_DEPTH' | 'API_MAX_ALIASES' | 'API_MAX_DIRECTIVES'>): ValidationRule[] {
  const common = { propagateOnRejection: false, onReject: report, exposeLimits: true };
  return [
    maxDepthRule({ ...common, n: config.API_MAX_DEPTH, flattenFragments: true, ignoreIntrospection: false }),
    maxAliasesRule({ ...common, n: config.API_MAX_ALIASES }),
    maxDirectivesRule({ ...common, n: config.API_MAX_DIRECTIVES }),
  ] as unknown as ValidationRule[];
}

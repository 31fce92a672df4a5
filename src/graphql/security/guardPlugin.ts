import { randomUUID } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { Logger } from '../../platform/logger';
import type { GraphQLContext } from '../context';
import { findForbiddenText } from './inputText';
import { analyzeOperation, OperationTooComplexError, type AnalysisLimits } from './operationAnalysis';
import { disclosureFor } from './policy';
import type { RateLimiter } from './rateLimiter';
import { allowedRoles, sensitivityOf } from './secureSchema';
import { ROLES, pageSizeMessage, type Role } from '../../kernel';

export interface GuardOptions extends AnalysisLimits {
  maxCost: number;
  rateLimiter: RateLimiter;
  logger: Logger;
}

/** The roles a field refuses (its @Allow and its sensitivity), worked out once per field of the schema. */
const refused = new WeakMap<object, ReadonlySet<Role>>();
function refusedRoles(field: Parameters<typeof allowedRoles>[0]): ReadonlySet<Role> {
  let set = refused.get(field);
  if (!set) {
    const allow = allowedRoles(field);
    const level = sensitivityOf(field);
    set = new Set(ROLES.filter((r) => (allow && !allow.includes(r)) || (level && disclosureFor(level, r) === 'denied')));
    refused.set(field, set);
  }
  return set;
}

const limitError = (message: string) => new GraphQLError(message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } } });

/**
 * Runs once the operation is parsed, validated (depth, aliases, directives, tokens) and resolved,
 * and before any resolver: refuses fields the caller's role may not select, operations over the
 * cost limit, control characters in input text, and clients over their rate; then, before the response leaves, writes the request's
 * audit events in one INSERT (or withholds the data if that fails).
 */
export function guardPlugin(opts: GuardOptions): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue: ctx, document, operation, request, schema }) {
          // Apollo only calls this hook once it has resolved the operation to execute.
          if (!operation) return;
          if (operation.operation === 'subscription') {
            // The schema has no Subscription root: say so as a client error, before any analysis.
            throw new GraphQLError('This API has no subscriptions: poll the run or export you started instead.', {
              extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } },
            });
          }
          // Input text first: a value PostgreSQL cannot store would fail mid-request, after earlier
          // root fields of the same operation already acted (docs/security.md, "Input validation").
          const bad = findForbiddenText(document, request.variables);
          if (bad) {
            throw new GraphQLError(`Input text may not contain control characters (${bad.codePoint} in ${bad.where}).`, {
              extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
            });
          }
          let analysis;
          try {
            analysis = analyzeOperation(schema, document, operation, request.variables, opts);
          } catch (e) {
            if (e instanceof OperationTooComplexError) throw limitError('Query is too complex to analyse (fragment fan-out).');
            throw e;
          }
          const role = ctx.principal.role;
          for (const { typeName, field } of analysis.fields.values()) {
            if (refusedRoles(field).has(role)) {
              throw new GraphQLError(`This client's role may not read ${typeName}.${field.name}.`, {
                extensions: { code: 'FORBIDDEN', http: { status: 403 } },
              });
            }
          }
          if (analysis.invalidFirst) {
            // Every list is capped: refuse before any resolver runs, with the code the services use.
            throw new GraphQLError(pageSizeMessage(opts.maxPageSize), {
              extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
            });
          }
          if (analysis.cost > opts.maxCost) {
            throw limitError(`Query cost limit of ${opts.maxCost} exceeded, found ${analysis.cost}.`);
          }
          const taken = opts.rateLimiter.take(ctx.principal.clientId, analysis.cost);
          if (!taken.ok) {
            const retryAfterSeconds = Math.ceil(taken.retryAfterMs / 1000);
            throw new GraphQLError('Rate limit exceeded for this client; retry later.', {
              extensions: {
                code: 'RATE_LIMITED',
                retryAfterSeconds,
                cost: analysis.cost,
                http: { status: 429, headers: new Map([['retry-after', String(retryAfterSeconds)]]) },
              },
            });
          }
          if (opts.logger.isLevelEnabled('debug')) {
            ctx.logger.debug({ operationName: operation.name?.value, cost: analysis.cost, clientId: ctx.principal.publicId }, 'operation admitted');
          }
        },

        async willSendResponse({ contextValue: ctx, response }) {
          if (!ctx?.audit?.pending) return;
          try {
            await ctx.audit.flush();
          } catch (err) {
            const correlationId = randomUUID();
            opts.logger.error({ err, correlationId, requestId: ctx.requestId }, 'audit write failed; response withheld');
            if (response.body.kind === 'single') {
              response.body.singleResult = {
                errors: [
                  {
                    message: 'Internal server error. Quote the correlation id when reporting it.',
                    extensions: { code: 'INTERNAL_SERVER_ERROR', correlationId },
                  },
                ],
              };
            }
            response.http.status = 500;
          }
        },
      };
    },
  };
}

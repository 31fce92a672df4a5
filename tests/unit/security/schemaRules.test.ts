import { GraphQLObjectType, GraphQLSchema, GraphQLString, isInterfaceType, isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ROLES } from '../../../src/kernel';
import { buildApiSchema } from '../../../src/graphql/schema';
import { applySecurity, allowedRoles, schemaRuleProblems, sensitivityOf } from '../../../src/graphql/security/secureSchema';
import { PERSONAL_TYPE_KEY, SENSITIVITIES } from '../../../src/graphql/shared';

/**
 * Field names that hold personal data wherever they appear. A type with one of them must be a
 * @PersonalType (so each of its fields carries a sensitivity tag) or tag that field itself.
 */
const PERSONAL_LOOKING =
  /^(first|second)?(name|surname)s?$|^(firstName|secondName|firstSurname|secondSurname|fullName|birthDate|docNumber|documentNumber|number|raw|normalized|sourceKey|address|phone|email)$/i;
/** Reference catalogues: their `name` is a place or a code list entry, not a person's. */
const REFERENCE_TYPES = new Set(['Department', 'Municipality', 'DocumentTypeInfo', 'LogroDimension', 'ApiClient']);

describe('access rules declared on the schema', () => {
  it('every Query and Mutation field has a role rule, every field of a personal type a sensitivity tag', async () => {
    const schema = await buildApiSchema();
    expect(schemaRuleProblems(schema)).toEqual([]);
    for (const root of [schema.getQueryType()!, schema.getMutationType()!]) {
      for (const f of Object.values(root.getFields())) {
        const roles = allowedRoles(f);
        expect(roles, `${root.name}.${f.name}`).toBeInstanceOf(Array);
        expect(roles!.length, `${root.name}.${f.name}`).toBeGreaterThan(0);
        for (const r of roles!) expect(ROLES).toContain(r);
      }
    }
    let personalTypes = 0;
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
      // Fields returning personal types from other types (edges, review items) need no tag: the
      // returned type's own fields carry the rules.
      const personal = type.extensions?.[PERSONAL_TYPE_KEY] === true;
      if (personal) personalTypes++;
      for (const f of Object.values(type.getFields())) {
        const level = sensitivityOf(f);
        if (personal) expect(SENSITIVITIES, `${type.name}.${f.name}`).toContain(level);
        // A personal-looking field on a type nobody marked personal is a rule that was forgotten.
        if (!personal && !REFERENCE_TYPES.has(type.name) && PERSONAL_LOOKING.test(f.name)) {
          expect(level, `${type.name}.${f.name} looks personal: mark the type @PersonalType() or tag the field`).toBeDefined();
        }
      }
    }
    expect(personalTypes).toBeGreaterThanOrEqual(8);
  });

  it('reports (and refuses to build) a root field without a role rule and a personal field without a tag', () => {
    const Leaky = new GraphQLObjectType({
      name: 'Leaky',
      extensions: { [PERSONAL_TYPE_KEY]: true },
      fields: { id: { type: GraphQLString, extensions: { sensitivity: 'public' } }, secret: { type: GraphQLString } },
    });
    const Query = new GraphQLObjectType({
      name: 'Query',
      fields: {
        guarded: { type: Leaky, extensions: { allow: ['admin'] } },
        open: { type: GraphQLString },
      },
    });
    const schema = new GraphQLSchema({ query: Query });
    expect(schemaRuleProblems(schema)).toEqual([
      'Query.open: no role rule (add @Allow(...roles))',
      'Leaky.secret: field of a personal type without @Sensitive(...)',
    ]);
    expect(() => applySecurity(schema)).toThrow(/Query\.open: no role rule/);
  });

  it('requires an audit subject on types whose leaves are audited', () => {
    const Doc = new GraphQLObjectType({
      name: 'Doc',
      extensions: { [PERSONAL_TYPE_KEY]: true },
      fields: { number: { type: GraphQLString, extensions: { sensitivity: 'identifier' } } },
    });
    const schema = new GraphQLSchema({ query: new GraphQLObjectType({ name: 'Query', fields: { doc: { type: Doc, extensions: { allow: ['steward'] } } } }) });
    expect(schemaRuleProblems(schema)).toEqual(['Doc.number: audited field on a type without an audit subject (@PersonalType({ auditSubject }))']);
  });
});

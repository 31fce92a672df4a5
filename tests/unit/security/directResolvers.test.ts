import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { graphql, type GraphQLObjectType } from 'graphql';
import { Arg, Ctx, Field, FieldResolver, InputType, Int, ObjectType, Query, Resolver, Root, buildSchema } from 'type-graphql';
import { installDirectResolvers } from '../../../src/graphql/directResolvers';
import { buildApiSchema } from '../../../src/graphql/schema';

// A schema of its own: what the pass does to each kind of field, seen from the resolvers.

@ObjectType()
class Thing {
  @Field(() => Int)
  n!: number;

  @Field(() => String)
  label!: string;
}

@InputType()
class Window {
  @Field(() => Int)
  from!: number;
}

const seen: { root: unknown; ctx: unknown; args: unknown[] }[] = [];
const things = [
  { n: 1, label: 'a' },
  { n: 2, label: 'b' },
];

@Resolver(() => Thing)
class ThingResolver {
  @Query(() => [Thing])
  things(): Thing[] {
    return things;
  }

  @FieldResolver(() => String)
  shout(@Root() t: Thing, @Ctx() ctx: { suffix: string }, @Arg('times', () => Int, { defaultValue: 1 }) times: number): string {
    seen.push({ root: t, ctx, args: [times] });
    return `${t.label.toUpperCase().repeat(times)}${ctx.suffix}`;
  }

  @FieldResolver(() => Int)
  after(@Root() t: Thing, @Arg('window', () => Window) window: Window): number {
    // An input class argument: type-graphql's handler builds the Window instance.
    return window instanceof Window ? t.n - window.from : -1;
  }
}

async function thingSchema() {
  const schema = await buildSchema({ resolvers: [ThingResolver], validate: false });
  const untouched = { ...(schema.getType('Thing') as GraphQLObjectType).getFields() };
  const resolvers = Object.fromEntries(Object.entries(untouched).map(([k, f]) => [k, f.resolve]));
  installDirectResolvers(schema);
  return { schema, before: resolvers, after: (schema.getType('Thing') as GraphQLObjectType).getFields() };
}

describe('direct field resolvers (type-graphql handlers replaced where they do nothing)', () => {
  it('plain properties resolve with graphql-js’s default resolver, not a middleware dispatch per value', async () => {
    const { before, after } = await thingSchema();
    expect(before.n).toBeTypeOf('function');
    expect(after.n.resolve).toBeUndefined();
    expect(after.label.resolve).toBeUndefined();
  });

  it('field resolver methods get the parent object itself, the context and scalar args, in parameter order', async () => {
    const { schema, before, after } = await thingSchema();
    expect(after.shout.resolve).not.toBe(before.shout);
    seen.length = 0;
    const ctx = { suffix: '!' };
    const res = await graphql({ schema, source: '{ things { n label shout(times: 2) plain: shout } }', contextValue: ctx });
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({
      things: [
        { n: 1, label: 'a', shout: 'AA!', plain: 'A!' },
        { n: 2, label: 'b', shout: 'BB!', plain: 'B!' },
      ],
    });
    // type-graphql's handler would pass a fresh Thing copied from the parent.
    expect(seen.map((s) => s.root)).toEqual([things[0], things[0], things[1], things[1]]);
    expect(seen.every((s, i) => s.root === things[Math.floor(i / 2)] && s.ctx === ctx)).toBe(true);
  });

  it('keeps type-graphql’s handler for input-class arguments (it builds the instances)', async () => {
    const { schema, before, after } = await thingSchema();
    expect(after.after.resolve).toBe(before.after);
    const res = await graphql({ schema, source: '{ things { after(window: { from: 1 }) } }', contextValue: {} });
    expect(res.data).toEqual({ things: [{ after: 0 }, { after: 1 }] });
  });

  it('applies to the API schema’s registry types', async () => {
    const schema = await buildApiSchema();
    const person = (schema.getType('Person') as GraphQLObjectType).getFields();
    const affiliation = (schema.getType('Affiliation') as GraphQLObjectType).getFields();
    // birthDate is a plain personal field: no resolver at all (the pre-execution guard covers it).
    expect(person.birthDate.resolve).toBeUndefined();
    expect(affiliation.regime.resolve).toBeUndefined();
    const fullName = person.fullName.resolve!;
    const parent = { firstName: 'ANA', secondName: null, firstSurname: 'ROJAS', secondSurname: null };
    expect(await fullName(parent, {}, { deadline: Date.now() + 1000 }, {} as never)).toBe('ANA ROJAS');
  });
});

export { GraphQLJSON as JSONScalar, LocalDateResolver as LocalDateScalar, DateTimeResolver as DateTimeScalar } from 'graphql-scalars';

import type { CodegenConfig } from '@graphql-codegen/cli';

// Types for every operation of the console, generated from the committed SDL (schema/api.graphql).
// The output (console/src/gql/) is committed; tests/unit/console/codegen.test.ts fails when it
// drifts from the schema or the operations (regenerate with `npm run console:codegen`).
const config: CodegenConfig = {
  schema: 'schema/api.graphql',
  documents: ['console/src/**/*.{ts,tsx}', '!console/src/gql/**'],
  ignoreNoDocuments: false,
  generates: {
    'console/src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        // Documents as typed strings: no GraphQL parser in the browser bundle.
        documentMode: 'string',
        enumsAsTypes: true,
        onlyOperationTypes: true,
        useTypeImports: true,
        scalars: { DateTime: 'string', LocalDate: 'string', JSON: 'unknown' },
      },
    },
  },
};

export default config;

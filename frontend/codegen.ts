import type { CodegenConfig } from '@graphql-codegen/cli';

// Types for every operation in src/, generated from the service's exported SDL. The output is
// not committed: `npm run build` (and so the cargo build) and scripts/check regenerate it, and
// `tsc` then fails when a schema change breaks a query or its use.
const config: CodegenConfig = {
  schema: '../schema.graphql',
  documents: ['src/**/*.{ts,tsx}', '!src/**/*.test.{ts,tsx}'],
  ignoreNoDocuments: false,
  generates: {
    './generated/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        // `Upload` is a GraphQL multipart request's file (bulk sending's spreadsheet); `JSON` (the
        // settings in force) is read by code that checks its shape.
        scalars: { Money: 'string', DateTime: 'string', NaiveDate: 'string', ID: 'string', Upload: 'File', JSON: 'unknown' },
        enumsAsTypes: true,
        useTypeImports: true,
        strictScalars: true,
      },
    },
  },
};

export default config;

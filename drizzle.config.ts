import { defineConfig } from 'drizzle-kit';

// Migrations are generated from schema/*.ts and committed; `juntos-hub migrate` applies them.
export default defineConfig({
  dialect: 'postgresql',
  schema: './schema/index.ts',
  out: './migrations',
  casing: undefined,
});

import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` writes the next numbered SQL migration into ./drizzle from src/store/schema.
// Migrations are forward-only and checked in; the store applies them at start.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/store/schema/index.ts',
  out: './drizzle',
});

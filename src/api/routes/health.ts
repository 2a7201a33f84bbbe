import type { FastifyInstance } from 'fastify';
import type { Store } from '../../store/index.js';

export function healthRoutes(app: FastifyInstance, deps: { store: Store; version: string }): void {
  app.get('/api/health', { schema: { tags: ['system'], summary: 'Liveness and store status' } }, async () => {
    const migrations = await deps.store.migrationStatus();
    return {
      status: 'ok',
      version: deps.version,
      store: { kind: deps.store.kind, migrations: migrations.applied, migration: migrations.latest },
    };
  });
}

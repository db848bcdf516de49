// What the contract's stack costs idle, without any of the conductor: the libraries the daemon
// loads and keeps running as it sits between fires (spec: Fastify for HTTP with its ajv
// schemas, prom-client with Node's default metrics, better-sqlite3 for the history, pino for
// logs, node:crypto for ids and tokens), each used once as the daemon uses it, then nothing.
// The floor of the idle daemon's RSS as shipped: it cannot be smaller than this.
// Usage: node stack-idle.mjs HOME   (writes HOME/stack.ready once listening; SIGTERM: exit 0)
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { pino } from 'pino';
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';

const home = process.argv[2];
const logger = pino({ base: null }, pino.destination({ dest: path.join(home, 'stack.log'), sync: true }));

const db = new Database(path.join(home, 'stack.db'));
db.pragma('journal_mode = WAL');
db.exec('CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY, task TEXT NOT NULL, started_at INTEGER NOT NULL)');
db.prepare('INSERT INTO runs (task, started_at) VALUES (?, ?)').run(crypto.randomUUID(), Date.now());

const registry = new Registry();
collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 1000 });
new Counter({ name: 'stack_runs_total', help: 'Runs.', labelNames: ['task'], registers: [registry] }).inc({ task: 'x' });

const app = Fastify({ logger: false });
app.get('/api/v1/tasks/:name', { schema: { params: { type: 'object', properties: { name: { type: 'string', pattern: '^[a-z]+$' } }, required: ['name'] } } }, async (request) => ({
  name: request.params.name,
}));
app.get('/metrics', async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()));
await app.listen({ port: 0, host: '127.0.0.1' });
// Each route once over the socket, as a first client would: the schema used, the metrics collected.
const { port } = app.server.address();
for (const route of ['/api/v1/tasks/abc', '/metrics']) {
  await new Promise((resolve, reject) => http.get({ host: '127.0.0.1', port, path: route, agent: false }, (response) => response.resume().on('end', resolve)).on('error', reject));
}
logger.info({ port }, 'listening');

fs.writeFileSync(path.join(home, 'stack.ready'), '');
process.on('SIGTERM', () => process.exit(0));

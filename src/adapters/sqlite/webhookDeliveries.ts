// Webhook deliveries in SQLite (table webhook_deliveries, migration 6), on the run store's own
// connection: the delivery and the run it started are one commit, so a redelivery finds either
// both or neither. The first delivery of an id keeps it; a second record of it changes nothing.
import type Database from 'better-sqlite3';
import type { WebhookDelivery } from '../../ports/runStore.js';
import { preparedWhenUsed } from './preparedWhenUsed.js';

export class WebhookDeliveries {
  private readonly statements;

  constructor(db: Database.Database) {
    this.statements = preparedWhenUsed({
      find: () => db.prepare('SELECT run_id FROM webhook_deliveries WHERE task = ? AND delivery = ?').pluck(),
      record: () => db.prepare(
        'INSERT INTO webhook_deliveries (task, delivery, run_id, at) VALUES (@task, @delivery, @run_id, @at) ON CONFLICT (task, delivery) DO NOTHING',
      ),
      prune: () => db.prepare('DELETE FROM webhook_deliveries WHERE at < ?'),
    });
  }

  runOf(task: string, delivery: string): string | null {
    return (this.statements.find.get(task, delivery) as string | undefined) ?? null;
  }

  record(delivery: WebhookDelivery): void {
    this.statements.record.run(delivery);
  }

  prune(before: number): void {
    this.statements.prune.run(before);
  }
}

// A webhook delivery becomes a run like any other (spec/triggers.md): the task's `events` filter
// first, then a redelivery (the same X-GitHub-Delivery id) answers the run the first one started,
// else the body is saved to status/payloads/<run_id>.json and the run is asked for with trigger
// `webhook`, the delivery remembered in the same commit. The run id is chosen here, before the
// file is written, so the run never starts without its payload. Not an operator action: no
// audit row (the run's history row says trigger `webhook`, the log line names the delivery).
import path from 'node:path';
import { prunePayloads, removePayload, writePayload } from '../../adapters/payloadFiles.js';
import { newRunId } from '../../core/run/runId.js';
import type { Config, RunState } from '../../core/types.js';
import type { Engine } from '../../engine/engine.js';
import type { Clock } from '../../ports/clock.js';
import { ApiRefusal } from '../../ports/daemonApi.js';
import type { RunStore } from '../../ports/runStore.js';
import type { DeliveryOutcome, IncomingDelivery, WebhookReceiver, WebhookTarget } from '../../ports/webhookReceiver.js';
import type { HomePaths } from '../paths.js';
import { webhookSecret } from './webhookSecrets.js';

const OPEN: ReadonlySet<RunState> = new Set(['queued', 'waiting', 'awaiting_approval', 'running', 'retrying']);

export function payloadsDir(paths: HomePaths): string {
  return path.join(paths.statusDir, 'payloads');
}

export function createWebhookReceiver(parts: { engine: Engine; store: () => RunStore; clock: Clock; paths: HomePaths; config: () => Config }): WebhookReceiver {
  const dir = payloadsDir(parts.paths);
  const taskOf = (name: string) => {
    const task = parts.engine.tasks.entries.get(name)?.task;
    if (!task) throw new ApiRefusal('not_found', `no task named ${name}`);
    if (!task.webhook) throw new ApiRefusal('not_found', `task ${name} takes no webhook (its config has no "webhook")`);
    return task;
  };
  return {
    hasTask: (name) => parts.engine.tasks.entries.has(name),
    target(name): WebhookTarget {
      const task = taskOf(name);
      if (!task.enabled) throw new ApiRefusal('conflict', `task ${name} is disabled in the config; enable it to take webhooks`);
      return { task: name, secret: webhookSecret(task.webhook!.secret_env) };
    },
    receive(incoming: IncomingDelivery): DeliveryOutcome {
      const spec = taskOf(incoming.task).webhook!;
      if (spec.events !== null && !spec.events.includes(incoming.event ?? '')) {
        return { result: 'ignored', event: incoming.event ?? '(none)' };
      }
      const store = parts.store();
      if (incoming.delivery !== null) {
        const first = store.deliveryRun(incoming.task, incoming.delivery);
        if (first !== null) return { result: 'duplicate', run_id: first };
      }
      const now = parts.clock.now();
      const runId = newRunId(now);
      const file = writePayload(dir, runId, incoming.body);
      const env = { CONDUCTOR_PAYLOAD_FILE: file, CONDUCTOR_EVENT: incoming.event ?? '', CONDUCTOR_DELIVERY: incoming.delivery ?? '' };
      let outcome;
      try {
        outcome = store.batch(() => {
          const asked = parts.engine.submit({
            task: incoming.task,
            trigger: 'webhook',
            runId,
            payload: { env, log: incoming.delivery === null ? {} : { delivery: incoming.delivery } },
          });
          if (incoming.delivery !== null) store.recordDelivery({ task: incoming.task, delivery: incoming.delivery, run_id: asked.run_id, at: now });
          return asked;
        });
      } catch (error) {
        removePayload(dir, runId);
        throw error;
      }
      // A skipped request (concurrency policy, pause, budget) has a run id of its own and no reader of the file.
      if (outcome.status === 'skipped') {
        removePayload(dir, runId);
        return { result: 'accepted', run_id: outcome.run_id, status: 'skipped', reason: outcome.reason };
      }
      const state = parts.engine.shownState(outcome.run_id) ?? outcome.status;
      return { result: 'accepted', run_id: outcome.run_id, status: state };
    },
  };
}

/** The daemon's daily prune: payload files older than the history kept, unless their run is still open. */
export function prunePayloadFiles(paths: HomePaths, store: RunStore, before: number): number {
  return prunePayloads(payloadsDir(paths), before, (runId) => {
    const state = store.getRun(runId)?.state;
    return state !== undefined && OPEN.has(state);
  });
}

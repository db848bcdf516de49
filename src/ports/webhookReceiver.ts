// What the daemon offers a webhook sender (spec/triggers.md): which hook a task has and how it
// is authenticated, and taking a delivery. The HTTP adapter owns the wire (raw body, size limit,
// the signature check, status codes); the app decides what a delivery starts.

/** How a task's hook is authenticated: its HMAC secret, or null for the API token. */
export interface WebhookTarget {
  task: string;
  secret: string | null;
}

/** A delivery whose sender is authenticated and whose body is JSON. */
export interface IncomingDelivery {
  task: string;
  /** X-GitHub-Event, or null when absent. */
  event: string | null;
  /** X-GitHub-Delivery, or null when absent (then nothing tells a redelivery apart). */
  delivery: string | null;
  body: Buffer;
}

export type DeliveryOutcome =
  /** A run was asked for (it may have been skipped by the task's concurrency policy, a pause, a budget). */
  | { result: 'accepted'; run_id: string; status: string; reason?: string }
  /** The same delivery id was accepted before: its run, and nothing new. */
  | { result: 'duplicate'; run_id: string }
  /** The task's `events` do not take this event. */
  | { result: 'ignored'; event: string };

export interface WebhookReceiver {
  /** A task of the config (with or without a webhook): only those are counted by name in the metrics. */
  hasTask(task: string): boolean;
  /** The task's hook; throws ApiRefusal `not_found` (no such task, or no webhook) or `conflict` (disabled). */
  target(task: string): WebhookTarget;
  receive(delivery: IncomingDelivery): DeliveryOutcome;
}

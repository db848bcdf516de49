// A scheduled fire that waited on a dependency until the task's next fire is skipped then: the
// reason names the dependency still going (the first one active); when none is, the daemon was
// down across the deadline, and the reason says so.
// Shared by the engine and simulate's fast path, so the rule is written once.

export function expiredWaitReason(dependencies: readonly string[], isActive: (name: string) => boolean, waitingOn: string | null): string {
  const active = dependencies.find(isActive);
  if (active !== undefined) return `dependency ${active} still running at the next fire`;
  // None is going: it ended while no daemon could start the task (it was stopped, the next one
  // started after the next fire). Saying "still running" would be false.
  return `the daemon was stopped while it waited for dependency ${waitingOn ?? dependencies[0] ?? '?'}, until after the next fire`;
}

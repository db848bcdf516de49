// A scheduled fire that waited on a dependency until the task's next fire is skipped then: the
// reason names the dependency still going (the first one active, else the one it waited on).
// Shared by the engine and simulate's fast path, so the rule is written once.

export function expiredWaitReason(dependencies: readonly string[], isActive: (name: string) => boolean, waitingOn: string | null): string {
  const on = dependencies.find(isActive) ?? waitingOn ?? dependencies[0] ?? '?';
  return `dependency ${on} still running at the next fire`;
}

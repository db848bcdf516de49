// How a run awaiting approval ends without running (spec/workflow.md): an operator rejected it
// (`rejected by <actor>: <comment>`), or nobody decided within its timeout (`approval timed
// out`). Both reasons are part of the contract (history, the API) and are made here, so that a
// reader of the history (a watched file's run) can tell such an end from other skips.

/** The reason of a rejected run: who, and their comment if any. */
export function rejectedReason(actor: string, comment: string | null): string {
  return `rejected by ${actor}${comment ? `: ${comment}` : ''}`;
}

/** The reason of a run whose approval was not given within its timeout. */
export const APPROVAL_TIMED_OUT = 'approval timed out';

/** Did an approval gate end this skipped run (rejected, or timed out)? A decision, final for what it was for. */
export function endedAtApproval(reason: string | null): boolean {
  return reason !== null && (reason.startsWith('rejected by ') || reason.startsWith(APPROVAL_TIMED_OUT));
}

// `pause --task`, `resume --task`, `cancel --run`, `approve`/`reject --run`: the daemon's write routes from the shell,
// with the token file; the OS user goes with each for the audit log. Without a daemon (or with
// one that serves no API): a clear error, exit 1.
import { DaemonClient } from '../../adapters/http/client/daemonClient.js';
import type { HomePaths } from '../paths.js';
import { osUser, requireDaemon } from './daemonEndpoint.js';
import { pausedLine, resumedLine, type ResumedTask } from './resumedLine.js';

export type Verb = 'pause' | 'resume' | 'cancel' | 'approve' | 'reject';

/** Does it; returns the line to print. */
export async function operatorVerb(paths: HomePaths, verb: Verb, target: string, comment?: string): Promise<string> {
  const endpoint = requireDaemon(paths, verb);
  const client = new DaemonClient(endpoint.url, endpoint.token);
  const body = { cli_user: osUser() };
  const name = encodeURIComponent(target);
  if (verb === 'cancel') {
    const answer = await client.call<{ task: string; state: string }>('POST', `/api/v1/runs/${name}/cancel`, body);
    if (answer.state === 'running') return `cancelling run ${target} of ${answer.task}: its processes get SIGTERM, then SIGKILL after kill_grace; it ends cancelled`;
    if (answer.state === 'retrying') return `cancelled run ${target} of ${answer.task}: it was waiting to retry, and will not; it ends cancelled`;
    return `cancelled run ${target} of ${answer.task} (it was ${answer.state}; it will not start)`;
  }
  if (verb === 'approve' || verb === 'reject') {
    const answer = await client.call<{ task: string; status: string }>('POST', `/api/v1/runs/${name}/${verb}`, comment === undefined ? body : { ...body, comment });
    return verb === 'approve'
      ? `approved run ${target} of ${answer.task}: it is ${answer.status} now`
      : `rejected run ${target} of ${answer.task}: it ends skipped, and its dependents with it`;
  }
  await client.call('POST', `/api/v1/tasks/${name}/${verb}`, body);
  // The task as the daemon runs it says what is held or comes again (done already: a failure here is only words).
  const [task, graph] = await Promise.all([
    client.call<ResumedTask>('GET', `/api/v1/tasks/${name}`).catch(() => null),
    client.call<{ edges: { from: string; to: string }[] }>('GET', '/api/v1/graph').catch(() => null),
  ]);
  const dependents = graph ? graph.edges.filter((edge) => edge.from === target).map((edge) => edge.to) : [];
  return verb === 'pause' ? pausedLine(target, task, dependents) : resumedLine(target, task, dependents);
}

// `simulate`'s output, printed as the simulation goes (a year of fires is never held in
// memory): aligned lines for people, or a JSON array streamed element by element. Written in
// chunks of ~64 KB, and each instant formatted once per zone however many fires share it: a
// year at a thousand tasks is ~640k lines.
import { AWAITING_APPROVAL, type SimulatedFire } from '../../app/simulate/simulationLog.js';
import { formatInZone, resolveTimezone } from '../../core/schedule/cron.js';
import type { Config } from '../../core/types.js';
import { formatDuration } from '../../core/format/duration.js';

export interface FirePrinter {
  fire(fire: SimulatedFire): void;
  end(): void;
}

/** How much output is gathered before it is written. */
const CHUNK = 64 * 1024;

/** Per task: its zone's formatters (one instant remembered: a burst of fires shares it) and its name as JSON. */
interface TaskFormat {
  format: (ms: number) => string;
  /** The instant as a JSON string, or `null`. */
  json: (ms: number | null) => string;
  name: string;
}

function formats(config: Config): (task: string) => TaskFormat {
  const byZone = new Map<string, Omit<TaskFormat, 'name'>>();
  const formatter = (zone: string) => {
    let found = byZone.get(zone);
    if (!found) {
      let lastMs = NaN;
      let last = '';
      let lastJsonMs = NaN;
      let lastJson = '';
      const format = (ms: number) => (ms === lastMs ? last : ((lastMs = ms), (last = formatInZone(ms, zone))));
      // Instants hold no character JSON escapes.
      const json = (ms: number | null) => (ms === null ? 'null' : ms === lastJsonMs ? lastJson : ((lastJsonMs = ms), (lastJson = `"${format(ms)}"`)));
      found = { format, json };
      byZone.set(zone, found);
    }
    return found;
  };
  const byTask = new Map<string, TaskFormat>(config.tasks.map((t) => [t.name, { ...formatter(resolveTimezone(t.timezone, config.settings.timezone)), name: JSON.stringify(t.name) }]));
  const fallback = formatter(resolveTimezone(null, config.settings.timezone));
  return (task) => byTask.get(task) ?? { ...fallback, name: JSON.stringify(task) };
}

/**
 * Gathers text and hands it to `write` (default: stdout) in chunks; `flush` at the end. To
 * stdout each chunk goes as a buffer, encoded at once: the string of many appended lines, were
 * it queued on a pipe, would be held (and collected) as thousands of small pieces.
 */
function chunked(write: ((text: string) => void) | null): { out(text: string): void; flush(): void } {
  const send = write ?? ((text: string) => void process.stdout.write(Buffer.from(text)));
  let buffer = '';
  return {
    out(text) {
      buffer += text;
      if (buffer.length >= CHUNK) {
        send(buffer);
        buffer = '';
      }
    },
    flush() {
      if (buffer.length > 0) send(buffer);
      buffer = '';
    },
  };
}

export function jsonPrinter(config: Config, write: ((text: string) => void) | null = null): FirePrinter {
  const formatOf = formats(config);
  const { out, flush } = chunked(write);
  let first = true;
  let lastReason = '';
  let lastReasonJson = '""';
  out('[');
  return {
    fire(fire) {
      const { json, name } = formatOf(fire.task);
      const waits = fire.waits_on.length === 0 ? '[]' : JSON.stringify(fire.waits_on);
      let reason = 'null';
      if (fire.reason !== null) {
        if (fire.reason !== lastReason) lastReasonJson = JSON.stringify((lastReason = fire.reason));
        reason = lastReasonJson;
      }
      // JSON.stringify's text for the fire's fields, in their order.
      out(
        `${first ? '\n' : ',\n'}  {"at":${json(fire.at)},"task":${name},"trigger":"${fire.trigger}","waits_on":${waits},"outcome":"${fire.outcome}","reason":${reason},"start":${json(fire.start)},"end":${json(fire.end)}}`,
      );
      first = false;
    },
    end() {
      out(first ? ']\n' : '\n]\n');
      flush();
    },
  };
}

export function textPrinter(config: Config, window: { from: number; until: number }, write: ((text: string) => void) | null = null): FirePrinter {
  const formatOf = formats(config);
  const { out, flush } = chunked(write);
  const width = Math.max(4, ...config.tasks.map((t) => t.name.length));
  let count = 0;
  const line = (cells: string[]) => out(`${cells.join('  ').trimEnd()}\n`);
  line(['AT'.padEnd(25), 'TASK'.padEnd(width), 'TRIGGER   ', 'WHAT']);
  return {
    fire(fire) {
      count++;
      const { format } = formatOf(fire.task);
      line([format(fire.at).padEnd(25), fire.task.padEnd(width), fire.trigger.padEnd(10), describe(fire, format)]);
    },
    end() {
      const zone = resolveTimezone(null, config.settings.timezone);
      out(`${count} fire${count === 1 ? '' : 's'} from ${formatInZone(window.from, zone)} to ${formatInZone(window.until, zone)}\n`);
      flush();
    },
  };
}

function describe(fire: SimulatedFire, format: (ms: number) => string): string {
  const waits = fire.waits_on.length > 0 ? `waits on ${fire.waits_on.join(', ')}; ` : '';
  const clock = (ms: number | null) => (ms === null ? '?' : format(ms).slice(11, 19));
  switch (fire.outcome) {
    case 'run': {
      const at = fire.start !== null && fire.start !== fire.at ? ` at ${clock(fire.start)}` : '';
      const took = fire.start !== null && fire.end !== null && fire.end > fire.start ? ` for ${formatDuration(fire.end - fire.start)}` : '';
      return `${waits}runs${at}${took}`;
    }
    case 'pending':
      if (fire.start !== null) return `${waits}runs from ${clock(fire.start)}, past the window`;
      return `${waits}${fire.reason === AWAITING_APPROVAL ? 'still awaiting approval' : 'still waiting'} at the end of the window`;
    case 'timeout':
      return `${waits}runs ${clock(fire.start)}, times out at ${clock(fire.end)}`;
    default:
      return `${waits}${fire.outcome}: ${fire.reason ?? ''}`;
  }
}

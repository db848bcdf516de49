// `simulate`'s output, printed as the simulation goes (a year of fires is never held in
// memory): aligned lines for people, or a JSON array streamed element by element.
import type { SimulatedFire } from '../../app/simulate/simulationLog.js';
import { formatInZone, resolveTimezone } from '../../core/schedule/cron.js';
import type { Config } from '../../core/types.js';
import { formatDuration } from '../../core/format/duration.js';

export interface FirePrinter {
  fire(fire: SimulatedFire): void;
  end(): void;
}

function zones(config: Config): (task: string) => string {
  const byTask = new Map(config.tasks.map((t) => [t.name, resolveTimezone(t.timezone, config.settings.timezone)]));
  const fallback = resolveTimezone(null, config.settings.timezone);
  return (task) => byTask.get(task) ?? fallback;
}

export function jsonPrinter(config: Config, write: (text: string) => void = stdoutWriter()): FirePrinter {
  const zoneOf = zones(config);
  let first = true;
  const out = write;
  out('[');
  return {
    fire(fire) {
      const zone = zoneOf(fire.task);
      const at = (ms: number | null) => (ms === null ? null : formatInZone(ms, zone));
      out(`${first ? '\n' : ',\n'}  ${JSON.stringify({ ...fire, at: at(fire.at), start: at(fire.start), end: at(fire.end) })}`);
      first = false;
    },
    end() {
      out(first ? ']\n' : '\n]\n');
    },
  };
}

export function textPrinter(config: Config, window: { from: number; until: number }, write: (text: string) => void = stdoutWriter()): FirePrinter {
  const zoneOf = zones(config);
  const width = Math.max(4, ...config.tasks.map((t) => t.name.length));
  let count = 0;
  const line = (cells: string[]) => write(`${cells.join('  ').trimEnd()}\n`);
  line(['AT'.padEnd(25), 'TASK'.padEnd(width), 'TRIGGER   ', 'WHAT']);
  return {
    fire(fire) {
      count++;
      const zone = zoneOf(fire.task);
      line([formatInZone(fire.at, zone).padEnd(25), fire.task.padEnd(width), fire.trigger.padEnd(10), describe(fire, zone)]);
    },
    end() {
      const zone = resolveTimezone(null, config.settings.timezone);
      write(`${count} fire${count === 1 ? '' : 's'} from ${formatInZone(window.from, zone)} to ${formatInZone(window.until, zone)}\n`);
    },
  };
}

function describe(fire: SimulatedFire, zone: string): string {
  const waits = fire.waits_on.length > 0 ? `waits on ${fire.waits_on.join(', ')}; ` : '';
  const clock = (ms: number | null) => (ms === null ? '?' : formatInZone(ms, zone).slice(11, 19));
  switch (fire.outcome) {
    case 'run': {
      const at = fire.start !== null && fire.start !== fire.at ? ` at ${clock(fire.start)}` : '';
      const took = fire.start !== null && fire.end !== null && fire.end > fire.start ? ` for ${formatDuration(fire.end - fire.start)}` : '';
      return `${waits}runs${at}${took}`;
    }
    case 'pending':
      return `${waits}${fire.start === null ? 'still waiting at the end of the window' : `runs from ${clock(fire.start)}, past the window`}`;
    case 'timeout':
      return `${waits}runs ${clock(fire.start)}, times out at ${clock(fire.end)}`;
    default:
      return `${waits}${fire.outcome}: ${fire.reason ?? ''}`;
  }
}

function stdoutWriter(): (text: string) => void {
  return (text) => void process.stdout.write(text);
}

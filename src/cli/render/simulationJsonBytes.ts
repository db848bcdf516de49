// `simulate --json` on the printer thread: each fire's JSON copied straight from the records into
// a byte buffer, from pieces encoded once (a task's name, a reason, a wait list, an instant, the
// text between fields), with no string and no object per fire. A year at 1,000 tasks is 640k
// fires; building a string each and encoding it was most of the printer thread's time. The bytes
// are jsonPrinter's (simulation.ts), which stays the printer of the main thread: the e2e test
// test/e2e/simulateThread.test.ts holds the two to the same output.
import { formatInZone, resolveTimezone } from '../../core/schedule/cron.js';
import { FIELDS, OUTCOMES, TRIGGERS } from './simulationRecords.js';

/** How much is gathered before it is written; a fire is far shorter than the room kept free. */
const CHUNK = 64 * 1024;
const ROOM = 8 * 1024;

const bytes = (text: string): Uint8Array => Buffer.from(text);
const NULL = bytes('null');
const NO_WAITS = bytes('[]');
const AT = [bytes('\n  {"at":'), bytes(',\n  {"at":')];
const TASK = bytes(',"task":');
/** `,"trigger":"schedule","waits_on":`, one per trigger. */
const TRIGGER = TRIGGERS.map((t) => bytes(`,"trigger":"${t}","waits_on":`));
/** `,"outcome":"run","reason":`, one per outcome. */
const OUTCOME = OUTCOMES.map((o) => bytes(`,"outcome":"${o}","reason":`));
const START = bytes(',"start":');
const END = bytes(',"end":');
const CLOSE = bytes('}');

export interface RecordPrinter {
  /** The strings a batch introduces (indexes continue across batches), then its records. */
  batch(tasks: string[], reasons: string[], waits: string[][], records: Float64Array, count: number): void;
  end(): void;
}

/**
 * An instant as JSON in one zone, encoded once for the instant just asked: a fire's start and end
 * are mostly its `at`, and a burst of fires shares one `at` (as jsonPrinter remembers it).
 */
function instantBytes(zone: string): (ms: number) => Uint8Array {
  let lastMs = NaN;
  let last = NULL;
  return (ms) => (ms === lastMs ? last : ((lastMs = ms), (last = bytes(`"${formatInZone(ms, zone)}"`))));
}

export function jsonRecordPrinter(
  config: { tasks: { name: string; timezone?: string | null }[]; settings: { timezone?: string | null } },
  write: (chunk: Uint8Array) => void,
): RecordPrinter {
  const zoneOfTask = new Map(config.tasks.map((t) => [t.name, resolveTimezone(t.timezone ?? null, config.settings.timezone ?? null)]));
  const fallbackZone = resolveTimezone(null, config.settings.timezone ?? null);
  const byZone = new Map<string, (ms: number) => Uint8Array>();
  const names: Uint8Array[] = [];
  const instantsOf: ((ms: number) => Uint8Array)[] = [];
  const reasons: Uint8Array[] = [];
  const waits: Uint8Array[] = [];
  const buffer = new Uint8Array(CHUNK + ROOM);
  let used = 0;
  let first = true;

  const put = (piece: Uint8Array) => {
    if (used + piece.length > buffer.length) {
      flush();
      if (piece.length > buffer.length) {
        write(piece);
        return;
      }
    }
    buffer.set(piece, used);
    used += piece.length;
  };
  const flush = () => {
    if (used > 0) write(buffer.subarray(0, used));
    used = 0;
  };

  put(bytes('['));
  return {
    batch(newTasks, newReasons, newWaits, r, count) {
      for (const task of newTasks) {
        names.push(bytes(JSON.stringify(task)));
        const zone = zoneOfTask.get(task) ?? fallbackZone;
        let instants = byZone.get(zone);
        if (!instants) byZone.set(zone, (instants = instantBytes(zone)));
        instantsOf.push(instants);
      }
      for (const reason of newReasons) reasons.push(bytes(JSON.stringify(reason)));
      for (const list of newWaits) waits.push(bytes(JSON.stringify(list)));
      for (let i = 0; i < count * FIELDS; i += FIELDS) {
        const task = r[i + 1] as number;
        const instant = instantsOf[task] as (ms: number) => Uint8Array;
        const waitsOn = r[i + 3] as number;
        const reason = r[i + 5] as number;
        const start = r[i + 6] as number;
        const end = r[i + 7] as number;
        put(AT[first ? 0 : 1] as Uint8Array);
        first = false;
        put(instant(r[i] as number));
        put(TASK);
        put(names[task] as Uint8Array);
        put(TRIGGER[r[i + 2] as number] as Uint8Array);
        put(waitsOn < 0 ? NO_WAITS : (waits[waitsOn] as Uint8Array));
        put(OUTCOME[r[i + 4] as number] as Uint8Array);
        put(reason < 0 ? NULL : (reasons[reason] as Uint8Array));
        put(START);
        put(Number.isNaN(start) ? NULL : instant(start));
        put(END);
        put(Number.isNaN(end) ? NULL : instant(end));
        put(CLOSE);
        if (used >= CHUNK) flush();
      }
    },
    end() {
      put(bytes(first ? ']\n' : '\n]\n'));
      flush();
    },
  };
}

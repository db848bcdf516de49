// A standby cluster's shared state in Redis. Every decision that must be atomic is one Lua script
// (Redis runs each alone): take or extend the lease, claim fires, take runs over, raise
// watermarks. Keys, under `conductor:<cluster>:`:
//   lease        `<token>|<nonce>|<node>`, with a PX expiry: the holder and its fencing value
//                (token: INCR of `token` per new lease; nonce: random, so a Redis that lost its
//                data and restarts the counter never hands out a value an old leader still holds)
//   token        the counter
//   fire:<task>:<ms>  who claimed that fire (the lease value), kept an hour: a claim retried after
//                a lost reply is recognised as the same one
//   watermarks   hash task -> the last fire claimed (ms): no fire at or before it is claimed again
//   run:<run_id> the node that took a run over (runs awaiting approval, after a failover)
//   paused       hash task -> {at, actor}: the leader's paused tasks (field '' marks it written)
//   nodes        hash node -> its registry entry (JSON); alive:<node> its mark, expiring unless renewed
//   history      the stream of history entries
// Two connections: one for commands (no offline queue, a timeout: a lease request must fail
// fast, never wait for a reconnection), one for the blocking stream reads.
import { Redis } from 'ioredis';
import { entryFields, entryFromFields, type HistoryEntry } from '../../core/ha/historyEntry.js';
import type { AcquireAnswer, ClusterStore, FireClaim, NodeInfo, RenewAnswer } from '../../ports/cluster.js';
import { redisOptions } from '../queue/redisOptions.js';

/** How long a fire's claim key is kept (the watermark guards for longer). */
const CLAIM_TTL_MS = 60 * 60 * 1000;
/** Without a retention to trim by, the stream keeps about this many entries. */
const MAX_ENTRIES = 1_000_000;

const HOLDER = `string.match(v, '^%d+|[^|]*|(.*)$') or v`;

const SCRIPTS = {
  haAcquire: {
    keys: 2,
    lua: `local v = redis.call('GET', KEYS[1])
if v then
  local holder = ${HOLDER}
  if holder ~= ARGV[1] then return {0, holder} end
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return {1, v}
end
local t = redis.call('INCR', KEYS[2])
local nv = t .. '|' .. ARGV[2] .. '|' .. ARGV[1]
redis.call('SET', KEYS[1], nv, 'PX', ARGV[3])
return {1, nv}`,
  },
  haRenew: {
    keys: 1,
    lua: `local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {1}
end
if v then return {0, ${HOLDER}} end
return {0}`,
  },
  haRelease: {
    keys: 1,
    lua: `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) return 1 end
return 0`,
  },
  haClaim: {
    keys: 2,
    lua: `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local out = {}
for i = 1, (#ARGV - 3) / 2 do
  local task = ARGV[2 + 2 * i]
  local at = ARGV[3 + 2 * i]
  local key = ARGV[3] .. 'fire:' .. task .. ':' .. at
  local holder = redis.call('GET', key)
  if holder == ARGV[1] then out[i] = 1
  elseif holder then out[i] = 0
  else
    local mark = redis.call('HGET', KEYS[2], task)
    if mark and tonumber(at) <= tonumber(mark) then out[i] = 0
    else
      redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
      redis.call('HSET', KEYS[2], task, at)
      out[i] = 1
    end
  end
end
return out`,
  },
  haAdopt: {
    keys: 1,
    lua: `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
for i = 5, #ARGV do redis.call('SET', ARGV[4] .. 'run:' .. ARGV[i], ARGV[2], 'PX', ARGV[3]) end
return 1`,
  },
  haRaise: {
    keys: 2,
    lua: `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
for i = 2, #ARGV, 2 do
  local mark = redis.call('HGET', KEYS[2], ARGV[i])
  if (not mark) or tonumber(ARGV[i + 1]) > tonumber(mark) then redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
end
return 1`,
  },
  haPauses: {
    keys: 2,
    lua: `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], '', '1')
for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
return 1`,
  },
} as const;

type ScriptName = keyof typeof SCRIPTS;
type Scripted = Redis & Record<ScriptName, (...args: (string | number)[]) => Promise<unknown>>;

export interface RedisClusterOptions {
  url: string;
  cluster: string;
  /** A command unanswered for this long fails (the lease's request timeout). */
  commandTimeoutMs: number;
  /** How long a run taken over stays claimed (the history's retention). */
  adoptTtlMs: number;
}

export function keyPrefix(cluster: string): string {
  return `conductor:${cluster}:`;
}

export function openRedisCluster(options: RedisClusterOptions): ClusterStore {
  return new RedisCluster(options);
}

class RedisCluster implements ClusterStore {
  private readonly commands: Scripted;
  private readonly reader: Redis;
  private readonly prefix: string;
  /** Why the command connection last failed (connect ECONNREFUSED ..., getaddrinfo ENOTFOUND ...); null once it is up. */
  private lastError: string | null = null;

  constructor(private readonly options: RedisClusterOptions) {
    this.prefix = keyPrefix(options.cluster);
    const base = redisOptions(options.url);
    this.commands = new Redis({ ...base, enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: options.commandTimeoutMs }) as Scripted;
    this.reader = new Redis({ ...base, maxRetriesPerRequest: null });
    // Errors reach the callers as rejected commands; the clients reconnect on their own. The
    // connection's own error is kept: a rejected command only says the stream is not writable.
    this.commands.on('error', (error: Error) => (this.lastError = error.message));
    this.commands.on('ready', () => (this.lastError = null));
    this.reader.on('error', () => {});
    for (const [name, script] of Object.entries(SCRIPTS)) this.commands.defineCommand(name, { numberOfKeys: script.keys, lua: script.lua });
  }

  private key(name: string): string {
    return this.prefix + name;
  }

  async acquire(node: string, leaseMs: number): Promise<AcquireAnswer> {
    const nonce = Math.random().toString(36).slice(2, 10);
    const [ok, value] = (await this.commands.haAcquire(this.key('lease'), this.key('token'), node, nonce, leaseMs)) as [number, string];
    return ok === 1 ? { kind: 'acquired', lease: value } : { kind: 'held', holder: value };
  }

  async renew(lease: string, leaseMs: number): Promise<RenewAnswer> {
    const [ok, holder] = (await this.commands.haRenew(this.key('lease'), lease, leaseMs)) as [number, string?];
    return ok === 1 ? { kind: 'renewed' } : { kind: 'lost', holder: holder ?? null };
  }

  async release(lease: string): Promise<void> {
    await this.commands.haRelease(this.key('lease'), lease);
  }

  async claimFires(lease: string, fires: readonly FireClaim[]): Promise<boolean[] | null> {
    if (fires.length === 0) return [];
    const args = fires.flatMap((f) => [f.task, String(f.fireAt)]);
    const answer = (await this.commands.haClaim(this.key('lease'), this.key('watermarks'), lease, CLAIM_TTL_MS, this.prefix, ...args)) as number | number[];
    return answer === -1 ? null : (answer as number[]).map((n) => n === 1);
  }

  async adoptRuns(lease: string, node: string, runIds: readonly string[]): Promise<boolean> {
    if (runIds.length === 0) return true;
    return (await this.commands.haAdopt(this.key('lease'), lease, node, this.options.adoptTtlMs, this.prefix, ...runIds)) === 1;
  }

  async watermarks(): Promise<Map<string, number>> {
    const all = await this.commands.hgetall(this.key('watermarks'));
    return new Map(Object.entries(all).map(([task, at]) => [task, Number(at)]));
  }

  async raiseWatermarks(lease: string, marks: ReadonlyMap<string, number>): Promise<boolean> {
    const args = [...marks].flatMap(([task, at]) => [task, String(at)]);
    return (await this.commands.haRaise(this.key('lease'), this.key('watermarks'), lease, ...args)) === 1;
  }

  async pauses(): Promise<Map<string, { at: number; actor: string }> | null> {
    const all = await this.commands.hgetall(this.key('paused'));
    if (!('' in all)) return null;
    const found = new Map<string, { at: number; actor: string }>();
    for (const [task, text] of Object.entries(all)) if (task !== '') found.set(task, JSON.parse(text) as { at: number; actor: string });
    return found;
  }

  async setPauses(lease: string, pauses: ReadonlyMap<string, { at: number; actor: string }>): Promise<boolean> {
    const args = [...pauses].flatMap(([task, pause]) => [task, JSON.stringify({ at: pause.at, actor: pause.actor })]);
    return (await this.commands.haPauses(this.key('lease'), this.key('paused'), lease, ...args)) === 1;
  }

  async publish(entries: readonly HistoryEntry[], keepSince: number | null): Promise<void> {
    if (entries.length === 0) return;
    const trim = keepSince === null ? ['MAXLEN', '~', String(MAX_ENTRIES)] : ['MINID', '~', String(Math.max(0, Math.floor(keepSince)))];
    const pipeline = this.commands.pipeline();
    for (const entry of entries) pipeline.xadd(this.key('history'), ...trim, '*', ...entryFields(entry));
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([error]) => error);
    if (failed) throw failed[0] as Error;
  }

  async read(after: string | null, count: number, blockMs: number): Promise<{ id: string; entry: HistoryEntry | null }[]> {
    const answer = (await this.reader.xread('COUNT', count, 'BLOCK', blockMs, 'STREAMS', this.key('history'), after ?? '0')) as
      | [string, [string, string[]][]][]
      | null;
    const entries = answer?.[0]?.[1] ?? [];
    return entries.map(([id, fields]) => ({ id, entry: entryFromFields(fields) }));
  }

  async oldest(): Promise<string | null> {
    const first = (await this.commands.xrange(this.key('history'), '-', '+', 'COUNT', 1)) as [string, string[]][];
    return first[0]?.[0] ?? null;
  }

  async beat(info: NodeInfo, aliveMs: number): Promise<void> {
    await this.commands
      .multi()
      .hset(this.key('nodes'), info.node, JSON.stringify(info))
      .set(this.key(`alive:${info.node}`), info.machine, 'PX', aliveMs)
      .exec();
  }

  async nodes(): Promise<(NodeInfo & { alive: boolean })[]> {
    const all = await this.commands.hgetall(this.key('nodes'));
    const infos = Object.values(all).flatMap((text) => {
      try {
        return [JSON.parse(text) as NodeInfo];
      } catch {
        return [];
      }
    });
    if (infos.length === 0) return [];
    const marks = await this.commands.mget(...infos.map((info) => this.key(`alive:${info.node}`)));
    return infos.map((info, i) => ({ ...info, alive: marks[i] !== null }));
  }

  async forget(node: string, machine: string): Promise<void> {
    const text = await this.commands.hget(this.key('nodes'), node);
    if (!text || (JSON.parse(text) as NodeInfo).machine !== machine) return;
    await this.commands.multi().del(this.key(`alive:${node}`)).hdel(this.key('nodes'), node).exec();
  }

  connection(): { up: boolean; error: string | null } {
    return { up: this.commands.status === 'ready', error: this.lastError };
  }

  async close(): Promise<void> {
    // No QUIT: it would wait for a Redis that may be away. The blocked read is dropped with it.
    this.commands.disconnect();
    this.reader.disconnect();
  }
}

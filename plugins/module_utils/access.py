# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Least-privilege ElastiCache RBAC access strings, derived from what a worker does with an instance.

Pure functions, no Ansible or AWS imports. An access string is what CreateUser/ModifyUser take: Redis ACL rules
without a password (ElastiCache sets passwords apart), without `nopass` and without `reset`, enabled with `on`.
ElastiCache documents `&` channel patterns for Redis OSS 6.2+, and `cmd|subcommand`, `%R~`/`%W~` and selectors
for 7.0+; the strings built here use only `on`/`off`, `~pattern`, `&pattern`, `resetchannels`, `-@all`, `+@category`,
`-@category`, `+command`, `-command` and `+command|subcommand` (`+client|setname` also for 6.x, where Redis allows a
subcommand grant; BullMQ's worker stalls without it).

Every user gets `resetchannels` before its channel patterns: Redis 6.2 gives a new user every channel unless told
otherwise (acl-pubsub-default allchannels), Redis 7 none.

How the command lists were found (BullMQ 6.7.6, ioredis 6.1.0, Node 20, redis-server 7.0.15; see BULLMQ_MEASURED):
- a real job round trip (Queue.add, a Worker, Job.waitUntilFinished through QueueEvents) under MONITOR, each role in
  its own process (BULLMQ_ROLE_COMMANDS), with the prefixes '' (BullMQ's `bull`), `web` and `{web}`: every key any
  command or script touched started with `<prefix>:`;
- the round trip passes under `-@all` plus exactly BULLMQ_ROUND_TRIP_COMMANDS with `~<prefix>:*` (ACL LOG empty),
  and fails (NOPERM, a refused script, or a job that never finishes) with most of them taken out one at a time;
- the commands BullMQ's Lua scripts can call were read from its scripts (`redis.call`/`rcall` with a literal name,
  plus SSCAN/HSCAN/SCARD/HLEN/LPUSH/RPUSH chosen at run time), and the commands its Queue, Worker and QueueEvents
  send directly from its classes: BULLMQ_COMMANDS is their union, so paths a round trip does not take (retries,
  delays, priorities, rate limits, flows, job schedulers, getters, clean, obliterate) are granted too. Redis checks
  the commands a script calls against the caller's ACL, so each one has to be granted.
- HELLO (ioredis and redis-py send `HELLO 3 AUTH ...`), AUTH and QUIT need no grant: measured under `-@all`.
- ioredis sends INFO as its ready check on every connection (refused, it warns and goes on) and BullMQ reads
  `redis_version` and `maxmemory_policy` from INFO (it warns unless the policy is noeviction); BullMQ never sends
  CONFIG GET. CLIENT SETNAME names BullMQ's worker and QueueEvents connections.
- the derived queue string (access_string({"queue"}, ...)) then carried a longer run: retries with backoff, delays,
  priorities, LIFO, addBulk (MULTI/EXEC), deduplication, a flow, a job scheduler, progress and logs, getters and
  metrics, pause/resume, retryJobs, promoteJobs, clean, remove, global concurrency, drain and obliterate, with a 1 s
  lock (extendLocks) and a 0.5 s stalled check: ACL LOG refused only CLIENT LIST (Queue.getWorkers). The same run
  with BullMQ 5.81.5 / ioredis 5.11.1 gave the same, and that version's scripts call no command outside the list.
Left out on purpose: CLIENT LIST (Queue.getWorkers, getQueueEvents: it shows every user's connections), SCAN
(Queue.removeOrphanedJobs: Redis does not filter SCAN's answer by key pattern, so it lists other workers' keys).
"""

from __future__ import absolute_import, division, print_function

import re

from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_url import BULLMQ_PREFIX
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_url import queue_prefix

__metaclass__ = type

PURPOSES = ("main", "queue", "pubsub")
DEFAULT_USER_OFF = "off -@all"
# The default user while a group moves from AUTH to RBAC: the AUTH token is its password (set apart), so clients that
# still send only the token keep working until every host has its own user.
MIGRATION_DEFAULT = "on ~* &* +@all"

BULLMQ_MEASURED = {"bullmq": "6.7.6", "ioredis": "6.1.0", "node": "20.20.2", "redis-server": "7.0.15"}

# What each role sent in one round trip (MONITOR; commands called inside scripts included).
BULLMQ_ROLE_COMMANDS = {
    "producer": frozenset({
        "INFO", "EVAL", "EVALSHA", "HSET",
        # addStandardJob, and isFinished for Job.waitUntilFinished
        "EXISTS", "HGET", "HMGET", "HMSET", "INCR", "LPUSH", "XADD", "ZADD", "ZSCORE",
    }),
    "worker": frozenset({
        "INFO", "CLIENT|SETNAME", "EVAL", "EVALSHA", "BZPOPMIN",
        # moveStalledJobsToWait, moveToActive, moveToFinished
        "DEL", "EXISTS", "GET", "HGET", "HGETALL", "HINCRBY", "HMGET", "HMSET", "LLEN", "LRANGE", "LREM",
        "RPOPLPUSH", "SCARD", "SET", "SMEMBERS", "SREM", "XADD", "XTRIM", "ZADD", "ZCARD", "ZPOPMIN", "ZRANGE",
        "ZRANGEBYSCORE",
    }),
    "events": frozenset({"INFO", "CLIENT|SETNAME", "XREAD"}),
}
BULLMQ_ROUND_TRIP_COMMANDS = frozenset().union(*BULLMQ_ROLE_COMMANDS.values())

# Every command BullMQ can send for a queue: its scripts' commands and its direct ones (see the module docstring).
BULLMQ_SCRIPT_COMMANDS = frozenset({
    "DEL", "EXISTS", "GET", "HDEL", "HEXISTS", "HGET", "HGETALL", "HINCRBY", "HLEN", "HMGET", "HMSET", "HSCAN",
    "HSET", "INCR", "INCRBY", "LINDEX", "LLEN", "LPOP", "LPOS", "LPUSH", "LRANGE", "LREM", "LSET", "LTRIM", "PERSIST",
    "PEXPIRE", "PEXPIREAT", "PTTL", "RENAME", "RPOP", "RPOPLPUSH", "RPUSH", "SADD", "SCARD", "SET", "SISMEMBER",
    "SMEMBERS", "SREM", "SSCAN", "TIME", "TYPE", "UNLINK", "XADD", "XDEL", "XLEN", "XRANGE", "XREAD", "XTRIM", "ZADD",
    "ZCARD", "ZCOUNT", "ZLEXCOUNT", "ZPOPMIN", "ZRANGE", "ZRANGEBYLEX", "ZRANGEBYSCORE", "ZREM", "ZREMRANGEBYRANK",
    "ZREMRANGEBYSCORE", "ZREVRANGE", "ZREVRANGEBYSCORE", "ZSCORE",
})
BULLMQ_DIRECT_COMMANDS = frozenset({
    "EVAL", "EVALSHA", "BZPOPMIN", "XREAD", "XADD", "XTRIM", "MULTI", "EXEC", "INFO", "CLIENT|SETNAME",
    "DEL", "GET", "SET", "HDEL", "HEXISTS", "HGET", "HGETALL", "HMGET", "HSCAN", "HSET", "LLEN", "LPOS", "LRANGE",
    "LTRIM", "SMEMBERS", "SSCAN", "ZCARD", "ZRANGE", "ZREVRANGE", "ZSCORE",
})
BULLMQ_COMMANDS = BULLMQ_SCRIPT_COMMANDS | BULLMQ_DIRECT_COMMANDS

# Every user: PING (the client role's proof, redis-py health checks), INFO (ioredis's ready check), CLIENT SETNAME.
CONNECTION_COMMANDS = ("PING", "INFO", "CLIENT|SETNAME")
# Channels only: the pub/sub commands without PUBSUB (CHANNELS/NUMSUB/NUMPAT list every user's channels).
# Measured with ioredis 6.1.0 and redis-py 8.1.0: SUBSCRIBE/PSUBSCRIBE/PUBLISH under `&<pattern>` work, another
# channel is NOPERM.
PUBSUB_COMMANDS = ("SUBSCRIBE", "PSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "PUBLISH",
                   "SSUBSCRIBE", "SUNSUBSCRIBE", "SPUBLISH")
# Topology discovery and redirections of cluster clients (ioredis 6.1.0 and redis-py 8.1.0 sources: CLUSTER SLOTS,
# CLUSTER INFO, CLUSTER SHARDS, READONLY/READWRITE for replicas, ASKING during resharding).
CLUSTER_COMMANDS = ("CLUSTER|SLOTS", "CLUSTER|SHARDS", "CLUSTER|INFO", "READONLY", "READWRITE", "ASKING")
# The main instance holds the application's own data, of any type: every read and write command on its key patterns,
# transactions and scripts, minus @dangerous (FLUSHALL, FLUSHDB, KEYS, SORT, CLIENT KILL, ...: commands that ignore
# key patterns or reach other users), minus what touches every user's scripts and functions.
MAIN_RULES = ("+@read", "+@write", "+@transaction", "+@scripting", "-@dangerous",
              "-script|flush", "-script|kill", "-function")

# `ACL CAT dangerous` on redis-server 7.0.15, minus INFO (BullMQ and ioredis need it; ElastiCache's INFO holds no
# secret). A container command granted whole (`+client`, `+cluster`, `+acl`) grants its dangerous subcommands.
DANGEROUS_COMMANDS = frozenset({
    "ACL|DELUSER", "ACL|DRYRUN", "ACL|GETUSER", "ACL|LIST", "ACL|LOAD", "ACL|LOG", "ACL|SAVE", "ACL|SETUSER",
    "ACL|USERS", "BGREWRITEAOF", "BGSAVE", "CLIENT|KILL", "CLIENT|LIST", "CLIENT|NO-EVICT", "CLIENT|PAUSE",
    "CLIENT|UNBLOCK", "CLIENT|UNPAUSE", "CLUSTER|ADDSLOTS", "CLUSTER|ADDSLOTSRANGE", "CLUSTER|BUMPEPOCH",
    "CLUSTER|COUNT-FAILURE-REPORTS", "CLUSTER|DELSLOTS", "CLUSTER|DELSLOTSRANGE", "CLUSTER|FAILOVER",
    "CLUSTER|FLUSHSLOTS", "CLUSTER|FORGET", "CLUSTER|MEET", "CLUSTER|REPLICAS", "CLUSTER|REPLICATE", "CLUSTER|RESET",
    "CLUSTER|SAVECONFIG", "CLUSTER|SET-CONFIG-EPOCH", "CLUSTER|SETSLOT", "CLUSTER|SLAVES", "CONFIG", "DEBUG",
    "FAILOVER", "FLUSHALL", "FLUSHDB", "KEYS", "LASTSAVE", "LATENCY", "MIGRATE", "MODULE", "MONITOR", "PFDEBUG",
    "PFSELFTEST", "PSYNC", "REPLCONF", "REPLICAOF", "RESTORE", "RESTORE-ASKING", "ROLE", "SAVE", "SHUTDOWN",
    "SLAVEOF", "SLOWLOG", "SORT", "SORT_RO", "SWAPDB", "SYNC",
})
_CONTAINERS = frozenset(name.split("|")[0] for name in DANGEROUS_COMMANDS if "|" in name)
# Rules that grant every dangerous command, or every key.
_RISKY_RULES = frozenset({"+@all", "+@dangerous", "+@admin", "allcommands", "~*", "%rw~*", "%r~*", "%w~*", "allkeys"})
# Categories that hold dangerous commands on redis-server 7.0.15 (FLUSHALL is @write, KEYS @read, CLIENT KILL
# @connection, ...): granting one is a risk unless a later `-@dangerous` (or `-@all`) takes them away again.
_MIXED_CATEGORIES = frozenset({"keyspace", "read", "write", "set", "sortedset", "list", "hyperloglog", "fast", "slow",
                               "connection"})
# Syntax and commands newer than Redis 6.0/6.2 (ElastiCache documents `&` for 6.2+, `-cmd|sub` for 7.0+).
_SINCE_7 = frozenset({"SSUBSCRIBE", "SUNSUBSCRIBE", "SPUBLISH", "CLUSTER|SHARDS"})


def _glob_escape(text):
    """`text` as a literal inside a Redis glob pattern."""
    return "".join("\\" + char if char in "*?[]\\" else char for char in text)


def queue_key_pattern(prefix, cluster=False):
    """The key pattern of a BullMQ queue prefix, as module_utils/redis_url.py writes QUEUE_PREFIX.

    An empty prefix is BullMQ's own `bull`; a cluster queue instance gets the prefix in a hash tag (redis_url's
    queue_prefix), so that every key of a queue lands in one slot (BullMQ's scripts touch several keys at once).
    """
    return "%s:*" % _glob_escape(queue_prefix(prefix, cluster) or BULLMQ_PREFIX)


def _worker_name(worker):
    name = (worker or {}).get("name")
    if not name:
        raise ValueError("a worker needs a name to derive its access string")
    return name


def _unique(items):
    return list(dict.fromkeys(items))


def _version(engine_version):
    parts = str(engine_version or "7.0").split(".")
    try:
        return int(parts[0]), int(parts[1]) if len(parts) > 1 else 0
    except ValueError:
        raise ValueError("engine_version must look like 7.1 or 6.2, got %r" % (engine_version,))


def access_string(purposes, worker, cluster=False, engine_version=None):
    """The access string of `worker`'s user on an instance that serves it `purposes`.

    purposes: a set of "main", "queue", "pubsub" (several when one instance serves the worker more than one way: the
    string is then the union). worker: {name, queue_prefix, key_patterns, channels}; key_patterns defaults to
    ["<name>:*"], channels to ["*"]. cluster: the instance is in cluster mode (hash-tagged queue prefix, topology
    commands). engine_version: the instance's Redis/Valkey version (default 7.x): before 7.0 the string leaves out
    what ElastiCache documents only for 7.0+ (`-cmd|sub`, sharded pub/sub, CLUSTER SHARDS); before 6.2 it has no
    channel rules, because Redis 6.0 cannot restrict channels (every user has every channel there).
    """
    purposes = set(purposes or ())
    unknown = purposes - set(PURPOSES)
    if unknown or not purposes:
        raise ValueError("purposes must be some of %s, got %s" % (", ".join(PURPOSES), sorted(purposes) or "none"))
    name = _worker_name(worker)
    version = _version(engine_version)
    keys, channels, rules, commands = [], [], ["-@all"], list(CONNECTION_COMMANDS)
    if "main" in purposes:
        keys += worker.get("key_patterns") or ["%s:*" % _glob_escape(name)]
        rules += [rule for rule in MAIN_RULES if version >= (7, 0) or "|" not in rule and rule != "-function"]
    if "queue" in purposes:
        keys.append(queue_key_pattern(worker.get("queue_prefix"), cluster))
        commands += sorted(BULLMQ_COMMANDS)
    if "pubsub" in purposes:
        channels += worker.get("channels") or ["*"]
        commands += PUBSUB_COMMANDS
    if cluster:
        commands += CLUSTER_COMMANDS
    if version < (7, 0):
        commands = [command for command in commands if command not in _SINCE_7]
    tokens = ["on"] + ["~" + key for key in _unique(keys)]
    if version >= (6, 2):
        tokens += ["resetchannels"] + ["&" + channel for channel in _unique(channels)]
    tokens += rules + ["+" + command.lower() for command in _unique(commands)]
    return " ".join(tokens)


def risks(access_string):
    """What a production inventory must accept explicitly in `access_string`, each as the rule that grants it.

    `+@all`, `+@dangerous`, `+@admin` (every dangerous command); a category that holds dangerous commands (`+@write`
    grants FLUSHALL) with no `-@dangerous` after it; a dangerous command granted by name (see DANGEROUS_COMMANDS);
    and every key: `~*`, `%RW~*`, `%R~*`, `%W~*`, `allkeys`. Rules inside selectors count too.
    """
    tokens = (access_string or "").replace("(", " ").replace(")", " ").split()
    found = []
    for index, token in enumerate(tokens):
        lowered = token.lower()
        command = lowered[1:].upper() if lowered.startswith("+") and not lowered.startswith("+@") else ""
        base = command.split("|")[0]
        mixed = lowered.startswith("+@") and lowered[2:] in _MIXED_CATEGORIES and not any(
            later.lower() in ("-@dangerous", "-@all") for later in tokens[index + 1:])
        if (lowered in _RISKY_RULES or mixed or command in DANGEROUS_COMMANDS or base in DANGEROUS_COMMANDS
                or (command and command == base and base in _CONTAINERS)):
            found.append(token)
    return _unique(found)


def _glob_parts(pattern):
    """The parts of a Redis glob: ("literal", char), ("star", ""), ("one", ""), ("set", "[...] body")."""
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            index += 1
            yield "literal", pattern[index]
        elif char in "*?":
            yield ("star" if char == "*" else "one"), ""
        elif char == "[" and "]" in pattern[index + 1:]:
            end = pattern.index("]", index + 1)
            yield "set", pattern[index + 1:end]
            index = end
        else:
            yield "literal", char
        index += 1


def _glob_regex(pattern):
    out = []
    for kind, value in _glob_parts(pattern):
        if kind == "set":
            out.append("[%s%s]" % ("^" if value.startswith("^") else "", re.escape(value.lstrip("^"))))
        else:
            out.append({"star": ".*", "one": "."}.get(kind) or re.escape(value))
    return re.compile("".join(out) + r"\Z", re.DOTALL)


def glob_matches(key, patterns):
    """Whether `key` matches one of the Redis glob `patterns`, as Redis's ACL key check does."""
    return any(_glob_regex(pattern).match(key) for pattern in patterns or ())


def _example(kind, value, filler):
    """One string that a glob part matches: `filler` for `*`, the first member of a set (\\x01 when negated)."""
    if kind == "literal":
        return value
    if kind == "star":
        return filler
    if kind == "set" and value and not value.startswith("^"):
        return value[0]
    return "x" if kind == "one" else "\x01"


def refused_key(own_patterns, other_patterns):
    """A key name that matches one of `other_patterns` and none of `own_patterns`, or None when there is none.

    For the NOPERM proof: a worker's user must be refused on that key.
    """
    for pattern in other_patterns or ():
        for filler in ("refused-probe", "x", ""):
            key = "".join(_example(kind, value, filler) for kind, value in _glob_parts(pattern))
            if glob_matches(key, [pattern]) and not glob_matches(key, own_patterns):
                return key
    return None

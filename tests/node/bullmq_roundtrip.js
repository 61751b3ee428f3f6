// One real BullMQ job round trip, as an application does it: a Queue adds a job, a Worker processes it, and the
// producer waits for the result through QueueEvents (Job.waitUntilFinished needs it).
//
//   node tests/node/bullmq_roundtrip.js URL PREFIX QUEUE
//   node tests/node/bullmq_roundtrip.js --versions
//
// URL is redis://[USER:PASSWORD@]HOST:PORT[/DB] or rediss://... (user and password percent-encoded); for rediss the
// CA file is read from REDIS_CA_FILE (else the system trust store). PREFIX '' means BullMQ's default prefix `bull`.
// Prints one JSON line: {"ok", "job_id", "returned", "error"}; exits 0 when the job came back, 1 when anything failed
// (NOPERM, WRONGPASS, timeout: `error` says which), 3 when bullmq is not installed. The password is never printed.
// With REDIS_CLUSTER=true (the env file's REDIS_QUEUE_CLUSTER) the URL is a cluster's endpoint: each BullMQ connection is
// an ioredis Cluster that connects to the nodes by the names CLUSTER SLOTS gives (no DNS lookup of its own, so TLS is
// verified against those names, as AWS advises for ElastiCache in cluster mode).
//
// bullmq and ioredis come from tests/node/package-lock.json, installed by tests/bin/bootstrap with `npm ci` into
// ~/.cache/funmagic-elasticache/node-<sha of the lock file>/ (FUNMAGIC_CACHE overrides the cache root), so nothing is
// installed inside the checkout.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { createRequire } = require('module');

const TIMEOUT_MS = Number(process.env.BULLMQ_ROUNDTRIP_TIMEOUT_MS || 15000);

function cachedModules() {
  const lock = fs.readFileSync(path.join(__dirname, 'package-lock.json'));
  const key = crypto.createHash('sha256').update(lock).digest('hex').slice(0, 16);
  const root = process.env.FUNMAGIC_CACHE || path.join(os.homedir(), '.cache', 'funmagic-elasticache');
  return path.join(root, `node-${key}`, 'node_modules');
}

function load(name) {
  for (const base of [cachedModules(), path.join(__dirname, 'node_modules')]) {
    try {
      const from = createRequire(path.join(base, 'index.js'));
      return { module: from(name), version: from(`${name}/package.json`).version };
    } catch (error) {
      if (error.code !== 'MODULE_NOT_FOUND') throw error;
    }
  }
  return null;
}

function report(result, code) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(code);
}

function connectionOptions(url) {
  const parsed = new URL(url);
  if (!['redis:', 'rediss:'].includes(parsed.protocol)) throw new Error(`not a redis URL: ${parsed.protocol}`);
  const options = {
    host: parsed.hostname,
    port: Number(parsed.port || 6379),
    db: Number(parsed.pathname.slice(1) || 0),
    maxRetriesPerRequest: null, // BullMQ workers require it
    retryStrategy: (times) => (times > 3 ? null : 200), // a refused login fails the run instead of looping
  };
  if (parsed.username) options.username = decodeURIComponent(parsed.username);
  if (parsed.password) options.password = decodeURIComponent(parsed.password);
  if (parsed.protocol === 'rediss:') {
    options.tls = net.isIP(parsed.hostname) ? {} : { servername: parsed.hostname };
    if (process.env.REDIS_CA_FILE) options.tls.ca = fs.readFileSync(process.env.REDIS_CA_FILE);
  }
  return options;
}

function connectionFor(ioredis, url) {
  const options = connectionOptions(url);
  if (process.env.REDIS_CLUSTER !== 'true') return { connection: options, close: async () => {} };
  const { host, port, db, ...redisOptions } = options;
  if (redisOptions.tls) delete redisOptions.tls.servername; // each node's own name
  const cluster = new ioredis.Cluster([{ host, port }], {
    redisOptions,
    dnsLookup: (address, callback) => callback(null, address),
    clusterRetryStrategy: (times) => (times > 3 ? null : 200),
  });
  return { connection: cluster, close: async () => cluster.disconnect() };
}

async function roundTrip(bullmq, ioredis, url, prefix, queueName) {
  const { Queue, QueueEvents, Worker } = bullmq;
  const failures = [];
  const closers = [];
  const common = () => {
    const made = connectionFor(ioredis, url);
    closers.push({ close: made.close });
    return prefix ? { connection: made.connection, prefix } : { connection: made.connection };
  };
  const fail = (error) => failures.push(error);
  try {
    // From the start of the events stream: QueueEvents' first XREAD may come after the job finished (a cluster
    // client is slower to start), and reading from '$' would miss the completion.
    const events = new QueueEvents(queueName, { ...common(), lastEventId: '0-0' });
    closers.push(events);
    events.on('error', fail);
    const worker = new Worker(queueName, async (job) => ({ echoed: job.data.nonce }), common());
    closers.push(worker);
    worker.on('error', fail);
    const queue = new Queue(queueName, common());
    closers.push(queue);
    queue.on('error', fail);
    await Promise.all([events.waitUntilReady(), worker.waitUntilReady(), queue.waitUntilReady()]);
    if (failures.length) throw failures[0];
    const nonce = crypto.randomBytes(8).toString('hex');
    // Kept: Job.waitUntilFinished checks the job's key once it listens, and a job already removed on completion fails
    // that check ("Missing key for job"), which the slower cluster round trip shows.
    const job = await queue.add('roundtrip', { nonce }, { removeOnComplete: false, removeOnFail: false });
    const returned = await job.waitUntilFinished(events, TIMEOUT_MS);
    if (!returned || returned.echoed !== nonce) throw new Error(`job ${job.id} returned ${JSON.stringify(returned)}`);
    return { ok: true, job_id: job.id, returned, error: null };
  } finally {
    await Promise.allSettled(closers.reverse().map((closer) => closer.close()));
  }
}

async function main() {
  const bullmq = load('bullmq');
  const ioredis = load('ioredis');
  if (!bullmq || !ioredis) {
    report({ ok: false, job_id: null, returned: null, error: `bullmq is not installed (run tests/bin/bootstrap)` }, 3);
  }
  if (process.argv[2] === '--versions') {
    report({ ok: true, bullmq: bullmq.version, ioredis: ioredis.version, node: process.versions.node }, 0);
  }
  const [url, prefix, queueName] = process.argv.slice(2);
  if (!url || prefix === undefined || !queueName) {
    report({ ok: false, job_id: null, returned: null, error: 'usage: bullmq_roundtrip.js URL PREFIX QUEUE' }, 2);
  }
  // BullMQ lets some refusals escape as unhandled rejections (Job.waitUntilFinished's own check): report them too.
  process.on('unhandledRejection', (error) => {
    report({ ok: false, job_id: null, returned: null, error: String((error && error.message) || error) }, 1);
  });
  const timer = setTimeout(() => {
    report({ ok: false, job_id: null, returned: null, error: `no result within ${TIMEOUT_MS} ms` }, 1);
  }, TIMEOUT_MS + 5000);
  try {
    const result = await roundTrip(bullmq.module, ioredis.module, url, prefix, queueName);
    clearTimeout(timer);
    report(result, 0);
  } catch (error) {
    clearTimeout(timer);
    report({ ok: false, job_id: null, returned: null, error: String((error && error.message) || error) }, 1);
  }
}

main();

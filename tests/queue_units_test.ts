/**
 * The queued grid's pieces that need no Redis: the queue URL (and its redaction), job ids from run
 * identities, and the coordinator's status line.
 */
import { assert, assertEquals, assertThrows } from "./_assert.ts";
import { presetByName, VARIANTS } from "../lib/ablation/variants.ts";
import { miniMathHeldOutByLevel } from "../lib/data/minimath_split.ts";
import {
  canonicalJson,
  etaSeconds,
  gridStatusLine,
  parseRedisUrl,
  runJobData,
  runJobId,
} from "../lib/queue/mod.ts";

const ROOT = new URL("..", import.meta.url).pathname;

Deno.test("parseRedisUrl: host, port, db, user, password, TLS", () => {
  const plain = parseRedisUrl("redis://10.0.0.5:6380/2");
  assertEquals(plain.connection, { host: "10.0.0.5", port: 6380, db: 2 });
  assertEquals(plain.display, "redis://10.0.0.5:6380/2");
  assertEquals(parseRedisUrl("redis://localhost").connection, {
    host: "localhost",
    port: 6379,
    db: 0,
  });
  const tls = parseRedisUrl("rediss://grid:p%40ss%3Aw0rd@redis.lan:6390/1");
  assertEquals(tls.connection, {
    host: "redis.lan",
    port: 6390,
    db: 1,
    username: "grid",
    password: "p@ss:w0rd",
    tls: { servername: "redis.lan" },
  });
  assertEquals(tls.display, "rediss://grid:***@redis.lan:6390/1");
  assertEquals(
    tls.redact("WRONGPASS p@ss:w0rd and p%40ss%3Aw0rd"),
    "WRONGPASS *** and ***",
  );
  assertEquals(parseRedisUrl("redis://[::1]:7000").connection.host, "::1");
  // The password from the environment when the URL has none (the URL's wins).
  const env = parseRedisUrl("redis://10.0.0.5", "from-env");
  assertEquals(env.connection.password, "from-env");
  assertEquals(env.display, "redis://:***@10.0.0.5");
  assertEquals(env.redact("AUTH from-env"), "AUTH ***");
  assertEquals(parseRedisUrl("redis://u:in-url@h", "from-env").connection.password, "in-url");
});

Deno.test("parseRedisUrl: bad URLs fail in one line, never showing the password", () => {
  const cases: [string, string][] = [
    ["localhost:6379", "expected a redis:// or rediss:// URL"],
    ["http://u:hunter2@host", "expected a redis:// or rediss:// URL"],
    ["redis://u:hunter2@host:99999", "not a URL"],
    ["redis://u:hunter2@host/zero", 'expected a database number after /, got "zero"'],
    ["redis://u:hunter2@host/0?tls=1", "no query or fragment expected"],
    ["not a url :hunter2@", "not a URL"],
    ["redis://u:hunter2@", "not a URL"],
  ];
  for (const [url, why] of cases) {
    const e = assertThrows(() => parseRedisUrl(url));
    assert(e.message.includes(why), `${url}: ${e.message}`);
    assert(!e.message.includes("hunter2"), `${url}: the password shows: ${e.message}`);
    assert(!e.message.includes("\n"), e.message);
  }
});

Deno.test("runJobId: one id per run identity, whatever the key order", () => {
  const preset = presetByName("tiny");
  const opts = {
    baseDir: `${ROOT}data/bases/imperfect-0.8m`,
    preset,
    evalProblems: miniMathHeldOutByLevel(2),
  };
  const ids = VARIANTS.map((v) => runJobId(runJobData(v, 1, opts).identity));
  assertEquals(new Set(ids).size, VARIANTS.length);
  for (const id of ids) assert(/^[a-z0-9_]+\.1\.[0-9a-f]{20}$/.test(id), id);
  const zero = runJobData(VARIANTS[2], 1, opts).identity;
  assertEquals(runJobId(zero), runJobId(JSON.parse(canonicalJson(zero))));
  const reordered = Object.fromEntries(Object.entries(zero).reverse()) as typeof zero;
  assertEquals(runJobId(reordered), runJobId(zero));
  assert(runJobId(runJobData(VARIANTS[2], 2, opts).identity) !== runJobId(zero), "seed 2");
  const quick = { ...opts, preset: presetByName("quick") };
  assert(runJobId(runJobData(VARIANTS[2], 1, quick).identity) !== runJobId(zero), "preset");
  assertEquals(
    canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } }),
    '{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}',
  );
});

Deno.test("gridStatusLine: done, running where, waiting, failed, ETA", () => {
  const status = {
    done: 3,
    total: 9,
    running: [
      { label: "zero_grpo/1", worker: "ws1:81", step: 1, steps: 2 },
      { label: "base/2", worker: "ws2:7" },
    ],
    waiting: 4,
    failed: 1,
    runSeconds: [10, 30],
  };
  assertEquals(
    gridStatusLine(status),
    "ablate: 3/9 done · running zero_grpo/1 on ws1:81 (step 1/2), base/2 on ws2:7 · 4 waiting · " +
      "1 failed · ETA ~60 s",
  );
  assertEquals(
    gridStatusLine(status, false),
    "ablate: 3/9 done · running zero_grpo/1 on ws1:81, base/2 on ws2:7 · 4 waiting · 1 failed · " +
      "ETA ~60 s",
  );
  // 6 runs left × 20 s ÷ 2 workers.
  assertEquals(etaSeconds(status), 60);
  assertEquals(etaSeconds({ ...status, runSeconds: [] }), null);
  assertEquals(
    gridStatusLine({ ...status, running: [], waiting: 0, runSeconds: [] }),
    "ablate: 3/9 done · 0 running · 0 waiting · 1 failed",
  );
  assert(gridStatusLine({ ...status, runSeconds: [3600] }).endsWith("ETA ~3.0 h"));
});

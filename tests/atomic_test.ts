import { equal } from "node:assert/strict";
import { writeTextAtomic, writeTextAtomicSync } from "../lib/io/atomic.ts";

Deno.test("writeTextAtomic: creates parent dirs, replaces content, leaves no temp files", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/a/b/out.txt`;
  await writeTextAtomic(path, "one");
  await writeTextAtomic(path, "two ✓");
  equal(await Deno.readTextFile(path), "two ✓");
  writeTextAtomicSync(path, "three");
  equal(await Deno.readTextFile(path), "three");
  const names = [...Deno.readDirSync(`${dir}/a/b`)].map((e) => e.name);
  equal(names.join(","), "out.txt");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("writeTextAtomic: a failed write leaves the old file intact", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/out.txt`;
  await writeTextAtomic(path, "old");
  await Deno.mkdir(`${dir}/sub`);
  // renaming a file over a directory fails → error, temp removed, old content unchanged
  let failed = false;
  await writeTextAtomic(`${dir}/sub`, "x").catch(() => failed = true);
  equal(failed, true);
  equal(await Deno.readTextFile(path), "old");
  equal([...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".tmp")).length, 0);
  await Deno.remove(dir, { recursive: true });
});

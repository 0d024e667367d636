import { join } from "node:path";
import { assertEquals } from "./_assert.ts";

const ROOT = new URL("..", import.meta.url).pathname;
// Built from parts so that this file does not match itself.
const SHARED = ["..", "shared"].join("/");
const SHARED_DATA = ["", "shared", "data", ""].join("/");

function files(dir: string): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    const path = join(dir, e.name);
    if (e.isDirectory) out.push(...files(path));
    else if (/\.(ts|ipynb|md)$/.test(e.name)) out.push(path);
  }
  return out;
}

Deno.test(`a clone works on its own: nothing in lib/, bin/, tests/, notebooks/ or the README reads ${SHARED}`, () => {
  const offenders: string[] = [];
  const paths = ["lib", "bin", "tests", "notebooks"].flatMap((d) => files(join(ROOT, d)));
  paths.push(join(ROOT, "README.md"));
  for (const path of paths) {
    Deno.readTextFileSync(path).split("\n").forEach((line, i) => {
      if (line.includes(SHARED) || line.includes(SHARED_DATA)) {
        offenders.push(`${path.slice(ROOT.length)}:${i + 1}`);
      }
    });
  }
  assertEquals(offenders, []);
});

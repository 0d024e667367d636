import { assertEquals } from "./_assert.ts";

Deno.test("entry points: an unknown flag is one line on stderr and exit 1", async () => {
  for (const script of ["bin/claims.ts", "bin/base_card.ts", "bin/pretrain.ts", "bin/bench.ts"]) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", script, "--no-such-flag"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const err = new TextDecoder().decode(out.stderr).trim();
    assertEquals(out.code, 1, `${script}: ${err}`);
    assertEquals(err, "error: Unknown option '--no-such-flag'", script);
  }
});

"""PyTorch twin of `deno task bench`'s model benchmark (run by `bin/bench.ts --vs-torch`).

The same Qwen2 model (RMSNorm, RoPE with rotate_half, grouped-query attention with q/k/v biases,
SwiGLU MLP, tied embeddings) built from the same config.json, in eager PyTorch on the CPU:

- train: forward + backward + AdamW (lr 1e-4, no weight decay) on the mean next-token negative
  log-likelihood, batch 64 x 128 token ids `(i * 7919) % V`, one warm-up step then `--train-steps`;
- generate: 128 sequences, 16-token prompts, 96 sampled tokens each (temperature 1, no EOS),
  a KV cache, one prefill then one forward per token.

Both report wall and CPU time (`time.process_time`: every thread of the process).

Prints one JSON object on stdout. Exit status 3 with a one-line reason when torch is missing.

With `--serve` it instead reads commands from stdin, one a line — `warmup` (one train step and
one generation), `train` (one step), `generate` (one generation), `exit` — and answers each
with one JSON line `{"wall": seconds, "cpu": seconds}` (cpu: `time.process_time`, every thread),
so that `bin/bench.ts --vs-torch` can alternate its own steps with these under the same load.

    /usr/bin/python3 bin/bench_torch.py --config data/bases/imperfect-0.8m/config.json [--train-steps 3]
                     [--threads N] [--serve]
"""

import argparse
import json
import math
import os
import sys
import time

try:
    import torch
    import torch.nn.functional as F
except ImportError as e:  # the caller reports this line
    print(f"torch not importable by {sys.executable}: {e}", file=sys.stderr)
    sys.exit(3)


class Qwen2(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        H, I, V = c["hidden_size"], c["intermediate_size"], c["vocab_size"]
        self.nh, self.nkv = c["num_attention_heads"], c["num_key_value_heads"]
        self.hd = H // self.nh
        self.eps = c["rms_norm_eps"]
        g = torch.Generator().manual_seed(0)

        def lin(o, i):
            return torch.nn.Parameter(0.02 * torch.randn(o, i, generator=g))

        self.embed = lin(V, H)
        self.layers = torch.nn.ModuleList()
        for _ in range(c["num_hidden_layers"]):
            layer = torch.nn.Module()
            layer.ln1 = torch.nn.Parameter(torch.ones(H))
            layer.q = lin(self.nh * self.hd, H)
            layer.qb = torch.nn.Parameter(torch.zeros(self.nh * self.hd))
            layer.k = lin(self.nkv * self.hd, H)
            layer.kb = torch.nn.Parameter(torch.zeros(self.nkv * self.hd))
            layer.v = lin(self.nkv * self.hd, H)
            layer.vb = torch.nn.Parameter(torch.zeros(self.nkv * self.hd))
            layer.o = lin(H, self.nh * self.hd)
            layer.ln2 = torch.nn.Parameter(torch.ones(H))
            layer.gate = lin(I, H)
            layer.up = lin(I, H)
            layer.down = lin(H, I)
            self.layers.append(layer)
        self.norm = torch.nn.Parameter(torch.ones(H))
        half = self.hd // 2
        inv = 1.0 / (c["rope_theta"] ** (torch.arange(0, half, dtype=torch.float32) * 2 / self.hd))
        ang = torch.arange(c["max_position_embeddings"], dtype=torch.float32)[:, None] * inv
        ang = torch.cat([ang, ang], dim=-1)
        self.register_buffer("cos", ang.cos(), persistent=False)
        self.register_buffer("sin", ang.sin(), persistent=False)

    def rms(self, x, w):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * w

    def rope(self, x, pos):  # x [B, n, T, hd]
        cos, sin = self.cos[pos][:, None], self.sin[pos][:, None]
        h = self.hd // 2
        rot = torch.cat([-x[..., h:], x[..., :h]], dim=-1)
        return x * cos + rot * sin

    def forward(self, ids, cache=None):
        B, T = ids.shape
        S0 = 0 if cache is None or not cache else cache[0][0].shape[2]
        pos = torch.arange(S0, S0 + T)[None].expand(B, T)
        x = F.embedding(ids, self.embed)
        g = self.nh // self.nkv
        mask = None
        if T > 1:
            mask = torch.full((T, S0 + T), float("-inf")).triu(S0 + 1)
        new_cache = []
        for i, l in enumerate(self.layers):
            h = self.rms(x, l.ln1)
            q = F.linear(h, l.q, l.qb).view(B, T, self.nh, self.hd).transpose(1, 2)
            k = F.linear(h, l.k, l.kb).view(B, T, self.nkv, self.hd).transpose(1, 2)
            v = F.linear(h, l.v, l.vb).view(B, T, self.nkv, self.hd).transpose(1, 2)
            q, k = self.rope(q, pos), self.rope(k, pos)
            if cache is not None:
                if cache:
                    k = torch.cat([cache[i][0], k], dim=2)
                    v = torch.cat([cache[i][1], v], dim=2)
                new_cache.append((k, v))
            S = k.shape[2]
            qg = q.reshape(B, self.nkv, g * T, self.hd)  # heads kv*g + j share K/V head kv
            scores = (qg @ k.transpose(-1, -2)) / math.sqrt(self.hd)
            scores = scores.view(B, self.nh, T, S)
            if mask is not None:
                scores = scores + mask
            p = torch.softmax(scores, dim=-1).view(B, self.nkv, g * T, S)
            att = (p @ v).view(B, self.nh, T, self.hd).transpose(1, 2).reshape(B, T, -1)
            x = x + F.linear(att, l.o)
            h2 = self.rms(x, l.ln2)
            x = x + F.linear(F.silu(F.linear(h2, l.gate)) * F.linear(h2, l.up), l.down)
        logits = F.linear(self.rms(x, self.norm), self.embed)
        return (logits, new_cache) if cache is not None else logits


def train_step(model):
    """One forward + backward + AdamW step on batch 64 x 128 (the closure keeps the optimizer)."""
    B, T = 64, 128
    V = model.c["vocab_size"]
    ids = (torch.arange(B * T) * 7919 % V).view(B, T)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0)

    def step():
        opt.zero_grad(set_to_none=True)
        logits = model(ids)
        loss = F.cross_entropy(logits[:, :-1].reshape(-1, V), ids[:, 1:].reshape(-1))
        loss.backward()
        opt.step()
        return loss.item()

    return step


def train_bench(model, steps):
    B, T = 64, 128
    step = train_step(model)

    step()  # warm-up
    start, cpu0 = time.perf_counter(), time.process_time()
    for _ in range(steps):
        step()
    sec = (time.perf_counter() - start) / steps
    cpu = (time.process_time() - cpu0) / steps
    return {"batch": B, "seq": T, "steps": steps, "sec_per_step": round(sec, 3),
            "cpu_sec_per_step": round(cpu, 3), "tokens_per_s": round(B * T / sec),
            "tokens_per_cpu_s": round(B * T / cpu)}


@torch.no_grad()
def generate(model, prompts, new_tokens, gen):
    cache = []
    logits, cache = model(prompts, cache)
    out = []
    for _ in range(new_tokens):
        probs = torch.softmax(logits[:, -1], dim=-1)
        nxt = torch.multinomial(probs, 1, generator=gen)
        out.append(nxt)
        logits, cache = model(nxt, cache)
    return torch.cat(out, dim=1)


def generate_run(model, warmup=True):
    """One generation: 128 sequences, 16-token prompts, 96 new tokens; returns the new ids."""
    B, P, N = 128, 16, 96
    V = model.c["vocab_size"]
    prompts = torch.tensor([[(b * 31 + t * 17) % V for t in range(P)] for b in range(B)])
    gen = torch.Generator().manual_seed(0)
    if warmup:
        generate(model, prompts[:4], 4, gen)
        return None
    return generate(model, prompts, N, gen)


def generate_bench(model):
    B, P, N = 128, 16, 96
    generate_run(model)  # warm-up
    start, cpu0 = time.perf_counter(), time.process_time()
    toks = generate_run(model, warmup=False)
    sec, cpu = time.perf_counter() - start, time.process_time() - cpu0
    return {"sequences": B, "prompt": P, "new_tokens": N, "seconds": round(sec, 3),
            "cpu_seconds": round(cpu, 3), "tokens_per_s": round(toks.numel() / sec),
            "tokens_per_cpu_s": round(toks.numel() / cpu)}


def serve(model):
    """Answers `warmup`, `train`, `generate` lines on stdin with timings (see module doc)."""
    step = train_step(model)
    actions = {
        "warmup": lambda: (step(), generate_run(model, warmup=False)),
        "train": step,
        "generate": lambda: generate_run(model, warmup=False),
    }
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(),
                      "params": sum(p.numel() for p in model.parameters()),
                      "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "")}), flush=True)
    for line in sys.stdin:
        cmd = line.strip()
        if cmd == "exit" or cmd not in actions:
            break
        start, cpu0 = time.perf_counter(), time.process_time()
        actions[cmd]()
        print(json.dumps({"wall": time.perf_counter() - start, "cpu": time.process_time() - cpu0}),
              flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default="data/bases/imperfect-0.8m/config.json")
    ap.add_argument("--train-steps", type=int, default=3)
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    ap.add_argument("--serve", action="store_true", help="answer commands on stdin")
    a = ap.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    with open(a.config) as f:
        c = json.load(f)
    model = Qwen2(c)
    if a.serve:
        serve(model)
        return
    report = {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "params": sum(p.numel() for p in model.parameters()),
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", ""),
        "train": train_bench(model, a.train_steps),
        "generate": generate_bench(model),
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()

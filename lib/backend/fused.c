/*
 * Fused element-wise kernels of the `native` backend, compiled at first use by
 * lib/backend/fused_lib.ts (cc -O3 -march=native) and called through Deno.dlopen on the
 * wasm heap: each one is a single pass (or two) over its rows where tfjs would run a chain of
 * kernels. Row-major float32; int32 ids. No allocation but the attention gradient's scratch;
 * every row is computed the same way whatever the others hold, so results are deterministic.
 *
 * exp is a Cephes-style polynomial (relative error ~2e-7), written so that GCC vectorizes
 * the loops that call it.
 *
 * Built with OpenMP (when the compiler has it), large kernels split their rows over
 * ssr_set_threads() threads: each output is still computed by one thread with the same code,
 * so results do not depend on the thread count.
 */
#include <dlfcn.h>
#include <sched.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define LANES 8

/* Rows·columns below which a kernel runs on the calling thread alone. */
static const int64_t ssr_par_min = 1 << 15;

#define SSR_PRAGMA(x) _Pragma(#x)
/* A parallel for over the rows of a kernel of `work` elements (a plain loop without OpenMP). */
#define PARALLEL_FOR(work) SSR_PRAGMA(omp parallel for schedule(static) if ((work) >= ssr_par_min))

#ifdef _OPENMP
#include <omp.h>
#endif

/* Threads of the parallel kernels (1 without OpenMP); returns the number in use. */
int ssr_set_threads(int n) {
#ifdef _OPENMP
  if (n > 0) omp_set_num_threads(n);
  return omp_get_max_threads();
#else
  (void)n;
  return 1;
#endif
}

/* 8 floats (GCC/Clang vector extension: AVX with -march=native, else pairs of SSE/NEON). */
typedef float v8 __attribute__((vector_size(32)));
typedef float v8u __attribute__((vector_size(32), aligned(4))); /* unaligned access */

static inline float ssr_expf(float x) {
  x = x < -87.3f ? -87.3f : x;
  x = x > 88.3f ? 88.3f : x;
  float fx = __builtin_floorf(x * 1.44269504088896341f + 0.5f);
  float r = x - fx * 0.693359375f;
  r = r + fx * 2.12194440e-4f;
  float r2 = r * r;
  float p = 1.9875691500E-4f;
  p = p * r + 1.3981999507E-3f;
  p = p * r + 8.3334519073E-3f;
  p = p * r + 4.1665795894E-2f;
  p = p * r + 1.6666665459E-1f;
  p = p * r + 5.0000001201E-1f;
  p = p * r2 + r + 1.0f;
  int32_t bits = ((int32_t)fx + 127) << 23;
  float scale;
  memcpy(&scale, &bits, 4);
  return p * scale;
}

static inline float ssr_sigmoid(float x) { return 1.0f / (1.0f + ssr_expf(-x)); }

/* Max of x[0..n) (NaN-blind; a NaN still reaches the exp sums that follow). */
static inline float row_max(const float *x, int n) {
  float m8[LANES];
  for (int l = 0; l < LANES; l++) m8[l] = -INFINITY;
  int j = 0;
  for (; j + LANES <= n; j += LANES)
    for (int l = 0; l < LANES; l++) m8[l] = x[j + l] > m8[l] ? x[j + l] : m8[l];
  float m = -INFINITY;
  for (int l = 0; l < LANES; l++) m = m8[l] > m ? m8[l] : m;
  for (; j < n; j++) m = x[j] > m ? x[j] : m;
  return m;
}

/* Σ x[j]·y[j] in 8 lanes (fixed order: deterministic). */
static inline float row_dot(const float *x, const float *y, int n) {
  float s8[LANES] = {0};
  int j = 0;
  for (; j + LANES <= n; j += LANES)
    for (int l = 0; l < LANES; l++) s8[l] += x[j + l] * y[j + l];
  float s = 0;
  for (int l = 0; l < LANES; l++) s += s8[l];
  for (; j < n; j++) s += x[j] * y[j];
  return s;
}

/* y[j] = exp(x[j] - m); returns Σ y (8 lanes). */
static inline float row_exp(const float *x, float *y, int n, float m) {
  float s8[LANES] = {0};
  int j = 0;
  for (; j + LANES <= n; j += LANES)
    for (int l = 0; l < LANES; l++) {
      float e = ssr_expf(x[j + l] - m);
      y[j + l] = e;
      s8[l] += e;
    }
  float s = 0;
  for (int l = 0; l < LANES; l++) s += s8[l];
  for (; j < n; j++) {
    float e = ssr_expf(x[j] - m);
    y[j] = e;
    s += e;
  }
  return s;
}

/* ---------------------------------------------------------------- sgemm over the cores */

typedef void (*cblas_sgemm_fn)(int, int, int, int, int, int, float, const float *, int,
                               const float *, int, float, float *, int);
static cblas_sgemm_fn ssr_cblas_sgemm;

/* Finds cblas_sgemm in the CBLAS library at `path` (already loaded by the caller); 1 if found. */
int ssr_init_blas(const char *path) {
  void *lib = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
  if (!lib) lib = dlopen(path, RTLD_NOW);
  ssr_cblas_sgemm = lib ? (cblas_sgemm_fn)dlsym(lib, "cblas_sgemm") : 0;
  return ssr_cblas_sgemm != 0;
}

/*
 * Row-major C = alpha·op(A)·op(B) + beta·C (ssr_init_blas first; run the library on one thread),
 * as 1, 2 or 4 blocks of rows of C chosen from the shape alone, spread over the threads: the
 * same calls whatever the thread count, so the same bits.
 */
static int sgemm_parts(int m, int n, int k) {
  double work = (double)m * n * k;
  int parts = work < (1 << 21) ? 1 : work < (1 << 23) ? 2 : 4;
  while (parts > 1 && m / parts < 16) parts /= 2;
  return parts;
}

/* Block p of `parts` of ssr_sgemm: rows [m·p/parts, m·(p+1)/parts) of C. */
static void sgemm_part(int p, int parts, int transA, int transB, int m, int n, int k, float alpha,
                       const float *A, int lda, const float *B, int ldb, float beta, float *C,
                       int ldc) {
  int r0 = (int)((int64_t)m * p / parts), r1 = (int)((int64_t)m * (p + 1) / parts);
  const float *Ap = transA ? A + r0 : A + (int64_t)r0 * lda;
  ssr_cblas_sgemm(101, transA ? 112 : 111, transB ? 112 : 111, r1 - r0, n, k, alpha, Ap, lda, B,
                  ldb, beta, C + (int64_t)r0 * ldc, ldc);
}

void ssr_sgemm(int transA, int transB, int m, int n, int k, float alpha, const float *A, int lda,
               const float *B, int ldb, float beta, float *C, int ldc) {
  int parts = sgemm_parts(m, n, k);
  PARALLEL_FOR(parts > 1 ? ssr_par_min : 0)
  for (int p = 0; p < parts; p++)
    sgemm_part(p, parts, transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}

/* ---------------------------------------------------------------- RMSNorm */

/* y = x / sqrt(mean(x²) + eps) per row (no gain). */
static inline void rmsnorm_row(const float *restrict xr, float *restrict yr, int cols,
                               float eps) {
  float inv = 1.0f / sqrtf(row_dot(xr, xr, cols) / cols + eps);
  for (int j = 0; j < cols; j++) yr[j] = xr[j] * inv;
}

void ssr_rmsnorm(const float *restrict x, float *restrict y, int rows, int cols, float eps) {
  PARALLEL_FOR((int64_t)rows * cols)
  for (int r = 0; r < rows; r++) rmsnorm_row(x + (int64_t)r * cols, y + (int64_t)r * cols, cols, eps);
}

/* dx = r·(dy − x̂·mean(dy·x̂)), r = 1/sqrt(mean(x²) + eps), x̂ = x·r. */
void ssr_rmsnorm_grad(const float *restrict x, const float *restrict dy, float *restrict dx,
                      int rows, int cols, float eps) {
  PARALLEL_FOR((int64_t)rows * cols)
  for (int r = 0; r < rows; r++) {
    const float *xr = x + (int64_t)r * cols, *gr = dy + (int64_t)r * cols;
    float *dr = dx + (int64_t)r * cols;
    float inv = 1.0f / sqrtf(row_dot(xr, xr, cols) / cols + eps);
    float c = row_dot(gr, xr, cols) * inv * inv / cols; /* mean(dy·x̂)·r */
    for (int j = 0; j < cols; j++) dr[j] = inv * (gr[j] - xr[j] * c);
  }
}

/* ---------------------------------------------------------------- q/k/v heads with RoPE */

/* out = (x + b)·cos + rotate_half(x + b)·sin over one head of hd values. */
static inline void rope_row(const float *x, const float *b, const float *c, const float *s,
                            float *out, int hd) {
  int h = hd / 2;
  for (int i = 0; i < h; i++) {
    float lo = x[i] + b[i], hi = x[i + h] + b[i + h];
    out[i] = lo * c[i] - hi * s[i];
    out[i + h] = hi * c[i + h] + lo * s[i + h];
  }
}

/*
 * qkv [B, T, (nh + 2·nkv)·hd] (+ bias) → q [B, nh, T, hd] and k [B, nkv, T, hd] rotated by
 * cos/sin [B·T, hd], v [B, nkv, T, hd].
 */
void ssr_qkv_heads(const float *restrict qkv, const float *restrict bias,
                   const float *restrict cos, const float *restrict sin, float *restrict q,
                   float *restrict k, float *restrict v, int B, int T, int nh, int nkv, int hd) {
  int width = (nh + 2 * nkv) * hd;
  PARALLEL_FOR((int64_t)B * T * width)
  for (int64_t n = 0; n < (int64_t)B * T; n++) {
      int b = (int)(n / T), t = (int)(n % T);
      const float *row = qkv + n * width, *c = cos + n * hd, *s = sin + n * hd;
      for (int h = 0; h < nh; h++)
        rope_row(row + h * hd, bias + h * hd, c, s, q + (((int64_t)b * nh + h) * T + t) * hd, hd);
      for (int h = 0; h < nkv; h++) {
        int64_t dst = (((int64_t)b * nkv + h) * T + t) * hd;
        rope_row(row + (nh + h) * hd, bias + (nh + h) * hd, c, s, k + dst, hd);
        const float *xv = row + (nh + nkv + h) * hd, *bv = bias + (nh + nkv + h) * hd;
        for (int i = 0; i < hd; i++) v[dst + i] = xv[i] + bv[i];
      }
    }
}

/* The transpose of rope_row: dx = g·cos + rotate_half⁻¹(g·sin). */
static inline void rope_row_grad(const float *g, const float *c, const float *s, float *dx,
                                 int hd) {
  int h = hd / 2;
  for (int i = 0; i < h; i++) {
    dx[i] = g[i] * c[i] + g[i + h] * s[i + h];
    dx[i + h] = g[i + h] * c[i + h] - g[i] * s[i];
  }
}

/* Gradient of ssr_qkv_heads with respect to qkv (the bias gradient is its column sum). */
void ssr_qkv_heads_grad(const float *restrict dq, const float *restrict dk,
                        const float *restrict dv, const float *restrict cos,
                        const float *restrict sin, float *restrict dqkv, int B, int T, int nh,
                        int nkv, int hd) {
  int width = (nh + 2 * nkv) * hd;
  PARALLEL_FOR((int64_t)B * T * width)
  for (int64_t n = 0; n < (int64_t)B * T; n++) {
      int b = (int)(n / T), t = (int)(n % T);
      float *row = dqkv + n * width;
      const float *c = cos + n * hd, *s = sin + n * hd;
      for (int h = 0; h < nh; h++)
        rope_row_grad(dq + (((int64_t)b * nh + h) * T + t) * hd, c, s, row + h * hd, hd);
      for (int h = 0; h < nkv; h++) {
        int64_t src = (((int64_t)b * nkv + h) * T + t) * hd;
        rope_row_grad(dk + src, c, s, row + (nh + h) * hd, hd);
        memcpy(row + (nh + nkv + h) * hd, dv + src, sizeof(float) * hd);
      }
    }
}

/* ---------------------------------------------------------------- attention softmax */

/*
 * probs [B, H, T, S] = softmax of scores over the keys query t may see: s ≤ S0 + t with
 * keyMask[b, s] ≠ 0; the others get 0. A row that sees no key (a padding query) is all 0.
 * Only x[0 … S0+t] of a row is read, and probs may be scores (in place).
 */
/* One row of ssr_attn_softmax: y[0 … S) from x[0 … lim), keys with km ≠ 0 (all of them when dense). */
static inline void softmax_row(const float *x, float *y, const float *km, int S, int lim,
                               int dense) {
  if (dense) {
    float m = row_max(x, lim);
    float inv = 1.0f / row_exp(x, y, lim, m);
    for (int j = 0; j < lim; j++) y[j] *= inv;
    for (int j = lim; j < S; j++) y[j] = 0;
    return;
  }
  float m = -INFINITY;
  int seen = 0;
  for (int j = 0; j < lim; j++)
    if (km[j] != 0) {
      m = x[j] > m ? x[j] : m;
      seen = 1;
    }
  if (!seen) {
    for (int j = 0; j < S; j++) y[j] = 0;
    return;
  }
  float sum = 0;
  for (int j = 0; j < lim; j++) {
    float e = km[j] != 0 ? ssr_expf(x[j] - m) : 0.0f;
    y[j] = e;
    sum += e;
  }
  float inv = 1.0f / sum;
  for (int j = 0; j < lim; j++) y[j] *= inv;
  for (int j = lim; j < S; j++) y[j] = 0;
}

/* 1 if no key of km[0 … S) is masked (the allowed keys of a causal row are then a prefix). */
static inline int keys_dense(const float *km, int S) {
  int d = 1;
  for (int s = 0; s < S; s++) d &= km[s] != 0;
  return d;
}

void ssr_attn_softmax(const float *scores, const float *restrict keyMask, float *probs, int B,
                      int H, int T, int S, int S0) {
  unsigned char dense[B > 0 ? B : 1]; /* no padding key in row b: the allowed keys are a prefix */
  for (int b = 0; b < B; b++) dense[b] = (unsigned char)keys_dense(keyMask + (int64_t)b * S, S);
  PARALLEL_FOR((int64_t)B * H * T * S)
  for (int64_t row = 0; row < (int64_t)B * H * T; row++) {
    int b = (int)(row / ((int64_t)H * T)), t = (int)(row % T);
    int lim = S0 + t + 1 < S ? S0 + t + 1 : S;
    softmax_row(scores + row * S, probs + row * S, keyMask + (int64_t)b * S, S, lim, dense[b]);
  }
}

/* d ← y·(d − Σ_{j<lim} y·d) for j < lim, 0 from lim to T (one row of a causal softmax). */
static inline void causal_grad_row(const float *restrict y, float *restrict d, int lim, int T) {
  float c = row_dot(y, d, lim);
  for (int j = 0; j < lim; j++) d[j] = y[j] * (d[j] - c);
  for (int j = lim; j < T; j++) d[j] = 0;
}

/* ---------------------------------------------------------------- causal self-attention */

#define NO_T 111
#define TR 112
#define SGEMM(tA, tB, m, n, k, A, lda, B, ldb, beta, C, ldc)                                   \
  ssr_cblas_sgemm(101, tA, tB, m, n, k, 1.0f, A, lda, B, ldb, beta, C, ldc)

/*
 * Causal self-attention (ssr_init_blas first): q [B, nh, T, hd], k and v [B, nkv, T, hd] (query
 * head h reads kv head h / (nh / nkv)), keys with keyMask [B, T] = 0 hidden. Writes the
 * probabilities [B, nh, T, T] (0 above the diagonal) and the output [B, T, nh, hd]. Each (b, h)
 * runs on one thread, in blocks of `block` query rows: the scores against only the keys the
 * block sees (an sgemm), their softmax, then the values (an sgemm) — the same calls on any
 * thread count.
 */
void ssr_attention(const float *restrict Q, const float *restrict K, const float *restrict V,
                   const float *restrict keyMask, float *restrict P, float *restrict O, int B,
                   int nh, int nkv, int T, int hd, int block) {
  int g = nh / nkv;
  PARALLEL_FOR((int64_t)B * nh * T * T)
  for (int64_t bh = 0; bh < (int64_t)B * nh; bh++) {
    int b = (int)(bh / nh), h = (int)(bh % nh);
    int64_t kv = ((int64_t)b * nkv + h / g) * T * hd;
    const float *q = Q + bh * T * hd, *km = keyMask + (int64_t)b * T;
    float *p = P + bh * T * T, *o = O + ((int64_t)b * T * nh + h) * hd;
    int dense = keys_dense(km, T);
    for (int r0 = 0; r0 < T; r0 += block) {
      int r1 = r0 + block < T ? r0 + block : T;
      SGEMM(NO_T, TR, r1 - r0, r1, hd, q + (int64_t)r0 * hd, hd, K + kv, hd, 0.0f,
            p + (int64_t)r0 * T, T);
      for (int t = r0; t < r1; t++) softmax_row(p + (int64_t)t * T, p + (int64_t)t * T, km, T, t + 1, dense);
      SGEMM(NO_T, NO_T, r1 - r0, hd, r1, p + (int64_t)r0 * T, T, V + kv, hd, 0.0f,
            o + (int64_t)r0 * nh * hd, nh * hd);
    }
  }
}

/*
 * Gradient of ssr_attention: dO [B, T, nh, hd] and the probabilities P give dq (shape of q), dk
 * and dv (shape of k). Each (b, kv head) runs on one thread: its query heads in order, blocks of
 * `block` rows in order (dk and dv are sums over them, always in that order), with a T×T
 * scratch of its own for dP and then the scores' gradient.
 */
void ssr_attention_grad(const float *restrict dO, const float *restrict P,
                        const float *restrict Q, const float *restrict K,
                        const float *restrict V, float *restrict dQ, float *restrict dK,
                        float *restrict dV, int B, int nh, int nkv, int T, int hd, int block) {
  int g = nh / nkv, ldo = nh * hd;
  PARALLEL_FOR((int64_t)B * nh * T * T)
  for (int64_t bk = 0; bk < (int64_t)B * nkv; bk++) {
    int b = (int)(bk / nkv), kvh = (int)(bk % nkv);
    const float *k = K + bk * T * hd, *v = V + bk * T * hd;
    float *dk = dK + bk * T * hd, *dv = dV + bk * T * hd;
    float *dS = malloc((size_t)T * T * sizeof(float));
    memset(dk, 0, (size_t)T * hd * sizeof(float));
    memset(dv, 0, (size_t)T * hd * sizeof(float));
    for (int h = kvh * g; h < (kvh + 1) * g; h++) {
      int64_t bh = (int64_t)b * nh + h;
      const float *p = P + bh * T * T, *q = Q + bh * T * hd;
      const float *dOh = dO + ((int64_t)b * T * nh + h) * hd;
      float *dq = dQ + bh * T * hd;
      for (int r0 = 0; r0 < T; r0 += block) {
        int r1 = r0 + block < T ? r0 + block : T, m = r1 - r0;
        const float *dOr = dOh + (int64_t)r0 * ldo, *pr = p + (int64_t)r0 * T;
        float *dSr = dS + (int64_t)r0 * T;
        /* dP[r0…r1, 0…r1] = dO·Vᵀ, then the softmax gradient of those rows */
        SGEMM(NO_T, TR, m, r1, hd, dOr, ldo, v, hd, 0.0f, dSr, T);
        for (int t = r0; t < r1; t++)
          causal_grad_row(p + (int64_t)t * T, dS + (int64_t)t * T, t + 1, T);
        /* dQ[r0…r1] = dS·K;  dK[0…r1] += dSᵀ·Q[r0…r1];  dV[0…r1] += Pᵀ·dO[r0…r1] */
        SGEMM(NO_T, NO_T, m, hd, r1, dSr, T, k, hd, 0.0f, dq + (int64_t)r0 * hd, hd);
        SGEMM(TR, NO_T, r1, hd, m, dSr, T, q + (int64_t)r0 * hd, hd, 1.0f, dk, hd);
        SGEMM(TR, NO_T, r1, hd, m, pr, T, dOr, ldo, 1.0f, dv, hd);
      }
    }
    free(dS);
  }
}

/* Softmax gradient per row: dx = y·(dy − Σ y·dy). */
void ssr_softmax_grad(const float *restrict y, const float *restrict dy, float *restrict dx,
                      int rows, int cols) {
  PARALLEL_FOR((int64_t)rows * cols)
  for (int r = 0; r < rows; r++) {
    int64_t off = (int64_t)r * cols;
    const float *yr = y + off, *gr = dy + off;
    float *dr = dx + off;
    float c = row_dot(yr, gr, cols);
    for (int j = 0; j < cols; j++) dr[j] = yr[j] * (gr[j] - c);
  }
}

/* ---------------------------------------------------------------- attention over a KV cache */

/*
 * Scores of NQ (1 or 2, a compile-time constant after inlining) query rows q[h] against slots
 * [0, n8) of the transposed keys Kt [hd, cap] into sc[h][0 … n8): 4 groups of 8 slots per sweep
 * over hd, so every key load feeds NQ·4 independent accumulators. Each score is Σ_i q[i]·k[i] in
 * order of i.
 */
static inline __attribute__((always_inline)) void cached_scores(const float *restrict Kt,
                                                                int64_t cap, const float *q[2],
                                                                float *sc[2], int hd, int n8,
                                                                const int NQ) {
  int s = 0;
  for (; s + 4 * LANES <= n8; s += 4 * LANES) {
    v8 acc[2][4];
    for (int h = 0; h < NQ; h++)
      for (int u = 0; u < 4; u++) acc[h][u] = (v8){0};
    for (int i = 0; i < hd; i++) {
      const float *kr = Kt + (int64_t)i * cap + s;
      v8 k0 = *(const v8u *)kr, k1 = *(const v8u *)(kr + LANES),
         k2 = *(const v8u *)(kr + 2 * LANES), k3 = *(const v8u *)(kr + 3 * LANES);
      for (int h = 0; h < NQ; h++) {
        float x = q[h][i];
        acc[h][0] += x * k0;
        acc[h][1] += x * k1;
        acc[h][2] += x * k2;
        acc[h][3] += x * k3;
      }
    }
    for (int h = 0; h < NQ; h++)
      for (int u = 0; u < 4; u++) memcpy(sc[h] + s + u * LANES, &acc[h][u], sizeof(v8));
  }
  for (; s < n8; s += LANES) {
    v8 acc[2];
    for (int h = 0; h < NQ; h++) acc[h] = (v8){0};
    for (int i = 0; i < hd; i++) {
      v8 k0 = *(const v8u *)(Kt + (int64_t)i * cap + s);
      for (int h = 0; h < NQ; h++) acc[h] += q[h][i] * k0;
    }
    for (int h = 0; h < NQ; h++) memcpy(sc[h] + s, &acc[h], sizeof(v8));
  }
}

/*
 * Softmax numerators in place over sc[0 … n): exp(sc − max) over the slots with km ≠ 0 (all of
 * them when `dense`), 0 elsewhere. Returns their sum, 0 when no slot is visible.
 */
static inline float cached_softmax(float *sc, const float *km, int n, int dense) {
  if (!dense)
    for (int s = 0; s < n; s++) sc[s] = km[s] != 0 ? sc[s] : -INFINITY;
  float m = row_max(sc, n);
  if (m == -INFINITY) return 0;
  if (dense) return row_exp(sc, sc, n, m);
  float s8[LANES] = {0};
  int j = 0;
  for (; j + LANES <= n; j += LANES)
    for (int l = 0; l < LANES; l++) {
      float e = km[j + l] != 0 ? ssr_expf(sc[j + l] - m) : 0.0f;
      sc[j + l] = e;
      s8[l] += e;
    }
  float sum = 0;
  for (int l = 0; l < LANES; l++) sum += s8[l];
  for (; j < n; j++) {
    float e = km[j] != 0 ? ssr_expf(sc[j] - m) : 0.0f;
    sc[j] = e;
    sum += e;
  }
  return sum;
}

/*
 * o[h] = inv[h]·Σ_s p[h][s]·V[s] over slots [0, n) of V [cap, hd], for NQ (1 or 2) heads: each
 * value row loaded once for both, 32 columns of each head's output held in registers.
 */
static inline __attribute__((always_inline)) void cached_values(const float *restrict V,
                                                                float *p[2], float *o[2],
                                                                const float inv[2], int hd,
                                                                int n, const int NQ) {
  if (hd % LANES) {
    for (int h = 0; h < NQ; h++) {
      for (int i = 0; i < hd; i++) o[h][i] = 0;
      for (int s = 0; s < n; s++) {
        const float w = p[h][s], *vr = V + (int64_t)s * hd;
        for (int i = 0; i < hd; i++) o[h][i] += w * vr[i];
      }
      for (int i = 0; i < hd; i++) o[h][i] *= inv[h];
    }
    return;
  }
  int i0 = 0;
  for (; i0 + 4 * LANES <= hd; i0 += 4 * LANES) {
    v8 acc[2][4];
    for (int h = 0; h < NQ; h++)
      for (int u = 0; u < 4; u++) acc[h][u] = (v8){0};
    for (int s = 0; s < n; s++) {
      const float *vr = V + (int64_t)s * hd + i0;
      v8 v0 = *(const v8u *)vr, v1 = *(const v8u *)(vr + LANES),
         v2 = *(const v8u *)(vr + 2 * LANES), v3 = *(const v8u *)(vr + 3 * LANES);
      for (int h = 0; h < NQ; h++) {
        float w = p[h][s];
        acc[h][0] += w * v0;
        acc[h][1] += w * v1;
        acc[h][2] += w * v2;
        acc[h][3] += w * v3;
      }
    }
    for (int h = 0; h < NQ; h++)
      for (int u = 0; u < 4; u++) {
        v8 r = acc[h][u] * inv[h];
        memcpy(o[h] + i0 + u * LANES, &r, sizeof(v8));
      }
  }
  for (; i0 < hd; i0 += LANES) {
    v8 acc[2];
    for (int h = 0; h < NQ; h++) acc[h] = (v8){0};
    for (int s = 0; s < n; s++) {
      v8 v0 = *(const v8u *)(V + (int64_t)s * hd + i0);
      for (int h = 0; h < NQ; h++) acc[h] += p[h][s] * v0;
    }
    for (int h = 0; h < NQ; h++) {
      v8 r = acc[h] * inv[h];
      memcpy(o[h] + i0, &r, sizeof(v8));
    }
  }
}

/* Batch row b of ssr_cached_attention (its arguments, B aside). */
static void cached_attention_row(int b, const float *restrict qkv, const float *restrict bias,
                                 const float *restrict cos, const float *restrict sin,
                                 float *restrict kc, float *restrict vc,
                                 const float *restrict keyMask, float *restrict out,
                                 float *restrict scratch, int nh, int nkv, int T, int hd, int cap,
                                 int S0) {
  int S = S0 + T, g = nh / nkv, S8 = (S + LANES - 1) / LANES * LANES;
  int width = (nh + 2 * nkv) * hd;
  int64_t per = (int64_t)T * nh * hd + 2 * S8; /* scratch per row: rotated q, two score rows */
  float *qb = scratch + b * per, *sc = qb + (int64_t)T * nh * hd;
  for (int t = 0; t < T; t++) {
    int64_t n = (int64_t)b * T + t;
    const float *row = qkv + n * width, *c = cos + n * hd, *s = sin + n * hd;
    for (int h = 0; h < nh; h++)
      rope_row(row + h * hd, bias + h * hd, c, s, qb + ((int64_t)h * T + t) * hd, hd);
    for (int j = 0; j < nkv; j++) {
      int64_t head = (int64_t)b * nkv + j;
      float k[hd], *Kt = kc + head * hd * cap + S0 + t;
      float *vr = vc + (head * cap + S0 + t) * hd;
      rope_row(row + (nh + j) * hd, bias + (nh + j) * hd, c, s, k, hd);
      for (int i = 0; i < hd; i++) Kt[(int64_t)i * cap] = k[i];
      const float *xv = row + (nh + nkv + j) * hd, *bv = bias + (nh + nkv + j) * hd;
      for (int i = 0; i < hd; i++) vr[i] = xv[i] + bv[i];
    }
  }
  const float *km = keyMask + (int64_t)b * S;
  int dense = 1;
  for (int s = 0; s < S; s++) dense &= km[s] != 0;
  for (int j = 0; j < nkv; j++) {
    int64_t head = (int64_t)b * nkv + j;
    const float *Kt = kc + head * hd * cap, *V = vc + head * cap * hd;
    for (int t = 0; t < T; t++) {
      int lim = S0 + t + 1, n8 = (lim + LANES - 1) / LANES * LANES;
      for (int h0 = j * g; h0 < (j + 1) * g; h0 += 2) {
        int nq = h0 + 1 < (j + 1) * g ? 2 : 1;
        const float *qs[2];
        float *os[2], *ps[2] = {sc, sc + S8}, inv[2];
        for (int u = 0; u < nq; u++) {
          qs[u] = qb + ((int64_t)(h0 + u) * T + t) * hd;
          os[u] = out + (((int64_t)b * T + t) * nh + h0 + u) * hd;
        }
        if (nq == 2) cached_scores(Kt, cap, qs, ps, hd, n8, 2);
        else cached_scores(Kt, cap, qs, ps, hd, n8, 1);
        float sum = 0;
        for (int u = 0; u < nq; u++) {
          sum = cached_softmax(ps[u], km, lim, dense);
          inv[u] = 1.0f / sum;
        }
        if (sum == 0) { /* no visible key (the same for both heads) */
          for (int u = 0; u < nq; u++) memset(os[u], 0, sizeof(float) * hd);
          continue;
        }
        if (nq == 2) cached_values(V, ps, os, inv, hd, lim, 2);
        else cached_values(V, ps, os, inv, hd, lim, 1);
      }
    }
  }
}

/*
 * Incremental attention (no gradient) straight from the fused q/k/v projection
 * qkv [B, T, (nh + 2·nkv)·hd]: adds the bias and rotates q and k by cos/sin [B·T, hd] (as
 * ssr_qkv_heads), writes this call's keys and values into the caches at slots S0 … S0+T−1, in
 * place — keys transposed, kc [B, nkv, hd, cap] (a query's scores are a vectorized sweep over the
 * slots), values vc [B, nkv, cap, hd] — then every query (head h reads kv head h / (nh/nkv))
 * softmax-weights the values of the slots it may see (s ≤ S0 + t, keyMask [B, S0+T] ≠ 0) into
 * out [B, T, nh, hd]; the two heads of a pair sharing a kv head are swept together. A query that
 * sees no key gets 0 (as in ssr_attn_softmax). `scratch` holds B·(T·nh·hd + 2·S8) floats, S8 =
 * S0 + T rounded up to a multiple of 8; so must cap be (score sweeps read whole groups of 8).
 */
void ssr_cached_attention(const float *restrict qkv, const float *restrict bias,
                          const float *restrict cos, const float *restrict sin,
                          float *restrict kc, float *restrict vc,
                          const float *restrict keyMask, float *restrict out,
                          float *restrict scratch, int B, int nh, int nkv, int T, int hd,
                          int cap, int S0) {
  PARALLEL_FOR((int64_t)B * nh * T * (S0 + T) * hd / 8)
  for (int b = 0; b < B; b++)
    cached_attention_row(b, qkv, bias, cos, sin, kc, vc, keyMask, out, scratch, nh, nkv, T, hd,
                         cap, S0);
}

/* ---------------------------------------------------------------- SwiGLU */

/* gu [rows, 2I] = [gate | up] → out [rows, I] = silu(gate)·up. */
static inline void swiglu_row(const float *restrict g, float *restrict o, int I) {
  const float *u = g + I;
  for (int j = 0; j < I; j++) o[j] = g[j] * ssr_sigmoid(g[j]) * u[j];
}

void ssr_swiglu(const float *restrict gu, float *restrict out, int rows, int I) {
  PARALLEL_FOR((int64_t)rows * I)
  for (int r = 0; r < rows; r++) swiglu_row(gu + (int64_t)r * 2 * I, out + (int64_t)r * I, I);
}

/* dgu = [dy·up·σ(g)·(1 + g·(1 − σ(g))) | dy·g·σ(g)]. */
void ssr_swiglu_grad(const float *restrict gu, const float *restrict dy, float *restrict dgu,
                     int rows, int I) {
  PARALLEL_FOR((int64_t)rows * I)
  for (int r = 0; r < rows; r++) {
    const float *g = gu + (int64_t)r * 2 * I, *u = g + I, *d = dy + (int64_t)r * I;
    float *dg = dgu + (int64_t)r * 2 * I, *du = dg + I;
    for (int j = 0; j < I; j++) {
      float s = ssr_sigmoid(g[j]);
      dg[j] = d[j] * u[j] * s * (1.0f + g[j] * (1.0f - s));
      du[j] = d[j] * g[j] * s;
    }
  }
}

/* ---------------------------------------------------------------- decoder layer over a KV cache */

#if defined(__x86_64__) || defined(__i386__)
#define CPU_RELAX() __builtin_ia32_pause()
#elif defined(__aarch64__)
#define CPU_RELAX() __asm__ __volatile__("yield")
#else
#define CPU_RELAX() ((void)0)
#endif

/*
 * A sense-reversing barrier for the `n` threads of one parallel region, which spins (yielding
 * the core after a while) instead of sleeping: between the phases of a layer the threads are
 * all running, and waking a sleeping one cost more than a phase (OMP_WAIT_POLICY=passive).
 */
typedef struct {
  int count, sense;
} spin_barrier;

static void barrier_wait(spin_barrier *b, int n, int *sense) {
  if (n == 1) return;
  int s = *sense = !*sense;
  if (__atomic_add_fetch(&b->count, 1, __ATOMIC_ACQ_REL) == n) {
    __atomic_store_n(&b->count, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&b->sense, s, __ATOMIC_RELEASE);
    return;
  }
  for (unsigned spins = 0; __atomic_load_n(&b->sense, __ATOMIC_ACQUIRE) != s; spins++) {
    if (spins < 4096) CPU_RELAX();
    else sched_yield();
  }
}

/* x[j] += y[j], j < n. */
static inline void add_row(float *restrict x, const float *restrict y, int n) {
  for (int j = 0; j < n; j++) x[j] += y[j];
}

/* Items [n·t/nt, n·(t+1)/nt) of n: thread t's share. */
#define SHARE(i, n, t, nt) \
  for (int64_t i = (int64_t)(n) * (t) / (nt); i < (int64_t)(n) * ((t) + 1) / (nt); i++)

/* The shapes of a decoder's layers and the scratch they share (see ssr_decoder_layer). */
typedef struct {
  int B, T, H, I, nh, nkv, hd, cap, S0, N, W, A, pq, po, pg, pd;
  float eps;
  const float *cos, *sin, *keyMask;
  float *xn, *qkv, *att, *gu, *act, *tmp, *rest;
} layer_shape;

static layer_shape layer_shape_of(int B, int T, int H, int I, int nh, int nkv, int hd, int cap,
                                  int S0, float eps, const float *cos, const float *sin,
                                  const float *keyMask, float *scratch) {
  layer_shape s = {B, T, H, I, nh, nkv, hd, cap, S0, B * T, (nh + 2 * nkv) * hd, nh * hd};
  s.pq = sgemm_parts(s.N, s.W, H);
  s.po = sgemm_parts(s.N, H, s.A);
  s.pg = sgemm_parts(s.N, 2 * I, H);
  s.pd = sgemm_parts(s.N, H, I);
  s.eps = eps;
  s.cos = cos;
  s.sin = sin;
  s.keyMask = keyMask;
  s.xn = scratch;
  s.qkv = s.xn + (int64_t)s.N * H;
  s.att = s.qkv + (int64_t)s.N * s.W;
  s.gu = s.att + (int64_t)s.N * s.A;
  s.act = s.gu + (int64_t)s.N * 2 * I;
  s.tmp = s.act + (int64_t)s.N * I;
  s.rest = s.tmp + (int64_t)s.N * H;
  return s;
}

/* Whether a decoder of this shape runs on several threads: where the largest matmul is split or
 * the attention is long (as the kernels alone). */
static int layer_parallel(const layer_shape *s) {
  int64_t attention = (int64_t)s->B * s->nh * s->T * (s->S0 + s->T) * s->hd / 8;
  return s->pg > 1 || attention >= ssr_par_min;
}

/* Thread t of nt's part of one layer on x (see ssr_decoder_layer); meets the others at `bar`. */
static void layer_phases(const layer_shape *s, int t, int nt, spin_barrier *bar, int *sense,
                         float *restrict x, const float *restrict wqkv,
                         const float *restrict bqkv, const float *restrict wo,
                         const float *restrict wgu, const float *restrict wdown,
                         float *restrict kc, float *restrict vc) {
  int N = s->N, H = s->H, I = s->I, W = s->W, A = s->A;
  float *xn = s->xn, *qkv = s->qkv, *att = s->att, *gu = s->gu, *act = s->act, *tmp = s->tmp;
  SHARE(r, N, t, nt) rmsnorm_row(x + r * H, xn + r * H, H, s->eps);
  barrier_wait(bar, nt, sense);
  for (int p = t; p < s->pq; p += nt)
    sgemm_part(p, s->pq, 0, 0, N, W, H, 1, xn, H, wqkv, W, 0, qkv, W);
  barrier_wait(bar, nt, sense);
  SHARE(b, s->B, t, nt)
  cached_attention_row((int)b, qkv, bqkv, s->cos, s->sin, kc, vc, s->keyMask, att, s->rest, s->nh,
                       s->nkv, s->T, s->hd, s->cap, s->S0);
  barrier_wait(bar, nt, sense);
  for (int p = t; p < s->po; p += nt)
    sgemm_part(p, s->po, 0, 0, N, H, A, 1, att, A, wo, H, 0, tmp, H);
  barrier_wait(bar, nt, sense);
  SHARE(r, N, t, nt) {
    add_row(x + r * H, tmp + r * H, H);
    rmsnorm_row(x + r * H, xn + r * H, H, s->eps);
  }
  barrier_wait(bar, nt, sense);
  for (int p = t; p < s->pg; p += nt)
    sgemm_part(p, s->pg, 0, 0, N, 2 * I, H, 1, xn, H, wgu, 2 * I, 0, gu, 2 * I);
  barrier_wait(bar, nt, sense);
  SHARE(r, N, t, nt) swiglu_row(gu + r * 2 * I, act + r * I, I);
  barrier_wait(bar, nt, sense);
  for (int p = t; p < s->pd; p += nt)
    sgemm_part(p, s->pd, 0, 0, N, H, I, 1, act, I, wdown, H, 0, tmp, H);
  barrier_wait(bar, nt, sense);
  SHARE(r, N, t, nt) add_row(x + r * H, tmp + r * H, H);
}

/* Declares this thread's number t, the region's thread count nt (0 and 1 without OpenMP) and
 * its barrier sense. */
#ifdef _OPENMP
#define REGION_THREAD(t, nt, sense) \
  int t = omp_get_thread_num(), nt = omp_get_num_threads(), sense = 0
#else
#define REGION_THREAD(t, nt, sense) int t = 0, nt = 1, sense = 0
#endif

/*
 * One decoder layer of incremental decoding (no gradient), in place on the residual stream
 * x [N = B·T, H]: x += (cached attention of rmsnorm(x)·Wqkv)·Wo, then
 * x += swiglu(rmsnorm(x)·Wgu)·Wdown — the kernels the layer's ops run one by one (ssr_rmsnorm,
 * ssr_sgemm, ssr_cached_attention, ssr_swiglu, then an add) on the same values with the same
 * splits of the matmuls, so the same bits, in one call and one parallel region: the threads share
 * each phase's rows (matmul blocks, batch rows) and meet at a spin barrier between phases.
 * Weights [in, out]: wqkv [H, W = (nh + 2·nkv)·hd] with its bias bqkv [W], wo [nh·hd, H],
 * wgu [H, 2I], wdown [I, H]. cos, sin, kc, vc, keyMask, cap and S0 as in ssr_cached_attention.
 * `scratch` holds N·(2H + W + nh·hd + 3I) floats, then what ssr_cached_attention needs.
 * ssr_init_blas first.
 */
void ssr_decoder_layer(float *restrict x, const float *restrict wqkv, const float *restrict bqkv,
                       const float *restrict wo, const float *restrict wgu,
                       const float *restrict wdown, const float *restrict cos,
                       const float *restrict sin, float *restrict kc, float *restrict vc,
                       const float *restrict keyMask, float *restrict scratch, int B, int T,
                       int H, int I, int nh, int nkv, int hd, int cap, int S0, float eps) {
  layer_shape s = layer_shape_of(B, T, H, I, nh, nkv, hd, cap, S0, eps, cos, sin, keyMask, scratch);
  spin_barrier bar = {0, 0};
  SSR_PRAGMA(omp parallel if (layer_parallel(&s)))
  {
    REGION_THREAD(t, nt, sense);
    layer_phases(&s, t, nt, &bar, &sense, x, wqkv, bqkv, wo, wgu, wdown, kc, vc);
  }
}

/*
 * A whole decoder step of incremental decoding (no gradient) in one call and one parallel
 * region: the embeddings of the token ids [N = B·T] (rows of embed [V, H]; with `plusZero`
 * each value + 0, as the exact one-hot matmul that embeds small vocabularies gives: −0 → +0),
 * the L layers of ssr_decoder_layer in turn, then the final RMSNorm (its gain folded into
 * wlm) and the LM head, logits = rmsnorm(x)·wlm [H, V] — of every row, or with `lastOnly` of
 * each batch row's last position (logits [B, V]) — with the same kernels and matmul splits as
 * those ops one by one, so the same bits. The layers' tensors lie in `heap` at the 7·L byte
 * offsets `layers`, per layer: wqkv, bqkv, wo, wgu, wdown, kc, vc (as ssr_decoder_layer; one
 * pointer argument for them all); every layer's caches have capacity `cap`.
 * `scratch` holds the residual stream [N, H], then what ssr_decoder_layer's scratch holds. Ids
 * must lie in [0, V). ssr_init_blas first.
 */
void ssr_decoder(const int32_t *restrict ids, const float *restrict embed, int plusZero,
                 char *heap, const uint32_t *restrict layers, const float *restrict wlm,
                 float *restrict logits, const float *restrict cos, const float *restrict sin,
                 const float *restrict keyMask, float *restrict scratch, int L, int B, int T,
                 int H, int I, int V, int nh, int nkv, int hd, int cap, int S0, float eps,
                 int lastOnly) {
  int N = B * T, M = lastOnly ? B : N, pl = sgemm_parts(M, V, H);
  float *x = scratch;
  layer_shape s = layer_shape_of(B, T, H, I, nh, nkv, hd, cap, S0, eps, cos, sin, keyMask,
                                 scratch + (int64_t)N * H);
  spin_barrier bar = {0, 0};
  SSR_PRAGMA(omp parallel if (layer_parallel(&s) || pl > 1))
  {
    REGION_THREAD(t, nt, sense);
    SHARE(r, N, t, nt) {
      const float *e = embed + (int64_t)ids[r] * H;
      float *xr = x + r * H;
      if (plusZero)
        for (int j = 0; j < H; j++) xr[j] = e[j] + 0.0f;
      else
        memcpy(xr, e, sizeof(float) * H);
    }
    barrier_wait(&bar, nt, &sense);
    for (int l = 0; l < L; l++) {
      const uint32_t *o = layers + 7 * l;
      layer_phases(&s, t, nt, &bar, &sense, x, (const float *)(heap + o[0]),
                   (const float *)(heap + o[1]), (const float *)(heap + o[2]),
                   (const float *)(heap + o[3]), (const float *)(heap + o[4]),
                   (float *)(heap + o[5]), (float *)(heap + o[6]));
      barrier_wait(&bar, nt, &sense);
    }
    SHARE(r, M, t, nt) {
      int64_t src = lastOnly ? r * T + T - 1 : r;
      rmsnorm_row(x + src * H, s.xn + r * H, H, eps);
    }
    barrier_wait(&bar, nt, &sense);
    for (int p = t; p < pl; p += nt)
      sgemm_part(p, pl, 0, 0, M, V, H, 1, s.xn, H, wlm, V, 0, logits, V);
  }
}

/* ---------------------------------------------------------------- token log-probs */

/*
 * Per row of logits z [rows, V]: logp = z[target] − logsumexp(z) (−logsumexp when
 * target < 0) and the entropy −Σ p·log p = lse − Σ p·z.
 */
void ssr_logprobs(const float *restrict z, const int32_t *restrict target, float *restrict logp,
                  float *restrict ent, int rows, int V) {
  PARALLEL_FOR((int64_t)rows * V)
  for (int r = 0; r < rows; r++) {
    const float *zr = z + (int64_t)r * V;
    float m = row_max(zr, V);
    float s8[LANES] = {0}, d8[LANES] = {0}; /* Σ exp(z − m), Σ exp(z − m)·z */
    int j = 0;
    for (; j + LANES <= V; j += LANES)
      for (int l = 0; l < LANES; l++) {
        float e = ssr_expf(zr[j + l] - m);
        s8[l] += e;
        d8[l] += e * zr[j + l];
      }
    float sum = 0, dot = 0;
    for (int l = 0; l < LANES; l++) {
      sum += s8[l];
      dot += d8[l];
    }
    for (; j < V; j++) {
      float e = ssr_expf(zr[j] - m);
      sum += e;
      dot += e * zr[j];
    }
    float lse = m + logf(sum);
    int id = target[r];
    logp[r] = (id >= 0 && id < V ? zr[id] : 0.0f) - lse;
    ent[r] = lse - dot / sum;
  }
}

/* dz = dlogp·(onehot(target) − p) − dent·p·(z − Σ p·z). */
void ssr_logprobs_grad(const float *restrict z, const int32_t *restrict target,
                       const float *restrict dlogp, const float *restrict dent,
                       float *restrict dz, int rows, int V) {
  PARALLEL_FOR((int64_t)rows * V)
  for (int r = 0; r < rows; r++) {
    const float *zr = z + (int64_t)r * V;
    float *dr = dz + (int64_t)r * V;
    float m = row_max(zr, V);
    float inv = 1.0f / row_exp(zr, dr, V, m); /* dr holds exp(z − m) for now */
    float pz = row_dot(dr, zr, V) * inv;
    float gl = dlogp[r], ge = dent[r];
    for (int j = 0; j < V; j++) {
      float p = dr[j] * inv;
      dr[j] = -gl * p - ge * p * (zr[j] - pz);
    }
    int id = target[r];
    if (id >= 0 && id < V) dr[id] += gl;
  }
}

/* ---------------------------------------------------------------- add, sums over rows */

/* out[i] = a[i] + b[i] (same shapes). */
void ssr_add(const float *restrict a, const float *restrict b, float *restrict out, int n) {
  PARALLEL_FOR(n)
  for (int i = 0; i < n; i++) out[i] = a[i] + b[i];
}

#define SUM_COLS 32

/*
 * out[j] = Σ_r x[r·inner + j] over the rows in order, accumulated in double (e.g. a bias
 * gradient, [rows, inner] → [inner]); blocks of 32 columns spread over the threads.
 */
void ssr_sum_rows(const float *restrict x, float *restrict out, int rows, int inner) {
  int blocks = (inner + SUM_COLS - 1) / SUM_COLS;
  PARALLEL_FOR((int64_t)rows * inner)
  for (int blk = 0; blk < blocks; blk++) {
    int c0 = blk * SUM_COLS, w = inner - c0 < SUM_COLS ? inner - c0 : SUM_COLS;
    double acc[SUM_COLS] = {0};
    for (int64_t r = 0; r < rows; r++) {
      const float *xr = x + r * inner + c0;
      for (int j = 0; j < w; j++) acc[j] += xr[j];
    }
    for (int j = 0; j < w; j++) out[c0 + j] = (float)acc[j];
  }
}

/* ---------------------------------------------------------------- AdamW */

/*
 * One AdamW update, out of place: m' = β1·m + (1−β1)·g, v' = β2·v + (1−β2)·g²,
 * p' = p·keep − stepSize·m' / (√v' + eps) (bias corrections folded into stepSize and eps).
 */
void ssr_adamw(const float *restrict p, const float *restrict g, const float *restrict m,
               const float *restrict v, float *restrict pn, float *restrict mn,
               float *restrict vn, int n, float b1, float b2, float eps, float stepSize,
               float keep) {
  float c1 = 1.0f - b1, c2 = 1.0f - b2;
  PARALLEL_FOR(n)
  for (int i = 0; i < n; i++) {
    float mi = b1 * m[i] + c1 * g[i];
    float vi = b2 * v[i] + c2 * (g[i] * g[i]);
    mn[i] = mi;
    vn[i] = vi;
    pn[i] = p[i] * keep - stepSize * (mi / (sqrtf(vi) + eps));
  }
}

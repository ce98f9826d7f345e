// gemm_skinny.cl — C = α·A·op(B) + β·C (row-major, A not transposed) for a tall A with a small
// inner dimension: the whole-sequence input projection [T·B, E]×[E, G·H] and input gradient
// [T·B, G·H]×[E, G·H]ᵀ, where K and N are tens to a few hundred and M is T·B (tens of thousands).
// CLBlast's tiles are tuned for square-ish problems; here op(B) fits in local memory whole, so a
// work-group loads it once and streams its rows of A past it: each A element is read once from
// global memory (the N work-items of a row read the same address: a broadcast on a GPU, a scalar
// operand of the vector multiply-add on a CPU device), each C element written once.
// Launch: 2-D, local (N/4, R), global (N/4, ⌈M / (R·SKINNY_ROWS)⌉·R); work-item (q, r) computes
// columns 4q…4q+3 (a float4: a CPU device does not vectorise across work-items around a loop,
// a GPU reads local memory 16 bytes at a time) of rows row0 + r + R·i, i < SKINNY_ROWS,
// row0 = group·R·SKINNY_ROWS.
// Local memory: K·N floats (op(B) as [K, N]). Limits: N a multiple of 4, N/4 ≤ the work-group
// size; β = 0 does not read C (so C may hold NaN).

#define SKINNY_ROWS 8

__kernel void gemm_skinny(const int M, const int N, const int K, const float alpha, const float beta,
        TENSOR(const float, a), const int lda, TENSOR(const float, b), const int ldb, const int transpose_b,
        TENSOR(float, c), const int ldc, __local float* bl) {
    BIND(const float, a); BIND(const float, b); BIND(float, c);
    const int jv = get_local_id(0), r = get_local_id(1), R = get_local_size(1);
    const int lid = r * get_local_size(0) + jv, wgs = R * get_local_size(0);
    // op(B) as [K, N]: element (k, n) is b[k·ldb + n], or b[n·ldb + k] when transposed.
    for (int i = lid; i < K * N; i += wgs) {
        const int k = i / N, n = i - k * N;
        bl[i] = transpose_b ? b[n * ldb + k] : b[k * ldb + n];
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    const int row0 = get_group_id(1) * R * SKINNY_ROWS + r;
    // Rows past M read row M−1 (always valid) and are not written.
    __global const float* ar[SKINNY_ROWS];
    float4 acc[SKINNY_ROWS];
    for (int i = 0; i < SKINNY_ROWS; ++i) {
        ar[i] = a + min(row0 + i * R, M - 1) * lda;
        acc[i] = (float4)(0.0f);
    }
    for (int k = 0; k < K; ++k) {
        const float4 bk = vload4(jv, bl + k * N);
        for (int i = 0; i < SKINNY_ROWS; ++i) acc[i] = mad((float4)(ar[i][k]), bk, acc[i]);
    }
    for (int i = 0; i < SKINNY_ROWS; ++i) {
        const int row = row0 + i * R;
        if (row < M) {
            __global float* out = c + row * ldc + 4 * jv;
            vstore4(beta == 0.0f ? alpha * acc[i] : mad((float4)(alpha), acc[i], beta * vload4(0, out)), 0, out);
        }
    }
}

// C = α·Aᵀ·B + β·C for a tiny C and a huge K (the weight gradients Xᵀ·dZ and H₋ᵀ·dZ over all
// T·B rows, A [K, M], B [K, N], row-major): split K so that enough work-groups exist, each
// reducing one 32×32 tile of C over its slice into `partial` ([splits, M, N]); then
// gemm_at_b_reduce sums the slices in a fixed order (deterministic, no float atomics) and
// applies α, β.
// Launch: 3-D, local (8, 8, 1), global (8·⌈N/32⌉, 8·⌈M/32⌉, splits); work-item (q, p) computes
// the 4×4 block rows 4p…4p+3, columns 4q…4q+3 of its tile; A's and B's rows of the slice are
// read straight from global memory (contiguous 32-float runs: coalesced on a GPU, cached on a
// CPU). Limits: N a multiple of 4.
#define AT_B_TILE 32
__kernel void gemm_at_b_partial(const int M, const int N, const int K, const int slice,
        TENSOR(const float, a), const int lda, TENSOR(const float, b), const int ldb,
        TENSOR(float, partial)) {
    BIND(const float, a); BIND(const float, b); BIND(float, partial);
    const int col = get_group_id(0) * AT_B_TILE + 4 * get_local_id(0);
    const int row = get_group_id(1) * AT_B_TILE + 4 * get_local_id(1);
    const int s = get_group_id(2);
    const int k0 = s * slice, k1 = min(K, k0 + slice);
    // Out-of-range rows and columns compute on clamped indices and are not written.
    const int r0 = min(row, M - 1), r1 = min(row + 1, M - 1), r2 = min(row + 2, M - 1), r3 = min(row + 3, M - 1);
    const int cc = min(col, N - 4);
    float4 acc0 = (float4)(0.0f), acc1 = acc0, acc2 = acc0, acc3 = acc0;
    for (int k = k0; k < k1; ++k) {
        __global const float* ak = a + k * lda;
        const float4 bk = vload4(0, b + k * ldb + cc);
        acc0 = mad((float4)(ak[r0]), bk, acc0);
        acc1 = mad((float4)(ak[r1]), bk, acc1);
        acc2 = mad((float4)(ak[r2]), bk, acc2);
        acc3 = mad((float4)(ak[r3]), bk, acc3);
    }
    if (col < N) {
        __global float* out = partial + s * M * N + col;
        if (row < M) vstore4(acc0, 0, out + row * N);
        if (row + 1 < M) vstore4(acc1, 0, out + (row + 1) * N);
        if (row + 2 < M) vstore4(acc2, 0, out + (row + 2) * N);
        if (row + 3 < M) vstore4(acc3, 0, out + (row + 3) * N);
    }
}

// With `sums` (gemm_at_b_partial_rows's column sums of B, a row M after each slice's [M, N]),
// the N entries after C's are B's column sums, written to `sums` as they are.
// Launch: 1-D, global M·N (+ N with `sums`); β = 0 does not read C.
__kernel void gemm_at_b_reduce(const int M, const int N, const int splits, const float alpha, const float beta,
        TENSOR(const float, partial), TENSOR(float, c), const int ldc, TENSOR(float, sums)) {
    BIND(const float, partial); BIND(float, c); BIND(float, sums);
    const int i = get_global_id(0);
    const int stride = (sums ? M + 1 : M) * N;
    if (i >= stride) return;
    float sum = 0.0f;
    for (int s = 0; s < splits; ++s) sum += partial[s * stride + i];
    if (i >= M * N) { sums[i - M * N] = sum; return; }
    const int row = i / N, colm = i - row * N;
    __global float* out = c + row * ldc + colm;
    *out = beta == 0.0f ? alpha * sum : mad(alpha, sum, beta * *out);
}

// ---------------------------------------------------------------------------------------------
// The same two products for CPU devices (PoCL). A CPU device runs a group's work-items one after
// another and does not vectorise across them around a loop, so the kernels above leave most of
// its vector width unused (15–20 GFLOP/s here). These run one work-item per group and walk
// register tiles of 4 rows × two vectors of columns (eight accumulators; common.cl's `lanes`:
// 32 columns on AVX-512, 16 elsewhere) in loops inside it: per k, two vector loads of B, four
// broadcasts of A, eight multiply-adds. Sixteen lanes halve the instructions per multiply-add,
// which these loops' issue (the broadcasts, the row addresses of B) bounded on PoCL.
// Limits: N ≥ CPU_LANES and a multiple of 4. Columns go in chunks of two vectors while they fit,
// then one; a last chunk narrower than a vector overlaps the one before and stores only its new
// columns.

#define ROW_TILE 4
// Rows of K a tile accumulates before going to the next tile (the weight gradient): the block
// of A and B stays in the core's cache while every tile reads it.
#define AT_B_BLOCK 128

// The chunk of columns from n0: two vectors (`width` 2) where they fit, else one ending at most
// at column N, starting at `col` ≤ n0; its columns before n0 − col were another chunk's.
inline int chunk_width(const int n0, const int N) { return n0 + 2 * CPU_LANES <= N ? 2 : 1; }
inline int chunk_start(const int n0, const int N) { return chunk_width(n0, N) == 2 ? n0 : min(n0, N - CPU_LANES); }

// Stores columns `from`… of one row of a chunk (`width` vectors): all of them in the usual case.
inline void store_tile_row(__global float* out, const lanes lo, const lanes hi, const int width, const int from,
                           const float alpha, const float beta) {
    if (from == 0) {
        vstore_lanes(beta == 0.0f ? alpha * lo : mad((lanes)(alpha), lo, beta * vload_lanes(0, out)), 0, out);
        if (width == 2) vstore_lanes(beta == 0.0f ? alpha * hi : mad((lanes)(alpha), hi, beta * vload_lanes(1, out)), 1, out);
        return;
    }
    float v[CPU_LANES];
    vstore_lanes(lo, 0, v);
    for (int j = from; j < CPU_LANES; ++j) out[j] = beta == 0.0f ? alpha * v[j] : mad(alpha, v[j], beta * out[j]);
}

// One k of a 4-row tile of `width` vectors: row i of the tile gains a_i · b[k, col…].
#define TILE_MAD(x0, x1, x2, x3, b0, b1) do { \
    const lanes y0 = (lanes)(x0), y1 = (lanes)(x1), y2 = (lanes)(x2), y3 = (lanes)(x3); \
    c00 = TILE_FMA(y0, b0, c00); c10 = TILE_FMA(y1, b0, c10); c20 = TILE_FMA(y2, b0, c20); c30 = TILE_FMA(y3, b0, c30); \
    if (width == 2) { c01 = TILE_FMA(y0, b1, c01); c11 = TILE_FMA(y1, b1, c11); c21 = TILE_FMA(y2, b1, c21); c31 = TILE_FMA(y3, b1, c31); } \
} while (0)

// C = α·A·B + β·C as gemm_skinny, for CPU devices, B [K, N] read where it is (its rows are
// contiguous). A transposed B is first written out as [K, N] once (transpose_rows below): every
// group copied op(B) into local memory before, and for a short A — the batch's distinct tokens,
// ~1,000 rows in 16 groups — the sixteen copies cost more than the product.
// Launch: 1-D, local 1, global ⌈M / rows_per_group⌉; group g computes rows
// g·rows_per_group … (rows_per_group a multiple of 4). β = 0 does not read C.
__kernel void gemm_skinny_rows(const int M, const int N, const int K, const int rows_per_group,
        const float alpha, const float beta, TENSOR(const float, a), const int lda, TENSOR(const float, b), const int ldb,
        TENSOR(float, c), const int ldc) {
    BIND(const float, a); BIND(const float, b); BIND(float, c);
    const int first = get_group_id(0) * rows_per_group, last = min(M, first + rows_per_group);
    for (int r0 = first; r0 < last; r0 += ROW_TILE) {
        // A tile's rows past the group's last are computed (on row M−1 past the matrix) and not written.
        __global const float* a0 = a + min(r0, M - 1) * lda;
        __global const float* a1 = a + min(r0 + 1, M - 1) * lda;
        __global const float* a2 = a + min(r0 + 2, M - 1) * lda;
        __global const float* a3 = a + min(r0 + 3, M - 1) * lda;
        for (int n0 = 0; n0 < N; ) {
            const int col = chunk_start(n0, N), from = n0 - col;
            // The chunk's width a constant in each loop.
#define SKINNY_CHUNK(WIDTH) { \
                const int width = WIDTH; \
                lanes c00 = (lanes)(0.0f), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00; \
                for (int k = 0; k < K; ++k) { \
                    __global const float* bk = b + k * ldb + col; \
                    const lanes b0 = vload_lanes(0, bk), b1 = width == 2 ? vload_lanes(1, bk) : b0; \
                    TILE_MAD(a0[k], a1[k], a2[k], a3[k], b0, b1); \
                } \
                __global float* out = c + r0 * ldc + col; \
                store_tile_row(out, c00, c01, width, from, alpha, beta); \
                if (r0 + 1 < last) store_tile_row(out + ldc, c10, c11, width, from, alpha, beta); \
                if (r0 + 2 < last) store_tile_row(out + 2 * ldc, c20, c21, width, from, alpha, beta); \
                if (r0 + 3 < last) store_tile_row(out + 3 * ldc, c30, c31, width, from, alpha, beta); \
                n0 = col + width * CPU_LANES; }
            if (chunk_width(n0, N) == 2) SKINNY_CHUNK(2) else SKINNY_CHUNK(1)
#undef SKINNY_CHUNK
        }
    }
}

// `b` [N, K] at stride ldb as `bt` [K, N]: a transposed B for gemm_skinny_rows.
// Launch: 1-D, local 1, global K; work-item k writes row k of bt.
__kernel void transpose_rows(const int N, const int K, TENSOR(const float, b), const int ldb, TENSOR(float, bt)) {
    BIND(const float, b); BIND(float, bt);
    const int k = get_global_id(0);
    if (k >= K) return;
    for (int n = 0; n < N; ++n) bt[k * N + n] = b[n * ldb + k];
}

// gemm_at_b_partial for CPU devices: one work-item per slice of K computes the whole [M, N]
// partial over its slice, in blocks of AT_B_BLOCK rows (each tile reloads its partial sums
// from `partial` between blocks: 16 loads and stores against 2 048 multiply-adds). Column
// chunks outside, row tiles inside: a block's chunk of B (8–16 KiB) stays in L1 while every
// row tile reads it (the other order ran at half the speed).
// Launch: 1-D, local 1, global splits; then gemm_at_b_reduce.
__kernel void gemm_at_b_partial_rows(const int M, const int N, const int K, const int slice,
        TENSOR(const float, a), const int lda, TENSOR(const float, b), const int ldb, TENSOR(float, partial),
        TENSOR(const int, padding), const int batch, const int with_sums) {
    BIND(const float, a); BIND(const float, b); BIND(float, partial); BIND(const int, padding);
    const int s = get_group_id(0);
    const int k0 = s * slice, k1 = min(K, k0 + slice);
    // The slice's [M, N] partial product, and with `with_sums` a row of B's column sums after it
    // (a bias gradient beside its weight gradient, from the same reads of B).
    __global float* sums = partial + s * (M + with_sums) * N;
    // The block's rows to read: with `padding` (a training loop's shared padded prefixes, K =
    // T·batch rows, time-major) not those its backward left zero (common.cl's zero_row).
    int live[AT_B_BLOCK];
    for (int kb = k0, block = 0; kb < k1; ++block) {
        // Up to AT_B_BLOCK rows to read, from kb on.
        int count = 0;
        for (; kb < k1 && count < AT_B_BLOCK; ++kb) {
            if (padding && zero_row(padding, batch, kb)) continue;
            live[count++] = kb;
        }
        for (int n0 = 0; n0 < N; ) {
            const int col = chunk_start(n0, N), from = n0 - col;
            // The chunk's first tile reads its lines of B's rows from memory (they lie ldb
            // apart): it asks for them PREFETCH_ROWS rows ahead (its loads were a third of
            // lstm-imdb's weight gradients on PoCL; the other tiles hit the cache). `summing`,
            // `fetching` and the chunk's width constants in each loop: tested inside, `summing`
            // was one of the hottest instructions there (perf annotate).
#define AT_B_ROWS(SUMMING, FETCHING) \
            for (int i = 0; i < count; ++i) { \
                const int k = live[i]; \
                if (FETCHING && i + PREFETCH_ROWS < count) { \
                    __global const float* ahead = b + live[i + PREFETCH_ROWS] * ldb + col; \
                    prefetch_floats(ahead, width * CPU_LANES); \
                    PREFETCH_LINE(ahead + width * CPU_LANES - 1); \
                } \
                __global const float* ak = a + k * lda; \
                __global const float* bk = b + k * ldb + col; \
                const lanes b0 = vload_lanes(0, bk), b1 = width == 2 ? vload_lanes(1, bk) : b0; \
                TILE_MAD(ak[m0], ak[m1], ak[m2], ak[m3], b0, b1); \
                if (SUMMING) { s0 += b0; if (width == 2) s1 += b1; } \
            }
#define AT_B_CHUNK(WIDTH) { \
            const int width = WIDTH; \
            for (int m0 = 0; m0 < M; m0 += ROW_TILE) { \
                /* Rows past M compute on row M−1 (always valid) and are not written. */ \
                const int m1 = min(m0 + 1, M - 1), m2 = min(m0 + 2, M - 1), m3 = min(m0 + 3, M - 1); \
                __global float* out = sums + m0 * N + col; \
                lanes c00 = (lanes)(0.0f), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00; \
                if (block > 0) { \
                    c00 = vload_lanes(0, out); if (width == 2) c01 = vload_lanes(1, out); \
                    if (m0 + 1 < M) { c10 = vload_lanes(0, out + N); if (width == 2) c11 = vload_lanes(1, out + N); } \
                    if (m0 + 2 < M) { c20 = vload_lanes(0, out + 2 * N); if (width == 2) c21 = vload_lanes(1, out + 2 * N); } \
                    if (m0 + 3 < M) { c30 = vload_lanes(0, out + 3 * N); if (width == 2) c31 = vload_lanes(1, out + 3 * N); } \
                } \
                lanes s0 = (lanes)(0.0f), s1 = s0; \
                const bool summing = with_sums && m0 == 0; \
                if (summing && block > 0) { s0 = vload_lanes(0, sums + M * N + col); if (width == 2) s1 = vload_lanes(1, sums + M * N + col); } \
                if (summing) AT_B_ROWS(true, true) else if (m0 == 0) AT_B_ROWS(false, true) else AT_B_ROWS(false, false) \
                if (summing) store_tile_row(sums + M * N + col, s0, s1, width, from, 1.0f, 0.0f); \
                store_tile_row(out, c00, c01, width, from, 1.0f, 0.0f); \
                if (m0 + 1 < M) store_tile_row(out + N, c10, c11, width, from, 1.0f, 0.0f); \
                if (m0 + 2 < M) store_tile_row(out + 2 * N, c20, c21, width, from, 1.0f, 0.0f); \
                if (m0 + 3 < M) store_tile_row(out + 3 * N, c30, c31, width, from, 1.0f, 0.0f); \
            } \
            n0 = col + width * CPU_LANES; }
            if (chunk_width(n0, N) == 2) AT_B_CHUNK(2) else AT_B_CHUNK(1)
#undef AT_B_CHUNK
#undef AT_B_ROWS
        }
    }
}

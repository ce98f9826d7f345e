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

// Launch: 1-D, global M·N; β = 0 does not read C.
__kernel void gemm_at_b_reduce(const int M, const int N, const int splits, const float alpha, const float beta,
        TENSOR(const float, partial), TENSOR(float, c), const int ldc) {
    BIND(const float, partial); BIND(float, c);
    const int i = get_global_id(0);
    if (i >= M * N) return;
    float sum = 0.0f;
    for (int s = 0; s < splits; ++s) sum += partial[s * M * N + i];
    const int row = i / N, colm = i - row * N;
    __global float* out = c + row * ldc + colm;
    *out = beta == 0.0f ? alpha * sum : mad(alpha, sum, beta * *out);
}

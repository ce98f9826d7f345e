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


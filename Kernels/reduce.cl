// reduce.cl — deterministic reductions (fixed summation order, no atomics).
// sum_rows:       y[c] = (beta == 0 ? 0 : beta·y[c]) + Σ_r x[r, c], rows summed in order 0, 1, …
//                 Launch: global cols, one work-item per column (reads coalesce across columns).
// sum_of_squares: result = (accumulate ? result : 0) + Σ_i x[i]². Launch: exactly one work-group,
//                 global = local = REDUCE_WG; work-item l sums i = l, l+REDUCE_WG, … in order, then a
//                 fixed tree in local memory (float partials; the CPU reference sums in double).
// clip_scale:     scale = ss > 0 ? min(1, clip_norm / √ss) : 1.  Launch: global 1.
// Limits: element counts < 2³¹. sum_of_squares runs on one compute unit: fine for gradient
// tensors, memory-bound for very large ones.

#define REDUCE_WG 256

__kernel void sum_rows(const int rows, const int cols, TENSOR(const float, x), const float beta, TENSOR(float, y)) {
    int c = get_global_id(0);
    if (c >= cols) return;
    BIND(const float, x); BIND(float, y);
    float sum = 0.0f;
    for (int r = 0; r < rows; ++r) sum += x[r * cols + c];
    y[c] = (beta == 0.0f ? 0.0f : beta * y[c]) + sum;
}

// sum_rows for CPU devices, whose work-items above each run one scalar chain down a column: one
// work-item per slice of rows sums eight columns at a time as float8, in four chains of
// alternate rows, into partial[slice, cols]; gemm_at_b_reduce (M = 1) then adds the slices in
// order. Launch: 1-D, local 1, global ⌈rows / slice⌉. Limits: cols a multiple of 8.
__kernel void sum_rows_partial(const int rows, const int cols, const int slice, TENSOR(const float, x), TENSOR(float, partial)) {
    BIND(const float, x); BIND(float, partial);
    const int s = get_group_id(0);
    const int r0 = s * slice, r1 = min(rows, r0 + slice);
    for (int c = 0; c < cols; c += 8) {
        float8 a0 = (float8)(0.0f), a1 = a0, a2 = a0, a3 = a0;
        int r = r0;
        for (; r + 4 <= r1; r += 4) {
            a0 += vload8(0, x + r * cols + c);
            a1 += vload8(0, x + (r + 1) * cols + c);
            a2 += vload8(0, x + (r + 2) * cols + c);
            a3 += vload8(0, x + (r + 3) * cols + c);
        }
        for (; r < r1; ++r) a0 += vload8(0, x + r * cols + c);
        vstore8((a0 + a1) + (a2 + a3), 0, partial + s * cols + c);
    }
}

__kernel __attribute__((reqd_work_group_size(REDUCE_WG, 1, 1)))
void sum_of_squares(const int n, TENSOR(const float, x), TENSOR(float, result), const int accumulate) {
    __local float partial[REDUCE_WG];
    BIND(const float, x); BIND(float, result);
    int lid = get_local_id(0);
    float acc = 0.0f;
    for (int i = lid; i < n; i += REDUCE_WG) acc += x[i] * x[i];
    partial[lid] = acc;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int s = REDUCE_WG / 2; s > 0; s >>= 1) {
        if (lid < s) partial[lid] += partial[lid + s];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lid == 0) result[0] = (accumulate ? result[0] : 0.0f) + partial[0];
}

__kernel void clip_scale(TENSOR(const float, ss), const float clip_norm, TENSOR(float, scale)) {
    if (get_global_id(0) != 0) return;
    BIND(const float, ss); BIND(float, scale);
    float s = ss[0];
    float v = clip_norm / sqrt(s);
    scale[0] = s > 0.0f ? (v < 1.0f ? v : 1.0f) : 1.0f;
}

// elementwise.cl — element-wise ops; one work-item per element unless noted. Launch: global n.
// fill:                x[i] = value; fill_rows (CPU devices): the same, CPU_CHUNK elements per
//                      work-item (global ⌈n / CPU_CHUNK⌉, local 1)
// copy2D:              dst[r·ds + c] = src[r·ss + c]                        (global rows·cols)
// add_bias:            x[r, c] += bias[c]                                  (global rows·cols)
// activation_forward:  y[i] = f(x[i])                                      (in place allowed)
// activation_backward: dx[i] = dy[i] · f'(y[i])                            (in place allowed)
// softmax_rows:        y[r, c] = exp(x[r, c] − max_r) / Σ_c exp(x[r, c] − max_r); one work-group
//                      of SOFTMAX_WG per row (global rows·SOFTMAX_WG, local SOFTMAX_WG), max and sum
//                      by a fixed-order tree in local memory (deterministic); in place allowed.
//                      Any C: each work-item strides over the row.
// multiply:            y[i] = a[i] · b[i]                                  (in place allowed)
// multiply_broadcast:  y[r, i] = x[r, i] · f[i], f of n elements         (global (n, repeats))
// axpby:               y[i] = alpha · x[i] + beta · y[i]   (beta = 0 still reads y, as the CPU does)
// clip_by_value:       x[i] = min(max(x[i], −limit), limit), NaN kept (Swift's min/max)
// CPU devices run copies, multiply, multiply_broadcast and axpby of large tensors as *_rows
// kernels (local size 1): copy_rows, multiply_rows and axpby_rows CPU_CHUNK elements per
// work-item, copy2D_rows and multiply_broadcast_rows `rows_per_item` rows each; eight elements at
// a time, the same arithmetic per element. A work-item per element cost PoCL 1.1–1.2 ms for each
// of stacked-bilstm's 16,384 × 64 copies and about 4 ms for each of bigru-w2v's 5.5 M-element
// SpatialDropout1D products.
// Limits: element counts fit in int (< 2³¹).

#define SOFTMAX_WG 256

// Swift's `max`/`min` (`y >= x ? y : x`, `y < x ? y : x`): a NaN first operand survives.
inline float swift_max(float x, float y) { return y >= x ? y : x; }
inline float swift_min(float x, float y) { return y < x ? y : x; }

__kernel void fill(const int n, TENSOR(float, x), const float value) {
    int i = get_global_id(0);
    if (i >= n) return;
    BIND(float, x);
    x[i] = value;
}

// PoCL: a 10,000 × 128 embedding gradient took 0.7–1.4 ms as `fill`, 0.14 ms this way.
__kernel void fill_rows(const int n, TENSOR(float, x), const float value) {
    BIND(float, x);
    const int first = get_group_id(0) * CPU_CHUNK, last = min(n, first + CPU_CHUNK);
    const float8 v = (float8)(value);
    int i = first;
    for (; i + 8 <= last; i += 8) vstore8(v, 0, x + i);
    for (; i < last; ++i) x[i] = value;
}

__kernel void copy2D(const int rows, const int cols, TENSOR(const float, src), const int src_stride,
        TENSOR(float, dst), const int dst_stride) {
    int i = get_global_id(0);
    if (i >= rows * cols) return;
    BIND(const float, src); BIND(float, dst);
    int r = i / cols, c = i - r * cols;
    dst[r * dst_stride + c] = src[r * src_stride + c];
}

__kernel void add_bias(const int rows, const int cols, TENSOR(float, x), TENSOR(const float, bias)) {
    int i = get_global_id(0);
    if (i >= rows * cols) return;
    BIND(float, x); BIND(const float, bias);
    x[i] += bias[i % cols];
}

__kernel void activation_forward(const int n, const int act, TENSOR(const float, x), TENSOR(float, y)) {
    int i = get_global_id(0);
    if (i >= n) return;
    BIND(const float, x); BIND(float, y);
    y[i] = activate(act, x[i]);
}

__kernel void activation_backward(const int n, const int act, TENSOR(const float, y), TENSOR(const float, dy),
        TENSOR(float, dx)) {
    int i = get_global_id(0);
    if (i >= n) return;
    BIND(const float, y); BIND(const float, dy); BIND(float, dx);
    dx[i] = dy[i] * activate_grad(act, y[i]);
}

__kernel __attribute__((reqd_work_group_size(SOFTMAX_WG, 1, 1)))
void softmax_rows(const int R, const int C, TENSOR(const float, x), TENSOR(float, y)) {
    // Launched with exactly R groups, so there is no bounds check: PoCL crashes on a return that
    // precedes a barrier, even one a whole group takes.
    __local float scratch[SOFTMAX_WG];
    int r = get_group_id(0), lid = get_local_id(0);
    BIND(const float, x); BIND(float, y);
    __global const float* row_in = x + r * C;
    __global float* row_out = y + r * C;

    float m = -INFINITY;
    for (int c = lid; c < C; c += SOFTMAX_WG) m = fmax(m, row_in[c]);
    scratch[lid] = m;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int s = SOFTMAX_WG / 2; s > 0; s >>= 1) {
        if (lid < s) scratch[lid] = fmax(scratch[lid], scratch[lid + s]);
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    m = scratch[0];
    barrier(CLK_LOCAL_MEM_FENCE);

    float sum = 0.0f;
    for (int c = lid; c < C; c += SOFTMAX_WG) sum += exp(row_in[c] - m);
    scratch[lid] = sum;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int s = SOFTMAX_WG / 2; s > 0; s >>= 1) {
        if (lid < s) scratch[lid] += scratch[lid + s];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    sum = scratch[0];

    for (int c = lid; c < C; c += SOFTMAX_WG) row_out[c] = exp(row_in[c] - m) / sum;
}

__kernel void multiply(const int n, TENSOR(const float, a), TENSOR(const float, b), TENSOR(float, y)) {
    int i = get_global_id(0);
    if (i >= n) return;
    BIND(const float, a); BIND(const float, b); BIND(float, y);
    y[i] = a[i] * b[i];
}

// Launched 2-D, (n, repeats): the factor's index is the work-item's first coordinate, not a
// remainder per element (an integer division each: PoCL spent milliseconds on simplernn-dropout's
// [500, 128·32] masks).
__kernel void multiply_broadcast(const int repeats, const int n, TENSOR(const float, x), TENSOR(const float, f),
        TENSOR(float, y)) {
    const int i = get_global_id(0), r = get_global_id(1);
    if (i >= n || r >= repeats) return;
    BIND(const float, x); BIND(const float, f); BIND(float, y);
    y[r * n + i] = x[r * n + i] * f[i];
}

__kernel void axpby(const int n, const float alpha, TENSOR(const float, x), const float beta, TENSOR(float, y)) {
    int i = get_global_id(0);
    if (i >= n) return;
    BIND(const float, x); BIND(float, y);
    y[i] = alpha * x[i] + beta * y[i];
}

__kernel void clip_by_value(const int n, TENSOR(float, x), const float limit) {
    int i = get_global_id(0);
    if (i >= n) return;
    BIND(float, x);
    x[i] = swift_min(swift_max(x[i], -limit), limit);
}

// ---- CPU devices (see the header) ----

__kernel void copy_rows(const int n, TENSOR(const float, src), TENSOR(float, dst)) {
    BIND(const float, src); BIND(float, dst);
    const int first = get_group_id(0) * CPU_CHUNK, last = min(n, first + CPU_CHUNK);
    int i = first;
    for (; i + 8 <= last; i += 8) vstore8(vload8(0, src + i), 0, dst + i);
    for (; i < last; ++i) dst[i] = src[i];
}

__kernel void copy2D_rows(const int rows, const int cols, TENSOR(const float, src), const int src_stride,
        TENSOR(float, dst), const int dst_stride, const int rows_per_item) {
    BIND(const float, src); BIND(float, dst);
    const int first = get_group_id(0) * rows_per_item, last = min(rows, first + rows_per_item);
    for (int r = first; r < last; ++r) {
        __global const float* from = src + r * src_stride;
        __global float* to = dst + r * dst_stride;
        int c = 0;
        for (; c + 8 <= cols; c += 8) vstore8(vload8(0, from + c), 0, to + c);
        for (; c < cols; ++c) to[c] = from[c];
    }
}

__kernel void multiply_rows(const int n, TENSOR(const float, a), TENSOR(const float, b), TENSOR(float, y)) {
    BIND(const float, a); BIND(const float, b); BIND(float, y);
    const int first = get_group_id(0) * CPU_CHUNK, last = min(n, first + CPU_CHUNK);
    int i = first;
    for (; i + 8 <= last; i += 8) vstore8(vload8(0, a + i) * vload8(0, b + i), 0, y + i);
    for (; i < last; ++i) y[i] = a[i] * b[i];
}

__kernel void multiply_broadcast_rows(const int repeats, const int n, TENSOR(const float, x), TENSOR(const float, f),
        TENSOR(float, y), const int rows_per_item) {
    BIND(const float, x); BIND(const float, f); BIND(float, y);
    const int first = get_group_id(0) * rows_per_item, last = min(repeats, first + rows_per_item);
    for (int r = first; r < last; ++r) {
        __global const float* in = x + r * n;
        __global float* out = y + r * n;
        int i = 0;
        for (; i + 8 <= n; i += 8) vstore8(vload8(0, in + i) * vload8(0, f + i), 0, out + i);
        for (; i < n; ++i) out[i] = in[i] * f[i];
    }
}

__kernel void axpby_rows(const int n, const float alpha, TENSOR(const float, x), const float beta, TENSOR(float, y)) {
    BIND(const float, x); BIND(float, y);
    const int first = get_group_id(0) * CPU_CHUNK, last = min(n, first + CPU_CHUNK);
    int i = first;
    for (; i + 8 <= last; i += 8) vstore8(alpha * vload8(0, x + i) + beta * vload8(0, y + i), 0, y + i);
    for (; i < last; ++i) y[i] = alpha * x[i] + beta * y[i];
}

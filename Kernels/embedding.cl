// embedding.cl — token-id lookup and its deterministic gradient (no atomics).
// embedding_gather:   out[t, b, :] = table[ids[b, t], :], or 0 when the id is outside [0, V).
//                     Launch: global T·B·E, one work-item per output element (column fastest).
// embedding_gradient: dtable[tok_s, j] = Σ_{k ∈ [starts[s], starts[s+1])} dy[rows[k], j], summed in
//                     `rows` order from 0 (zero-then-sum), for each segment s whose token is in
//                     [0, V); other rows of dtable are not touched. Launch: global N·E (N = B·T
//                     segments), one work-item per (segment, column).
// Limits: element counts and indices fit in int (< 2³¹); segments must name distinct tokens
// (EmbeddingGradientIndex guarantees it), otherwise two work-items would race on one row.

__kernel void embedding_gather(const int B, const int T, const int V, const int E,
        TENSOR(const int, ids), TENSOR(const float, table), TENSOR(float, out)) {
    int i = get_global_id(0);
    if (i >= T * B * E) return;
    BIND(const int, ids); BIND(const float, table); BIND(float, out);
    int row = i / E, j = i - row * E;
    int t = row / B, b = row - t * B;
    int id = ids[b * T + t];
    out[i] = (id >= 0 && id < V) ? table[id * E + j] : 0.0f;
}

__kernel void embedding_gradient(const int N, const int V, const int E,
        TENSOR(const float, dy), TENSOR(const int, rows), TENSOR(const int, starts), TENSOR(const int, tokens),
        TENSOR(float, dtable)) {
    int i = get_global_id(0);
    if (i >= N * E) return;
    BIND(const float, dy); BIND(const int, rows); BIND(const int, starts); BIND(const int, tokens); BIND(float, dtable);
    int s = i / E, j = i - s * E;
    int token = tokens[s];
    if (token < 0 || token >= V) return;
    float sum = 0.0f;
    int end = starts[s + 1];
    for (int k = starts[s]; k < end; ++k) sum += dy[rows[k] * E + j];
    dtable[token * E + j] = sum;
}

// The same two, four columns per work-item (E a multiple of 4), launched 3-D / 2-D so that no
// work-item divides: a CPU device runs a quarter of the work-items, each moving a float4 (PoCL:
// lstm-imdb's embedding phase, a 64,000 × 128 gather and segment sum, was 34–40 ms of a 280 ms
// step); a GPU reads 16 bytes per work-item, still coalesced across the row. Each column's sum
// runs in the same order as above, so the results are the same bits.
// embedding_gather4:   global (E/4, B, T); work-item (q, b, t) writes columns 4q…4q+3 of out[t, b].
// embedding_gradient4: global (E/4, N); work-item (q, s) sums columns 4q…4q+3 of segment s.
__kernel void embedding_gather4(const int B, const int T, const int V, const int E,
        TENSOR(const int, ids), TENSOR(const float, table), TENSOR(float, out)) {
    BIND(const int, ids); BIND(const float, table); BIND(float, out);
    const int q = get_global_id(0), b = get_global_id(1), t = get_global_id(2);
    const int id = ids[b * T + t];
    const float4 v = (id >= 0 && id < V) ? vload4(q, table + id * E) : (float4)(0.0f);
    vstore4(v, q, out + (t * B + b) * E);
}

// CPU devices: a work-item per ROWS output rows (global ⌈T·B / ROWS⌉, local 1), each row's
// columns four at a time; E a multiple of 4. PoCL ran embedding_gather4's 32-item groups at
// about a third of this speed inside a training step.
__kernel void embedding_gather_rows(const int B, const int T, const int V, const int E,
        TENSOR(const int, ids), TENSOR(const float, table), TENSOR(float, out), const int ROWS) {
    BIND(const int, ids); BIND(const float, table); BIND(float, out);
    const int first = get_group_id(0) * ROWS, last = min(T * B, first + ROWS);
    for (int row = first; row < last; ++row) {
        const int t = row / B, b = row - t * B, id = ids[b * T + t];
        __global float* o = out + row * E;
        if (id >= 0 && id < V) {
            __global const float* source = table + id * E;
            for (int j = 0; j < E; j += 4) vstore4(vload4(0, source + j), 0, o + j);
        } else {
            for (int j = 0; j < E; j += 4) vstore4((float4)(0.0f), 0, o + j);
        }
    }
}

// CPU devices: global K, local 1; work-item k takes the segments s whose cost position
// starts[s] + s (occurrences summed, plus one per segment for its token check) lies in
// [C·k/K, C·(k+1)/K), C = starts[N] + N. The position grows with s whatever the index, so the
// items split it exactly; weighting by occurrences keeps them even when a few segments hold most
// rows and the rest are empty (lstm-imdb: ~10,000 used of 64,000). Each column is summed in the
// same order as embedding_gradient (the same bits).
inline int first_segment_at(__global const int* starts, const int N, const long position) {
    int low = 0, high = N;
    while (low < high) {
        const int middle = (low + high) / 2;
        if ((long)starts[middle] + middle < position) low = middle + 1; else high = middle;
    }
    return low;
}

// Asks for columns j…j+count of the row PREFETCH_ROWS occurrences after k, when it is still the
// work-item's (before `last_row`) and not one the backward left zero.
inline void prefetch_row_ahead(const int k, const int last_row, __global const float* dy, __global const int* rows,
                               const int E, const int j, const int count, __global const int* padding, const int batch) {
    const int ahead = k + PREFETCH_ROWS;
    if (ahead >= last_row || (padding && zero_row(padding, batch, rows[ahead]))) return;
    prefetch_floats(dy + rows[ahead] * E + j, count);
}

// With `padding` (dy a training loop's gate gradients, [T, batch, E], that loop sharing its
// padded prefixes): the rows its backward left zero (common.cl's zero_row) are not read. Nearly
// all of them are in one segment, the padding token's.
__kernel void embedding_gradient_rows(const int N, const int V, const int E,
        TENSOR(const float, dy), TENSOR(const int, rows), TENSOR(const int, starts), TENSOR(const int, tokens),
        TENSOR(float, dtable), TENSOR(const int, padding), const int batch) {
    BIND(const float, dy); BIND(const int, rows); BIND(const int, starts); BIND(const int, tokens); BIND(float, dtable);
    BIND(const int, padding);
    const long cost = (long)starts[N] + N, items = get_num_groups(0), item = get_group_id(0);
    const int first = first_segment_at(starts, N, cost * item / items);
    const int end = item == items - 1 ? N : first_segment_at(starts, N, cost * (item + 1) / items);
    // The item's rows end here: rows after it are another item's to ask for.
    const int last_row = starts[end];
    for (int s = first; s < end; ++s) {
        const int token = tokens[s];
        if (token < 0 || token >= V) continue;
        __global float* out = dtable + token * E;
        const int k0 = starts[s], k1 = starts[s + 1];
        int j = 0;
        // Eight vectors of columns at a time in registers over the segment's rows (128 columns on
        // sixteen lanes: lstm-imdb's gate width in one pass), asking for the rows PREFETCH_ROWS
        // ahead (they lie anywhere in dy, so nothing else brings them in time). Then 32 columns
        // at a time without asking (simplernn-imdb's gate width: its two lines a row are not
        // worth the check and the request, 0.28 ms with neither, 0.40 with both, and one vector
        // a pass read its rows twice), then a vector, then four columns.
        for (; j + 8 * CPU_LANES <= E; j += 8 * CPU_LANES) {
            lanes a0 = (lanes)(0.0f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            for (int k = k0; k < k1; ++k) {
                prefetch_row_ahead(k, last_row, dy, rows, E, j, 8 * CPU_LANES, padding, batch);
                if (padding && zero_row(padding, batch, rows[k])) continue;
                __global const float* source = dy + rows[k] * E + j;
                a0 += vload_lanes(0, source); a1 += vload_lanes(1, source); a2 += vload_lanes(2, source); a3 += vload_lanes(3, source);
                a4 += vload_lanes(4, source); a5 += vload_lanes(5, source); a6 += vload_lanes(6, source); a7 += vload_lanes(7, source);
            }
            vstore_lanes(a0, 0, out + j); vstore_lanes(a1, 1, out + j); vstore_lanes(a2, 2, out + j); vstore_lanes(a3, 3, out + j);
            vstore_lanes(a4, 4, out + j); vstore_lanes(a5, 5, out + j); vstore_lanes(a6, 6, out + j); vstore_lanes(a7, 7, out + j);
        }
        for (; j + 32 <= E; j += 32) {
            // 32 / CPU_LANES vectors: two on sixteen lanes, four on eight (the third and fourth
            // fold away on sixteen).
            lanes a0 = (lanes)(0.0f), a1 = a0, a2 = a0, a3 = a0;
            for (int k = k0; k < k1; ++k) {
                if (padding && zero_row(padding, batch, rows[k])) continue;
                __global const float* source = dy + rows[k] * E + j;
                a0 += vload_lanes(0, source); a1 += vload_lanes(1, source);
                if (32 / CPU_LANES == 4) { a2 += vload_lanes(2, source); a3 += vload_lanes(3, source); }
            }
            vstore_lanes(a0, 0, out + j); vstore_lanes(a1, 1, out + j);
            if (32 / CPU_LANES == 4) { vstore_lanes(a2, 2, out + j); vstore_lanes(a3, 3, out + j); }
        }
        for (; j + CPU_LANES <= E; j += CPU_LANES) {
            lanes sum = (lanes)(0.0f);
            for (int k = k0; k < k1; ++k) {
                if (padding && zero_row(padding, batch, rows[k])) continue;
                sum += vload_lanes(0, dy + rows[k] * E + j);
            }
            vstore_lanes(sum, 0, out + j);
        }
        for (; j < E; j += 4) {
            float4 sum = (float4)(0.0f);
            for (int k = k0; k < k1; ++k) {
                if (padding && zero_row(padding, batch, rows[k])) continue;
                sum += vload4(0, dy + rows[k] * E + j);
            }
            vstore4(sum, 0, out + j);
        }
    }
}

__kernel void embedding_gradient4(const int N, const int V, const int E,
        TENSOR(const float, dy), TENSOR(const int, rows), TENSOR(const int, starts), TENSOR(const int, tokens),
        TENSOR(float, dtable)) {
    BIND(const float, dy); BIND(const int, rows); BIND(const int, starts); BIND(const int, tokens); BIND(float, dtable);
    const int q = get_global_id(0), s = get_global_id(1);
    const int token = tokens[s];
    if (token < 0 || token >= V) return;
    float4 sum = (float4)(0.0f);
    const int end = starts[s + 1];
    for (int k = starts[s]; k < end; ++k) sum += vload4(q, dy + rows[k] * E);
    vstore4(sum, q, dtable + token * E);
}

// recurrent_loop.cl — a whole recurrent direction, every timestep, in ONE launch (persistent
// kernels): per step the recurrent product and the fused cell of simple_rnn.cl / lstm.cl / gru.cl.
// Forward:  p = operand_{s} · U ([rows, H] × [H, G·H]), then the cell; operand_{s+1} = h ⊙ m.
// Backward: dh = carried + (dZ_{s−1} · Uᵀ) ⊙ m + output, then the cell backward.
// Batch rows never meet inside a recurrence, so a work-group owns R rows for the whole sequence
// and only work-group barriers separate timesteps (no global synchronisation, any number of
// groups). Work-item (j, r) owns unit j of row r: it forms the G pre-activations of unit j itself
// (the G dot products over k) and so applies the cell without any exchange; the only shared data
// is the recurrent operand (forward) or the recurrent-side gate gradient (backward) of the tile,
// kept in local memory and double-buffered, so a step needs one barrier (two for the reset-before
// GRU, whose candidate product needs r first). h, c and the carried gradients stay in registers.
// U sits in local memory (`_local` kernels: the forward keeps Uᵀ, the backward U, so that each
// work-item's dot products read unit-stride and vectorise) when it fits, else it is read from
// global memory through the cache (`_global` kernels).
// Launch: 2-D, local (H, R), global (H, ⌈B/R⌉·R); rows ≥ B run the barriers and write nothing.
// Local memory (floats): forward [G·H·H if _local, as Uᵀ] + 2·R·H + R·H (reset-before);
//                        backward [G·H·H if _local] + 2·R·G·H.
// Per-step tensors arrive as (buffer, offset of step 0, stride per step, period), in execution
// order (the stride is negative for a direction that runs back in time): step s is at
// offset + s·stride, or offset + (s mod period)·stride when period > 0 (a forward-only sequence's
// state history, whose steps write two rows in turn). Optional ones are NULL.
// Masking, recurrent dropout, saved gates and the masked-row rules are exactly those of the step
// kernels; both are tested against the CPU reference (CellMath).
// Activations: `<name>` kernels take them as arguments (any Activation); `<name>_tanh_sigmoid`
// kernels have the Keras defaults (tanh, recurrent sigmoid) built in and ignore the arguments —
// a constant folds the switch in activate(), so the cell math is straight-line code that a CPU
// device's work-item vectoriser (PoCL) and a GPU compiler can both schedule freely.
// Limits: H ≤ the kernel's work-group size; G ≤ 4.

#define STEPPED(name) __global float* name##_base, const int name##_off, const int name##_step, const int name##_period
#define BIND_STEPPED(name) const stepped name = { name##_base ? name##_base + name##_off : 0, name##_step, name##_period }

// One per-step view (NULL pointer: absent).
typedef struct { __global float* p; int step; int period; } stepped;
inline __global float* at(const stepped t, const int s) { return t.p + (t.period ? s % t.period : s) * t.step; }

// The input gather a forward loop reads in place (NULL `ids`: none, the loop reads x): step s's
// timestep is t0 + s·dt, and row b's projected input the table row of its token there, or
// `zeros` for an id outside the table, as the gather would have written it.
typedef struct { __global const int* ids; int stride; int t0; int dt; int rows; __global const float* table; __global const float* zeros; } token_rows;

// Row b's projected input at step s: the gathered row, or its token's row of the table.
inline __global const float* projected_input(const stepped x, const token_rows tr, const int s, const int b, const int GH) {
    if (!tr.ids) return at(x, s) + b * GH;
    const int id = tr.ids[b * tr.stride + tr.t0 + s * tr.dt];
    return id >= 0 && id < tr.rows ? tr.table + id * GH : tr.zeros;
}

// Σ a[k]·b[k] over n contiguous floats, 8 lanes at a time: written out because a CPU device's
// compiler will not reassociate a scalar float sum into SIMD lanes by itself.
inline float dot_local(__local const float* a, __local const float* b, const int n) {
    float8 acc = (float8)(0.0f);
    int k = 0;
    for (; k + 8 <= n; k += 8) acc = mad(vload8(0, a + k), vload8(0, b + k), acc);
    float4 q = acc.lo + acc.hi;
    float sum = (q.x + q.y) + (q.z + q.w);
    for (; k < n; ++k) sum = mad(a[k], b[k], sum);
    return sum;
}

// tanh and sigmoid from one exp each, without branches: on PoCL both run faster than its own
// tanh and the two-sided sigmoid_stable (expm1 is slower still: simplernn-imdb inference 69 ms
// with it, 42 ms with exp). Both saturate cleanly (e^2x → ∞ gives 1, → 0 gives −1; at x → −∞
// e^-x → ∞ and the sigmoid → 0); tanh near 0 loses relative accuracy (absolute error ~1e-7),
// well inside the 1e-4 absolute tolerance of the CPU comparisons.
inline float tanh_one_exp(const float x) { return 1.0f - 2.0f / (exp(2.0f * x) + 1.0f); }
inline float sigmoid_one_exp(const float x) { return 1.0f / (1.0f + exp(-x)); }
inline float loop_activate(const int kind, const float x) {
    return kind == ACT_TANH ? tanh_one_exp(x) : kind == ACT_SIGMOID ? sigmoid_one_exp(x) : activate(kind, x);
}

#define KIND_SIMPLE_RNN 0
#define KIND_LSTM 1
#define KIND_GRU_RESET_AFTER 2
#define KIND_GRU_RESET_BEFORE 3

// Saved gate columns per row, in units of H (CellKind.savedWidth): LSTM's four gates and act(c),
// the reset-after GRU's three and its recurrent candidate term, else one per gate block.
#define SAVED_BLOCKS(kind, G) ((kind) == KIND_LSTM ? 5 : (kind) == KIND_GRU_RESET_AFTER ? 4 : (G))

// `local_weights` is a constant in each kernel below, so the unused branches are folded away.

// The work-item's place, from kind, G, H and B in scope: unit j of batch row b (row: b < B),
// element e of that row's state, index lid in its tile of wgs work-items; G·H gate columns and
// SW saved gate columns per row.
#define LOOP_WORK_ITEM \
    const int j = get_local_id(0), r = get_local_id(1), R = get_local_size(1); \
    const int b = get_group_id(1) * R + r; \
    const bool row = b < B; \
    const int GH = G * H, SW = SAVED_BLOCKS(kind, G) * H; \
    const int lid = r * H + j, wgs = R * H; \
    const int e = b * H + j

inline void loop_forward(const int kind, const int G, const int local_weights,
        const int B, const int H, const int T, const int act, const int ract,
        __global const float* wg, __global const float* bias_, __global const float* rd,
        __global const float* h0, __global const float* c0, __global const float* op0,
        const stepped x, const token_rows tr, const stepped h_out, const stepped c_out, const stepped gates,
        const stepped mask, const stepped seq, const stepped dropped, const stepped reset,
        __local float* scratch) {
    LOOP_WORK_ITEM;
    __local float* wl = scratch;
    __local float* ops = scratch + (local_weights ? H * GH : 0);
    __local float* resets = ops + 2 * wgs;
    // Local weights as Uᵀ ([G·H, H]): work-item j's column of each gate block is contiguous, so
    // its dot products with the operand row read both unit-stride.
    if (local_weights) {
        for (int i = lid; i < H * GH; i += wgs) {
            const int k = i / GH, col = i - k * GH;
            wl[col * H + k] = wg[i];
        }
    }
    float h = row ? h0[e] : 0.0f;
    float c = (kind == KIND_LSTM && row) ? c0[e] : 0.0f;
    const float m = (rd && row) ? rd[e] : 1.0f;
    ops[lid] = row ? op0[e] : 0.0f;
    barrier(CLK_LOCAL_MEM_FENCE);
    const int direct = kind == KIND_GRU_RESET_BEFORE ? 2 : G;  // gate blocks multiplied by the operand
    for (int s = 0; s < T; ++s) {
        __local const float* op = ops + (s & 1) * wgs + r * H;
        float p[4] = {0.0f, 0.0f, 0.0f, 0.0f};
        if (local_weights) {
            for (int g = 0; g < direct; ++g) p[g] = dot_local(op, wl + (g * H + j) * H, H);
        } else {
            for (int k = 0; k < H; ++k) {
                const float o = op[k];
                for (int g = 0; g < direct; ++g) p[g] = mad(o, wg[k * GH + g * H + j], p[g]);
            }
        }
        const bool live = row && (!mask.p || at(mask, s)[b] != 0.0f);
        // Rows past B read nothing (and, from the tokens, could not).
        __global const float* xs = row || !tr.ids ? projected_input(x, tr, s, b, GH) : tr.zeros;
        __global float* gs = at(gates, s) + b * SW;
        float z = 0.0f;
        if (kind == KIND_GRU_RESET_BEFORE) {
            // First half (gru_reset_gate_forward, on every row): z, r and the operand r ⊙ h̄ of the
            // candidate's product, shared through local memory.
            float rr = 0.0f;
            if (row) {
                z = loop_activate(ract, xs[j] + p[0] + bias_[j]);
                rr = loop_activate(ract, xs[H + j] + p[1] + bias_[H + j]);
            }
            const float s_r = rr * h * m;
            if (row) {
                gs[j] = z; gs[H + j] = rr;
                at(reset, s)[e] = s_r;
            }
            resets[lid] = s_r;
            barrier(CLK_LOCAL_MEM_FENCE);
            float ph = 0.0f;
            if (local_weights) {
                ph = dot_local(resets + r * H, wl + (2 * H + j) * H, H);
            } else {
                for (int k = 0; k < H; ++k) ph = mad(resets[r * H + k], wg[k * GH + 2 * H + j], ph);
            }
            p[2] = ph;
        }
        if (!live) {
            // Masked step: state and cell state carried, output zero, saved gates zero (the
            // reset-before GRU keeps the z, r it wrote above, as the step kernels do).
            if (row) {
                if (kind != KIND_GRU_RESET_BEFORE) for (int g = 0; g < SW / H; ++g) gs[g * H + j] = 0.0f;
                if (seq.p) at(seq, s)[e] = 0.0f;
            }
        } else if (kind == KIND_SIMPLE_RNN) {
            h = loop_activate(act, xs[j] + p[0] + bias_[j]);
            gs[j] = h;
        } else if (kind == KIND_LSTM) {
            const float ig = loop_activate(ract, xs[j] + p[0] + bias_[j]);
            const float fg = loop_activate(ract, xs[H + j] + p[1] + bias_[H + j]);
            const float cg = loop_activate(act, xs[2 * H + j] + p[2] + bias_[2 * H + j]);
            const float og = loop_activate(ract, xs[3 * H + j] + p[3] + bias_[3 * H + j]);
            c = fg * c + ig * cg;
            const float tc = loop_activate(act, c);
            h = og * tc;
            gs[j] = ig; gs[H + j] = fg; gs[2 * H + j] = cg; gs[3 * H + j] = og; gs[4 * H + j] = tc;
        } else if (kind == KIND_GRU_RESET_AFTER) {
            __global const float* bx = bias_;
            __global const float* bh = bias_ + 3 * H;
            const float hbar = h * m;
            z = loop_activate(ract, xs[j] + bx[j] + p[0] + bh[j]);
            const float rr = loop_activate(ract, xs[H + j] + bx[H + j] + p[1] + bh[H + j]);
            const float ph = p[2] + bh[2 * H + j];
            const float hh = loop_activate(act, xs[2 * H + j] + bx[2 * H + j] + rr * ph);
            h = z * hbar + (1.0f - z) * hh;
            gs[j] = z; gs[H + j] = rr; gs[2 * H + j] = hh; gs[3 * H + j] = ph;
        } else {
            const float hbar = h * m;
            const float hh = loop_activate(act, xs[2 * H + j] + p[2] + bias_[2 * H + j]);
            gs[2 * H + j] = hh;
            h = z * hbar + (1.0f - z) * hh;
        }
        if (row) {
            if (live && seq.p) at(seq, s)[e] = h;
            at(h_out, s)[e] = h;
            if (kind == KIND_LSTM) at(c_out, s)[e] = c;
            if (dropped.p) at(dropped, s)[e] = h * m;
        }
        ops[((s + 1) & 1) * wgs + lid] = h * m;
        barrier(CLK_LOCAL_MEM_FENCE);
    }
}

inline void loop_backward(const int kind, const int G, const int local_weights,
        const int B, const int H, const int T, const int act, const int ract, const int carried_output,
        __global const float* wg, __global const float* rd, __global float* carried, __global float* c_grad,
        const stepped gates, const stepped h_prev, const stepped c_prev,
        const stepped mask, const stepped out_grad, const stepped gate_grad, const stepped rec_gate_grad,
        __local float* scratch) {
    LOOP_WORK_ITEM;
    // U as it is ([H, G·H]): dh_j = Σ_col dZ[col]·U[j, col] reads row j of U unit-stride.
    __local float* wl = scratch;
    __local float* dzs = scratch + (local_weights ? H * GH : 0);
    if (local_weights) {
        for (int i = lid; i < H * GH; i += wgs) wl[i] = wg[i];
    }
    float carry = row ? carried[e] : 0.0f;
    float dc = (kind == KIND_LSTM && row) ? c_grad[e] : 0.0f;
    const float m = (rd && row) ? rd[e] : 1.0f;
    barrier(CLK_LOCAL_MEM_FENCE);
    // The recurrent-side gate gradient's blocks that reach h₋ through U (z and r only for the
    // reset-before GRU, whose h̃ block reaches h₋ through r ⊙ h̄ instead).
    const int through_u = (kind == KIND_GRU_RESET_BEFORE ? 2 : G) * H;
    for (int s = 0; s < T; ++s) {
        __local const float* previous = dzs + ((s + 1) & 1) * R * GH + r * GH;
        __local float* current = dzs + (s & 1) * R * GH + r * GH;
        float dh = carry;
        if (s > 0) {
            float rec = 0.0f;
            if (local_weights) {
                rec = dot_local(previous, wl + j * GH, through_u);
            } else {
                for (int col = 0; col < through_u; ++col) rec = mad(previous[col], wg[j * GH + col], rec);
            }
            dh += rec * m;
        }
        const bool live = row && (!mask.p || at(mask, s)[b] != 0.0f);
        if (row && (live || carried_output) && out_grad.p) dh += at(out_grad, s)[e];
        __global const float* gs = at(gates, s) + b * SW;
        __global float* dz = at(gate_grad, s) + b * GH;
        __global float* dzr = rec_gate_grad.p ? at(rec_gate_grad, s) + b * GH : 0;
        float hp = 0.0f;
        if (kind == KIND_GRU_RESET_AFTER || kind == KIND_GRU_RESET_BEFORE) hp = row ? at(h_prev, s)[e] : 0.0f;
        if (!live) {
            // Masked row: no gate gradients, the whole state gradient carried back.
            for (int g = 0; g < G; ++g) {
                current[g * H + j] = 0.0f;
                if (row) { dz[g * H + j] = 0.0f; if (dzr) dzr[g * H + j] = 0.0f; }
            }
            carry = dh;
        } else if (kind == KIND_SIMPLE_RNN) {
            const float d = dh * activate_grad(act, gs[j]);
            dz[j] = d; current[j] = d;
            carry = 0.0f;
        } else if (kind == KIND_LSTM) {
            const float ig = gs[j], fg = gs[H + j], cg = gs[2 * H + j], og = gs[3 * H + j], tc = gs[4 * H + j];
            const float dct = dc + dh * og * activate_grad(act, tc);
            const float di = dct * cg * activate_grad(ract, ig);
            const float df = dct * at(c_prev, s)[e] * activate_grad(ract, fg);
            const float dg = dct * ig * activate_grad(act, cg);
            const float d_o = dh * tc * activate_grad(ract, og);
            dz[j] = di; dz[H + j] = df; dz[2 * H + j] = dg; dz[3 * H + j] = d_o;
            current[j] = di; current[H + j] = df; current[2 * H + j] = dg; current[3 * H + j] = d_o;
            dc = dct * fg;
            carry = 0.0f;
        } else {
            const float z = gs[j], rr = gs[H + j], hh = gs[2 * H + j];
            const float dhh = dh * (1.0f - z) * activate_grad(act, hh);
            const float dzz = dh * (hp * m - hh) * activate_grad(ract, z);
            dz[j] = dzz; dz[2 * H + j] = dhh;
            current[j] = dzz;
            if (kind == KIND_GRU_RESET_AFTER) {
                const float dr = dhh * gs[3 * H + j] * activate_grad(ract, rr);
                dz[H + j] = dr;
                dzr[j] = dzz; dzr[H + j] = dr; dzr[2 * H + j] = dhh * rr;
                current[H + j] = dr; current[2 * H + j] = dhh * rr;
            } else {
                dz[H + j] = 0.0f;
                current[H + j] = 0.0f; current[2 * H + j] = dhh;
            }
            carry = dh * z * m;
        }
        if (kind == KIND_GRU_RESET_BEFORE) {
            // Second half (gru_reset_gate_backward, on every row): d(r ⊙ h̄) = dh̃_pre · U_hᵀ, then
            // the r block and the r-path of the state gradient.
            barrier(CLK_LOCAL_MEM_FENCE);
            float drh = 0.0f;
            if (local_weights) {
                drh = dot_local(current + 2 * H, wl + j * GH + 2 * H, H);
            } else {
                for (int col = 2 * H; col < 3 * H; ++col) drh = mad(current[col], wg[j * GH + col], drh);
            }
            const float rr = row ? gs[H + j] : 0.0f;
            const float dr = drh * hp * m * activate_grad(ract, rr);
            if (row) dz[H + j] = dr;
            current[H + j] = dr;
            carry += drh * rr * m;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (row) {
        carried[e] = carry;
        if (kind == KIND_LSTM) c_grad[e] = dc;
    }
}

// The loop kernels' parameters and their binding, shared by the unit and the row kernels (which
// read fewer of them).
#define LOOP_FORWARD_PARAMETERS const int B, const int H, const int T, const int act, const int ract, \
        TENSOR(const float, u), TENSOR(const float, bias_), TENSOR(const float, rd), \
        TENSOR(const float, h0), TENSOR(const float, c0), TENSOR(const float, op0), \
        STEPPED(x), STEPPED(h_out), STEPPED(c_out), STEPPED(gates), \
        STEPPED(mask), STEPPED(seq), STEPPED(dropped), STEPPED(reset), \
        TENSOR(const int, ids), const int ids_stride, const int ids_t0, const int ids_dt, const int table_rows, \
        TENSOR(const float, table), TENSOR(const float, zeros), TENSOR(int, padding), \
        __local float* scratch
#define LOOP_FORWARD_BINDINGS \
    BIND(const float, u); BIND(const float, bias_); BIND(const float, rd); \
    BIND(const float, h0); BIND(const float, c0); BIND(const float, op0); \
    BIND_STEPPED(x); BIND_STEPPED(h_out); BIND_STEPPED(c_out); BIND_STEPPED(gates); \
    BIND_STEPPED(mask); BIND_STEPPED(seq); BIND_STEPPED(dropped); BIND_STEPPED(reset); \
    BIND(const int, ids); BIND(const float, table); BIND(const float, zeros); BIND(int, padding); \
    const token_rows tr = { ids, ids_stride, ids_t0, ids_dt, table_rows, table, zeros };
#define LOOP_BACKWARD_PARAMETERS const int B, const int H, const int T, const int act, const int ract, const int carried_output, \
        TENSOR(const float, u), TENSOR(const float, rd), TENSOR(float, carried), TENSOR(float, c_grad), \
        STEPPED(gates), STEPPED(h_prev), STEPPED(c_prev), \
        STEPPED(mask), STEPPED(out_grad), STEPPED(gate_grad), STEPPED(rec_gate_grad), TENSOR(const int, padding), \
        __local float* scratch
#define LOOP_BACKWARD_BINDINGS \
    BIND(const float, u); BIND(const float, rd); BIND(float, carried); BIND(float, c_grad); BIND(const int, padding); \
    BIND_STEPPED(gates); BIND_STEPPED(h_prev); BIND_STEPPED(c_prev); \
    BIND_STEPPED(mask); BIND_STEPPED(out_grad); BIND_STEPPED(gate_grad); BIND_STEPPED(rec_gate_grad);

#define LOOP_FORWARD_KERNEL(name, KIND, G, LOCAL_WEIGHTS, ACT, RACT) \
__kernel void name(LOOP_FORWARD_PARAMETERS) { \
    LOOP_FORWARD_BINDINGS; \
    loop_forward(KIND, G, LOCAL_WEIGHTS, B, H, T, ACT, RACT, u, bias_, rd, h0, c0, op0, \
                 x, tr, h_out, c_out, gates, mask, seq, dropped, reset, scratch); \
}

#define LOOP_BACKWARD_KERNEL(name, KIND, G, LOCAL_WEIGHTS, ACT, RACT) \
__kernel void name(LOOP_BACKWARD_PARAMETERS) { \
    LOOP_BACKWARD_BINDINGS; \
    loop_backward(KIND, G, LOCAL_WEIGHTS, B, H, T, ACT, RACT, carried_output, u, rd, carried, c_grad, \
                  gates, h_prev, c_prev, mask, out_grad, gate_grad, rec_gate_grad, scratch); \
}

// Any activations.
LOOP_FORWARD_KERNEL(simple_rnn_loop_forward_local, KIND_SIMPLE_RNN, 1, 1, act, ract)
LOOP_FORWARD_KERNEL(simple_rnn_loop_forward_global, KIND_SIMPLE_RNN, 1, 0, act, ract)
LOOP_FORWARD_KERNEL(lstm_loop_forward_local, KIND_LSTM, 4, 1, act, ract)
LOOP_FORWARD_KERNEL(lstm_loop_forward_global, KIND_LSTM, 4, 0, act, ract)
LOOP_FORWARD_KERNEL(gru_loop_forward_local, KIND_GRU_RESET_AFTER, 3, 1, act, ract)
LOOP_FORWARD_KERNEL(gru_loop_forward_global, KIND_GRU_RESET_AFTER, 3, 0, act, ract)
LOOP_FORWARD_KERNEL(gru_reset_before_loop_forward_local, KIND_GRU_RESET_BEFORE, 3, 1, act, ract)
LOOP_FORWARD_KERNEL(gru_reset_before_loop_forward_global, KIND_GRU_RESET_BEFORE, 3, 0, act, ract)

LOOP_BACKWARD_KERNEL(simple_rnn_loop_backward_local, KIND_SIMPLE_RNN, 1, 1, act, ract)
LOOP_BACKWARD_KERNEL(simple_rnn_loop_backward_global, KIND_SIMPLE_RNN, 1, 0, act, ract)
LOOP_BACKWARD_KERNEL(lstm_loop_backward_local, KIND_LSTM, 4, 1, act, ract)
LOOP_BACKWARD_KERNEL(lstm_loop_backward_global, KIND_LSTM, 4, 0, act, ract)
LOOP_BACKWARD_KERNEL(gru_loop_backward_local, KIND_GRU_RESET_AFTER, 3, 1, act, ract)
LOOP_BACKWARD_KERNEL(gru_loop_backward_global, KIND_GRU_RESET_AFTER, 3, 0, act, ract)
LOOP_BACKWARD_KERNEL(gru_reset_before_loop_backward_local, KIND_GRU_RESET_BEFORE, 3, 1, act, ract)
LOOP_BACKWARD_KERNEL(gru_reset_before_loop_backward_global, KIND_GRU_RESET_BEFORE, 3, 0, act, ract)

// The Keras defaults, built in.
LOOP_FORWARD_KERNEL(simple_rnn_loop_forward_local_tanh_sigmoid, KIND_SIMPLE_RNN, 1, 1, ACT_TANH, ACT_SIGMOID)
LOOP_FORWARD_KERNEL(simple_rnn_loop_forward_global_tanh_sigmoid, KIND_SIMPLE_RNN, 1, 0, ACT_TANH, ACT_SIGMOID)
LOOP_FORWARD_KERNEL(lstm_loop_forward_local_tanh_sigmoid, KIND_LSTM, 4, 1, ACT_TANH, ACT_SIGMOID)
LOOP_FORWARD_KERNEL(lstm_loop_forward_global_tanh_sigmoid, KIND_LSTM, 4, 0, ACT_TANH, ACT_SIGMOID)
LOOP_FORWARD_KERNEL(gru_loop_forward_local_tanh_sigmoid, KIND_GRU_RESET_AFTER, 3, 1, ACT_TANH, ACT_SIGMOID)
LOOP_FORWARD_KERNEL(gru_loop_forward_global_tanh_sigmoid, KIND_GRU_RESET_AFTER, 3, 0, ACT_TANH, ACT_SIGMOID)
LOOP_FORWARD_KERNEL(gru_reset_before_loop_forward_local_tanh_sigmoid, KIND_GRU_RESET_BEFORE, 3, 1, ACT_TANH, ACT_SIGMOID)
LOOP_FORWARD_KERNEL(gru_reset_before_loop_forward_global_tanh_sigmoid, KIND_GRU_RESET_BEFORE, 3, 0, ACT_TANH, ACT_SIGMOID)

LOOP_BACKWARD_KERNEL(simple_rnn_loop_backward_local_tanh_sigmoid, KIND_SIMPLE_RNN, 1, 1, ACT_TANH, ACT_SIGMOID)
LOOP_BACKWARD_KERNEL(simple_rnn_loop_backward_global_tanh_sigmoid, KIND_SIMPLE_RNN, 1, 0, ACT_TANH, ACT_SIGMOID)
LOOP_BACKWARD_KERNEL(lstm_loop_backward_local_tanh_sigmoid, KIND_LSTM, 4, 1, ACT_TANH, ACT_SIGMOID)
LOOP_BACKWARD_KERNEL(lstm_loop_backward_global_tanh_sigmoid, KIND_LSTM, 4, 0, ACT_TANH, ACT_SIGMOID)
LOOP_BACKWARD_KERNEL(gru_loop_backward_local_tanh_sigmoid, KIND_GRU_RESET_AFTER, 3, 1, ACT_TANH, ACT_SIGMOID)
LOOP_BACKWARD_KERNEL(gru_loop_backward_global_tanh_sigmoid, KIND_GRU_RESET_AFTER, 3, 0, ACT_TANH, ACT_SIGMOID)
LOOP_BACKWARD_KERNEL(gru_reset_before_loop_backward_local_tanh_sigmoid, KIND_GRU_RESET_BEFORE, 3, 1, ACT_TANH, ACT_SIGMOID)
LOOP_BACKWARD_KERNEL(gru_reset_before_loop_backward_global_tanh_sigmoid, KIND_GRU_RESET_BEFORE, 3, 0, ACT_TANH, ACT_SIGMOID)

// ---- Row kernels, for CPU devices -------------------------------------------------------------
// A work-item carries ROWS_PER_ITEM batch rows through every timestep with no barrier in the
// loop: per step the rows' recurrent products in register tiles (U read along its rows,
// [H, G·H], from the cache; each vector of it serves all the rows), then each row's cell on
// vectors of CPU_LANES units. A CPU device (PoCL) runs a work-group's work-items one after
// another between barriers, so the unit-per-work-item kernels above pay a switch of context per
// unit per step, and their scalar activations; here a step is straight-line vector code. A GPU
// keeps the kernels above (a few rows per work-item would leave most of it idle). The
// Keras-default activations, H a multiple of 8, no reset-before GRU; the same formulas and the
// same masked-row rules as loop_forward, each dot product summed in ascending k. The previous
// state is read back from the row the previous step wrote (h and c stay in memory, not
// registers: their size is H).
// Launch: 1-D, global ≥ ⌈B / ROWS_PER_ITEM⌉ (rows ≥ B write nothing); any local size.

// `count` columns from p as one vector: CPU_LANES (count ≥ CPU_LANES), or the first half with
// zeros after it (the eight-unit tail of an H that is a multiple of 8 but not of 16, which only
// sixteen lanes have); a constant `count` in every caller. Stores write the columns read.
#define LOAD_COLUMNS(p, count) ((count) >= CPU_LANES ? vload_lanes(0, p) : (lanes)(vload_half_lanes(0, p), (half_lanes)(0.0f)))
#define STORE_COLUMNS(v, p, count) do { \
    if ((count) >= CPU_LANES) vstore_lanes(v, 0, p); else vstore_half_lanes((v).lo, 0, p); \
} while (0)

// Each of a work-item's ROWS_PER_ITEM rows (common.cl), as ROW_EACH(r) for r = 0…7: the rows'
// accumulators and pointers are named variables, not arrays (PoCL kept a private array of
// accumulators on the stack, in the kernel's hottest loop).
#define ROW_EACH(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)
#if ROWS_PER_ITEM != 8
#error "ROW_EACH and the product cases below name eight rows: change them with ROWS_PER_ITEM"
#endif

// The first of a work-item's rows. Work-items take the batch's items from both ends in
// turn (first, last, second, second last, …): a training batch comes by decreasing padding
// (``PaddedPrefixSharing``), so its items' work differs several times over, and any run of
// work-items a core is given, contiguous or dealt, gets as much of it as another's.
inline int row_item_first(void) {
    const int n = get_global_size(0), g = get_global_id(0);
    return ((g & 1) ? n - 1 - g / 2 : g / 2) * ROWS_PER_ITEM;
}

// How many of a work-item's rows (by decreasing padding `pad`) are still in padding at
// timestep t: the last of them stands for the others.
inline int rows_in_padding(const int* pad, const int rows, const int t) {
    int padded = 0;
    while (padded < rows && pad[padded] > t) ++padded;
    return padded;
}

// The columns of a register tile: 2·CPU_LANES (two vectors a row, `lo` and `hi`), CPU_LANES
// (`lo`), or half of CPU_LANES (`lo`'s first half: sixteen lanes' eight-column tail).
inline int tile_columns(const int width) { return width == 2 ? 2 * CPU_LANES : width == 1 ? CPU_LANES : CPU_LANES / 2; }

// The widest tile that fits in the `n` columns left (a multiple of 8).
inline int tile_width(const int n) { return n >= 2 * CPU_LANES ? 2 : n >= CPU_LANES ? 1 : 0; }

// One k (forward) or column (backward) of one row's products over a tile of `width`: the row's
// accumulators gain x · u.
#define ROW_MAD(x, u0, u1, lo, hi) do { \
    const lanes xv = (lanes)(x); \
    lo = TILE_FMA(xv, u0, lo); if (width == 2) hi = TILE_FMA(xv, u1, hi); \
} while (0)

// e^x on a vector, written out (the Cephes polynomial with range reduction, as the CPU
// backend's VectorMath.exp): a CPU device's vector `exp` calls its math library per lane, which
// made the activations most of a row step. Out-of-range inputs are clamped by comparison, so a
// NaN stays NaN (min/max would turn it into a bound and hide a diverged run).
inline lanes exp_lanes(lanes x) {
    x = select(x, (lanes)(88.3762626647949f), x > 88.3762626647949f);
    x = select(x, (lanes)(-87.3365478515625f), x < -87.3365478515625f);
    // x = n·ln2 + r, |r| ≤ ln2/2; adding 1.5·2^23 rounds x·log2(e) to the integer n and leaves it
    // in the low mantissa bits.
    const lanes magic = (lanes)(12582912.0f);
    const lanes shifted = fma(x, (lanes)(1.44269504088896341f), magic);
    const lanes n = shifted - magic;
    lanes r = fma(n, (lanes)(-0.693359375f), x);
    r = fma(n, (lanes)(2.12194440e-4f), r);
    const lanes r2 = r * r;
    lanes y = fma((lanes)(1.9875691500e-4f), r, (lanes)(1.3981999507e-3f));
    y = fma(y, r, (lanes)(8.3334519073e-3f));
    y = fma(y, r, (lanes)(4.1665795894e-2f));
    y = fma(y, r, (lanes)(1.6666665459e-1f));
    y = fma(y, r, (lanes)(5.0000001201e-1f));
    y = fma(y, r2, r) + 1.0f;
    const int_lanes exponent = as_int_lanes(shifted) - 0x4B400000;
    return y * as_lanes((exponent + 127) << 23);
}

inline lanes tanh_lanes(const lanes x) { return 1.0f - 2.0f / (exp_lanes(2.0f * x) + 1.0f); }
inline lanes sigmoid_lanes(const lanes x) { return 1.0f / (1.0f + exp_lanes(-x)); }

// The cell of `count` units from j on (CPU_LANES, or half of it: LOAD_COLUMNS), their recurrent
// products p0…p3 (one per gate block) read from the row's saved gates `gs`, where the product
// step left them. Always inlined, as row_forward_cell: PoCL kept both as calls, so `kind` was a
// run-time switch and the vectors went through memory (a fifth of simplernn-imdb's samples on
// PoCL in the call).
inline __attribute__((always_inline)) void cell_forward_lanes(const int kind, const int G, const int H, const int j,
        const int count, __global const float* xs, __global const float* bias_, __global const float* hp,
        __global const float* cp, __global const float* m, __global float* gs, __global float* hn, __global float* cn,
        __global float* so, __global float* dr) {
#define LD(p) LOAD_COLUMNS(p, count)
#define ST(v, p) STORE_COLUMNS(v, p, count)
    const lanes p0 = LD(gs + j);
    const lanes p1 = G > 1 ? LD(gs + H + j) : p0;
    const lanes p2 = G > 2 ? LD(gs + 2 * H + j) : p0;
    const lanes p3 = G > 3 ? LD(gs + 3 * H + j) : p0;
    lanes h;
    if (kind == KIND_SIMPLE_RNN) {
        h = tanh_lanes(LD(xs + j) + p0 + LD(bias_ + j));
        ST(h, gs + j);
    } else if (kind == KIND_LSTM) {
        const lanes ig = sigmoid_lanes(LD(xs + j) + p0 + LD(bias_ + j));
        const lanes fg = sigmoid_lanes(LD(xs + H + j) + p1 + LD(bias_ + H + j));
        const lanes cg = tanh_lanes(LD(xs + 2 * H + j) + p2 + LD(bias_ + 2 * H + j));
        const lanes og = sigmoid_lanes(LD(xs + 3 * H + j) + p3 + LD(bias_ + 3 * H + j));
        const lanes c = fg * LD(cp + j) + ig * cg;
        ST(c, cn + j);
        const lanes tc = tanh_lanes(c);
        h = og * tc;
        ST(ig, gs + j); ST(fg, gs + H + j); ST(cg, gs + 2 * H + j); ST(og, gs + 3 * H + j);
        ST(tc, gs + 4 * H + j);
    } else {
        __global const float* bx = bias_;
        __global const float* bh = bias_ + 3 * H;
        const lanes hbar = m ? LD(hp + j) * LD(m + j) : LD(hp + j);
        const lanes z = sigmoid_lanes(LD(xs + j) + LD(bx + j) + p0 + LD(bh + j));
        const lanes rr = sigmoid_lanes(LD(xs + H + j) + LD(bx + H + j) + p1 + LD(bh + H + j));
        const lanes ph = p2 + LD(bh + 2 * H + j);
        const lanes hh = tanh_lanes(LD(xs + 2 * H + j) + LD(bx + 2 * H + j) + rr * ph);
        h = z * hbar + (1.0f - z) * hh;
        ST(z, gs + j); ST(rr, gs + H + j); ST(hh, gs + 2 * H + j); ST(ph, gs + 3 * H + j);
    }
    ST(h, hn + j);
    if (so) ST(h, so + j);
    if (dr) ST(m ? h * LD(m + j) : h, dr + j);
#undef LD
#undef ST
}

// The recurrent products of a work-item's rows `skip`…7 for one step, [8 − skip, H] × [H, G·H],
// over the columns n… of one tile of `width` (tile_columns), into each row's saved-gate row (the
// cell reads them back from there, L1-resident): eight rows of register tiles (sixteen
// accumulators in the widest: AVX-512's 32 registers hold them, U's two vectors and the
// broadcast), so each vector of U read serves every row. Each product is summed in ascending k,
// as the CPU backend does. The first `skip` rows are in padding behind the row that stands for
// them (loop_forward_rows): they copy its state, so their products are not computed (nor their
// saved gates written, which nothing reads). Rows past the item's `rows` (the batch's end)
// compute on its last row and write nothing. Always inlined with constant `skip`, `width` and
// `dropping`: one straight loop per case.
inline __attribute__((always_inline)) void rows_forward_product(const int skip, const int width, const int n, const int H,
        const int GH, const int SW, const int first, const int rows, __global const float* wg, const bool dropping,
        __global const float* op, __global const float* rd, __global float* gs) {
    const int count = tile_columns(width);
#define ROW_OPERANDS(r) \
    const int q##r = first + min(r, rows - 1); \
    __global const float* o##r = op + q##r * H; \
    __global const float* m##r = dropping ? rd + q##r * H : 0; \
    lanes lo##r = (lanes)(0.0f), hi##r = lo##r;
    ROW_EACH(ROW_OPERANDS)
#undef ROW_OPERANDS
    for (int k = 0; k < H; ++k) {
        __global const float* u = wg + k * GH + n;
        const lanes u0 = LOAD_COLUMNS(u, count), u1 = width == 2 ? vload_lanes(1, u) : u0;
#define ROW_TERM(r) if (skip <= r) ROW_MAD(dropping ? o##r[k] * m##r[k] : o##r[k], u0, u1, lo##r, hi##r);
        ROW_EACH(ROW_TERM)
#undef ROW_TERM
    }
#define ROW_STORE(r) \
    if (skip <= r && r < rows) { \
        STORE_COLUMNS(lo##r, gs + q##r * SW + n, count); \
        if (width == 2) vstore_lanes(hi##r, 1, gs + q##r * SW + n); \
    }
    ROW_EACH(ROW_STORE)
#undef ROW_STORE
}

// Every tile of a step's products, widest first (rows_forward_product).
inline __attribute__((always_inline)) void rows_forward_products(const int skip, const bool dropping, const int H,
        const int GH, const int SW, const int first, const int rows, __global const float* wg,
        __global const float* op, __global const float* rd, __global float* gs) {
    int n = 0;
    for (; n + 2 * CPU_LANES <= GH; n += 2 * CPU_LANES) rows_forward_product(skip, 2, n, H, GH, SW, first, rows, wg, dropping, op, rd, gs);
    if (n + CPU_LANES <= GH) {
        rows_forward_product(skip, 1, n, H, GH, SW, first, rows, wg, dropping, op, rd, gs);
        n += CPU_LANES;
    }
    if (n < GH) rows_forward_product(skip, 0, n, H, GH, SW, first, rows, wg, dropping, op, rd, gs);
}

// The step of row b after its recurrent product sits in `gs`: the masked-row copy, or the cell of
// each CPU_LANES units (and a tail of half as many).
inline __attribute__((always_inline)) void row_forward_cell(const int kind, const int G, const int H, const int SW, const int b, const int s,
        __global const float* bias_, __global const float* m, __global const float* h0, __global const float* c0,
        const stepped x, const token_rows tr, const stepped h_out, const stepped c_out, const stepped gates,
        const stepped mask, const stepped seq, const stepped dropped) {
    const int GH = G * H;
    __global const float* hp = s == 0 ? h0 + b * H : at(h_out, s - 1) + b * H;
    __global const float* cp = kind == KIND_LSTM ? (s == 0 ? c0 + b * H : at(c_out, s - 1) + b * H) : 0;
    __global float* hn = at(h_out, s) + b * H;
    __global float* cn = kind == KIND_LSTM ? at(c_out, s) + b * H : 0;
    __global float* gs = at(gates, s) + b * SW;
    __global float* so = seq.p ? at(seq, s) + b * H : 0;
    __global float* dr = dropped.p ? at(dropped, s) + b * H : 0;
    if (mask.p && at(mask, s)[b] == 0.0f) {
        // Masked step: state and cell state carried, output zero, saved gates zero.
        for (int j = 0; j < H; ++j) {
            hn[j] = hp[j];
            if (cn) cn[j] = cp[j];
            if (so) so[j] = 0.0f;
            if (dr) dr[j] = m ? hp[j] * m[j] : hp[j];
        }
        for (int j = 0; j < SW; ++j) gs[j] = 0.0f;
        return;
    }
    __global const float* xs = projected_input(x, tr, s, b, GH);
    int j = 0;
    for (; j + CPU_LANES <= H; j += CPU_LANES) cell_forward_lanes(kind, G, H, j, CPU_LANES, xs, bias_, hp, cp, m, gs, hn, cn, so, dr);
    if (j < H) cell_forward_lanes(kind, G, H, j, CPU_LANES / 2, xs, bias_, hp, cp, m, gs, hn, cn, so, dr);
}

// Whether rows r0 and r (of H units, and LSTM cell states c when given) start from the same state.
inline bool same_initial_state(__global const float* h0, __global const float* c0, const int H, const int r0, const int r) {
    for (int j = 0; j < H; ++j) {
        if (h0[r0 * H + j] != h0[r * H + j]) return false;
        if (c0 && c0[r0 * H + j] != c0[r * H + j]) return false;
    }
    return true;
}

inline void loop_forward_rows(const int kind, const int G, const int B, const int H, const int T,
        __global const float* wg, __global const float* bias_, __global const float* rd,
        __global const float* h0, __global const float* c0, __global const float* op0,
        const stepped x, const token_rows tr, const stepped h_out, const stepped c_out, const stepped gates,
        const stepped mask, const stepped seq, const stepped dropped, __global int* padding) {
    const int first = row_item_first();
    if (first >= B) return;
    const int rows = min(ROWS_PER_ITEM, B - first);
    const int GH = G * H, SW = SAVED_BLOCKS(kind, G) * H;
    // Shared padded prefixes (`padding` given: a training forward reading token rows in place):
    // the item's rows still in their leading run of token slot 0 at a step have equal states when
    // they started from equal ones, and when they come by decreasing padding they are the first
    // of the item's rows: the last of them computes and the others copy its state and cell state.
    // Each row's padding is written for the loop's backward (0: the row shares nothing).
    int pad[ROWS_PER_ITEM] = { 0 };
    if (padding) {
        bool shares = true;
        for (int r = 0; r < rows; ++r) {
            int t = 0;
            while (t < T && tr.ids[(first + r) * tr.stride + tr.t0 + t * tr.dt] == 0) ++t;
            pad[r] = t;
            shares = shares && (r == 0 || (t <= pad[r - 1] && same_initial_state(h0, c0, H, first, first + r)));
        }
        for (int r = 0; r < rows; ++r) { if (!shares) pad[r] = 0; padding[first + r] = pad[r]; }
    }
    for (int s = 0; s < T; ++s) {
        // The rows in padding at this step are the first `padded`; the last of them stands for all.
        const int padded = rows_in_padding(pad, rows, s);
        const int from = max(padded - 1, 0);
        // The step's table rows, asked for while the products run: they lie anywhere in the table.
        if (tr.ids) for (int r = from; r < rows; ++r) {
            prefetch_floats(projected_input(x, tr, s, first + r, GH), GH);
        }
        // The recurrent operand: the initial one, then the previous state times the dropout mask.
        __global const float* op = s == 0 ? op0 : at(h_out, s - 1);
        const bool dropping = s > 0 && rd;
        __global float* gs = at(gates, s);
        // The products of the rows from the stand-in on: `from` rows skipped, and `dropping`, a
        // constant in each case (tested in the loop, it kept the operands' loads scalar).
#define FORWARD_CASE(r) case r: \
            if (dropping) rows_forward_products(r, true, H, GH, SW, first, rows, wg, op, rd, gs); \
            else rows_forward_products(r, false, H, GH, SW, first, rows, wg, op, rd, gs); \
            break;
        switch (from) { ROW_EACH(FORWARD_CASE) }
#undef FORWARD_CASE
        for (int r = from; r < rows; ++r)
            row_forward_cell(kind, G, H, SW, first + r, s, bias_, rd ? rd + (first + r) * H : 0, h0, c0,
                             x, tr, h_out, c_out, gates, mask, seq, dropped);
        // The rows it stood for hold its state (the history is read row by row); its cell state
        // only for those whose text starts at the next step, which read it then.
        const int next_from = max(rows_in_padding(pad, padded, s + 1) - 1, 0);
        for (int r = 0; r < from; ++r) {
            __global const float* h = at(h_out, s) + (first + from) * H;
            __global float* hr = at(h_out, s) + (first + r) * H;
            for (int j = 0; j < H; j += 8) vstore8(vload8(0, h + j), 0, hr + j);
            if (kind == KIND_LSTM && r >= next_from) {
                __global const float* c = at(c_out, s) + (first + from) * H;
                __global float* cr = at(c_out, s) + (first + r) * H;
                for (int j = 0; j < H; j += 8) vstore8(vload8(0, c + j), 0, cr + j);
            }
        }
    }
}

// The same arguments as LOOP_FORWARD_KERNEL, so one launch path serves both (the activations and
// the local scratch are not read).
#define LOOP_FORWARD_ROWS_KERNEL(name, KIND, G) \
__kernel void name(LOOP_FORWARD_PARAMETERS) { \
    LOOP_FORWARD_BINDINGS; \
    loop_forward_rows(KIND, G, B, H, T, u, bias_, rd, h0, c0, op0, x, tr, h_out, c_out, gates, mask, seq, dropped, padding); \
}

LOOP_FORWARD_ROWS_KERNEL(simple_rnn_loop_forward_rows_tanh_sigmoid, KIND_SIMPLE_RNN, 1)
LOOP_FORWARD_ROWS_KERNEL(lstm_loop_forward_rows_tanh_sigmoid, KIND_LSTM, 4)
LOOP_FORWARD_ROWS_KERNEL(gru_loop_forward_rows_tanh_sigmoid, KIND_GRU_RESET_AFTER, 3)

// The backward of a direction, ROWS_PER_ITEM rows per work-item, as loop_backward does it: the
// state gradient dh = carried + (dZ₋ · Uᵀ) ⊙ m + output gradient, where dZ₋ is the
// recurrent-side gate gradient the previous processed step wrote to global memory (gate_grad, or
// rec_gate_grad for the reset-after GRU: its h̃ block reaches h₋ as dh̃ ⊙ r); then the cell
// backward on vectors of CPU_LANES units. Uᵀ ([G·H, H]) is copied into local memory once per
// work-group (the only barrier), so a vector of units' weights of a column is one load, and the
// product runs in register tiles of eight rows (each vector of Uᵀ serves eight rows), summed in
// ascending column. The carried state gradient and the LSTM cell gradient stay in `carried` and
// `c_grad`, row b, between steps. Same limits as the forward rows, plus gate_grad and
// rec_gate_grad keep a distinct row per step (stride ≠ 0). Local memory: G·H·H floats.

// One processed step's tensors (row 0 of each; NULL when absent), found once per step.
typedef struct {
    __global const float* mask; __global const float* out_grad; __global const float* gates;
    __global float* gate_grad; __global float* rec_gate_grad;
    __global const float* h_prev; __global const float* c_prev;
} backward_step;

// The cell backward of row b, `count` units from j on (LOAD_COLUMNS), given its recurrent term
// `product` (zero and unused when `has_product` is 0: the first processed step).
inline __attribute__((always_inline)) void row_backward_cell(const int kind, const int G, const int H, const int b,
        const int j, const int count, const lanes product, const int has_product, const int carried_output,
        __global const float* rd, __global float* carried, __global float* c_grad, const backward_step t) {
#define LD(p) LOAD_COLUMNS(p, count)
#define ST(v, p) STORE_COLUMNS(v, p, count)
    const int GH = G * H, SW = SAVED_BLOCKS(kind, G) * H;
    const bool live = !t.mask || t.mask[b] != 0.0f;
    __global float* carry = carried + b * H;
    __global const float* gs = t.gates + b * SW;
    __global float* dz = t.gate_grad + b * GH;
    __global float* dzr = t.rec_gate_grad ? t.rec_gate_grad + b * GH : 0;
    const lanes mj = rd ? LD(rd + b * H + j) : (lanes)(1.0f);
    lanes dh = LD(carry + j);
    if (has_product) dh += product * mj;
    if (t.out_grad && (live || carried_output)) dh += LD(t.out_grad + b * H + j);
    if (!live) {
        // Masked row: no gate gradients, the whole state gradient carried back.
        for (int g = 0; g < G; ++g) {
            ST((lanes)(0.0f), dz + g * H + j);
            if (dzr) ST((lanes)(0.0f), dzr + g * H + j);
        }
        ST(dh, carry + j);
    } else if (kind == KIND_SIMPLE_RNN) {
        const lanes y = LD(gs + j);
        ST(dh * (1.0f - y * y), dz + j);
        ST((lanes)(0.0f), carry + j);
    } else if (kind == KIND_LSTM) {
        __global float* dcs = c_grad + b * H;
        const lanes ig = LD(gs + j), fg = LD(gs + H + j), cg = LD(gs + 2 * H + j), og = LD(gs + 3 * H + j);
        const lanes tc = LD(gs + 4 * H + j);
        const lanes dct = LD(dcs + j) + dh * og * (1.0f - tc * tc);
        ST(dct * cg * (ig * (1.0f - ig)), dz + j);
        ST(dct * LD(t.c_prev + b * H + j) * (fg * (1.0f - fg)), dz + H + j);
        ST(dct * ig * (1.0f - cg * cg), dz + 2 * H + j);
        ST(dh * tc * (og * (1.0f - og)), dz + 3 * H + j);
        ST(dct * fg, dcs + j);
        ST((lanes)(0.0f), carry + j);
    } else {
        const lanes z = LD(gs + j), rr = LD(gs + H + j), hh = LD(gs + 2 * H + j);
        const lanes dhh = dh * (1.0f - z) * (1.0f - hh * hh);
        const lanes dzz = dh * (LD(t.h_prev + b * H + j) * mj - hh) * (z * (1.0f - z));
        const lanes dr = dhh * LD(gs + 3 * H + j) * (rr * (1.0f - rr));
        ST(dzz, dz + j); ST(dr, dz + H + j); ST(dhh, dz + 2 * H + j);
        ST(dzz, dzr + j); ST(dr, dzr + H + j); ST(dhh * rr, dzr + 2 * H + j);
        ST(dh * z * mj, carry + j);
    }
#undef LD
#undef ST
}

// Row b's gradients reaching `count` units from j on at a step, added into its stand-in's
// (`carry`, and LSTM's `c_sum`) and zeroed; its gate gradients there zero. `fresh`: the row ran
// the step before (or this is the first), so its carried gradients and its product count (zero
// when it did not run: its product is of its zero gate gradients).
inline __attribute__((always_inline)) void fold_row(const int kind, const int G, const int H, const int b, const int j,
        const int count, const lanes product, const int fresh, __global float* carried, __global float* c_grad,
        __global float* carry, __global float* c_sum, const backward_step t) {
#define LD(p) LOAD_COLUMNS(p, count)
#define ST(v, p) STORE_COLUMNS(v, p, count)
    // A row folded before carries nothing and has a zero product: only its output's gradient.
    lanes dh = t.out_grad ? LD(t.out_grad + b * H + j) : (lanes)(0.0f);
    if (fresh) {
        dh += LD(carried + b * H + j) + product;
        ST((lanes)(0.0f), carried + b * H + j);
    }
    ST(LD(carry + j) + dh, carry + j);
    if (kind == KIND_LSTM && fresh) {
        ST(LD(c_sum + j) + LD(c_grad + b * H + j), c_sum + j);
        ST((lanes)(0.0f), c_grad + b * H + j);
    }
    __global float* dz = t.gate_grad + b * G * H;
    __global float* dzr = t.rec_gate_grad ? t.rec_gate_grad + b * G * H : 0;
    for (int g = 0; g < G; ++g) {
        ST((lanes)(0.0f), dz + g * H + j);
        if (dzr) ST((lanes)(0.0f), dzr + g * H + j);
    }
#undef LD
#undef ST
}

inline void loop_backward_rows(const int kind, const int G, const int B, const int H, const int T, const int carried_output,
        __global const float* wg, __global const float* rd, __global float* carried, __global float* c_grad,
        const stepped gates, const stepped h_prev, const stepped c_prev,
        const stepped mask, const stepped out_grad, const stepped gate_grad, const stepped rec_gate_grad,
        __global const int* padding, __local float* ut) {
    const int GH = G * H, SW = SAVED_BLOCKS(kind, G) * H;
    // Without a recurrent kernel (a one-step backward) there is nothing to copy or read.
    if (wg) {
        for (int i = get_local_id(0); i < H * GH; i += get_local_size(0)) {
            const int k = i / GH, col = i - k * GH;
            ut[col * H + k] = wg[i];
        }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    const int first = row_item_first();
    if (first >= B) return;
    const int rows = min(ROWS_PER_ITEM, B - first);
    const stepped recurrent_side = kind == KIND_GRU_RESET_AFTER ? rec_gate_grad : gate_grad;
    // The paddings the forward shared by (a forward-in-time direction: step s is timestep
    // T−1−s): the rows it copied at a timestep add what reaches them — carried gradient, output
    // gradient, their own product — into the row that stood for them, and their gate gradients
    // are zero. A folded row's carried gradients are zeroed, so that from then on it adds only
    // its output's gradient (its zero gate gradients give it a zero product).
    int pad[ROWS_PER_ITEM] = { 0 };
    if (padding) for (int r = 0; r < rows; ++r) pad[r] = padding[first + r];
    int previous_from = 0;
    for (int s = 0; s < T; ++s) {
        const int from = max(rows_in_padding(pad, rows, T - 1 - s) - 1, 0);
        // Rows below `fold_from` were folded at the step before: their carried gradients are zero.
        const int fold_from = s == 0 ? 0 : previous_from;
        previous_from = from;
        __global const float* previous = s > 0 && wg ? at(recurrent_side, s - 1) : 0;
        const backward_step t = {
            mask.p ? at(mask, s) : 0, out_grad.p ? at(out_grad, s) : 0, at(gates, s), at(gate_grad, s),
            rec_gate_grad.p ? at(rec_gate_grad, s) : 0, kind == KIND_GRU_RESET_AFTER ? at(h_prev, s) : 0,
            kind == KIND_LSTM ? at(c_prev, s) : 0 };
        // The next step's saved gates (LSTM's act(c) among them) and cell states, asked for while
        // this one runs: the forward wrote them long before, so they come from memory (the
        // cell's loads of them were most of lstm-imdb's backward samples on PoCL).
        if (s + 1 < T) {
            for (int r = max(rows_in_padding(pad, rows, T - 2 - s) - 1, 0); r < rows; ++r) {
                const int b = first + r;
                prefetch_floats(at(gates, s + 1) + b * SW, SW);
                for (int l = 0; l < H; l += 16) {
                    if (kind == KIND_LSTM) PREFETCH_LINE(at(c_prev, s + 1) + b * H + l);
                    if (kind == KIND_GRU_RESET_AFTER) PREFETCH_LINE(at(h_prev, s + 1) + b * H + l);
                    if (out_grad.p) PREFETCH_LINE(at(out_grad, s + 1) + b * H + l);
                }
            }
        }
        // Each tile of units: its products, then its cells (the widest tiles first; a constant
        // width in each copy).
#define BACKWARD_TILE(WIDTH) { \
            const int width = WIDTH, count = tile_columns(WIDTH); \
            ROW_EACH(ROW_OPERANDS) \
            if (previous) { \
                switch (fold_from) { \
                    case 0: BACKWARD_PRODUCTS(0) break; \
                    case 1: BACKWARD_PRODUCTS(1) break; \
                    case 2: BACKWARD_PRODUCTS(2) break; \
                    case 3: BACKWARD_PRODUCTS(3) break; \
                    case 4: BACKWARD_PRODUCTS(4) break; \
                    case 5: BACKWARD_PRODUCTS(5) break; \
                    case 6: BACKWARD_PRODUCTS(6) break; \
                    default: BACKWARD_PRODUCTS(7) break; \
                } \
            } \
            ROW_EACH(ROW_FINISH) \
            j += count; }
        // A row's operand row and accumulators; rows past the item's `rows` (the batch's end)
        // compute on its last row and write nothing.
#define ROW_OPERANDS(r) \
            __global const float* p##r = previous ? previous + (first + min(r, rows - 1)) * GH : 0; \
            lanes lo##r = (lanes)(0.0f), hi##r = lo##r;
        // Rows folded before this step have zero gate gradients there, so a zero product: the
        // first `fold_from` rows' accumulators stay zero (the cases of `skip` are written out,
        // as ROW_EACH cannot expand inside its own expansion; a constant in each, so each is one
        // straight loop).
#define BACKWARD_TERM(r) if (skip <= r) ROW_MAD(p##r[col], u0, u1, lo##r, hi##r);
#define BACKWARD_PRODUCTS(SKIP) { \
            const int skip = SKIP; \
            for (int col = 0; col < GH; ++col) { \
                __local const float* uc = ut + col * H + j; \
                const lanes u0 = LOAD_COLUMNS(uc, count), u1 = width == 2 ? vload_lanes(1, uc) : u0; \
                ROW_EACH(BACKWARD_TERM) \
            } }
        // The rows the stand-in stands for fold into it; it and the rows after it run their
        // cells: the tile's first vector of units, then its second (the widest tile only).
#define ROW_FINISH(r) \
            if (r < from) { \
                fold_row(kind, G, H, first + r, j, count, lo##r, r >= fold_from, carried, c_grad, carry, c_grad + (first + from) * H, t); \
                if (width == 2) fold_row(kind, G, H, first + r, j + CPU_LANES, CPU_LANES, hi##r, r >= fold_from, carried, c_grad, carry, c_grad + (first + from) * H, t); \
            } else if (r < rows) { \
                row_backward_cell(kind, G, H, first + r, j, count, lo##r, has, carried_output, rd, carried, c_grad, t); \
                if (width == 2) row_backward_cell(kind, G, H, first + r, j + CPU_LANES, CPU_LANES, hi##r, has, carried_output, rd, carried, c_grad, t); \
            }
        const int has = previous != 0;
        __global float* carry = carried + (first + from) * H;
        for (int j = 0; j < H; ) {
            const int width = tile_width(H - j);
            if (width == 2) BACKWARD_TILE(2) else if (width == 1) BACKWARD_TILE(1) else BACKWARD_TILE(0)
        }
#undef ROW_FINISH
#undef BACKWARD_PRODUCTS
#undef BACKWARD_TERM
#undef ROW_OPERANDS
#undef BACKWARD_TILE
    }
}

#define LOOP_BACKWARD_ROWS_KERNEL(name, KIND, G) \
__kernel void name(LOOP_BACKWARD_PARAMETERS) { \
    LOOP_BACKWARD_BINDINGS; \
    loop_backward_rows(KIND, G, B, H, T, carried_output, u, rd, carried, c_grad, \
                       gates, h_prev, c_prev, mask, out_grad, gate_grad, rec_gate_grad, padding, scratch); \
}

LOOP_BACKWARD_ROWS_KERNEL(simple_rnn_loop_backward_rows_tanh_sigmoid, KIND_SIMPLE_RNN, 1)
LOOP_BACKWARD_ROWS_KERNEL(lstm_loop_backward_rows_tanh_sigmoid, KIND_LSTM, 4)
LOOP_BACKWARD_ROWS_KERNEL(gru_loop_backward_rows_tanh_sigmoid, KIND_GRU_RESET_AFTER, 3)

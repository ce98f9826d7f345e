// gru.cl — GRU timestep (Keras gate order z, r, h), one work-item per (b, j). h̄ = h₋ ⊙ m, the
// recurrent-dropout-masked state (m = 1 without dropout), which Keras's GRUCell interpolates with.
// Reset-after (default):  z, r = ract(x_zr + b_x + p_zr + b_h); h̃ = act(x_h + b_xh + r·(p_h + b_hh));
//                         h = z·h̄ + (1−z)·h̃. Saved: z, r, h̃, p_h + b_hh (4H).
// Reset-before:           gru_reset_gate_forward: z, r as above with one bias, s = r·h̄;
//                         (caller: p_h = s·U_h) then gru_forward_reset_before: h̃ = act(x_h + p_h + b_h),
//                         h = z·h̄ + (1−z)·h̃. Saved: z, r, h̃ (3H).
// Backward: dh = carried + recurrent ⊙ m + output (live rows; all when carried_output); dh̃ = dh(1−z)act'(h̃);
//           dz = dh(h̄ − h̃)ract'(z); carried ← dh·z·m. Reset-after: dr = dh̃·(p_h + b_hh)·ract'(r),
//           recurrent-side h block = dh̃·r. Reset-before: the r block comes from gru_reset_gate_backward.
// Masked rows: state carried, output 0, dZ = 0, carried = dh.       Launch: global B·H for all.

__kernel void gru_forward_reset_after(const int B, const int H, const int act, const int ract,
        TENSOR(const float, x_proj), TENSOR(const float, h_proj), TENSOR(const float, bias_),
        TENSOR(const float, h_prev), TENSOR(float, h_out), TENSOR(float, gates),
        TENSOR(const float, mask), TENSOR(float, seq_out), TENSOR(const float, rd_mask), TENSOR(float, dropped)) {
    int i = get_global_id(0);
    if (i >= B * H) return;
    BIND(const float, x_proj); BIND(const float, h_proj); BIND(const float, bias_); BIND(const float, h_prev);
    BIND(float, h_out); BIND(float, gates); BIND(const float, mask); BIND(float, seq_out);
    BIND(const float, rd_mask); BIND(float, dropped);
    int b = i / H, j = i - b * H;
    int row = b * 3 * H, saved = b * 4 * H;
    float h;
    if (mask && mask[b] == 0.0f) {
        h = h_prev[i];
        gates[saved + j] = 0.0f; gates[saved + H + j] = 0.0f; gates[saved + 2 * H + j] = 0.0f; gates[saved + 3 * H + j] = 0.0f;
        if (seq_out) seq_out[i] = 0.0f;
    } else {
        __global const float* bx = bias_;
        __global const float* bh = bias_ + 3 * H;
        float hbar = h_prev[i] * (rd_mask ? rd_mask[i] : 1.0f);
        float z = activate(ract, x_proj[row + j] + bx[j] + h_proj[row + j] + bh[j]);
        float r = activate(ract, x_proj[row + H + j] + bx[H + j] + h_proj[row + H + j] + bh[H + j]);
        float ph = h_proj[row + 2 * H + j] + bh[2 * H + j];
        float hh = activate(act, x_proj[row + 2 * H + j] + bx[2 * H + j] + r * ph);
        h = z * hbar + (1.0f - z) * hh;
        gates[saved + j] = z; gates[saved + H + j] = r; gates[saved + 2 * H + j] = hh; gates[saved + 3 * H + j] = ph;
        if (seq_out) seq_out[i] = h;
    }
    h_out[i] = h;
    if (dropped) dropped[i] = h * rd_mask[i];
}

__kernel void gru_reset_gate_forward(const int B, const int H, const int ract,
        TENSOR(const float, x_proj), TENSOR(const float, h_proj), TENSOR(const float, bias_),
        TENSOR(const float, h_prev), TENSOR(float, gates), TENSOR(float, reset_state), TENSOR(const float, rd_mask)) {
    int i = get_global_id(0);
    if (i >= B * H) return;
    BIND(const float, x_proj); BIND(const float, h_proj); BIND(const float, bias_); BIND(const float, h_prev);
    BIND(float, gates); BIND(float, reset_state); BIND(const float, rd_mask);
    int b = i / H, j = i - b * H;
    int row = b * 3 * H;
    float z = activate(ract, x_proj[row + j] + h_proj[row + j] + bias_[j]);
    float r = activate(ract, x_proj[row + H + j] + h_proj[row + H + j] + bias_[H + j]);
    gates[row + j] = z; gates[row + H + j] = r;
    reset_state[i] = r * h_prev[i] * (rd_mask ? rd_mask[i] : 1.0f);
}

__kernel void gru_forward_reset_before(const int B, const int H, const int act,
        TENSOR(const float, x_proj), TENSOR(const float, h_proj), TENSOR(const float, bias_),
        TENSOR(const float, h_prev), TENSOR(float, h_out), TENSOR(float, gates),
        TENSOR(const float, mask), TENSOR(float, seq_out), TENSOR(const float, rd_mask), TENSOR(float, dropped)) {
    int i = get_global_id(0);
    if (i >= B * H) return;
    BIND(const float, x_proj); BIND(const float, h_proj); BIND(const float, bias_); BIND(const float, h_prev);
    BIND(float, h_out); BIND(float, gates); BIND(const float, mask); BIND(float, seq_out);
    BIND(const float, rd_mask); BIND(float, dropped);
    int b = i / H, j = i - b * H;
    int row = b * 3 * H;
    float h;
    if (mask && mask[b] == 0.0f) {
        h = h_prev[i];
        if (seq_out) seq_out[i] = 0.0f;
    } else {
        float hbar = h_prev[i] * (rd_mask ? rd_mask[i] : 1.0f);
        float z = gates[row + j];
        float hh = activate(act, x_proj[row + 2 * H + j] + h_proj[row + 2 * H + j] + bias_[2 * H + j]);
        gates[row + 2 * H + j] = hh;
        h = z * hbar + (1.0f - z) * hh;
        if (seq_out) seq_out[i] = h;
    }
    h_out[i] = h;
    if (dropped) dropped[i] = h * rd_mask[i];
}

__kernel void gru_backward(const int B, const int H, const int act, const int ract, const int reset_after, const int carried_output,
        TENSOR(const float, gates), TENSOR(const float, h_prev), TENSOR(const float, mask),
        TENSOR(const float, out_grad), TENSOR(const float, rec_grad), TENSOR(const float, rd_mask),
        TENSOR(float, carried), TENSOR(float, gate_grad), TENSOR(float, rec_gate_grad)) {
    int i = get_global_id(0);
    if (i >= B * H) return;
    BIND(const float, gates); BIND(const float, h_prev); BIND(const float, mask); BIND(const float, out_grad);
    BIND(const float, rec_grad); BIND(const float, rd_mask); BIND(float, carried); BIND(float, gate_grad);
    BIND(float, rec_gate_grad);
    int b = i / H, j = i - b * H;
    int row = b * 3 * H, saved = b * (reset_after ? 4 : 3) * H;
    bool live = !mask || mask[b] != 0.0f;
    float m = rd_mask ? rd_mask[i] : 1.0f;
    float dh = carried[i];
    if (rec_grad) dh += rec_grad[i] * m;
    if ((live || carried_output) && out_grad) dh += out_grad[i];
    if (!live) {
        gate_grad[row + j] = 0.0f; gate_grad[row + H + j] = 0.0f; gate_grad[row + 2 * H + j] = 0.0f;
        if (rec_gate_grad) { rec_gate_grad[row + j] = 0.0f; rec_gate_grad[row + H + j] = 0.0f; rec_gate_grad[row + 2 * H + j] = 0.0f; }
        carried[i] = dh;
        return;
    }
    float z = gates[saved + j], r = gates[saved + H + j], hh = gates[saved + 2 * H + j];
    float dhh = dh * (1.0f - z) * activate_grad(act, hh);
    float dz = dh * (h_prev[i] * m - hh) * activate_grad(ract, z);
    gate_grad[row + j] = dz;
    gate_grad[row + 2 * H + j] = dhh;
    if (reset_after) {
        float dr = dhh * gates[saved + 3 * H + j] * activate_grad(ract, r);
        gate_grad[row + H + j] = dr;
        rec_gate_grad[row + j] = dz; rec_gate_grad[row + H + j] = dr; rec_gate_grad[row + 2 * H + j] = dhh * r;
    } else {
        gate_grad[row + H + j] = 0.0f;
    }
    carried[i] = dh * z * m;
}

__kernel void gru_reset_gate_backward(const int B, const int H, const int ract,
        TENSOR(const float, gates), TENSOR(const float, h_prev), TENSOR(const float, reset_grad),
        TENSOR(const float, rd_mask), TENSOR(float, carried), TENSOR(float, gate_grad)) {
    int i = get_global_id(0);
    if (i >= B * H) return;
    BIND(const float, gates); BIND(const float, h_prev); BIND(const float, reset_grad); BIND(const float, rd_mask);
    BIND(float, carried); BIND(float, gate_grad);
    int b = i / H, j = i - b * H;
    int row = b * 3 * H;
    float m = rd_mask ? rd_mask[i] : 1.0f;
    float r = gates[row + H + j];
    float drh = reset_grad[i];
    gate_grad[row + H + j] = drh * h_prev[i] * m * activate_grad(ract, r);
    carried[i] += drh * r * m;
}

// simple_rnn.cl — SimpleRNN timestep, forward and backward, one work-item per (b, j).
// Forward:  h = act(xW + hU + b); masked rows carry h₋, output 0.   Launch: global B·H.
// Backward: dh = carried + recurrent ⊙ m + output (live rows; all rows when carried_output);
//           dZ = dh · act'(h̃); carried = 0
//           (masked rows: dZ = 0, carried = dh).                    Launch: global B·H.
// Saved per row: h̃ (H floats). No size limits beyond the buffer sizes.

__kernel void simple_rnn_forward(const int B, const int H, const int act,
        TENSOR(const float, x_proj), TENSOR(const float, h_proj), TENSOR(const float, bias_),
        TENSOR(const float, h_prev), TENSOR(float, h_out), TENSOR(float, gates),
        TENSOR(const float, mask), TENSOR(float, seq_out), TENSOR(const float, rd_mask), TENSOR(float, dropped)) {
    int i = get_global_id(0);
    if (i >= B * H) return;
    BIND(const float, x_proj); BIND(const float, h_proj); BIND(const float, bias_); BIND(const float, h_prev);
    BIND(float, h_out); BIND(float, gates); BIND(const float, mask); BIND(float, seq_out);
    BIND(const float, rd_mask); BIND(float, dropped);
    int b = i / H, j = i - b * H;
    float h;
    if (mask && mask[b] == 0.0f) {
        h = h_prev[i];
        gates[i] = 0.0f;
        if (seq_out) seq_out[i] = 0.0f;
    } else {
        h = activate(act, x_proj[i] + h_proj[i] + bias_[j]);
        gates[i] = h;
        if (seq_out) seq_out[i] = h;
    }
    h_out[i] = h;
    if (dropped) dropped[i] = h * rd_mask[i];
}

__kernel void simple_rnn_backward(const int B, const int H, const int act, const int carried_output,
        TENSOR(const float, gates), TENSOR(const float, mask), TENSOR(const float, out_grad),
        TENSOR(const float, rec_grad), TENSOR(const float, rd_mask),
        TENSOR(float, carried), TENSOR(float, gate_grad)) {
    int i = get_global_id(0);
    if (i >= B * H) return;
    BIND(const float, gates); BIND(const float, mask); BIND(const float, out_grad); BIND(const float, rec_grad);
    BIND(const float, rd_mask); BIND(float, carried); BIND(float, gate_grad);
    int b = i / H;
    bool live = !mask || mask[b] != 0.0f;
    float dh = carried[i];
    if (rec_grad) dh += rec_grad[i] * (rd_mask ? rd_mask[i] : 1.0f);
    if ((live || carried_output) && out_grad) dh += out_grad[i];
    if (!live) { gate_grad[i] = 0.0f; carried[i] = dh; return; }
    gate_grad[i] = dh * activate_grad(act, gates[i]);
    carried[i] = 0.0f;
}

// lstm.cl — LSTM timestep (Keras gate order i, f, c, o), one work-item per (b, j).
// Forward:  i,f,o = ract(·), c̃ = act(·) of (xW + hU + b); c = f·c₋ + i·c̃; h = o·act(c).
//           Masked rows carry h₋ and c₋, output 0.                 Launch: global B·H.
// Backward: dh = carried + recurrent ⊙ m + output (live rows; all when carried_output); dc_t = dc + dh·o·act'(act(c));
//           dZ = [dc_t·c̃·ract'(i), dc_t·c₋·ract'(f), dc_t·i·act'(c̃), dh·act(c)·ract'(o)], act(c) as saved;
//           dc ← dc_t·f; carried ← 0 (masked rows: dZ = 0, carried = dh, dc unchanged).
// Saved per row: i, f, c̃, o (activated), and act(c): 5H floats.

__kernel void lstm_forward(const int B, const int H, const int act, const int ract,
        TENSOR(const float, x_proj), TENSOR(const float, h_proj), TENSOR(const float, bias_),
        TENSOR(const float, h_prev), TENSOR(float, h_out), TENSOR(const float, c_prev), TENSOR(float, c_out),
        TENSOR(float, gates), TENSOR(const float, mask), TENSOR(float, seq_out),
        TENSOR(const float, rd_mask), TENSOR(float, dropped)) {
    int i = get_global_id(0);
    if (i >= B * H) return;
    BIND(const float, x_proj); BIND(const float, h_proj); BIND(const float, bias_); BIND(const float, h_prev);
    BIND(float, h_out); BIND(const float, c_prev); BIND(float, c_out); BIND(float, gates);
    BIND(const float, mask); BIND(float, seq_out); BIND(const float, rd_mask); BIND(float, dropped);
    int b = i / H, j = i - b * H;
    int row = b * 4 * H, saved = b * 5 * H;
    float h;
    if (mask && mask[b] == 0.0f) {
        h = h_prev[i];
        c_out[i] = c_prev[i];
        for (int g = 0; g < 5; ++g) gates[saved + g * H + j] = 0.0f;
        if (seq_out) seq_out[i] = 0.0f;
    } else {
        float ig = activate(ract, x_proj[row + j] + h_proj[row + j] + bias_[j]);
        float fg = activate(ract, x_proj[row + H + j] + h_proj[row + H + j] + bias_[H + j]);
        float cg = activate(act, x_proj[row + 2 * H + j] + h_proj[row + 2 * H + j] + bias_[2 * H + j]);
        float og = activate(ract, x_proj[row + 3 * H + j] + h_proj[row + 3 * H + j] + bias_[3 * H + j]);
        float c = fg * c_prev[i] + ig * cg;
        c_out[i] = c;
        float tc = activate(act, c);
        h = og * tc;
        gates[saved + j] = ig; gates[saved + H + j] = fg; gates[saved + 2 * H + j] = cg; gates[saved + 3 * H + j] = og;
        gates[saved + 4 * H + j] = tc;
        if (seq_out) seq_out[i] = h;
    }
    h_out[i] = h;
    if (dropped) dropped[i] = h * rd_mask[i];
}

__kernel void lstm_backward(const int B, const int H, const int act, const int ract, const int carried_output,
        TENSOR(const float, gates), TENSOR(const float, c_prev),
        TENSOR(const float, mask), TENSOR(const float, out_grad), TENSOR(const float, rec_grad),
        TENSOR(const float, rd_mask), TENSOR(float, carried), TENSOR(float, c_grad), TENSOR(float, gate_grad)) {
    int i = get_global_id(0);
    if (i >= B * H) return;
    BIND(const float, gates); BIND(const float, c_prev); BIND(const float, mask);
    BIND(const float, out_grad); BIND(const float, rec_grad); BIND(const float, rd_mask);
    BIND(float, carried); BIND(float, c_grad); BIND(float, gate_grad);
    int b = i / H, j = i - b * H;
    int row = b * 4 * H, saved = b * 5 * H;
    bool live = !mask || mask[b] != 0.0f;
    float dh = carried[i];
    if (rec_grad) dh += rec_grad[i] * (rd_mask ? rd_mask[i] : 1.0f);
    if ((live || carried_output) && out_grad) dh += out_grad[i];
    if (!live) {
        gate_grad[row + j] = 0.0f; gate_grad[row + H + j] = 0.0f;
        gate_grad[row + 2 * H + j] = 0.0f; gate_grad[row + 3 * H + j] = 0.0f;
        carried[i] = dh;
        return;
    }
    float ig = gates[saved + j], fg = gates[saved + H + j], cg = gates[saved + 2 * H + j], og = gates[saved + 3 * H + j];
    float tc = gates[saved + 4 * H + j];
    float dct = c_grad[i] + dh * og * activate_grad(act, tc);
    gate_grad[row + j] = dct * cg * activate_grad(ract, ig);
    gate_grad[row + H + j] = dct * c_prev[i] * activate_grad(ract, fg);
    gate_grad[row + 2 * H + j] = dct * ig * activate_grad(act, cg);
    gate_grad[row + 3 * H + j] = dh * tc * activate_grad(ract, og);
    c_grad[i] = dct * fg;
    carried[i] = 0.0f;
}

#ifndef RECUR_CELL_KERNELS_H
#define RECUR_CELL_KERNELS_H

// The CPU backend's cell passes, each compiled twice: `_avx512` for CPUs with AVX-512
// (16 lanes a vector; call it only where `recur_cpu_has_avx512()`), `_baseline` for the build's
// instruction set (cell_kernels.c says why). Each computes, lane for lane, the operations
// `VectorMath` and `CellMath` compute in Swift, in the same order, so a value is the same bits
// whichever copy runs.

// out[j] = sigmoid(x[j] + r[j] + bias[j]), j < count.
void recur_sigmoid_sum_baseline(const float *x, const float *r, const float *bias, float *out, long count);
void recur_sigmoid_sum_avx512(const float *x, const float *r, const float *bias, float *out, long count);

// out[j] = tanh(x[j] + r[j] + bias[j]), j < count.
void recur_tanh_sum_baseline(const float *x, const float *r, const float *bias, float *out, long count);
void recur_tanh_sum_avx512(const float *x, const float *r, const float *bias, float *out, long count);

// One LSTM row with Keras's activations (tanh, recurrent sigmoid): the gates [i, f, g, o]
// (`units` each) = σ, σ, tanh, σ of x + r + bias, written to `gates` with tanh(c) after them;
// c = f·c₋₁ + i·g to `cell_state`, h = o·tanh(c) to `state`.
void recur_lstm_forward_row_baseline(const float *x, const float *r, const float *bias, float *gates, long units,
                                     const float *previous_cell_state, float *cell_state, float *state);
void recur_lstm_forward_row_avx512(const float *x, const float *r, const float *bias, float *gates, long units,
                                   const float *previous_cell_state, float *cell_state, float *state);

// One GRU row (reset_after, Keras's activations): z, r = σ(((x + bx) + r) + bh) into `gates`,
// then ĥ = tanh((x + bx) + r·(ρ + bh)) and ρ + bh saved after them, h = z·h̄ + (1 − z)·ĥ into
// `state`, h̄ the previous state times `dropout` when given. x, r: [3·units]; bx, bh: the two
// bias rows.
void recur_gru_forward_row_baseline(const float *x, const float *bx, const float *r, const float *bh, float *gates, long units,
                                    const float *previous_state, const float *dropout, float *state);
void recur_gru_forward_row_avx512(const float *x, const float *bx, const float *r, const float *bh, float *gates, long units,
                                  const float *previous_state, const float *dropout, float *state);

// One LSTM row's backward with Keras's activations: the state gradient dh = carried +
// recurrent·dropout (when `recurrent`; the mask when `dropout`) + output (when `output`); from
// the saved [i, f, g, o, tanh(c)] and c₋₁, the gate gradients into `dz` ([4·units]) and the cell
// gradient carried back in `dc`; `carried` zeroed.
void recur_lstm_backward_row_baseline(const float *saved, long units, float *carried, const float *recurrent,
                                      const float *dropout, const float *output, const float *previous_cell_state,
                                      float *cell_gradient, float *gate_gradient);
void recur_lstm_backward_row_avx512(const float *saved, long units, float *carried, const float *recurrent,
                                    const float *dropout, const float *output, const float *previous_cell_state,
                                    float *cell_gradient, float *gate_gradient);

// RowGEMM's block of `rows` = 6, 4 or 3 rows, AVX-512 only (row_blocks.c): rows r…r+rows−1 of C
// (at `c`, `ldc` apart) by the 16 columns of one B panel (at `b`, its rows `ldb` apart), as
// `RowGEMM.sixRows` and `RowGEMM.fewRows` compute them; A's element (i, kk) at
// a[i·row_stride + kk·k_stride] for kk < first, then at second[i·second_row_stride + kk − first]
// for second_count more; `initial` (16 floats), when not NULL, the sums over the first part
// instead. With `panels` = 2 also the next panel, its B at `b + panel_stride` and its C columns
// (and `initial`'s) the 16 after the first's; with 1 `panel_stride` is not read. One function
// per row and panel count (row_blocks.c says why); `recur_row_block_avx512` picks one.
#define RECUR_ROW_BLOCK(R, P)                                                                      \
    void recur_rows##R##_panels##P##_avx512(const float *a, long row_stride, long k_stride, long first, \
                                           const float *second, long second_row_stride, long second_count, \
                                           const float *initial, const float *b, long ldb, long panel_stride, \
                                           float alpha, float beta, float *c, long ldc);
RECUR_ROW_BLOCK(6, 1)
RECUR_ROW_BLOCK(6, 2)
RECUR_ROW_BLOCK(4, 1)
RECUR_ROW_BLOCK(4, 2)
RECUR_ROW_BLOCK(3, 1)
RECUR_ROW_BLOCK(3, 2)
#undef RECUR_ROW_BLOCK

static inline void recur_row_block_avx512(long rows, long panels, const float *a, long row_stride, long k_stride,
                                          long first, const float *second, long second_row_stride, long second_count,
                                          const float *initial, const float *b, long ldb, long panel_stride,
                                          float alpha, float beta, float *c, long ldc) {
#define RECUR_CALL(R, P) recur_rows##R##_panels##P##_avx512(a, row_stride, k_stride, first, second, second_row_stride, \
                                                          second_count, initial, b, ldb, panel_stride, alpha, beta, c, ldc)
    if (panels == 2) {
        if (rows == 6) RECUR_CALL(6, 2); else if (rows == 4) RECUR_CALL(4, 2); else RECUR_CALL(3, 2);
    } else {
        if (rows == 6) RECUR_CALL(6, 1); else if (rows == 4) RECUR_CALL(4, 1); else RECUR_CALL(3, 1);
    }
#undef RECUR_CALL
}

// Whether this CPU (and its OS) runs AVX-512F.
int recur_cpu_has_avx512(void);

#endif

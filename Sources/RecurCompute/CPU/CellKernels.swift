import CCellKernels
import Foundation

/// The cell passes the CPU backend runs in C (`Sources/CCellKernels`): the sigmoid and tanh
/// passes over a row's gate pre-activations, LSTM rows forward and backward and GRU rows
/// forward, each built for AVX-512 and for the build's baseline, the same bits either way.
/// Which one runs is settled once per process (``width``): AVX-512 where the CPU has it, unless
/// `RECUR_CPU_AVX512=0` (to compare the two, or to rule the wide copy out on a host that
/// misbehaves). Callers read it once per batch of rows and pass it: read in each row's call,
/// it was a `swift_once` call per row. ``RowGEMM`` reads it once per product for its AVX-512
/// blocks (``RowGEMM/wideRows(_:panels:_:column:k:alpha:a:b:ldb:panelStride:beta:c:ldc:)``).
enum CellKernels {
    /// The instruction set the passes run with in this process.
    enum Width {
        case baseline, avx512
    }

    static let width: Width = {
        let allowed = ProcessInfo.processInfo.environment["RECUR_CPU_AVX512"] != "0"
        return allowed && recur_cpu_has_avx512() != 0 ? .avx512 : .baseline
    }()

    /// `out = f(x + r + bias)` over `count` values, `f` the sigmoid or tanh.
    @inline(__always)
    static func activationSum(_ activation: Activation, _ x: UnsafePointer<Float>, _ r: UnsafePointer<Float>,
                              _ bias: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count: Int, width: Width) {
        switch (activation, width) {
        case (.sigmoid, .avx512): recur_sigmoid_sum_avx512(x, r, bias, out, count)
        case (.sigmoid, .baseline): recur_sigmoid_sum_baseline(x, r, bias, out, count)
        case (.tanh, .avx512): recur_tanh_sum_avx512(x, r, bias, out, count)
        case (.tanh, .baseline): recur_tanh_sum_baseline(x, r, bias, out, count)
        default: preconditionFailure("the C passes compute the sigmoid and tanh only, not \(activation)")
        }
    }

    /// One LSTM row with Keras's activations: `[i, f, g, o] = [σ, σ, tanh, σ](x + r + bias)`
    /// into `gates`, `tanh(c)` after them, `c = f·c₋₁ + i·g` into `cellState`, `h = o·tanh(c)`
    /// into `state`.
    @inline(__always)
    static func lstmForwardRow(_ x: UnsafePointer<Float>, _ r: UnsafePointer<Float>, _ bias: UnsafePointer<Float>,
                               gates: UnsafeMutablePointer<Float>, units: Int, previousCellState: UnsafePointer<Float>,
                               cellState: UnsafeMutablePointer<Float>, state: UnsafeMutablePointer<Float>, width: Width) {
        switch width {
        case .avx512: recur_lstm_forward_row_avx512(x, r, bias, gates, units, previousCellState, cellState, state)
        case .baseline: recur_lstm_forward_row_baseline(x, r, bias, gates, units, previousCellState, cellState, state)
        }
    }

    /// One GRU row (`reset_after`) with Keras's activations: `[z, r] = σ(((x + bx) + r) + bh)`
    /// into `gates`, then `ĥ = tanh((x + bx) + r·(ρ + bh))` and `ρ + bh` after them, and
    /// `h = z·h̄ + (1 − z)·ĥ` into `state`, `h̄` the previous state times the recurrent dropout mask.
    @inline(__always)
    static func gruForwardRow(_ x: UnsafePointer<Float>, _ bx: UnsafePointer<Float>, _ r: UnsafePointer<Float>,
                              _ bh: UnsafePointer<Float>, gates: UnsafeMutablePointer<Float>, units: Int,
                              previousState: UnsafePointer<Float>, recurrentDropoutMask: UnsafePointer<Float>?,
                              state: UnsafeMutablePointer<Float>, width: Width) {
        switch width {
        case .avx512: recur_gru_forward_row_avx512(x, bx, r, bh, gates, units, previousState, recurrentDropoutMask, state)
        case .baseline: recur_gru_forward_row_baseline(x, bx, r, bh, gates, units, previousState, recurrentDropoutMask, state)
        }
    }

    /// One LSTM row's backward with Keras's activations (``CellMath/lstmBackwardRow(_:_:_:previousCellState:cellGradient:)``).
    @inline(__always)
    static func lstmBackwardRow(_ row: CellMath.BackwardRow, previousCellState: UnsafePointer<Float>,
                                cellGradient: UnsafeMutablePointer<Float>, width: Width) {
        switch width {
        case .avx512:
            recur_lstm_backward_row_avx512(row.saved, row.units, row.carried, row.recurrentGradient, row.recurrentDropoutMask,
                                           row.outputGradient, previousCellState, cellGradient, row.gateGradient)
        case .baseline:
            recur_lstm_backward_row_baseline(row.saved, row.units, row.carried, row.recurrentGradient, row.recurrentDropoutMask,
                                             row.outputGradient, previousCellState, cellGradient, row.gateGradient)
        }
    }
}

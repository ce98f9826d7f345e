extension RecurrentSequence {
    /// The distinct tokens' input projection `P = E_D·W`, which ``forward()``'s loop gathers
    /// from: with a token input, run after ``TokenProjection/gatherRows`` and before `forward()`.
    /// Nil for a sequence input (`forward()` projects it itself).
    public var tokenProjectionForward: DistinctRowsOp? {
        guard case .tokens(let tokens) = bindings.input else { return nil }
        return DistinctRowsOp(.gemm(GEMM(m: tokens.capacity, n: shape.cell.gateWidth, k: shape.inputWidth, a: tokens.rows,
                                         b: bindings.kernel, c: work.tokenProjection!)), .gemmRows)
    }

    /// The kernel's gradient over the distinct tokens' summed gate gradients `S`: with a token
    /// input, run after ``backward(outputGradient:finalStateGradient:)``. Nil for a sequence
    /// input (`backward` forms it over every occurrence).
    public var tokenProjectionBackward: DistinctRowsOp? {
        guard case .tokens(let tokens) = bindings.input, let summed = work.tokenGateGradients else { return nil }
        return DistinctRowsOp(.gemm(GEMM(transposeA: true, m: shape.inputWidth, n: shape.cell.gateWidth, k: tokens.capacity,
                                         a: tokens.rows, b: summed, c: bindings.kernelGradient)), .gemmDepth)
    }
}

extension RecurrentSequence {
    /// The projection `P = E_D·W` (or `E·W`, the whole vocabulary) that ``forward()``'s loop
    /// gathers from: with a token input, run after ``TokenProjection/gatherRows`` and before
    /// `forward()`. Empty for a sequence input (`forward()` projects it itself).
    public func tokenProjectionForward() throws -> Plan {
        guard case .tokens(let tokens) = bindings.input else { return Plan() }
        let product = Op.gemm(GEMM(m: tokens.capacity, n: shape.cell.gateWidth, k: shape.inputWidth, a: tokens.projectedTable,
                                   b: bindings.kernel, c: work.tokenProjection!))
        var plan = Plan()
        if case .distinct = tokens.rows { try plan.append(DistinctRowsOp(product, .gemmRows)) } else { try plan.append(product) }
        return plan
    }

    /// The kernel's gradient over the distinct tokens' summed gate gradients `S`: with a token
    /// input, run after ``backward(outputGradient:finalStateGradient:)``. Nil for a sequence
    /// input (`backward` forms it over every occurrence).
    public var tokenProjectionBackward: DistinctRowsOp? {
        guard case .tokens(let tokens) = bindings.input, let summed = work.tokenGateGradients,
              case .distinct(let capacity, _, let gathered, _) = tokens.rows else { return nil }
        return DistinctRowsOp(.gemm(GEMM(transposeA: true, m: shape.inputWidth, n: shape.cell.gateWidth, k: capacity,
                                         a: gathered, b: summed, c: bindings.kernelGradient)), .gemmDepth)
    }
}

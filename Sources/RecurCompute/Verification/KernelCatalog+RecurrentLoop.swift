extension KernelCatalog {
    /// (batch, units, timesteps) of the fused-loop checks: one of everything, a width that fits
    /// no SIMD tile, and a batch that work-groups of several rows do not divide.
    static let loopShapes: [(b: Int, h: Int, t: Int)] = [(1, 1, 1), (3, 33, 5), (7, 16, 6)]

    /// The persistent recurrent-loop kernels (`recurrent_loop.cl`), as whole loops of per-step ops
    /// that the OpenCL backend must recognise and run in one launch (a check fails if the loop
    /// runs step by step instead), in both weight variants.
    static func recurrentLoops() -> [KernelCheck] {
        var checks: [KernelCheck] = []
        for kind in [CellKind.simpleRNN, .lstm, .gru(resetAfter: true), .gru(resetAfter: false)] {
            for (b, h, t) in loopShapes {
                let cell = RecurrentCell(kind, units: h)
                for mode in [RecurrentLoopMode.fused, .fusedGlobalWeights] where mode == .fused || h == 33 {
                    checks.append(loopForwardCheck(cell, batch: b, time: t, mode: mode))
                    checks.append(loopForwardCheck(cell, batch: b, time: t, reverse: true, masked: true, mode: mode))
                    checks.append(loopForwardCheck(cell, batch: b, time: t, masked: true, forwardOnly: true, mode: mode))
                    checks.append(loopBackwardCheck(cell, batch: b, time: t, mode: mode))
                    checks.append(loopBackwardCheck(cell, batch: b, time: t, reverse: true, masked: true, maskedOutput: .carried, mode: mode))
                }
            }
        }
        // The generic kernels (activations as arguments); the checks above reach the ones with
        // the Keras defaults compiled in.
        for cell in [RecurrentCell(.simpleRNN, units: 33, activation: .relu),
                     RecurrentCell(.lstm, units: 33, recurrentActivation: .hardSigmoid),
                     RecurrentCell(.gru(resetAfter: true), units: 33, activation: .sigmoid, recurrentActivation: .tanh),
                     RecurrentCell(.gru(resetAfter: false), units: 33, activation: .linear, recurrentActivation: .hardSigmoid)] {
            checks.append(loopForwardCheck(cell, batch: 3, time: 5, reverse: true, masked: true, mode: .fused))
            checks.append(loopBackwardCheck(cell, batch: 3, time: 5, reverse: true, masked: true, maskedOutput: .carried, mode: .fused))
        }
        return checks
    }

    private static func loopLabel(_ cell: RecurrentCell, _ direction: String, reverse: Bool, masked: Bool, extra: String, mode: RecurrentLoopMode) -> String {
        var label = "\(cell.kind.name) loop \(direction)"
        if cell.activation != .tanh || cell.recurrentActivation != .sigmoid {
            label += " \(cell.activation)/\(cell.recurrentActivation)"
        }
        if reverse { label += " reversed" }
        if masked { label += " masked+dropout" }
        label += extra
        if mode == .fusedGlobalWeights { label += " global-weights" }
        return label
    }

    /// A forward direction as ``RecurrentSequence`` emits it: per step the recurrent product into
    /// a scratch row, then the cell. Forward-only: the state rows alternate between two places and
    /// one row of gates is reused, as in an inference plan.
    static func loopForwardCheck(_ cell: RecurrentCell, batch b: Int, time t: Int, reverse: Bool = false, masked: Bool = false,
                                 forwardOnly: Bool = false, mode: RecurrentLoopMode) -> KernelCheck {
        let h = cell.units, g = cell.gateWidth, sw = cell.savedWidth
        let resetBefore = cell.kind == .gru(resetAfter: false), lstm = cell.kind == .lstm
        let stateRows = forwardOnly ? 2 : t, savedRows = forwardOnly ? 1 : t
        var tensors = [
            TensorSpec("x", t * b * g, .uniform(-1, 1)), TensorSpec("u", h * g, .uniform(-0.5, 0.5)),
            TensorSpec("bias", cell.biasCount, .uniform(-0.5, 0.5)), TensorSpec("h0", b * h, .uniform(-1, 1)),
            TensorSpec("states", stateRows * b * h, .poison), TensorSpec("gates", savedRows * b * sw, .poison),
            TensorSpec("p", b * g, .constant(0)),
        ]
        var compared = ["states", "gates"]
        if lstm {
            tensors += [TensorSpec("c0", b * h, .uniform(-1, 1)), TensorSpec("cells", stateRows * b * h, .poison)]
            compared.append("cells")
        }
        if masked {
            tensors += [TensorSpec("mask", t * b, .binary(zeroRate: 0.3)), TensorSpec("rd", b * h, .dropout(rate: 0.25)),
                        TensorSpec("op0", b * h, .poison), TensorSpec("dropped", t * b * h, .poison)]
            compared.append("dropped")
            if !forwardOnly {
                tensors.append(TensorSpec("seq", t * b * h, .poison))
                compared.append("seq")
            }
        }
        if resetBefore {
            tensors.append(TensorSpec("reset", savedRows * b * h, .poison))
            compared.append("reset")
        }
        let label = loopLabel(cell, "forward", reverse: reverse, masked: masked, extra: forwardOnly ? " forward-only" : "", mode: mode)
        return KernelCheck(label, kind: .recurrentLoop, shape: "B=\(b) H=\(h) T=\(t)", tensors: tensors, compared: compared,
                           tolerance: .accumulation, recurrentLoopMode: mode) { tt in
            let rd = tt.optional("rd")
            var ops: [Op] = []
            if let rd { ops.append(.multiply(Multiply(tt["h0"], rd, output: tt["op0"]))) }
            var steps: [Op] = []
            var previous = tt["h0"], previousCell = tt.optional("c0"), operand = tt.optional("op0") ?? tt["h0"]
            for s in 0..<t {
                let time = reverse ? t - 1 - s : s
                let row = forwardOnly ? s % 2 : time, saved = forwardOnly ? 0 : time
                let state = tt["states"].row(row, width: b * h)
                let cellState = tt.optional("cells")?.row(row, width: b * h)
                let dropped = tt.optional("dropped")?.row(time, width: b * h)
                let gates = tt["gates"].row(saved, width: b * sw)
                let projectedInput = tt["x"].row(time, width: b * g)
                if resetBefore {
                    let reset = tt["reset"].row(saved, width: b * h)
                    steps.append(.gemm(GEMM(m: b, n: 2 * h, k: h, a: operand, b: tt["u"], c: tt["p"], ldb: g, ldc: g)))
                    steps.append(.gruResetGateForward(GRUResetGateForward(
                        cell: cell, batch: b, projectedInput: projectedInput, projectedState: tt["p"], bias: tt["bias"],
                        previousState: previous, gates: gates, resetState: reset, recurrentDropoutMask: rd)))
                    steps.append(.gemm(GEMM(m: b, n: h, k: h, a: reset, b: tt["u"].slice(2 * h, h * g - 2 * h),
                                            c: tt["p"].slice(2 * h, b * g - 2 * h), ldb: g, ldc: g)))
                } else {
                    steps.append(.gemm(GEMM(m: b, n: g, k: h, a: operand, b: tt["u"], c: tt["p"])))
                }
                steps.append(.cellForward(CellForward(
                    cell: cell, batch: b, projectedInput: projectedInput, projectedState: tt["p"], bias: tt["bias"],
                    previousState: previous, state: state, previousCellState: previousCell, cellState: cellState, gates: gates,
                    mask: tt.optional("mask")?.row(time, width: b), sequenceOutput: tt.optional("seq")?.row(time, width: b * h),
                    recurrentDropoutMask: rd, droppedState: dropped)))
                previous = state
                previousCell = cellState
                operand = dropped ?? state
            }
            return ops + [.recurrentLoop(RecurrentLoop(batch: b, steps: steps))]
        }
    }

    /// A backward direction as ``RecurrentSequence`` emits it: per step the cell backward, then
    /// (but at the last) the recurrent product `dZ · Uᵀ` into a scratch row.
    static func loopBackwardCheck(_ cell: RecurrentCell, batch b: Int, time t: Int, reverse: Bool = false, masked: Bool = false,
                                  maskedOutput: MaskedOutput = .zero, mode: RecurrentLoopMode) -> KernelCheck {
        let h = cell.units, g = cell.gateWidth, sw = cell.savedWidth
        let resetBefore = cell.kind == .gru(resetAfter: false), resetAfter = cell.kind == .gru(resetAfter: true)
        var tensors = [
            TensorSpec("gates", t * b * sw, .uniform(0.05, 0.95)), TensorSpec("hprev", t * b * h, .uniform(-1, 1)),
            TensorSpec("u", h * g, .uniform(-0.5, 0.5)), TensorSpec("carried", b * h, .uniform(-1, 1)),
            TensorSpec("out", t * b * h, .uniform(-1, 1)), TensorSpec("dz", t * b * g, .poison),
            TensorSpec("rg", b * h, .constant(0)),
        ]
        var compared = ["carried", "dz"]
        if cell.kind == .lstm {
            tensors += [TensorSpec("cprev", t * b * h, .uniform(-1, 1)), TensorSpec("dc", b * h, .uniform(-1, 1))]
            compared.append("dc")
        }
        if resetAfter {
            tensors.append(TensorSpec("dzh", t * b * g, .poison))
            compared.append("dzh")
        }
        if resetBefore { tensors.append(TensorSpec("dreset", b * h, .constant(0))) }
        if masked { tensors += [TensorSpec("mask", t * b, .binary(zeroRate: 0.3)), TensorSpec("rd", b * h, .dropout(rate: 0.25))] }
        let label = loopLabel(cell, "backward", reverse: reverse, masked: masked,
                              extra: maskedOutput == .carried ? " carried-output" : "", mode: mode)
        return KernelCheck(label, kind: .recurrentLoop, shape: "B=\(b) H=\(h) T=\(t)", tensors: tensors, compared: compared,
                           tolerance: .accumulation, recurrentLoopMode: mode) { tt in
            let rd = tt.optional("rd")
            var steps: [Op] = []
            for index in 0..<t {
                // Backward runs the forward order in reverse.
                let time = reverse ? index : t - 1 - index
                let gates = tt["gates"].row(time, width: b * sw), dz = tt["dz"].row(time, width: b * g)
                let dzh = tt.optional("dzh")?.row(time, width: b * g)
                let previous = tt["hprev"].row(time, width: b * h)
                steps.append(.cellBackward(CellBackward(
                    cell: cell, batch: b, gates: gates, previousState: previous,
                    previousCellState: tt.optional("cprev")?.row(time, width: b * h),
                    mask: tt.optional("mask")?.row(time, width: b), outputGradient: tt["out"].row(time, width: b * h),
                    maskedOutput: maskedOutput, recurrentGradient: index == 0 ? nil : tt["rg"], recurrentDropoutMask: rd,
                    carriedGradient: tt["carried"], cellGradient: tt.optional("dc"), gateGradient: dz, recurrentGateGradient: dzh)))
                if resetBefore {
                    steps.append(.gemm(GEMM(transposeB: true, m: b, n: h, k: h, a: dz.slice(2 * h, b * g - 2 * h),
                                            b: tt["u"].slice(2 * h, h * g - 2 * h), c: tt["dreset"], lda: g, ldb: g)))
                    steps.append(.gruResetGateBackward(GRUResetGateBackward(
                        cell: cell, batch: b, gates: gates, previousState: previous, resetStateGradient: tt["dreset"],
                        recurrentDropoutMask: rd, carriedGradient: tt["carried"], gateGradient: dz)))
                }
                guard index < t - 1 else { continue }
                if resetBefore {
                    steps.append(.gemm(GEMM(transposeB: true, m: b, n: h, k: 2 * h, a: dz, b: tt["u"], c: tt["rg"], lda: g, ldb: g)))
                } else {
                    steps.append(.gemm(GEMM(transposeB: true, m: b, n: h, k: g, a: dzh ?? dz, b: tt["u"], c: tt["rg"])))
                }
            }
            return [.recurrentLoop(RecurrentLoop(batch: b, steps: steps))]
        }
    }
}

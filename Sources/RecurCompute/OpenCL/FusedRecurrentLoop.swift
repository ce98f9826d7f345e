/// A ``RecurrentLoop`` recognised as one direction of a recurrent layer that the persistent
/// kernels of `recurrent_loop.cl` run in one launch: which cell, forward or backward, and every
/// per-step tensor as a base and a stride.
///
/// The loop's ops are generic (what ``RecurrentSequence`` emits); recognition checks, step by
/// step, exactly the data flow the kernel replaces: that each step's recurrent product multiplies
/// the previous step's state (or dropped state, or gate gradient) by the same recurrent kernel
/// into the buffer the cell reads, that states chain from one step into the next, and that every
/// other per-step view moves by a fixed stride. The scratch buffers of the step-by-step path (the
/// per-step product, `dZ · Uᵀ`, `d(r ⊙ h̄)`) are not written: the kernel keeps those on chip.
/// Anything else is a ``LoopPatternMismatch`` and the loop runs step by step.
enum FusedRecurrentLoop {
    case forward(Forward)
    case backward(Backward)

    struct Forward {
        var cell: RecurrentCell
        var batch: Int
        var time: Int
        /// `[H, G·H]`.
        var recurrentKernel: FloatRef
        var bias: FloatRef
        var recurrentDropoutMask: FloatRef?
        /// Read once, before the first step: `h₀`, `c₀` and the first recurrent operand (`h₀`, or
        /// `h₀ ⊙ m` with recurrent dropout).
        var initialState: FloatRef
        var initialCellState: FloatRef?
        var initialOperand: FloatRef
        var projectedInput: SteppedTensor
        var state: SteppedTensor
        var cellState: SteppedTensor?
        var gates: SteppedTensor
        var mask: SteppedTensor?
        var sequenceOutput: SteppedTensor?
        var droppedState: SteppedTensor?
        /// Reset-before GRU: `r ⊙ h̄`, which the recurrent-kernel gradient reads later.
        var resetState: SteppedTensor?
        /// Set when the kernel reads the loop's input gather in place instead of `projectedInput`.
        var tokenRows: TokenRows?
    }

    /// An input gather the kernel reads in place (``RecurrentLoop/cellsCanReadGatherInPlace``):
    /// step `s`'s projected input of row `b` is row `tokenIDs[b · stride + firstTime + s · timeStep]`
    /// of `table`, zeros for an id outside its `rows`, which is what the gather writes.
    ///
    /// Why: the gather writes every occurrence's row, `[T, B, G·H]`, for the loop to read back
    /// once: 32 MB a pass on lstm-imdb, whose embedding phase on PoCL took 4.2–5.9 ms of device
    /// time with it and 3.4 without (one profiled step, two runs each), the forward loop no
    /// slower for reading the table's rows (11.5–14.4 → 9.5–12.0 ms). The CPU backend's cells
    /// do the same (``CellMath/TokenRows``).
    struct TokenRows {
        var tokenIDs: IntRef
        var stride: Int
        var firstTime: Int
        var timeStep: Int
        var rows: Int
        var table: FloatRef

        /// The rows `loop`'s cells read, when they can read them in place and do so one timestep
        /// of the gather per step, in order or reversed.
        init?(_ loop: RecurrentLoop, cells: [CellForward]) {
            guard loop.cellsCanReadGatherInPlace, let gather = loop.inputGather else { return nil }
            let times = cells.compactMap { gather.timestep(of: $0.projectedInput) }
            guard times.count == cells.count, let first = times.first else { return nil }
            let step = times.count > 1 ? times[1] - first : 1
            guard abs(step) == 1, times.enumerated().allSatisfy({ $0.element == first + $0.offset * step }) else { return nil }
            self.init(tokenIDs: gather.tokenIDs, stride: gather.time, firstTime: first, timeStep: step, rows: gather.vocabulary,
                      table: gather.table)
        }

        init(tokenIDs: IntRef, stride: Int, firstTime: Int, timeStep: Int, rows: Int, table: FloatRef) {
            self.tokenIDs = tokenIDs; self.stride = stride; self.firstTime = firstTime; self.timeStep = timeStep
            self.rows = rows; self.table = table
        }
    }

    struct Backward {
        var cell: RecurrentCell
        var batch: Int
        var time: Int
        /// Nil when no step multiplies by it (one timestep, no reset-before GRU).
        var recurrentKernel: FloatRef?
        var recurrentDropoutMask: FloatRef?
        var maskedOutput: MaskedOutput
        /// Read before the first step, written after the last.
        var carriedGradient: FloatRef
        var cellGradient: FloatRef?
        var gates: SteppedTensor
        var previousState: SteppedTensor?
        var previousCellState: SteppedTensor?
        var mask: SteppedTensor?
        var outputGradient: SteppedTensor?
        var gateGradient: SteppedTensor
        var recurrentGateGradient: SteppedTensor?
    }

    var cell: RecurrentCell {
        switch self {
        case .forward(let f): return f.cell
        case .backward(let b): return b.cell
        }
    }

    var batch: Int {
        switch self {
        case .forward(let f): return f.batch
        case .backward(let b): return b.batch
        }
    }

    var isBackward: Bool {
        if case .backward = self { return true }
        return false
    }

    /// The fused form of `loop`, or why it has none.
    static func recognize(_ loop: RecurrentLoop) -> Result<FusedRecurrentLoop, LoopPatternMismatch> {
        do {
            switch loop.steps.first {
            case .gemm?: return .success(.forward(try forward(loop)))
            case .cellBackward?: return .success(.backward(try backward(loop)))
            default: throw LoopPatternMismatch("the loop starts with neither a recurrent product nor a cell backward")
            }
        } catch let mismatch as LoopPatternMismatch {
            return .failure(mismatch)
        } catch {
            return .failure(LoopPatternMismatch("\(error)"))
        }
    }

    // MARK: forward

    private static func forward(_ loop: RecurrentLoop) throws -> Forward {
        guard let cell = loop.steps.lazy.compactMap({ op -> RecurrentCell? in
            if case .cellForward(let c) = op { return c.cell }; return nil
        }).first else { throw LoopPatternMismatch("no cell forward in the loop") }
        let (b, h, gw) = (loop.batch, cell.units, cell.gateWidth)
        let resetBefore = cell.kind == .gru(resetAfter: false)
        let perStep = resetBefore ? 4 : 2
        guard loop.steps.count % perStep == 0 else { throw LoopPatternMismatch("\(loop.steps.count) ops are not whole steps of \(perStep)") }
        var cells: [CellForward] = [], operands: [FloatRef] = [], resetStates: [FloatRef] = []
        var recurrentKernel: FloatRef?
        for start in stride(from: 0, to: loop.steps.count, by: perStep) {
            let ops = loop.steps[start..<start + perStep]
            guard case .gemm(let product) = ops.first!, case .cellForward(let step) = ops.last! else {
                throw LoopPatternMismatch("step \(start / perStep) is not a recurrent product then a cell forward")
            }
            guard step.cell == cell else { throw LoopPatternMismatch("the cell changes inside the loop") }
            let kernel = recurrentKernel ?? product.b
            recurrentKernel = kernel
            guard kernel.count >= h * gw else { throw LoopPatternMismatch("the recurrent kernel view is smaller than [H, G·H]") }
            try requireProduct(product, batch: b, n: resetBefore ? 2 * h : gw, k: h, lda: h, transposeB: false,
                               b: kernel, columnOffset: 0, ldb: gw, into: step.projectedState, ldc: gw)
            if resetBefore {
                guard case .gruResetGateForward(let gate) = ops[start + 1], case .gemm(let candidate) = ops[start + 2] else {
                    throw LoopPatternMismatch("a reset-before GRU step is not product, reset gate, product, cell")
                }
                guard gate.cell == cell, gate.projectedInput == step.projectedInput, gate.projectedState.startsAt(step.projectedState),
                      gate.bias == step.bias, gate.previousState == step.previousState,
                      gate.gates == step.gates, gate.recurrentDropoutMask == step.recurrentDropoutMask else {
                    throw LoopPatternMismatch("the reset gate and the cell of a step read different tensors")
                }
                guard candidate.a.startsAt(gate.resetState) else { throw LoopPatternMismatch("the candidate product does not read r ⊙ h̄") }
                try requireProduct(candidate, batch: b, n: h, k: h, lda: h, transposeB: false, b: kernel, columnOffset: 2 * h, ldb: gw,
                                   into: step.projectedState.slice(2 * h, step.projectedState.count - 2 * h), ldc: gw)
                resetStates.append(gate.resetState)
            }
            cells.append(step)
            operands.append(product.a)
        }
        let first = cells[0]
        for s in cells.indices.dropFirst() {
            let step = cells[s], previous = cells[s - 1]
            guard step.previousState == previous.state else { throw LoopPatternMismatch("step \(s) does not start from step \(s - 1)'s state") }
            if cell.kind == .lstm {
                guard let now = step.previousCellState, let before = previous.cellState, now == before else {
                    throw LoopPatternMismatch("step \(s) does not start from step \(s - 1)'s cell state")
                }
            }
            guard operands[s].startsAt(previous.droppedState ?? previous.state) else {
                throw LoopPatternMismatch("step \(s)'s recurrent product does not read step \(s - 1)'s (dropped) state")
            }
            guard step.bias == first.bias, step.recurrentDropoutMask == first.recurrentDropoutMask else {
                throw LoopPatternMismatch("the bias or the recurrent dropout mask changes inside the loop")
            }
        }
        func stepped(_ views: (CellForward) -> FloatRef?) throws -> SteppedTensor? { try SteppedTensor.optional(cells.map(views)).get() }
        func required(_ views: (CellForward) -> FloatRef, _ name: String) throws -> SteppedTensor {
            guard let stepped = SteppedTensor(cells.map(views)) else { throw LoopPatternMismatch("\(name)'s per-step offsets are not evenly spaced") }
            return stepped
        }
        return Forward(
            cell: cell, batch: b, time: cells.count, recurrentKernel: recurrentKernel!.slice(0, h * gw), bias: first.bias,
            recurrentDropoutMask: first.recurrentDropoutMask, initialState: first.previousState,
            initialCellState: first.previousCellState, initialOperand: operands[0].slice(0, b * h),
            projectedInput: try required(\.projectedInput, "projectedInput"), state: try required(\.state, "state"),
            cellState: try stepped(\.cellState), gates: try required(\.gates, "gates"), mask: try stepped(\.mask),
            sequenceOutput: try stepped(\.sequenceOutput), droppedState: try stepped(\.droppedState),
            resetState: resetBefore ? try SteppedTensor.optional(resetStates).get() : nil,
            tokenRows: resetBefore ? nil : TokenRows(loop, cells: cells))
    }

    // MARK: backward

    private static func backward(_ loop: RecurrentLoop) throws -> Backward {
        guard case .cellBackward(let head) = loop.steps.first else { throw LoopPatternMismatch("no cell backward first") }
        let cell = head.cell
        let (b, h, gw) = (loop.batch, cell.units, cell.gateWidth)
        let resetBefore = cell.kind == .gru(resetAfter: false)
        var cells: [CellBackward] = []
        var recurrentKernel: FloatRef?
        func kernel(from product: GEMM, columnOffset: Int) throws -> FloatRef {
            if let recurrentKernel { return recurrentKernel }
            let start = product.b.offset - columnOffset
            guard start >= 0, start + h * gw <= product.b.storage.elementCount else {
                throw LoopPatternMismatch("the recurrent kernel does not fit its storage")
            }
            let found = FloatRef(storage: product.b.storage, offset: start, count: h * gw)
            recurrentKernel = found
            return found
        }
        var index = 0
        let steps = loop.steps
        while index < steps.count {
            guard case .cellBackward(let step) = steps[index] else { throw LoopPatternMismatch("op \(index) is not a cell backward") }
            index += 1
            guard step.cell == cell else { throw LoopPatternMismatch("the cell changes inside the loop") }
            if let previous = cells.last {
                // The recurrent product of the step before must feed this step's cell.
                guard index - 2 >= 0, case .gemm(let product) = steps[index - 2] else {
                    throw LoopPatternMismatch("no recurrent product before cell backward \(cells.count)")
                }
                guard let recurrentGradient = step.recurrentGradient, product.c.startsAt(recurrentGradient) else {
                    throw LoopPatternMismatch("cell backward \(cells.count) does not read the product before it")
                }
                let source = resetBefore ? previous.gateGradient : (previous.recurrentGateGradient ?? previous.gateGradient)
                guard product.a.startsAt(source) else {
                    throw LoopPatternMismatch("the recurrent product after cell backward \(cells.count - 1) does not read its gate gradient")
                }
                try requireProduct(product, batch: b, n: h, k: resetBefore ? 2 * h : gw, lda: gw, transposeB: true,
                                   b: try kernel(from: product, columnOffset: 0), columnOffset: 0, ldb: gw, into: recurrentGradient, ldc: h)
                guard step.carriedGradient == previous.carriedGradient, step.cellGradient == previous.cellGradient,
                      step.recurrentDropoutMask == previous.recurrentDropoutMask, step.maskedOutput == previous.maskedOutput else {
                    throw LoopPatternMismatch("the carried gradients, the dropout mask or the masked output change inside the loop")
                }
            } else if step.recurrentGradient != nil {
                throw LoopPatternMismatch("the first cell backward reads a recurrent gradient from before the loop")
            }
            if resetBefore {
                guard index + 1 < steps.count, case .gemm(let product) = steps[index], case .gruResetGateBackward(let gate) = steps[index + 1] else {
                    throw LoopPatternMismatch("a reset-before GRU step is not cell backward, product, reset gate backward")
                }
                index += 2
                guard product.a.startsAt(step.gateGradient.slice(2 * h, step.gateGradient.count - 2 * h)) else {
                    throw LoopPatternMismatch("d(r ⊙ h̄) does not read the candidate's gate gradient")
                }
                try requireProduct(product, batch: b, n: h, k: h, lda: gw, transposeB: true, b: try kernel(from: product, columnOffset: 2 * h),
                                   columnOffset: 2 * h, ldb: gw, into: gate.resetStateGradient, ldc: h)
                guard gate.cell == cell, gate.gates == step.gates, let previousState = step.previousState,
                      gate.previousState == previousState, gate.carriedGradient == step.carriedGradient,
                      gate.gateGradient == step.gateGradient, gate.recurrentDropoutMask == step.recurrentDropoutMask else {
                    throw LoopPatternMismatch("the reset gate backward and the cell backward of a step use different tensors")
                }
            }
            cells.append(step)
            if index < steps.count {
                guard case .gemm = steps[index] else { throw LoopPatternMismatch("op \(index) is not the recurrent product") }
                index += 1
                guard index < steps.count else { throw LoopPatternMismatch("the loop ends with a recurrent product") }
            }
        }
        let gru = cell.kind != .simpleRNN && cell.kind != .lstm
        let lstm = cell.kind == .lstm
        func stepped(_ views: (CellBackward) -> FloatRef?) throws -> SteppedTensor? { try SteppedTensor.optional(cells.map(views)).get() }
        guard let gates = SteppedTensor(cells.map(\.gates)), let gateGradient = SteppedTensor(cells.map(\.gateGradient)) else {
            throw LoopPatternMismatch("the gates' or gate gradients' per-step offsets are not evenly spaced")
        }
        return Backward(
            cell: cell, batch: b, time: cells.count, recurrentKernel: recurrentKernel,
            recurrentDropoutMask: head.recurrentDropoutMask, maskedOutput: head.maskedOutput,
            carriedGradient: head.carriedGradient, cellGradient: lstm ? head.cellGradient : nil, gates: gates,
            previousState: gru ? try stepped(\.previousState) : nil,
            previousCellState: lstm ? try stepped(\.previousCellState) : nil,
            mask: try stepped(\.mask), outputGradient: try stepped(\.outputGradient), gateGradient: gateGradient,
            recurrentGateGradient: try stepped(\.recurrentGateGradient))
    }

    // MARK: the recurrent product

    /// `C = A · U[:, columnOffset…]` (or `A · U[:, columnOffset…]ᵀ`), plain: one product of
    /// `batch` rows, alpha 1, beta 0, with the leading dimensions the kernel assumes.
    private static func requireProduct(_ g: GEMM, batch: Int, n: Int, k: Int, lda: Int, transposeB: Bool,
                                       b kernel: FloatRef, columnOffset: Int, ldb: Int, into output: FloatRef, ldc: Int) throws {
        guard !g.transposeA, g.transposeB == transposeB, g.batch == 1, g.m == batch, g.n == n, g.k == k,
              g.alpha == 1, g.beta == 0, g.lda == lda, g.ldb == ldb, g.ldc == ldc else {
            throw LoopPatternMismatch("a recurrent product has an unexpected shape (m \(g.m), n \(g.n), k \(g.k), "
                                      + "transposes \(g.transposeA)/\(g.transposeB), alpha \(g.alpha), beta \(g.beta))")
        }
        guard g.b.storage === kernel.storage, g.b.offset == kernel.offset + columnOffset else {
            throw LoopPatternMismatch("the recurrent products do not all use the same recurrent kernel")
        }
        guard g.c.startsAt(output) else { throw LoopPatternMismatch("a recurrent product does not write what the cell reads") }
    }
}

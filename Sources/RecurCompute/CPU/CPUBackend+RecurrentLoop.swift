extension CPUBackend {
    /// One step of a loop with its host pointers resolved once per loop, not per timestep.
    enum LoopStep {
        case product(n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                     beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int)
        case cellForward(RecurrentCell, CellMath.ForwardPointers<Float>)
        case cellBackward(RecurrentCell, CellMath.BackwardPointers<Float>)
        case other(Op)
    }

    /// Runs the loop tile by tile: each worker takes a contiguous block of batch rows through
    /// every timestep on its own (rows never meet inside a recurrence), so a sequence costs one
    /// thread dispatch. The recurrent products run in ``RowGEMM``; a transposed `B` (the
    /// backward's `dZ · Uᵀ`) is transposed once per loop into scratch memory. An input gather is
    /// not run: the cells read each row from the gathered table where it is.
    func recurrentLoop(_ o: RecurrentLoop) {
        recurrentLoops([o])
    }

    /// Independent loops side by side — a bidirectional layer's two directions
    /// (``runOpenLaneSection()``) — the workers shared out between them: on two cores, one
    /// direction per worker with every batch row, instead of both workers on each direction in
    /// turn. Each row's result is the same either way.
    func recurrentLoops(_ loops: [RecurrentLoop]) {
        let scratchFloats = loops.map(scratchFloats(of:))
        let total = scratchFloats.reduce(0, +)
        var scratch = total == 0 ? nil : loopScratch(upTo: total)
        var prepared: [(steps: [LoopStep], batch: Int, tiles: Int)] = []
        for (loop, floats) in zip(loops, scratchFloats) {
            let workers = Swift.max(1, threads / loops.count)
            prepared.append((prepare(loop, scratch: floats == 0 ? nil : scratch), loop.batch,
                             Swift.min(workers, Swift.max(1, loop.batch / Self.minimumTileRows))))
            scratch = scratch.map { $0 + floats }
        }
        let tiles = prepared.flatMap { loop in (0..<loop.tiles).map { (loop: loop, tile: $0) } }
        pool.perform(iterations: tiles.count) { index in
            let (loop, tile) = tiles[index]
            let rows = (loop.batch * tile / loop.tiles)..<(loop.batch * (tile + 1) / loop.tiles)
            loop.steps.withUnsafeBufferPointer { runLoop($0, rows: rows) }
        }
    }

    /// The scratch floats `o` needs: a row of zeros for the tokens outside the vocabulary when
    /// the loop reads its gather's table, and each transposed `B`.
    func scratchFloats(of o: RecurrentLoop) -> Int {
        var needed: [TransposeKey: Int] = [:]
        for case .gemm(let g) in o.steps where g.transposeB {
            needed[TransposeKey(address: Int(bitPattern: g.b.hostPointer), rows: g.n, columns: g.k, stride: g.ldb)] = g.n * g.k
        }
        let fusesGather = o.inputGather.map { Self.fusesInputGather($0, into: o) } ?? false
        return needed.values.reduce(0, +) + (fusesGather ? o.inputGather!.width : 0)
    }

    /// The loop's steps with their host pointers resolved, its transposed operands and zero row
    /// written into `scratch` (``scratchFloats(of:)`` floats); an input gather the cells cannot
    /// read in place is run first.
    func prepare(_ o: RecurrentLoop, scratch: UnsafeMutablePointer<Float>?) -> [LoopStep] {
        let fusedGather = o.inputGather.flatMap { gather in Self.fusesInputGather(gather, into: o) ? gather : nil }
        if let gather = o.inputGather, fusedGather == nil { embeddingGather(gather) }
        // The row a token outside the vocabulary reads (the gather writes zeros for it), first;
        // the transposed operands after it.
        let zeros = fusedGather.map { gather -> UnsafeMutablePointer<Float> in
            scratch!.update(repeating: 0, count: gather.width)
            return scratch!
        }
        var transposed: [TransposeKey: UnsafePointer<Float>] = [:]
        var scratchUsed = fusedGather?.width ?? 0
        let steps: [LoopStep] = o.steps.map { op in
            switch op {
            case .gemm(let g):
                var b = UnsafePointer(g.b.hostPointer), ldb = g.ldb
                if g.transposeB {
                    let key = TransposeKey(address: Int(bitPattern: b), rows: g.n, columns: g.k, stride: g.ldb)
                    if let done = transposed[key] {
                        b = done
                    } else {
                        let destination = scratch! + scratchUsed
                        scratchUsed += g.n * g.k
                        // Bᵀ: [k, n] from B = [n, k] at stride ldb.
                        for row in 0..<g.n { for column in 0..<g.k { destination[column * g.n + row] = b[row * g.ldb + column] } }
                        b = UnsafePointer(destination)
                        transposed[key] = b
                    }
                    ldb = g.n
                }
                return .product(n: g.n, k: g.k, alpha: g.alpha, a: g.a.hostPointer, lda: g.lda, b: b, ldb: ldb,
                                beta: g.beta, c: g.c.hostPointer, ldc: g.ldc)
            case .cellForward(let c):
                var pointers = forwardPointers(c)
                if let gather = fusedGather, let zeros, let time = Self.gatheredTime(of: c.projectedInput, in: gather) {
                    pointers.tokenRows = CellMath.TokenRows(tokenIDs: gather.tokenIDs.hostPointer + time, stride: gather.time,
                                                            table: gather.table.hostPointer, vocabulary: gather.vocabulary, zeros: UnsafePointer(zeros))
                }
                return .cellForward(c.cell, pointers)
            case .cellBackward(let c): return .cellBackward(c.cell, backwardPointers(c))
            default: return .other(op)
            }
        }
        counters.launches += o.steps.count
        counters.gemms += steps.reduce(0) { if case .product = $1 { return $0 + 1 }; return $0 }
        return steps
    }

    /// Whether the loop's cells can read `gather`'s rows from its table: every step that reads the
    /// gather's output is a fused cell reading one whole timestep of it (the reset-before GRU's
    /// first half reads it too, and then the gather runs).
    static func fusesInputGather(_ gather: EmbeddingGather, into loop: RecurrentLoop) -> Bool {
        loop.steps.allSatisfy { step in
            switch step {
            case .cellForward(let c): return !c.projectedInput.overlaps(gather.output) || gatheredTime(of: c.projectedInput, in: gather) != nil
            case .gemm(let g): return !g.a.overlaps(gather.output) && !g.b.overlaps(gather.output)
            default: return false
            }
        }
    }

    /// The timestep whose gathered rows `input` is exactly, when it is one of `gather`'s output.
    static func gatheredTime(of input: FloatRef, in gather: EmbeddingGather) -> Int? {
        let rowFloats = gather.batch * gather.width, offset = input.offset - gather.output.offset
        guard input.storage === gather.output.storage, input.count == rowFloats, offset >= 0, offset % rowFloats == 0,
              offset / rowFloats < gather.time else { return nil }
        return offset / rowFloats
    }

    /// Below this many rows per worker, a tile is not worth a thread.
    static let minimumTileRows = 4

    func runLoop(_ steps: UnsafeBufferPointer<LoopStep>, rows: Range<Int>) {
        for (index, step) in steps.enumerated() {
            switch step {
            case let .product(n, k, alpha, a, lda, b, ldb, beta, c, ldc):
                if index + 1 < steps.count, case let .cellForward(cell, pointers) = steps[index + 1] {
                    pointers.prefetchTokenRows(rows, gateWidth: cell.gateWidth)
                }
                RowGEMM.multiply(rows: rows, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            case let .cellForward(cell, pointers):
                CellMath.forwardFast(cell, rows: rows, pointers)
            case let .cellBackward(cell, pointers):
                CellMath.backwardFast(cell, rows: rows, pointers)
            case .other(let op):
                runRows(op, rows: rows)
            }
        }
    }

    /// The row-wise ops of a loop other than the product and the cells, on `rows`.
    func runRows(_ op: Op, rows: Range<Int>) {
        switch op {
        case .gruResetGateForward(let o):
            CellMath.gruResetGateForward(o.cell, rows: rows, projectedInput: o.projectedInput.hostPointer,
                                         projectedState: o.projectedState.hostPointer, bias: o.bias.hostPointer,
                                         previousState: o.previousState.hostPointer, gates: o.gates.hostPointer,
                                         resetState: o.resetState.hostPointer,
                                         recurrentDropoutMask: o.recurrentDropoutMask.map { UnsafePointer($0.hostPointer) })
        case .gruResetGateBackward(let o):
            CellMath.gruResetGateBackward(o.cell, rows: rows, gates: o.gates.hostPointer, previousState: o.previousState.hostPointer,
                                          resetStateGradient: o.resetStateGradient.hostPointer,
                                          recurrentDropoutMask: o.recurrentDropoutMask.map { UnsafePointer($0.hostPointer) },
                                          carriedGradient: o.carriedGradient.hostPointer, gateGradient: o.gateGradient.hostPointer)
        default:
            preconditionFailure("\(op.kind.rawValue) is not a row-wise loop op; RecurrentLoop.validate() rejects it")
        }
    }

    struct TransposeKey: Hashable {
        let address: Int, rows: Int, columns: Int, stride: Int
    }
}

extension CPUBackend {
    /// Runs the loop tile by tile: each worker takes a contiguous block of batch rows through
    /// every timestep on its own (rows never meet inside a recurrence), so a sequence costs one
    /// thread dispatch. The recurrent products run in ``RowGEMM``; a transposed `B` (the
    /// backward's `dZ · Uᵀ`) is transposed once per run into the loop's own memory. An input
    /// gather is not run: the cells read each row from the gathered table where it is.
    func recurrentLoop(_ o: RecurrentLoop) {
        recurrentLoops([o])
    }

    /// Independent loops side by side — a bidirectional layer's two directions
    /// (``runOpenLaneSection()``) — the workers shared out between them: on two cores, one
    /// direction per worker with every batch row, instead of both workers on each direction in
    /// turn. Each row's result is the same either way.
    func recurrentLoops(_ loops: [RecurrentLoop]) {
        let prepared = loops.map { preparedLoops.value(for: $0, derive: prepare) }
        let workers = Swift.max(1, threads / loops.count)
        var tiles: [(loop: PreparedLoop, rows: Range<Int>)] = []
        for loop in prepared {
            if let gather = loop.unfusedGather { embeddingGather(gather) }
            loop.transposeOperands()
            counters.launches += loop.opCount
            counters.gemms += loop.productCount
            let count = Swift.min(workers, Swift.max(1, loop.batch / Self.minimumTileRows))
            tiles += (0..<count).map { tile in (loop, (loop.batch * tile / count)..<(loop.batch * (tile + 1) / count)) }
        }
        pool.perform(iterations: tiles.count) { index in
            let (loop, rows) = tiles[index]
            loop.run(rows: rows)
        }
    }

    /// The loop's steps with their host pointers resolved, and the memory they point to: the row
    /// a token outside the vocabulary reads when the cells read the gather's table in place
    /// (the gather writes zeros for it), then each distinct transposed `B`.
    func prepare(_ o: RecurrentLoop) -> PreparedLoop {
        let fusedGather = o.inputGather.flatMap { gather in Self.fusesInputGather(gather, into: o) ? gather : nil }
        var sizes: [TransposeKey: Int] = [:]
        for case .gemm(let g) in o.steps where g.transposeB {
            sizes[TransposeKey(address: Int(bitPattern: g.b.hostPointer), rows: g.n, columns: g.k, stride: g.ldb)] = g.n * g.k
        }
        let zeroCount = fusedGather?.width ?? 0
        let floats = zeroCount + sizes.values.reduce(0, +)
        let memory = floats == 0 ? nil : UnsafeMutablePointer<Float>.allocate(capacity: floats)
        memory?.initialize(repeating: 0, count: floats)
        var transposes: [TransposeKey: PreparedLoop.Transpose] = [:]
        var used = zeroCount
        var parts = PreparedLoop.Parts()
        for op in o.steps {
            switch op {
            case .gemm(let g):
                var b = UnsafePointer(g.b.hostPointer), ldb = g.ldb
                if g.transposeB {
                    let key = TransposeKey(address: Int(bitPattern: b), rows: g.n, columns: g.k, stride: g.ldb)
                    if transposes[key] == nil {
                        transposes[key] = PreparedLoop.Transpose(source: b, n: g.n, k: g.k, ldb: g.ldb, destination: memory! + used)
                        used += g.n * g.k
                    }
                    b = UnsafePointer(transposes[key]!.destination)
                    ldb = g.n
                }
                parts.steps.append(.product(parts.products.count))
                parts.products.append(PreparedLoop.Product(n: g.n, k: g.k, alpha: g.alpha, a: g.a.hostPointer, lda: g.lda, b: b, ldb: ldb,
                                                           beta: g.beta, c: g.c.hostPointer, ldc: g.ldc))
            case .cellForward(let c):
                var pointers = forwardPointers(c)
                if let gather = fusedGather, let time = Self.gatheredTime(of: c.projectedInput, in: gather) {
                    pointers.tokenRows = CellMath.TokenRows(tokenIDs: gather.tokenIDs.hostPointer + time, stride: gather.time,
                                                            table: gather.table.hostPointer, vocabulary: gather.vocabulary,
                                                            zeros: UnsafePointer(memory!))
                }
                parts.steps.append(.cellForward(parts.forwards.count))
                parts.forwards.append(PreparedLoop.CellForward(cell: c.cell, pointers: pointers))
            case .cellBackward(let c):
                parts.steps.append(.cellBackward(parts.backwards.count))
                parts.backwards.append(PreparedLoop.CellBackward(cell: c.cell, pointers: backwardPointers(c)))
            default:
                parts.steps.append(.other(parts.others.count))
                parts.others.append(op)
            }
        }
        return PreparedLoop(batch: o.batch, parts: parts, unfusedGather: fusedGather == nil ? o.inputGather : nil,
                            transposes: Array(transposes.values), memory: memory)
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

    struct TransposeKey: Hashable {
        let address: Int, rows: Int, columns: Int, stride: Int
    }
}

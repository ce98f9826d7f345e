extension CPUBackend {
    /// Runs the loop tile by tile: each worker takes a contiguous block of batch rows through
    /// every timestep on its own (rows never meet inside a recurrence), so a sequence costs one
    /// thread dispatch. The recurrent products run in ``RowGEMM``, each `B` (`U`, or `Uᵀ` for the
    /// backward's `dZ · Uᵀ`) packed once per run into the loop's own memory. An input
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
        var loopTiles: [[Range<Int>]] = [], rowSteps: [Int] = [], folding: [PaddedPrefixSchedule?] = []
        for loop in prepared {
            if let gather = loop.unfusedGather { embeddingGather(gather) }
            loop.packOperands()
            counters.launches += loop.opCount
            counters.gemms += loop.productCount
            let count = Swift.min(workers, Swift.max(1, loop.batch / Self.minimumTileRows))
            var tiles = (0..<count).map { tile in (loop.batch * tile / count)..<(loop.batch * (tile + 1) / count) }
            var shared = 0, fold: PaddedPrefixSchedule?
            if let schedule = loop.paddedPrefix, let first = loop.firstCell {
                tiles = schedule.arrange(tiles: tiles, initialState: first.previousState, initialCellState: first.previousCellState)
                shared = schedule.sharedRowSteps
            } else if loop.sharing == .trainingBackward, let key = loop.savedGatesKey, let schedule = sharingSchedules[key],
                      schedule.sharing == .training, schedule.sharedRowSteps > 0 {
                // The backward of a training loop that shared: the same tiles and stand-ins.
                precondition(loop.backwardTimestepStarts != nil, "a training loop shared rows its backward cannot follow")
                tiles = schedule.tiles
                shared = schedule.sharedRowSteps
                fold = schedule
            }
            // Every run of a sharing forward says what its backward follows, nothing included, and
            // which rows the products reading its output may take as equal (``GEMM/sharedRowsOfLoop``).
            if loop.sharing == .training || loop.sharing == .inference, let key = loop.savedGatesKey {
                if sharingSchedules[key] == nil {
                    // A new loop: forget the schedules of loops gone with their plans.
                    for old in Array(sharingSchedules.keys) where isKnownUniquelyReferenced(&sharingSchedules[old]!) {
                        sharingSchedules[old] = nil
                    }
                }
                sharingSchedules[key] = loop.paddedPrefix
            }
            counters.sharedRowSteps += shared
            loopTiles.append(tiles)
            rowSteps.append(loop.batch * loop.timesteps - shared)
            folding.append(fold)
        }
        if let split = Self.balancingSplit(rowSteps: rowSteps, batches: prepared.map(\.batch), workers: threads,
                                           splittable: zip(prepared, folding).map { $0.paddedPrefix == nil && $1 == nil }) {
            loopTiles[split.loop] = split.tiles
            counters.balancingSplits += 1
        }
        // Each loop's first tile, then each one's second, …: the workers start on different loops.
        let tiles = (0..<(loopTiles.map(\.count).max() ?? 0)).flatMap { rank in
            prepared.indices.compactMap { i in rank < loopTiles[i].count ? (loop: prepared[i], rows: loopTiles[i][rank], fold: folding[i]) : nil }
        }
        pool.perform(iterations: tiles.count) { index in
            let (loop, rows, fold) = tiles[index]
            loop.run(rows: rows, folding: fold)
        }
        for loop in prepared {
            guard let schedule = loop.paddedPrefix, schedule.sharing == .inference, let last = loop.lastCell else { continue }
            schedule.restoreBatchOrder(last.state)
            if let cellState = last.cellState { schedule.restoreBatchOrder(cellState) }
        }
    }

    /// The schedule of the training loop whose time-0 saved gates are `gates`, when its last
    /// backward shared rows and so left some of its gate gradients zero.
    func zeroRowSchedule(ofLoop gates: FloatRef) -> PaddedPrefixSchedule? {
        sharedRowSchedule(ofLoop: gates).flatMap { $0.sharing == .training ? $0 : nil }
    }

    /// The schedule of the sharing loop (training or inference forward) whose time-0 saved gates
    /// are `gates`, when its last run shared rows.
    func sharedRowSchedule(ofLoop gates: FloatRef) -> PaddedPrefixSchedule? {
        guard let schedule = sharingSchedules[Int(bitPattern: gates.hostPointer)], schedule.sharedRowSteps > 0 else { return nil }
        return schedule
    }

    /// The loop's steps with their host pointers resolved, and the memory they point to: the row
    /// a token outside the vocabulary reads when the cells read the gather's table in place
    /// (the gather writes zeros for it), then each distinct `B` packed for ``RowGEMM``.
    func prepare(_ o: RecurrentLoop) -> PreparedLoop {
        let fusedGather = o.cellsCanReadGatherInPlace ? o.inputGather : nil
        let schedule = fusedGather.flatMap { sharesPaddedPrefixes ? Self.paddedPrefixSchedule(o, gather: $0) : nil }
        let backwardStarts = sharesPaddedPrefixes && o.paddedPrefix == .trainingBackward ? Self.backwardTimestepStarts(o) : nil
        // The zero row first, then each distinct `B` once, at its offset.
        let zeroCount = fusedGather?.width ?? 0
        var offsets: [PackedOperandKey: Int] = [:], operands: [(GEMM, offset: Int)] = [], floats = zeroCount
        for case .gemm(let g) in o.steps where offsets[PackedOperandKey(g)] == nil {
            offsets[PackedOperandKey(g)] = floats
            operands.append((g, floats))
            floats += RowGEMM.PackedB.count(n: g.n, k: g.k)
        }
        let memory = floats == 0 ? nil : UnsafeMutablePointer<Float>.allocate(capacity: floats)
        memory?.initialize(repeating: 0, count: floats)
        let packings = operands.map { g, offset in
            PreparedLoop.Packing(source: g.b.hostPointer, ldb: g.ldb, transposed: g.transposeB, n: g.n, k: g.k, destination: memory! + offset)
        }
        var parts = PreparedLoop.Parts()
        for op in o.steps {
            switch op {
            case .gemm(let g):
                let b = RowGEMM.PackedB(values: UnsafePointer(memory! + offsets[PackedOperandKey(g)]!), n: g.n, k: g.k)
                parts.steps.append(.product(parts.products.count))
                parts.products.append(PreparedLoop.Product(alpha: g.alpha, a: g.a.hostPointer, lda: g.lda, b: b,
                                                           beta: g.beta, c: g.c.hostPointer, ldc: g.ldc))
            case .cellForward(let c):
                var pointers = forwardPointers(c)
                if let gather = fusedGather, let time = gather.timestep(of: c.projectedInput) {
                    pointers.tokenRows = CellMath.TokenRows(tokenIDs: gather.tokenIDs.hostPointer + time, stride: gather.time,
                                                            table: gather.table.hostPointer, vocabulary: gather.vocabulary,
                                                            zeros: UnsafePointer(memory!), rowOrder: schedule.map { UnsafePointer($0.order) })
                }
                parts.steps.append(.cellForward(parts.forwards.count))
                parts.forwards.append(PreparedLoop.CellForward(cell: c.cell, pointers: pointers))
            case .cellBackward(let c):
                parts.steps.append(.cellBackward(parts.backwards.count))
                parts.backwards.append(PreparedLoop.CellBackward(cell: c.cell, pointers: backwardPointers(c)))
            case .gruResetGateForward(let o):
                parts.steps.append(.resetGateForward(parts.resetForwards.count))
                parts.resetForwards.append(PreparedLoop.ResetGateForward(
                    cell: o.cell, projectedInput: o.projectedInput.hostPointer, projectedState: o.projectedState.hostPointer,
                    bias: o.bias.hostPointer, previousState: o.previousState.hostPointer, gates: o.gates.hostPointer,
                    resetState: o.resetState.hostPointer, recurrentDropoutMask: o.recurrentDropoutMask.map { UnsafePointer($0.hostPointer) }))
            case .gruResetGateBackward(let o):
                parts.steps.append(.resetGateBackward(parts.resetBackwards.count))
                parts.resetBackwards.append(PreparedLoop.ResetGateBackward(
                    cell: o.cell, gates: o.gates.hostPointer, previousState: o.previousState.hostPointer,
                    resetStateGradient: o.resetStateGradient.hostPointer,
                    recurrentDropoutMask: o.recurrentDropoutMask.map { UnsafePointer($0.hostPointer) },
                    carriedGradient: o.carriedGradient.hostPointer, gateGradient: o.gateGradient.hostPointer))
            default:
                preconditionFailure("\(op.kind.rawValue) is not a row-wise loop op; RecurrentLoop.validate() rejects it")
            }
        }
        return PreparedLoop(batch: o.batch, parts: parts, unfusedGather: fusedGather == nil ? o.inputGather : nil,
                            packings: packings, memory: memory, sharing: sharesPaddedPrefixes ? o.paddedPrefix : nil,
                            paddedPrefix: schedule, backwardTimestepStarts: backwardStarts)
    }

    /// The schedule of a forward loop that may share its rows' padded prefixes
    /// (``RecurrentLoop/paddedPrefix``), when it is one whose steps are timesteps of products
    /// and a fused cell each, the cells reading the gather's timesteps in order (in training,
    /// without a reset-before GRU's reset gate, which its backward could not follow).
    static func paddedPrefixSchedule(_ o: RecurrentLoop, gather: EmbeddingGather) -> PaddedPrefixSchedule? {
        guard let sharing = o.paddedPrefix, sharing != .trainingBackward else { return nil }
        var starts: [Int] = []
        var start = 0, width = 0
        for (index, op) in o.steps.enumerated() {
            switch op {
            case .gemm:
                continue
            case .gruResetGateForward where sharing == .inference:
                continue
            case .cellForward(let c):
                guard gather.timestep(of: c.projectedInput) == starts.count, c.mask == nil,
                      c.recurrentDropoutMask == nil, c.droppedState == nil else { return nil }
                starts.append(start)
                start = index + 1
                width = c.cell.units
            default:
                return nil
            }
        }
        guard !starts.isEmpty, starts.count == gather.time, start == o.steps.count else { return nil }
        return PaddedPrefixSchedule(batch: o.batch, width: width, timestepStarts: starts, tokenIDs: gather.tokenIDs.hostPointer,
                                    sharing: sharing)
    }

    /// Where each timestep of the backward of a training loop that may share starts: its fused
    /// cell, then its recurrent product (none after the last), the cells from the last
    /// timestep's back; nil for any other form (its forward then shares nothing either:
    /// ``paddedPrefixSchedule(_:gather:)``).
    static func backwardTimestepStarts(_ o: RecurrentLoop) -> [Int]? {
        var starts: [Int] = []
        for (index, op) in o.steps.enumerated() {
            switch op {
            case .cellBackward(let c):
                guard c.mask == nil, c.recurrentDropoutMask == nil else { return nil }
                starts.append(index)
            case .gemm where !starts.isEmpty && starts.last == index - 1:
                continue
            default:
                return nil
            }
        }
        return starts.isEmpty ? nil : starts
    }

    /// Below this many rows per worker, a tile is not worth a thread.
    static let minimumTileRows = 4

    /// Two loops side by side on two workers where one computes fewer row-steps — a forward
    /// direction sharing its padded prefix (``PaddedPrefixSchedule``) beside the reverse one,
    /// which cannot — would leave that worker idle for the difference. The dearer loop (when it
    /// shares nothing, so that its rows all cost the same) is split instead: its larger tile
    /// runs beside the cheaper loop and its `k` remaining rows after the cheaper loop, on the
    /// worker that finishes first (the pool hands out tiles in order), `k` chosen to even the
    /// two workers' row-steps. Returns the loop to split and its tiles in that order.
    ///
    /// Each row's result is the same in any tile, so results do not change. bigru-w2v's inference
    /// on IMDB (36% of the forward direction's row-steps shared, its reverse direction split at
    /// 12 of 64 rows), interleaved runs of 40 steps: 20.9–21.3 → 18.1–18.5 ms. bilstm's batch of
    /// 32 shares too little (3 rows) to split. A shared row-step is not free, so row-steps
    /// overstate the cheaper loop's saving where it copies more (stacked-bilstm's first layer in
    /// inference: 29% of its forward direction's row-steps shared, 87% of the reverse
    /// direction's time taken, one traced pass). Splitting by each loop's measured time from its
    /// last run instead was tried, and on this noisy host showed no gain over row-steps.
    static func balancingSplit(rowSteps: [Int], batches: [Int], workers: Int, splittable: [Bool]) -> (loop: Int, tiles: [Range<Int>])? {
        guard rowSteps.count == 2, workers == 2 else { return nil }
        let (cheap, dear) = rowSteps[0] <= rowSteps[1] ? (0, 1) : (1, 0)
        guard splittable[dear], rowSteps[dear] > 0 else { return nil }
        let batch = batches[dear]
        let k = (batch * (rowSteps[dear] - rowSteps[cheap]) + rowSteps[dear]) / (2 * rowSteps[dear])
        guard k >= minimumTileRows else { return nil }
        return (dear, [k..<batch, 0..<k])
    }

    /// A product's `B` operand, by where it is, its shape and how it is read: steps multiplying
    /// by the same one share its packing.
    struct PackedOperandKey: Hashable {
        let address: Int, n: Int, k: Int, stride: Int, transposed: Bool
        init(_ g: GEMM) {
            address = Int(bitPattern: g.b.hostPointer); n = g.n; k = g.k; stride = g.ldb; transposed = g.transposeB
        }
    }
}

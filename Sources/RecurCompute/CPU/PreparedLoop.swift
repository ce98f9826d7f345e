/// A recurrent loop made ready to run on the CPU backend: its steps with their host pointers
/// resolved, and its own memory for the row of zeros and the packed operands they point to.
///
/// Why it is kept: resolving a loop took 0.2–0.3 ms for simplernn-imdb's 1,000 steps (each op's
/// tensors retained and released, each pointer looked up), 9–13% of an inference batch, run on
/// one thread while the other worker waited. A plan runs the same loops every step, so the
/// backend resolves each loop once (``LoopCache``) and afterwards only packs its products'
/// operands again, whose weights change between steps.
///
/// Each step is a kind and an index into the array of its kind, not the resolved values
/// themselves: a cell's pointers are about 170 bytes, and copying each step out of one array
/// of them cost a `memmove` per step per tile (4% of simplernn-imdb's samples).
final class PreparedLoop {
    enum Step {
        case product(Int)
        case cellForward(Int)
        case cellBackward(Int)
        /// GRU's reset gate before the product (`reset_after = False`).
        case resetGateForward(Int)
        case resetGateBackward(Int)
    }

    struct Product {
        let alpha: Float, a: UnsafePointer<Float>, lda: Int, b: RowGEMM.PackedB
        let beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    }

    struct CellForward {
        let cell: RecurrentCell
        let pointers: CellMath.ForwardPointers<Float>
    }

    struct CellBackward {
        let cell: RecurrentCell
        let pointers: CellMath.BackwardPointers<Float>
    }

    struct ResetGateForward {
        let cell: RecurrentCell
        let projectedInput: UnsafePointer<Float>, projectedState: UnsafePointer<Float>, bias: UnsafePointer<Float>
        let previousState: UnsafePointer<Float>, gates: UnsafeMutablePointer<Float>, resetState: UnsafeMutablePointer<Float>
        let recurrentDropoutMask: UnsafePointer<Float>?

        func run(rows: Range<Int>) {
            CellMath.gruResetGateForward(cell, rows: rows, projectedInput: projectedInput, projectedState: projectedState, bias: bias,
                                         previousState: previousState, gates: gates, resetState: resetState,
                                         recurrentDropoutMask: recurrentDropoutMask)
        }
    }

    struct ResetGateBackward {
        let cell: RecurrentCell
        let gates: UnsafePointer<Float>, previousState: UnsafePointer<Float>, resetStateGradient: UnsafePointer<Float>
        let recurrentDropoutMask: UnsafePointer<Float>?
        let carriedGradient: UnsafeMutablePointer<Float>, gateGradient: UnsafeMutablePointer<Float>

        func run(rows: Range<Int>) {
            CellMath.gruResetGateBackward(cell, rows: rows, gates: gates, previousState: previousState,
                                          resetStateGradient: resetStateGradient, recurrentDropoutMask: recurrentDropoutMask,
                                          carriedGradient: carriedGradient, gateGradient: gateGradient)
        }
    }

    /// A `B` operand (`[k, n]`, or `[n, k]` read transposed, at stride `ldb`) and where it is packed.
    struct Packing {
        let source: UnsafePointer<Float>
        let ldb: Int, transposed: Bool, n: Int, k: Int
        let destination: UnsafeMutablePointer<Float>
    }

    /// The parts of a loop, in the arrays its steps index.
    struct Parts {
        var steps: [Step] = []
        var products: [Product] = []
        var forwards: [CellForward] = []
        var backwards: [CellBackward] = []
        var resetForwards: [ResetGateForward] = []
        var resetBackwards: [ResetGateBackward] = []
    }

    let batch: Int
    private let parts: Parts
    /// An input gather the cells cannot read in place, run before every run.
    let unfusedGather: EmbeddingGather?
    /// Set when rows in the same leading padding share their states (``PaddedPrefixSchedule``).
    let paddedPrefix: PaddedPrefixSchedule?
    /// How the loop's rows may share (``RecurrentLoop/paddedPrefix``); nil where the backend
    /// does not share.
    let sharing: PaddedPrefixSharing?
    /// The backward of a training loop that may share (``PaddedPrefixSharing/trainingBackward``):
    /// where each timestep's ops start, its cells in reverse time.
    let backwardTimestepStarts: [Int]?
    /// What a training forward and its backward have in common, and what the products reading a
    /// sharing loop's output name it by: the address of their time-0 saved gates
    /// (``CPUBackend/sharingSchedules``).
    var savedGatesKey: Int? {
        switch sharing {
        case .training, .inference: return parts.forwards.first.map { Int(bitPattern: $0.pointers.gates) }
        case .trainingBackward: return parts.backwards.last.map { Int(bitPattern: UnsafeRawPointer($0.pointers.gates)) }
        default: return nil
        }
    }
    /// The timesteps the loop runs: its cells, forward or backward.
    var timesteps: Int { Swift.max(parts.forwards.count, parts.backwards.count) }
    /// The loop's ops and products, for ``BackendCounters``.
    var opCount: Int { parts.steps.count }
    var productCount: Int { parts.products.count }

    private let packings: [Packing]
    private let memory: UnsafeMutablePointer<Float>?

    /// `memory` (owned from here on) holds the zero row and `packings`' destinations.
    init(batch: Int, parts: Parts, unfusedGather: EmbeddingGather?, packings: [Packing], memory: UnsafeMutablePointer<Float>?,
         sharing: PaddedPrefixSharing? = nil, paddedPrefix: PaddedPrefixSchedule? = nil, backwardTimestepStarts: [Int]? = nil) {
        self.batch = batch; self.parts = parts; self.unfusedGather = unfusedGather
        self.packings = packings; self.memory = memory; self.paddedPrefix = paddedPrefix
        self.backwardTimestepStarts = backwardTimestepStarts; self.sharing = sharing
    }

    /// The first and the last forward cell's pointers: where the initial state is read and the
    /// final state written.
    var firstCell: CellMath.ForwardPointers<Float>? { parts.forwards.first?.pointers }
    var lastCell: CellMath.ForwardPointers<Float>? { parts.forwards.last?.pointers }

    deinit { memory?.deallocate() }

    /// Packs each `B` operand from its source as it is now.
    func packOperands() {
        for p in packings {
            RowGEMM.PackedB.pack(p.source, ldb: p.ldb, transposed: p.transposed, n: p.n, k: p.k, into: p.destination)
        }
    }

    /// Every step on the loop's rows `rows`, in order; with a ``paddedPrefix``, each timestep
    /// only on the rows whose states it cannot copy; the backward of a training loop, `folding`
    /// the gradients of the rows its forward (`schedule`) shared.
    func run(rows: Range<Int>, folding schedule: PaddedPrefixSchedule? = nil) {
        if let schedule, let starts = backwardTimestepStarts { return runFolding(rows: rows, schedule: schedule, starts: starts) }
        guard let schedule = paddedPrefix else { return run(steps: 0..<parts.steps.count, rows: rows) }
        let starts = schedule.timestepStarts
        let keepsHistory = schedule.sharing == .training
        var computedFrom = rows.lowerBound
        for (index, start) in starts.enumerated() {
            let from = schedule.standIn(of: rows, at: index)
            let cell = parts.forwards[index].pointers
            if from < computedFrom {
                // These rows start their text now, from the state their padding left them in (a
                // kept history holds it already: the step before copied it to every row).
                if !keepsHistory {
                    schedule.copy(row: computedFrom, of: UnsafeMutablePointer(mutating: cell.previousState), into: from..<computedFrom)
                }
                if let previous = cell.previousCellState {
                    schedule.copy(row: computedFrom, of: UnsafeMutablePointer(mutating: previous), into: from..<computedFrom)
                }
            }
            let end = index + 1 < starts.count ? starts[index + 1] : parts.steps.count
            run(steps: start..<end, rows: from..<rows.upperBound)
            if from > rows.lowerBound {
                // The rows it stood for hold (or output) what it did.
                if keepsHistory {
                    schedule.copy(row: from, of: cell.state, into: rows.lowerBound..<from)
                } else if let output = cell.sequenceOutput {
                    schedule.copy(row: from, of: output, inBatchOrderInto: rows.lowerBound..<from)
                }
            }
            computedFrom = from
        }
        // Rows that are padding to the end: the final state their stand-in reached (already in a
        // kept history's last row).
        if let last = lastCell, computedFrom > rows.lowerBound {
            if !keepsHistory { schedule.copy(row: computedFrom, of: last.state, into: rows.lowerBound..<computedFrom) }
            if let cellState = last.cellState { schedule.copy(row: computedFrom, of: cellState, into: rows.lowerBound..<computedFrom) }
        }
    }

    /// The backward of a training loop whose forward shared its rows' padded prefixes: at each
    /// timestep, from the last, the rows the forward's stand-in stood for add what reaches them
    /// — their output's gradient, and the gradient their own steps after it carried back, the
    /// step they entered the padding — into the stand-in's carried gradients, and the stand-in
    /// runs the cell and the product for all of them. Their gate gradients are zero: the
    /// stand-in's are the sum of theirs, which is what the weight and table gradients take.
    private func runFolding(rows: Range<Int>, schedule: PaddedPrefixSchedule, starts: [Int]) {
        let lower = rows.lowerBound
        // Rows whose own gradients reached this step: all of them at the first (the final
        // state's gradient), then those computed at the step before.
        var computedFrom = lower
        for (index, start) in starts.enumerated() {
            let standIn = schedule.standIn(of: rows, at: starts.count - 1 - index)
            let cell = parts.backwards[index]
            if standIn > lower {
                schedule.foldGradients(cell.pointers, units: cell.cell.units, gateWidth: cell.cell.gateWidth,
                                       of: lower..<standIn, carriedFrom: computedFrom, into: standIn)
            }
            let end = index + 1 < starts.count ? starts[index + 1] : parts.steps.count
            run(steps: start..<end, rows: standIn..<rows.upperBound)
            computedFrom = standIn
        }
    }

    private func run(steps range: Range<Int>, rows: Range<Int>) {
        parts.products.withUnsafeBufferPointer { products in
            parts.forwards.withUnsafeBufferPointer { forwards in
                parts.backwards.withUnsafeBufferPointer { backwards in
                    parts.steps.withUnsafeBufferPointer { steps in
                        for index in range {
                            switch steps[index] {
                            case .product(let i):
                                // The next cell's rows of a projected table, fetched while the product runs.
                                if index + 1 < steps.count, case .cellForward(let next) = steps[index + 1] {
                                    forwards[next].pointers.prefetchTokenRows(rows, gateWidth: forwards[next].cell.gateWidth)
                                }
                                let p = products[i]
                                RowGEMM.multiply(rows: rows, alpha: p.alpha, a: p.a, lda: p.lda, b: p.b, beta: p.beta, c: p.c, ldc: p.ldc)
                            case .cellForward(let i):
                                CellMath.forwardFast(forwards[i].cell, rows: rows, forwards[i].pointers)
                            case .cellBackward(let i):
                                CellMath.backwardFast(backwards[i].cell, rows: rows, backwards[i].pointers)
                            case .resetGateForward(let i):
                                parts.resetForwards[i].run(rows: rows)
                            case .resetGateBackward(let i):
                                parts.resetBackwards[i].run(rows: rows)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The per-timestep ops of one recurrent direction over a whole sequence — forward (recurrent
/// product, fused cell) or backward (fused cell backward, recurrent product) — grouped so that a
/// backend may run the loop as one unit.
///
/// Every op in `steps` works on the `batch` rows independently: a GEMM's `A` and `C` are
/// `[batch, ·]` row-major (`m == batch`, no `A` transpose, no batching), and the cell ops take a
/// row range. So the loop can be split into batch tiles that each run every timestep without
/// meeting the others: the CPU backend gives each worker a tile for the whole sequence (one
/// thread dispatch per loop, not per step), the OpenCL backend enqueues `steps` as they are.
public struct RecurrentLoop: OpDescription, Hashable {
    public static let kind = OpKind.recurrentLoop
    public let batch: Int
    /// In execution order.
    public let steps: [Op]
    /// The embedding gather that forms the per-step inputs the cells read (the rows of a
    /// projected vocabulary, ``TokenProjection``); it runs before the steps. A backend may
    /// instead read each row where the gather would copy it from (the CPU backend does: for
    /// lstm-imdb that is 32 MB written and read back per pass), as long as the loop's results
    /// are the same.
    public let inputGather: EmbeddingGather?
    /// Whether rows that start with the same run of token slot 0 (Keras's `pad_sequences` pads
    /// before the text with id 0) may share their states until their text starts, and what is
    /// read after the loop (``PaddedPrefixSharing``). Set by the planner on a loop that reads
    /// `inputGather`'s rows forward in time with no mask and no dropout, and on that loop's
    /// backward. Such rows see the same inputs from the same initial state, so a backend may
    /// compute one of them and copy it: the CPU backend does (``CPUBackend/recurrentLoops(_:)``)
    /// when the initial state is the same on every row. On IMDB that is over half of
    /// lstm-imdb's row-steps (reviews shorter than 500 words). A backend that ignores it runs
    /// every row, which gives the same results.
    public let paddedPrefix: PaddedPrefixSharing?
    /// This loop, as against an equal one made elsewhere: shared by its copies, new with every
    /// loop made (its gather-less form, ``gatherThenLoop``, is one loop), and not part of
    /// equality. A backend keeps what it derives from a loop — the CPU backend its resolved
    /// pointers — under it, so a plan run every step derives it once. The fields are constants,
    /// so no copy can differ from the loop its identity was made with.
    public let identity: Identity
    /// The identity of this loop without its gather (``gatherThenLoop``): the same for every
    /// call, so that a backend given the gather-less loop each step derives it once too.
    private let gatherlessIdentity: Identity?

    public final class Identity: Sendable {}

    public init(batch: Int, steps: [Op], inputGather: EmbeddingGather? = nil, paddedPrefix: PaddedPrefixSharing? = nil) {
        self.init(batch: batch, steps: steps, inputGather: inputGather, paddedPrefix: paddedPrefix, identity: Identity())
    }

    private init(batch: Int, steps: [Op], inputGather: EmbeddingGather?, paddedPrefix: PaddedPrefixSharing?, identity: Identity) {
        self.batch = batch; self.steps = steps; self.inputGather = inputGather; self.identity = identity
        // A forward loop shares what its gather reads; a backward one only follows its forward.
        self.paddedPrefix = paddedPrefix == .trainingBackward || inputGather != nil ? paddedPrefix : nil
        gatherlessIdentity = inputGather == nil ? nil : Identity()
    }

    /// Whether a backend may skip ``inputGather`` and have the cells read each row from its table
    /// where the gather would copy it from: every step that reads the gather's output is a
    /// fused cell reading one whole timestep of it (a reset-before GRU's reset gate reads it too,
    /// and then the gather must run).
    public var cellsCanReadGatherInPlace: Bool {
        guard let gather = inputGather else { return false }
        return steps.allSatisfy { step in
            switch step {
            case .cellForward(let c): return !c.projectedInput.overlaps(gather.output) || gather.timestep(of: c.projectedInput) != nil
            case .gemm(let g): return !g.a.overlaps(gather.output) && !g.b.overlaps(gather.output)
            default: return false
            }
        }
    }

    public static func == (lhs: RecurrentLoop, rhs: RecurrentLoop) -> Bool {
        lhs.batch == rhs.batch && lhs.inputGather == rhs.inputGather && lhs.paddedPrefix == rhs.paddedPrefix
            && lhs.steps == rhs.steps
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(batch); hasher.combine(inputGather); hasher.combine(paddedPrefix); hasher.combine(steps)
    }

    /// The gather (when there is one), then the loop without it: what a backend that does not
    /// fuse the gather runs.
    public var gatherThenLoop: [Op] {
        guard let inputGather, let gatherlessIdentity else { return [.recurrentLoop(self)] }
        return [.embeddingGather(inputGather),
                .recurrentLoop(RecurrentLoop(batch: batch, steps: steps, inputGather: nil, paddedPrefix: nil, identity: gatherlessIdentity))]
    }

    public func validate() throws {
        let check = ShapeCheck(Self.kind)
        try check.positive(batch, "batch")
        if let inputGather {
            try inputGather.validate()
            try check.require(inputGather.batch == batch, "inputGather", "batch \(inputGather.batch) is not \(batch)")
        }
        for (index, op) in steps.enumerated() {
            try op.validate()
            switch op {
            case .gemm(let g):
                try check.require(g.m == batch && !g.transposeA && g.batch == 1, "steps[\(index)]",
                                  "a GEMM in a recurrent loop must be \(batch) rows of A times B, got m \(g.m), transposeA \(g.transposeA), batch \(g.batch)")
                try check.require(g.aSecond == nil && g.cSecond == nil, "steps[\(index)]", "a GEMM in a recurrent loop reads and writes single tensors")
            case .cellForward(let o): try check.require(o.batch == batch, "steps[\(index)]", "batch \(o.batch) is not \(batch)")
            case .cellBackward(let o): try check.require(o.batch == batch, "steps[\(index)]", "batch \(o.batch) is not \(batch)")
            case .gruResetGateForward(let o): try check.require(o.batch == batch, "steps[\(index)]", "batch \(o.batch) is not \(batch)")
            case .gruResetGateBackward(let o): try check.require(o.batch == batch, "steps[\(index)]", "batch \(o.batch) is not \(batch)")
            default:
                throw ComputeError.invalidArgument(op: Self.kind.rawValue, argument: "steps[\(index)]",
                                                   reason: "\(op.kind.rawValue) does not work row by row")
            }
        }
    }
}

/// What a loop whose rows may share their padded prefixes (``RecurrentLoop/paddedPrefix``)
/// leaves to be read, which decides how a backend may share them.
public enum PaddedPrefixSharing: Hashable, Sendable {
    /// A forward-only pass: afterwards only the final state (and cell state) and the cells' own
    /// sequence outputs are read, not the state history, so a backend may run the rows in any
    /// order and leave a shared row's history unwritten.
    case inference
    /// A training forward: afterwards the state history is read (as the sequence output, and by
    /// the backward's recurrent-kernel product), every row of it, in the batch's order. A row
    /// that shared has no saved gates or cell states of its own in the steps it shared, so the
    /// loop's backward (``trainingBackward``) must go through the same rows: the gradients of
    /// the rows a computed row stood for are added into its own, and their gate gradients are
    /// zero.
    case training
    /// The backward of a ``training`` loop: a backend shares in it exactly as it did in that
    /// forward (the same rows, from the same token slots); one that did not share there must
    /// not here.
    case trainingBackward
}

extension Op {
    /// The op itself, or a loop's input gather and steps in order: what a backend that runs
    /// loops step by step enqueues (for counting and profiling ops one by one).
    public var flattened: [Op] {
        guard case .recurrentLoop(let loop) = self else { return [self] }
        let gather: [Op] = loop.inputGather.map { [.embeddingGather($0)] } ?? []
        return gather + loop.steps.flatMap(\.flattened)
    }
}

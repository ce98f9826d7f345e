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
    public var batch: Int
    /// In execution order.
    public var steps: [Op]

    public init(batch: Int, steps: [Op]) {
        self.batch = batch; self.steps = steps
    }

    public func validate() throws {
        let check = ShapeCheck(Self.kind)
        try check.positive(batch, "batch")
        for (index, op) in steps.enumerated() {
            try op.validate()
            switch op {
            case .gemm(let g):
                try check.require(g.m == batch && !g.transposeA && g.batch == 1, "steps[\(index)]",
                                  "a GEMM in a recurrent loop must be \(batch) rows of A times B, got m \(g.m), transposeA \(g.transposeA), batch \(g.batch)")
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

extension Op {
    /// The op itself, or a loop's steps in order: what a backend that runs loops step by step
    /// enqueues (for counting and profiling ops one by one).
    public var flattened: [Op] {
        if case .recurrentLoop(let loop) = self { return loop.steps.flatMap(\.flattened) }
        return [self]
    }
}

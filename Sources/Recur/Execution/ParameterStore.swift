/// A model's weights, their gradients and the optimizer's state on one backend, allocated once
/// and shared by every executor of the model (training and evaluation, full and last partial
/// batch), so they all see the same weights.
public final class ParameterStore {
    public let model: SequentialModel
    public let backend: Backend
    public let rule: OptimizerRule
    let arena: Arena
    /// `[1]`: the per-step factor of the optimizer's step size (Adam's bias correction).
    public let stepScale: FloatRef
    /// `[1]` each: the squared global gradient norm and the clip factor it gives.
    let squaredNorm: FloatRef
    let clipFactor: FloatRef

    public init(model: SequentialModel, rule: OptimizerRule = .adam(), backend: Backend) throws {
        self.model = model
        self.backend = backend
        self.rule = rule
        var layout = ArenaLayout()
        // The trainable weights in one run, their gradients in the next, then each optimizer
        // slot's, in the same order and aligned alike, so that one update op covers them all
        // (``updateOps``); the frozen weights after them.
        let trainable = model.parameters.filter(\.trainable)
        for kind in Self.updatedKinds(rule) {
            for spec in trainable { _ = layout.reserve(kind + spec.path, spec.elementCount) }
        }
        for spec in model.parameters where !spec.trainable { _ = layout.reserve("w:" + spec.path, spec.elementCount) }
        _ = layout.reserve("optimizer.stepScale", 1)
        _ = layout.reserve("optimizer.squaredNorm", 1)
        _ = layout.reserve("optimizer.clipFactor", 1)
        arena = try Arena(layout, on: backend)
        stepScale = arena["optimizer.stepScale"]
        squaredNorm = arena["optimizer.squaredNorm"]
        clipFactor = arena["optimizer.clipFactor"]
    }

    /// Bytes on the device: weights, gradients, optimizer state and the step scalars.
    public var deviceBytes: Int { arena.layout.byteCount }

    public func weight(_ path: String) throws -> FloatRef {
        guard let slot = arena.layout.names["w:" + path] else { throw ExecutionError.missingWeight(path: path) }
        return arena[slot]
    }

    /// The gradient of a trainable weight; nil for a frozen one.
    public func gradient(_ path: String) -> FloatRef? { arena.layout.names["g:" + path].map { arena[$0] } }

    /// The optimizer's state tensors of a trainable weight, in the rule's order.
    public func slots(_ path: String) -> [FloatRef] {
        (0..<rule.slotCount).compactMap { arena.layout.names["s\($0):" + path].map { arena[$0] } }
    }

    /// Counts the changes to the weights: ``setWeights(_:)`` and each queued update
    /// (``markUpdated()``). An executor that keeps something computed from the weights (the
    /// vocabulary projection of ``ModelExecutor/enqueueForward()``) recomputes it when this moves.
    /// Writing a weight tensor some other way must call ``markUpdated()`` too.
    public private(set) var revision = 0

    /// Records that ops writing the weights (the optimizer's update) have been queued.
    public func markUpdated() { revision += 1 }

    public func setWeights(_ values: [String: [Float]]) throws {
        defer { revision += 1 }
        for spec in model.parameters {
            guard let v = values[spec.path] else { throw ExecutionError.missingWeight(path: spec.path) }
            guard v.count == spec.elementCount else {
                throw ExecutionError.weightShape(path: spec.path, expected: spec.elementCount, found: v.count)
            }
            try backend.write(v, to: try weight(spec.path))
        }
    }

    public func weights() throws -> [String: [Float]] {
        var result: [String: [Float]] = [:]
        for spec in model.parameters { result[spec.path] = try backend.read(try weight(spec.path)) }
        return result
    }

    /// The optimizer update of every trainable weight, built once; the per-step factor comes from
    /// `stepScale`. Clipping follows Keras: `clipValue` per element, `globalClipNorm` over all
    /// gradients together (computed and applied on the device, no host round trip).
    public func updateOps(learningRate: Float, clipValue: Float? = nil, globalClipNorm: Float? = nil) -> [Op] {
        var ops: [Op] = []
        let trainable = model.parameters.filter(\.trainable)
        var gradientScale: FloatRef?
        if let globalClipNorm {
            for (i, spec) in trainable.enumerated() {
                ops.append(.sumOfSquares(SumOfSquares(gradient(spec.path)!, result: squaredNorm, accumulate: i > 0)))
            }
            ops.append(.clipScale(ClipScale(sumOfSquares: squaredNorm, clipNorm: globalClipNorm, scale: clipFactor)))
            gradientScale = clipFactor
        }
        guard let first = trainable.first, let last = trainable.last else { return ops }
        // One update over every trainable weight: a launch instead of one per tensor (stacked-
        // simplernn has nine), the same arithmetic element by element. The runs include the
        // alignment gaps between tensors, which no other op reads or writes: their gradients stay
        // zero, so every rule keeps their zero weights and slots at zero.
        func run(_ kind: String) -> FloatRef {
            let start = arena.layout.names[kind + first.path]!, end = arena.layout.names[kind + last.path]!
            return FloatRef(storage: arena[start].storage, offset: start.offset, count: end.offset + end.count - start.offset)
        }
        let runs = Self.updatedKinds(rule).map(run)
        ops.append(.optimizerUpdate(OptimizerUpdate(rule: rule, parameter: runs[0], gradient: runs[1], slots: Array(runs.dropFirst(2)),
                                                    stepSize: learningRate, stepScale: stepScale, gradientScale: gradientScale,
                                                    clipValue: clipValue)))
        return ops
    }

    /// The name prefixes of the tensors an update reads and writes, in ``OptimizerUpdate``'s
    /// order: weights, gradients, the rule's slots.
    static func updatedKinds(_ rule: OptimizerRule) -> [String] {
        ["w:", "g:"] + (0..<rule.slotCount).map { "s\($0):" }
    }

    /// Uploads the step factor for 1-based optimizer iteration `iteration` (no host wait).
    public func prepareUpdate(iteration: Int, lane: Int = 0) throws {
        try backend.upload([rule.stepSize(learningRate: 1, step: iteration)], to: stepScale, lane: lane)
    }
}

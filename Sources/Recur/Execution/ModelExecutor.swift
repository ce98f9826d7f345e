/// A `SequentialModel` compiled for one backend and one batch shape: every tensor of the step in
/// one arena, and the forward and backward ops as plans built once. Activations are time-major
/// (`[T, B, F]`) from the embedding on, as the recurrent op wants them.
public final class ModelExecutor {
    public struct Options: Sendable {
        public var batch: Int
        public var time: Int
        /// Gradients and their buffers exist only when training.
        public var training: Bool
        /// Dropout is applied (training only; off to compare gradients with a dropout-free reference).
        public var dropout: Bool
        public var seed: UInt64
        /// What masked timesteps output in `return_sequences` layers (Keras 3: the carried state).
        public var maskedOutput: MaskedOutput

        /// Runs the two directions of a Bidirectional layer on two lanes (queues) at once; they
        /// share only their input and meet again at the merge. Results are identical either way.
        public var concurrentDirections: Bool
        /// Lets a recurrent or Bidirectional layer reading an embedding's lookup project the
        /// batch's distinct tokens instead of every occurrence (``TokenProjection``). Off only to
        /// compare.
        public var projectsTokens: Bool
        /// Lets a recurrent or Bidirectional layer over a Bidirectional layer's concatenated
        /// sequence read the two directions' outputs where they are, and write their gradients
        /// there (``RecurrentSequence/Bindings/Input/halves(_:gradient:)``), instead of a merged
        /// copy and a split of its gradient. Off only to compare.
        public var readsDirectionsApart: Bool

        public init(batch: Int, time: Int, training: Bool, dropout: Bool? = nil, seed: UInt64 = 0, maskedOutput: MaskedOutput = .carried,
                    concurrentDirections: Bool = true, projectsTokens: Bool = true, readsDirectionsApart: Bool = true) {
            self.batch = batch; self.time = time; self.training = training; self.dropout = training && (dropout ?? true)
            self.seed = seed; self.maskedOutput = maskedOutput; self.concurrentDirections = concurrentDirections
            self.projectsTokens = projectsTokens; self.readsDirectionsApart = readsDirectionsApart
        }
    }

    /// How the last layer's output meets the loss: cross-entropy from logits when the last Dense
    /// ends in sigmoid or softmax (Keras 3), else from the values it produces.
    public struct Head: Sendable {
        public let loss: LossKind
        public let input: LossInput
        /// The activation applied after the logits to give predictions (`nil`: none).
        public let finalActivation: DenseActivation?
    }

    public let model: SequentialModel
    public let options: Options
    public let backend: Backend
    /// The weights (and gradients) this executor reads and writes, shared with the model's other executors.
    public let parameters: ParameterStore
    public let head: Head
    let arena: Arena
    let steps: [LayerStep]
    /// The forward and backward passes as planned, some ops sized at the most distinct tokens a
    /// batch can have (``DistinctRowsOp``); the two directions of a Bidirectional layer are on
    /// lanes 0 and 1 when `Options.concurrentDirections` is on.
    public internal(set) var plannedForward = Plan()
    public internal(set) var plannedBackward = Plan()
    /// Inference only: the projection of the whole vocabulary by the layer reading the embedding
    /// (``TokenProjection/Rows/vocabulary``). It depends on the weights alone, so
    /// ``enqueueForward()`` runs it only when they changed since it last did.
    public internal(set) var plannedVocabularyProjection = Plan()
    /// The ``ParameterStore/revision`` of the weights the vocabulary projection was last queued for.
    private var projectedRevision: Int?
    /// How many distinct tokens the uploaded batch has (0 before the first upload).
    public private(set) var distinctTokenCount = 0
    /// The passes for the uploaded batch, whole: what a step runs after
    /// ``upload(tokenIDs:labels:step:lane:)`` (``enqueueForward()`` skips the vocabulary
    /// projection while it is current).
    public var forwardPlan: Plan {
        var plan = plannedVocabularyProjection
        plan.append(plannedForward.resolved(distinctRows: distinctTokenCount))
        return plan
    }
    public var backwardPlan: Plan { plannedBackward.resolved(distinctRows: distinctTokenCount) }
    public var forwardOps: [Op] { forwardPlan.ops }
    public var backwardOps: [Op] { backwardPlan.ops }
    /// Loss (without gradient) and accuracy for evaluation; training gets both from `backwardOps`.
    public internal(set) var metricOps: [Op] = []
    /// Every recurrent direction, for carrying state between truncated-BPTT segments.
    public internal(set) var recurrentSequences: [RecurrentSequence] = []

    /// Zeroes every recurrent layer's initial state (the start of a batch).
    public var resetStateOps: [Op] {
        recurrentSequences.flatMap { s in [.fill(Fill(s.initialState, value: 0))] + (s.initialCellState.map { [.fill(Fill($0, value: 0))] } ?? []) }
    }

    /// Copies every recurrent layer's final state into its initial state: the next segment
    /// starts where this one ended (truncated BPTT).
    public var carryStateOps: [Op] {
        recurrentSequences.flatMap { s -> [Op] in
            var ops: [Op] = [.copy2D(Copy2D(s.finalState, to: s.initialState))]
            if let final = s.finalCellState, let initial = s.initialCellState { ops.append(.copy2D(Copy2D(final, to: initial))) }
            return ops
        }
    }

    /// Queues the forward pass for the uploaded batch, without flushing: the vocabulary
    /// projection only when the weights changed since this executor last queued it (inference
    /// over a data set projects the vocabulary once), then the rest.
    public func enqueueForward() throws {
        if projectedRevision != parameters.revision {
            try plannedVocabularyProjection.enqueue(on: backend, flush: false)
            projectedRevision = parameters.revision
        }
        try plannedForward.resolved(distinctRows: distinctTokenCount).enqueue(on: backend, flush: false)
    }

    // Per-batch inputs.
    public let tokenIDs: IntRef
    public let timestepMask: FloatRef?
    public let labels: LossLabels
    public let stepWords: IntRef
    let embeddingIndex: (sortedRows: IntRef, segmentStarts: IntRef, segmentTokens: IntRef)?
    /// ``TokenProjection``'s per-batch slots (`[B, T]`, and `[B·T]` for training); nil when no
    /// layer projects tokens.
    let tokenSlots: IntRef?
    let segmentSlots: IntRef?
    /// With a projection keyed by (sequence, token) (``TokenProjection/SequencePairs``): each
    /// distinct pair's token and sequence, `[capacity]`, −1 after them. The index and the slots
    /// are then the pairs': key `b·V + token`.
    let distinctPairs: (tokens: IntRef, sequences: IntRef)?
    /// With trained pairs: the pairs grouped by token, the index their table gradient is summed by.
    let pairTokenIndex: (sortedRows: IntRef, segmentStarts: IntRef, segmentTokens: IntRef)?
    /// `[2]`: the batch's mean loss and its number of correct predictions, read back together.
    public let metrics: FloatRef
    public var lossValue: FloatRef { metrics.slice(0, 1) }
    public var correctCount: FloatRef { metrics.slice(1, 1) }
    /// How many label values a batch holds.
    public var labelCount: Int {
        switch labels {
        case .indices(let ref): return ref.count
        case .values(let ref): return ref.count
        }
    }
    /// Accuracy's denominator per example: the outputs for binary cross-entropy, 1 otherwise.
    public var accuracyUnitsPerExample: Int { head.loss == .binaryCrossEntropy ? (model.outputShape.features ?? 1) : 1 }
    /// The model's outputs after the last activation, `[B, C]`.
    public let predictions: FloatRef

    public init(parameters: ParameterStore, loss: LossKind, options: Options) throws {
        let model = parameters.model
        self.model = model
        self.options = options
        self.backend = parameters.backend
        self.parameters = parameters
        head = try Self.head(of: model, loss: loss)
        var layout = ArenaLayout()
        let steps = try LayerStep.plan(model: model, options: options, in: &layout)
        self.steps = steps
        let (b, t) = (options.batch, options.time)
        let classes = model.outputShape.features ?? 1
        _ = layout.reserve("input.tokens", b * t, .int32)
        _ = layout.reserve("input.step", 2, .int32)
        if steps.first?.masks == true { _ = layout.reserve("input.mask", t * b) }
        if loss == .sparseCategoricalCrossEntropy { _ = layout.reserve("input.labels", b, .int32) }
        else { _ = layout.reserve("input.labels", b * classes) }
        _ = layout.reserve("metrics", 2)
        _ = layout.reserve("predictions", b * classes)
        let projects = steps.contains { $0.projectsTokens && !$0.projectsWholeVocabulary }
        let needsIndex = projects || (options.training && steps.contains(where: \.trainsEmbedding))
        if needsIndex {
            _ = layout.reserve("input.sortedRows", b * t, .int32)
            _ = layout.reserve("input.segmentStarts", b * t + 1, .int32)
            _ = layout.reserve("input.segmentTokens", b * t, .int32)
        }
        if projects {
            _ = layout.reserve("input.tokenSlots", b * t, .int32)
            if options.training { _ = layout.reserve("input.segmentSlots", b * t, .int32) }
        }
        let keyedRows = steps.lazy.compactMap(\.projection).first(where: \.pairs)?.rows
        if let keyedRows {
            _ = layout.reserve("input.distinctPairTokens", keyedRows, .int32)
            _ = layout.reserve("input.distinctPairSequences", keyedRows, .int32)
        }
        // Trained pairs' rows reach the table grouped by token (an index per batch); distinct
        // tokens' one each (constant).
        let pairGradientRows = steps.first { $0.projectsTrainedTable && $0.projection!.pairs }?.projectedTokens
        if let pairGradientRows {
            _ = layout.reserve("input.pairRows", pairGradientRows, .int32)
            _ = layout.reserve("input.pairStarts", pairGradientRows + 1, .int32)
            _ = layout.reserve("input.pairSegmentTokens", pairGradientRows, .int32)
        }
        let identityRows = steps.first { $0.projectsTrainedTable && !$0.projection!.pairs }?.projectedTokens
        if let identityRows {
            _ = layout.reserve("input.identityRows", identityRows, .int32)
            _ = layout.reserve("input.identityStarts", identityRows + 1, .int32)
        }
        let arena = try Arena(layout, on: parameters.backend)
        self.arena = arena
        let names = layout.names
        tokenIDs = arena.ints(names["input.tokens"]!)
        stepWords = arena.ints(names["input.step"]!)
        timestepMask = names["input.mask"].map { arena[$0] }
        labels = loss == .sparseCategoricalCrossEntropy ? .indices(arena.ints(names["input.labels"]!)) : .values(arena["input.labels"])
        metrics = arena["metrics"]
        predictions = arena["predictions"]
        embeddingIndex = needsIndex
            ? (arena.ints(names["input.sortedRows"]!), arena.ints(names["input.segmentStarts"]!), arena.ints(names["input.segmentTokens"]!))
            : nil
        tokenSlots = names["input.tokenSlots"].map { arena.ints($0) }
        segmentSlots = names["input.segmentSlots"].map { arena.ints($0) }
        if let tokens = names["input.distinctPairTokens"], let sequences = names["input.distinctPairSequences"] {
            distinctPairs = (arena.ints(tokens), arena.ints(sequences))
        } else {
            distinctPairs = nil
        }
        if let rows = names["input.pairRows"], let starts = names["input.pairStarts"], let tokens = names["input.pairSegmentTokens"] {
            pairTokenIndex = (arena.ints(rows), arena.ints(starts), arena.ints(tokens))
        } else {
            pairTokenIndex = nil
        }
        if let identityRows {
            try backend.write((0..<Int32(identityRows)).map { $0 }, to: arena.ints(names["input.identityRows"]!))
            try backend.write((0...Int32(identityRows)).map { $0 }, to: arena.ints(names["input.identityStarts"]!))
        }
        try buildOps()
    }

    static func head(of model: SequentialModel, loss: LossKind) throws -> Head {
        guard case .dense(let dense)? = model.layers.last?.config else {
            return Head(loss: loss, input: .probabilities, finalActivation: nil)
        }
        switch (dense.activation, loss) {
        case (.sigmoid, .binaryCrossEntropy):
            return Head(loss: loss, input: .logits, finalActivation: .sigmoid)
        case (.softmax, .categoricalCrossEntropy), (.softmax, .sparseCategoricalCrossEntropy):
            return Head(loss: loss, input: .logits, finalActivation: .softmax)
        default:
            return Head(loss: loss, input: .probabilities, finalActivation: nil)
        }
    }

    /// Bytes of this plan's arena on the device (activations, saved gates, gradients of
    /// activations, batch inputs); the weights are the ``ParameterStore``'s.
    public var deviceBytes: Int { arena.layout.byteCount }

    /// A weight tensor on the device.
    public func weight(_ path: String) throws -> FloatRef { try parameters.weight(path) }

    /// The gradient of a trainable weight (after a backward pass).
    public func gradient(_ path: String) throws -> FloatRef {
        guard let gradient = parameters.gradient(path) else { throw ExecutionError.missingWeight(path: path) }
        return gradient
    }

    /// Uploads one batch: token ids `[B, T]` (batch-major, as padded), labels, and what the step
    /// derives from them (the timestep mask, the embedding-gradient index, the dropout step).
    public func upload(tokenIDs ids: [Int32], labels values: [Float], step: UInt64 = 0, lane: Int = 0) throws {
        let (b, t) = (options.batch, options.time)
        guard ids.count == b * t else { throw ExecutionError.inputShape(expected: "\(b)×\(t) token ids", found: "\(ids.count)") }
        try backend.upload(ids, to: tokenIDs, lane: lane)
        try backend.upload(DropoutMask.stepWords(step), to: stepWords, lane: lane)
        if let timestepMask {
            var mask = [Float](repeating: 0, count: t * b)
            for bi in 0..<b { for ti in 0..<t where ids[bi * t + ti] != 0 { mask[ti * b + bi] = 1 } }
            try backend.upload(mask, to: timestepMask, lane: lane)
        }
        switch labels {
        case .indices(let ref): try backend.upload(values.map { Int32($0) }, to: ref, lane: lane)
        case .values(let ref): try backend.upload(values, to: ref, lane: lane)
        }
        if let embeddingIndex, let vocabulary = steps.lazy.compactMap(\.vocabulary).first {
            let index: EmbeddingGradientIndex
            if let distinctPairs {
                // One key per (sequence, token); an id outside the vocabulary stays outside.
                var keys = [Int32](repeating: -1, count: ids.count)
                for sequence in 0..<b {
                    let base = Int32(sequence * vocabulary)
                    for i in (sequence * t)..<((sequence + 1) * t) where ids[i] >= 0 && Int(ids[i]) < vocabulary { keys[i] = base + ids[i] }
                }
                index = EmbeddingGradientIndex(tokenIDs: keys, batch: b, time: t, vocabulary: b * vocabulary)
                // Each distinct pair's key back into its sequence and token, in one pass.
                var pairTokens = [Int32](repeating: -1, count: distinctPairs.tokens.count)
                var pairSequences = pairTokens
                for (p, key) in index.segmentTokens.prefix(index.distinctTokens).enumerated() {
                    let (sequence, token) = key.quotientAndRemainder(dividingBy: Int32(vocabulary))
                    pairSequences[p] = sequence; pairTokens[p] = token
                }
                try backend.upload(pairTokens, to: distinctPairs.tokens, lane: lane)
                try backend.upload(pairSequences, to: distinctPairs.sequences, lane: lane)
                if let pairTokenIndex {
                    try upload(EmbeddingGradientIndex(tokenIDs: pairTokens, batch: 1, time: pairTokens.count, vocabulary: vocabulary),
                               to: pairTokenIndex, lane: lane)
                }
            } else {
                index = EmbeddingGradientIndex(tokenIDs: ids, batch: b, time: t, vocabulary: vocabulary)
            }
            try upload(index, to: embeddingIndex, lane: lane)
            if let tokenSlots { try backend.upload(index.tokenSlots, to: tokenSlots, lane: lane) }
            if let segmentSlots { try backend.upload(index.segmentSlots, to: segmentSlots, lane: lane) }
            distinctTokenCount = index.distinctTokens
        }
    }

    /// An index's rows, segment starts and segment tokens, into the tensors an ``EmbeddingGradient`` reads.
    private func upload(_ index: EmbeddingGradientIndex, to tensors: (sortedRows: IntRef, segmentStarts: IntRef, segmentTokens: IntRef),
                        lane: Int) throws {
        try backend.upload(index.sortedRows, to: tensors.sortedRows, lane: lane)
        try backend.upload(index.segmentStarts, to: tensors.segmentStarts, lane: lane)
        try backend.upload(index.segmentTokens, to: tensors.segmentTokens, lane: lane)
    }
}

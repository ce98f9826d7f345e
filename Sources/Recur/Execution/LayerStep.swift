/// One layer as the executor runs it: its shapes in the time-major layout, whether a timestep
/// mask reaches it, and the names of the tensors it reserved in the arena.
struct LayerStep {
    let layer: ModelLayer
    let index: Int
    var name: String { layer.name }
    /// Rows of the input/output: `T·B` for sequences, `B` for vectors; widths are the last axis.
    let inputIsSequence: Bool
    let outputIsSequence: Bool
    let inputWidth: Int
    let outputWidth: Int
    /// A timestep mask (from `Embedding(mask_zero=True)`) applies to this layer.
    let masks: Bool
    let trainsEmbedding: Bool
    let vocabulary: Int?
    /// Some layer before this one has trained weights, so this layer's input gradient is needed.
    let trainedBelow: Bool
    /// How a recurrent or Bidirectional layer projects the lookup of the embedding it reads
    /// (``TokenProjection``) instead of every occurrence's row; nil when it reads a sequence.
    /// The embedding then forms no output of its own.
    struct Projection {
        /// The embedding's step.
        let embedding: Int
        /// The rows the projection has room for: the most distinct tokens a batch can have, or
        /// the vocabulary.
        let rows: Int
        /// The rows are the whole vocabulary (``TokenProjection/Rows/vocabulary``, inference),
        /// not the batch's distinct tokens.
        let wholeVocabulary: Bool
        /// The rows are the distinct (sequence, token) pairs (``TokenProjection/SequencePairs``):
        /// a mask per sequence changes the lookup on the way, an active SpatialDropout1D
        /// (`spatialDropout`, its step) or the layer's own input dropout.
        let pairs: Bool
        let spatialDropout: Int?
    }
    let projection: Projection?
    var projectsTokens: Bool { projection != nil }
    var projectedTokens: Int? { projection?.rows }
    var projectsWholeVocabulary: Bool { projection?.wholeVocabulary ?? false }
    /// Projects the batch's distinct tokens and trains the table: backward forms the table's
    /// gradient from the distinct rows (only the embedding and identity dropouts are below a
    /// projecting layer, so "trained below" is the table).
    var projectsTrainedTable: Bool { projectsTokens && !projectsWholeVocabulary && trainedBelow }
    /// An embedding whose lookup a layer above projects itself, or an identity dropout between
    /// them: it forms no output, and no gradient of one.
    let feedsTokenProjection: Bool
    /// A Bidirectional layer (concat) whose output sequence the recurrent layer above reads as
    /// its directions wrote it (``handsOnHalves(_:in:options:)``): it has no merged output, and
    /// no gradient of one.
    let handsOnHalves: Bool

    /// Reserves every tensor of every layer and returns the steps in order.
    static func plan(model: SequentialModel, options: ModelExecutor.Options, in layout: inout ArenaLayout) throws -> [LayerStep] {
        let t = options.time
        // A truncated-BPTT segment may be shorter than the model's length, as long as it divides it.
        if let length = model.inputLength, t > length || length % t != 0 {
            throw ExecutionError.inputShape(expected: "sequences of \(length) tokens (or segments dividing it)", found: "\(t)")
        }
        var steps: [LayerStep] = []
        let projections = model.layers.indices.map { projection(of: $0, in: model.layers, options: options) }
        var maskActive = false
        var trainedSoFar = false
        for (index, layer) in model.layers.enumerated() {
            let inputIsSequence = layer.inputShape.rank == 3
            let outputIsSequence = layer.outputShape.rank == 3
            let inputWidth = layer.inputShape.features ?? 0
            let outputWidth = layer.outputShape.features ?? 0
            var trainsEmbedding = false
            var vocabulary: Int?
            if case .embedding(let e) = layer.config {
                maskActive = e.maskZero
                trainsEmbedding = options.training && e.trainable
                vocabulary = e.inputDim
            }
            let projection = projections[index]
            // The embedding and the dropouts between it and the layer projecting its lookup.
            let feedsTokenProjection = projections.indices.contains { above in
                above > index && projections[above].map { $0.embedding <= index } ?? false
            }
            let step = LayerStep(layer: layer, index: index, inputIsSequence: inputIsSequence, outputIsSequence: outputIsSequence,
                                 inputWidth: inputWidth, outputWidth: outputWidth, masks: maskActive,
                                 trainsEmbedding: trainsEmbedding, vocabulary: vocabulary, trainedBelow: trainedSoFar,
                                 projection: projection, feedsTokenProjection: feedsTokenProjection,
                                 handsOnHalves: handsOnHalves(index, in: model.layers, options: options))
            trainedSoFar = trainedSoFar || (options.training && layer.parameters.contains(where: \.trainable))
            // Keras drops the mask at the first layer that returns a single vector.
            if !outputIsSequence { maskActive = false }
            try step.reserve(options: options, in: &layout)
            steps.append(step)
        }
        return steps
    }

    /// How a recurrent or Bidirectional layer at `index` projects the lookup of the embedding it
    /// reads, directly or through dropout layers that are the identity in this mode, or through
    /// masks per sequence and channel (one active SpatialDropout1D, the layer's own input
    /// dropout): then the rows are (sequence, token) pairs. Nil when something else changes the
    /// lookup on the way.
    ///
    /// Training projects the batch's distinct tokens (or pairs). Inference projects the whole
    /// vocabulary once and reuses it while the weights stay the same
    /// (``ModelExecutor/enqueueForward()``), unless the vocabulary is over four batches' tokens:
    /// then the one-time product and its buffer would outweigh what evaluating a data set saves,
    /// and it projects distinct tokens too.
    static func projection(of index: Int, in layers: [ModelLayer], options: ModelExecutor.Options) -> Projection? {
        guard options.projectsTokens else { return nil }
        let inputDropout: Double
        switch layers[index].config {
        case .recurrent(let r): inputDropout = r.dropout
        case .bidirectional(let bi): inputDropout = bi.layer.dropout
        default: return nil
        }
        var below = index - 1
        var spatialDropout: Int?
        while below >= 0 {
            switch layers[below].config {
            case .embedding(let e):
                let (b, v) = (options.batch, e.inputDim)
                let distinct = { (keys: Int) in TokenProjection.capacity(vocabulary: keys, batch: b, time: options.time) }
                if spatialDropout != nil || (options.dropout && inputDropout > 0) {
                    // A pair's key, `b·V + token`, is an Int32 like the ids.
                    guard b * v <= Int(Int32.max) else { return nil }
                    return Projection(embedding: below, rows: distinct(b * v), wholeVocabulary: false, pairs: true,
                                      spatialDropout: spatialDropout)
                }
                if !options.training && v <= 4 * b * options.time {
                    return Projection(embedding: below, rows: v, wholeVocabulary: true, pairs: false, spatialDropout: nil)
                }
                return Projection(embedding: below, rows: distinct(v), wholeVocabulary: false, pairs: false, spatialDropout: nil)
            case .dropout(let d) where !(options.dropout && d.rate > 0): below -= 1
            case .spatialDropout1D(let d) where !(options.dropout && d.rate > 0): below -= 1
            case .spatialDropout1D where spatialDropout == nil:
                spatialDropout = below
                below -= 1
            default: return nil
            }
        }
        return nil
    }

    /// Whether the Bidirectional layer at `index` hands its concatenated output sequence to the
    /// layer above as its two directions' outputs (``RecurrentSequence/Bindings/Input/halves(_:gradient:)``):
    /// when that layer is recurrent and projects it as it is — no active input dropout, which
    /// would mask the merged sequence first. Saves a merge and a split, 16 MB of copies each at
    /// stacked-bilstm's shape; the products read both halves in one pass (``SecondColumns``).
    static func handsOnHalves(_ index: Int, in layers: [ModelLayer], options: ModelExecutor.Options) -> Bool {
        guard options.readsDirectionsApart, index + 1 < layers.count, layers[index].outputShape.rank == 3,
              case .bidirectional(let bi) = layers[index].config, bi.mergeMode == .concat else { return false }
        let droppedInput = { (r: RecurrentConfig) in options.dropout && r.dropout > 0 }
        switch layers[index + 1].config {
        case .recurrent(let r): return !droppedInput(r)
        case .bidirectional(let above): return !droppedInput(above.forwardLayer) && !droppedInput(above.backwardLayer)
        default: return false
        }
    }

    func rows(_ options: ModelExecutor.Options, sequence: Bool) -> Int { sequence ? options.time * options.batch : options.batch }

    func reserve(options: ModelExecutor.Options, in layout: inout ArenaLayout) throws {
        let training = options.training
        let inRows = rows(options, sequence: inputIsSequence), outRows = rows(options, sequence: outputIsSequence)
        if training && !feedsTokenProjection && !handsOnHalves { _ = layout.reserve("\(name).outgrad", outRows * outputWidth) }
        switch layer.config {
        case .embedding:
            if !feedsTokenProjection { _ = layout.reserve("\(name).out", outRows * outputWidth) }
        case .dense:
            _ = layout.reserve("\(name).out", outRows * outputWidth)
        case .dropout(let d):
            // Inactive dropout hands its input on; it needs no buffers of its own.
            if options.dropout && d.rate > 0 {
                _ = layout.reserve("\(name).out", outRows * outputWidth)
                _ = layout.reserve("\(name).mask", outRows * outputWidth)
            }
        case .spatialDropout1D(let d):
            if options.dropout && d.rate > 0 {
                // Masking a projection's rows instead, it forms no output.
                if !feedsTokenProjection { _ = layout.reserve("\(name).out", outRows * outputWidth) }
                _ = layout.reserve("\(name).mask", options.batch * outputWidth)
            }
        case .recurrent(let r):
            try reserveDirection(r, prefix: name, options: options, in: &layout)
            reserveTokenProjection(in: &layout)
        case .bidirectional(let bi):
            reserveTokenProjection(in: &layout)
            try reserveDirection(bi.forwardLayer, prefix: "\(name).forward", options: options, in: &layout)
            try reserveDirection(bi.backwardLayer, prefix: "\(name).backward", options: options, in: &layout)
            if !handsOnHalves { _ = layout.reserve("\(name).out", outRows * outputWidth) }
            if training {
                let h = bi.layer.units
                _ = layout.reserve("\(name).forward.outgrad", outRows * h)
                _ = layout.reserve("\(name).backward.outgrad", outRows * h)
                if !projectsTokens && !Self.directionsShareInput(bi, options: options) {
                    _ = layout.reserve("\(name).backwardInputGradient", inRows * inputWidth)
                }
            }
        }
    }

    /// Whether a Bidirectional layer's two directions read its input as it is, with no input
    /// dropout mask in between (the backward layer mirrors the forward one: both drop or
    /// neither). Then their input projections are one product before both run and their input
    /// gradients one product after (``RecurrentSequence/inputProjection(with:)``,
    /// ``RecurrentSequence/inputGradientProduct(with:)``), and the second direction's input
    /// gradient needs no buffer of its own.
    static func directionsShareInput(_ bi: BidirectionalConfig, options: ModelExecutor.Options) -> Bool {
        !(options.dropout && bi.layer.dropout > 0)
    }

    /// The distinct tokens' table rows (``TokenProjection``) and, when the table trains, their
    /// gradient: shared by both directions of a Bidirectional layer.
    func reserveTokenProjection(in layout: inout ArenaLayout) {
        guard let projection, !projection.wholeVocabulary else { return }
        _ = layout.reserve("\(name).distinctRows", projection.rows * inputWidth)
        if projection.spatialDropout != nil { _ = layout.reserve("\(name).distinctMaskRows", projection.rows * inputWidth) }
        if projectsTrainedTable {
            _ = layout.reserve("\(name).distinctRowsGradient", projection.rows * inputWidth)
            // A second direction's masked rows, before they are added to the first's.
            if projection.pairs, case .bidirectional = layer.config {
                _ = layout.reserve("\(name).distinctRowsGradientScratch", projection.rows * inputWidth)
            }
        }
    }

    func sequenceShape(_ r: RecurrentConfig, options: ModelExecutor.Options) -> RecurrentSequence.Shape {
        RecurrentSequence.Shape(cell: r.cell, batch: options.batch, time: options.time, inputWidth: inputWidth,
                                reverse: r.goBackwards, masked: masks, maskedOutput: options.maskedOutput,
                                recurrentDropout: options.dropout && r.recurrentDropout > 0,
                                inputGradient: options.training && trainedBelow && !projectsTokens,
                                storesForBackward: options.training, outputsSequence: outputIsSequence,
                                projectedTokens: projectedTokens)
    }

    func reserveDirection(_ r: RecurrentConfig, prefix: String, options: ModelExecutor.Options, in layout: inout ArenaLayout) throws {
        guard inputIsSequence else { throw ExecutionError.unsupported(layer: name, reason: "a recurrent layer needs a sequence input") }
        let (b, t) = (options.batch, options.time)
        RecurrentSequence.reserve(sequenceShape(r, options: options), prefix: prefix, in: &layout)
        if !r.useBias { _ = layout.reserve("\(prefix).zeroBias", r.cell.biasCount) }
        // Where gradients go for weights that are not trained (frozen, or not training at all).
        _ = layout.reserve("\(prefix).kernelGradient", inputWidth * r.cell.gateWidth)
        _ = layout.reserve("\(prefix).recurrentKernelGradient", r.units * r.cell.gateWidth)
        _ = layout.reserve("\(prefix).biasGradient", r.cell.biasCount)
        if options.training {
            if options.dropout && r.dropout > 0 {
                _ = layout.reserve("\(prefix).inputMask", b * inputWidth)
                if let projection, projection.pairs {
                    // This direction's copy of the pairs' rows, times its mask rows.
                    _ = layout.reserve("\(prefix).maskedDistinctRows", projection.rows * inputWidth)
                    _ = layout.reserve("\(prefix).distinctInputMaskRows", projection.rows * inputWidth)
                } else {
                    // The input gradient of the dropped input, which the mask then maps back.
                    _ = layout.reserve("\(prefix).ingrad", t * b * inputWidth)
                    _ = layout.reserve("\(prefix).droppedInput", t * b * inputWidth)
                }
            }
            if options.dropout && r.recurrentDropout > 0 { _ = layout.reserve("\(prefix).recurrentMask", b * r.units) }
        }
    }
}

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
    /// A recurrent layer right after the embedding that projects the vocabulary instead of the
    /// batch's tokens (``TokenProjection``); the embedding then forms no output of its own.
    let projectedVocabulary: Int?
    var projectsTokens: Bool { projectedVocabulary != nil }
    /// An embedding whose lookup the layer above projects itself: it forms no output, and no
    /// gradient of one.
    let feedsTokenProjection: Bool

    /// Reserves every tensor of every layer and returns the steps in order.
    static func plan(model: SequentialModel, options: ModelExecutor.Options, in layout: inout ArenaLayout) throws -> [LayerStep] {
        let t = options.time
        // A truncated-BPTT segment may be shorter than the model's length, as long as it divides it.
        if let length = model.inputLength, t > length || length % t != 0 {
            throw ExecutionError.inputShape(expected: "sequences of \(length) tokens (or segments dividing it)", found: "\(t)")
        }
        var steps: [LayerStep] = []
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
            let layers = model.layers
            let projectedVocabulary = index > 0 ? Self.projectedVocabulary(of: layer, below: layers[index - 1], options: options) : nil
            let feedsTokenProjection = index + 1 < layers.count
                && Self.projectedVocabulary(of: layers[index + 1], below: layer, options: options) != nil
            let step = LayerStep(layer: layer, index: index, inputIsSequence: inputIsSequence, outputIsSequence: outputIsSequence,
                                 inputWidth: inputWidth, outputWidth: outputWidth, masks: maskActive,
                                 trainsEmbedding: trainsEmbedding, vocabulary: vocabulary, trainedBelow: trainedSoFar,
                                 projectedVocabulary: projectedVocabulary, feedsTokenProjection: feedsTokenProjection)
            trainedSoFar = trainedSoFar || (options.training && layer.parameters.contains(where: \.trainable))
            // Keras drops the mask at the first layer that returns a single vector.
            if !outputIsSequence { maskActive = false }
            try step.reserve(options: options, in: &layout)
            steps.append(step)
        }
        return steps
    }

    /// The vocabulary `layer` projects when it is a recurrent layer reading `below`'s embedding
    /// lookup directly and that is at most half the batch's tokens (``TokenProjection``); nil when
    /// it reads its input as a sequence (input dropout changes `x` per sequence, so it does).
    static func projectedVocabulary(of layer: ModelLayer, below: ModelLayer, options: ModelExecutor.Options) -> Int? {
        guard options.projectsVocabulary, case .recurrent(let r) = layer.config, case .embedding(let e) = below.config,
              !(options.dropout && r.dropout > 0),
              TokenProjection.pays(vocabulary: e.inputDim, batch: options.batch, time: options.time) else { return nil }
        return e.inputDim
    }

    func rows(_ options: ModelExecutor.Options, sequence: Bool) -> Int { sequence ? options.time * options.batch : options.batch }

    func reserve(options: ModelExecutor.Options, in layout: inout ArenaLayout) throws {
        let training = options.training
        let inRows = rows(options, sequence: inputIsSequence), outRows = rows(options, sequence: outputIsSequence)
        if training && !feedsTokenProjection { _ = layout.reserve("\(name).outgrad", outRows * outputWidth) }
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
                _ = layout.reserve("\(name).out", outRows * outputWidth)
                _ = layout.reserve("\(name).mask", options.batch * outputWidth)
            }
        case .recurrent(let r):
            try reserveDirection(r, prefix: name, options: options, in: &layout)
        case .bidirectional(let bi):
            try reserveDirection(bi.forwardLayer, prefix: "\(name).forward", options: options, in: &layout)
            try reserveDirection(bi.backwardLayer, prefix: "\(name).backward", options: options, in: &layout)
            _ = layout.reserve("\(name).out", outRows * outputWidth)
            if training {
                let h = bi.layer.units
                _ = layout.reserve("\(name).forward.outgrad", outRows * h)
                _ = layout.reserve("\(name).backward.outgrad", outRows * h)
                _ = layout.reserve("\(name).backwardInputGradient", inRows * inputWidth)
            }
        }
    }

    func sequenceShape(_ r: RecurrentConfig, options: ModelExecutor.Options) -> RecurrentSequence.Shape {
        RecurrentSequence.Shape(cell: r.cell, batch: options.batch, time: options.time, inputWidth: inputWidth,
                                reverse: r.goBackwards, masked: masks, maskedOutput: options.maskedOutput,
                                recurrentDropout: options.dropout && r.recurrentDropout > 0,
                                inputGradient: options.training && trainedBelow,
                                storesForBackward: options.training, outputsSequence: outputIsSequence,
                                projectedVocabulary: projectedVocabulary)
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
            _ = layout.reserve("\(prefix).ingrad", t * b * inputWidth)
            if options.dropout && r.dropout > 0 {
                _ = layout.reserve("\(prefix).inputMask", b * inputWidth)
                _ = layout.reserve("\(prefix).droppedInput", t * b * inputWidth)
            }
            if options.dropout && r.recurrentDropout > 0 { _ = layout.reserve("\(prefix).recurrentMask", b * r.units) }
        }
    }
}

/// A layer of a built ``SequentialModel``: its configuration with every name assigned, the
/// shapes it takes and gives, and its weights.
public struct ModelLayer: Hashable, Sendable {
    public let config: LayerConfig
    public let inputShape: LayerShape
    public let outputShape: LayerShape
    /// Keras's weights in Keras's order (kernel, recurrent kernel, bias; forward then backward).
    public let parameters: [ParameterSpec]

    public var name: String { config.name ?? config.kerasClassName }
    public var kerasClassName: String { config.kerasClassName }
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.elementCount } }
    public var trainableParameterCount: Int {
        parameters.filter(\.trainable).reduce(0) { $0 + $1.elementCount }
    }
}

/// Keras's `Sequential([Input(shape=(maxlen,)), Embedding(…), …, Dense(…)])`: an ordered list of
/// layers on token ids of length `inputLength` (`nil`: any length, Keras's `None`).
///
/// Building one checks the whole definition up front — arguments in range, shapes that chain,
/// unique names — so a model that exists is one Recur can run. It then answers what Keras's
/// `summary()` and `model.weights` would: shapes, parameter counts, weight names and layouts.
public struct SequentialModel: Hashable, Sendable {
    /// The model name (Keras's default: `sequential`); Keras 3 prefixes weight paths with it.
    public let name: String
    /// The padded sequence length (maxlen); `nil` for variable-length input.
    public let inputLength: Int?
    public let layers: [ModelLayer]

    /// Builds the model, naming unnamed layers as Keras would (`lstm`, `lstm_1`, …).
    ///
    /// - Throws: ``ModelError`` naming the layer when an argument is out of range, shapes do
    ///   not chain, the first layer is not an Embedding, or two layers share a name.
    public init(name: String = "sequential", inputLength: Int? = nil, layers: [LayerConfig]) throws {
        guard !layers.isEmpty else { throw ModelError.emptyModel }
        if let inputLength { try requirePositive(inputLength, "input_length", layer: name) }
        let named = try Self.assignNames(layers)

        // Keras 2 models carry the length on the Embedding (`input_length`) instead of an Input.
        var length = inputLength
        if case .embedding(let embedding) = named[0], let layerLength = embedding.inputLength {
            if let inputLength, inputLength != layerLength {
                throw ModelError.inputLengthMismatch(layer: named[0].name ?? "embedding", modelLength: inputLength, layerLength: layerLength)
            }
            length = layerLength
        }

        var built: [ModelLayer] = []
        var shape = LayerShape.tokenIDs(length: length)
        for (position, layer) in named.enumerated() {
            try layer.validateArguments()
            switch (position, layer) {
            case (0, .embedding): break
            case (0, _):
                throw ModelError.firstLayerNotEmbedding(layer: layer.name ?? "", kerasClass: layer.kerasClassName)
            case (_, .embedding):
                throw ModelError.embeddingNotFirst(layer: layer.name ?? "", position: position)
            default: break
            }
            let output = try layer.outputShape(for: shape, previous: built.last?.name)
            let parameters = layer.parameters(inputFeatures: shape.features ?? 0)
            built.append(ModelLayer(config: layer, inputShape: shape, outputShape: output, parameters: parameters))
            shape = output
        }
        self.name = name
        self.inputLength = length
        self.layers = built
    }

    /// The layer configurations, every one named.
    public var layerConfigs: [LayerConfig] { layers.map(\.config) }

    /// The shape the model takes: `(None, inputLength)` token ids.
    public var inputShape: LayerShape { LayerShape.tokenIDs(length: inputLength) }

    /// The shape of the last layer's output.
    public var outputShape: LayerShape { layers[layers.count - 1].outputShape }

    /// Every weight, in Keras's `model.weights` order.
    public var parameters: [ParameterSpec] { layers.flatMap(\.parameters) }

    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }
    public var trainableParameterCount: Int { layers.reduce(0) { $0 + $1.trainableParameterCount } }
    public var nonTrainableParameterCount: Int { parameterCount - trainableParameterCount }

    /// The layer called `name`, if any.
    public func layer(named name: String) -> ModelLayer? { layers.first { $0.name == name } }

    private static func assignNames(_ layers: [LayerConfig]) throws -> [LayerConfig] {
        // Only top-level names must be unique: a wrapped layer's weights live under its wrapper.
        let explicit = layers.compactMap(\.name)
        var seen = Set<String>()
        for name in explicit where !seen.insert(name).inserted {
            throw ModelError.duplicateLayerName(name)
        }
        let wrapped = layers.compactMap { layer -> String? in
            if case .bidirectional(let wrapper) = layer { return wrapper.layer.name }
            return nil
        }
        var naming = LayerNaming(explicitNames: explicit + wrapped)
        return layers.map { layer in
            var layer = layer
            if case .bidirectional(var wrapper) = layer, wrapper.layer.name == nil {
                // Keras names the wrapped layer too (it exists before the wrapper does), so it
                // uses up a name of its class: Bidirectional(LSTM) then LSTM gives `lstm_1`.
                wrapper.layer.name = naming.nextName(kerasClassName: wrapper.layer.family.kerasClassName)
                layer = .bidirectional(wrapper)
            }
            if layer.name == nil { layer.name = naming.nextName(kerasClassName: layer.kerasClassName) }
            return layer
        }
    }
}

/// One layer of a sequential model: the layers Recur can train, and nothing else.
public enum LayerConfig: Hashable, Sendable {
    case embedding(EmbeddingConfig)
    case recurrent(RecurrentConfig)
    case bidirectional(BidirectionalConfig)
    case dense(DenseConfig)
    case dropout(DropoutConfig)
    case spatialDropout1D(SpatialDropout1DConfig)

    /// Every Keras class name Recur reads and writes, for error messages.
    public static let supportedKerasClassNames = [
        "Embedding", "SimpleRNN", "LSTM", "GRU", "Bidirectional", "Dense", "Dropout", "SpatialDropout1D",
    ]

    /// The Keras class name, as `summary()` prints it in parentheses.
    public var kerasClassName: String {
        switch self {
        case .embedding: return "Embedding"
        case .recurrent(let layer): return layer.family.kerasClassName
        case .bidirectional: return "Bidirectional"
        case .dense: return "Dense"
        case .dropout: return "Dropout"
        case .spatialDropout1D: return "SpatialDropout1D"
        }
    }

    /// The layer's name, or `nil` before the model assigned Keras's default.
    public var name: String? {
        get {
            switch self {
            case .embedding(let layer): return layer.name
            case .recurrent(let layer): return layer.name
            case .bidirectional(let layer): return layer.name
            case .dense(let layer): return layer.name
            case .dropout(let layer): return layer.name
            case .spatialDropout1D(let layer): return layer.name
            }
        }
        set {
            switch self {
            case .embedding(var layer): layer.name = newValue; self = .embedding(layer)
            case .recurrent(var layer): layer.name = newValue; self = .recurrent(layer)
            case .bidirectional(var layer): layer.name = newValue; self = .bidirectional(layer)
            case .dense(var layer): layer.name = newValue; self = .dense(layer)
            case .dropout(var layer): layer.name = newValue; self = .dropout(layer)
            case .spatialDropout1D(var layer): layer.name = newValue; self = .spatialDropout1D(layer)
            }
        }
    }

    /// Whether the layer's weights are updated in training (layers without weights say `true`).
    public var trainable: Bool {
        switch self {
        case .embedding(let layer): return layer.trainable
        case .recurrent(let layer): return layer.trainable
        case .bidirectional(let layer): return layer.trainable && layer.layer.trainable
        case .dense(let layer): return layer.trainable
        case .dropout, .spatialDropout1D: return true
        }
    }
}

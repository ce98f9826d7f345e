/// What can be wrong with a model definition or a Keras model file. Each message names the layer,
/// says what was expected and what was found.
public enum ModelError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The model has no layers.
    case emptyModel
    /// The first layer is not an Embedding (Recur models take token ids).
    case firstLayerNotEmbedding(layer: String, kerasClass: String)
    /// An Embedding somewhere after the first layer.
    case embeddingNotFirst(layer: String, position: Int)
    /// A layer received a shape it cannot take (e.g. a recurrent layer after a rank-2 output).
    case incompatibleInput(layer: String, kerasClass: String, expected: String, found: LayerShape, from: String?)
    /// The Embedding's `input_length` disagrees with the model's input length.
    case inputLengthMismatch(layer: String, modelLength: Int?, layerLength: Int)
    /// An argument outside its valid range (e.g. `units=0`, `rate=1.5`).
    case invalidArgument(layer: String, argument: String, value: String, expected: String)
    /// Two layers with the same name (their weight paths would collide).
    case duplicateLayerName(String)
    /// The text is not JSON, or not an object where one is needed.
    case malformedJSON(String)
    /// The top-level class is not `Sequential`.
    case unsupportedModelClass(String)
    /// A layer class Recur does not implement.
    case unknownLayerClass(layer: String, kerasClass: String)
    /// A required key is absent or has the wrong type.
    case missingKey(layer: String, key: String, expected: String)
    /// A Keras option Recur does not implement, with the reason or the way out.
    case unsupportedOption(layer: String, option: String, value: String, reason: String)
    /// `merge_mode` other than concat, sum, ave, mul.
    case invalidMergeMode(layer: String, value: String)

    public var description: String {
        switch self {
        case .emptyModel:
            return "the model has no layers; a Recur model starts with an Embedding"
        case let .firstLayerNotEmbedding(layer, kerasClass):
            return "layer '\(layer)' (\(kerasClass)) is first, but a Recur model takes token ids and must start with an Embedding"
        case let .embeddingNotFirst(layer, position):
            return "layer '\(layer)' (Embedding) is at position \(position); an Embedding can only be the first layer"
        case let .incompatibleInput(layer, kerasClass, expected, found, from):
            let source = from.map { "layer '\($0)' outputs" } ?? "the model input is"
            var message = "layer '\(layer)' (\(kerasClass)) expects \(expected), but \(source) \(found)"
            if found.rank == 2, from != nil, expected.contains("timesteps") {
                message += "; set return_sequences=True on '\(from!)' to pass every timestep on"
            }
            return message
        case let .inputLengthMismatch(layer, modelLength, layerLength):
            let model = modelLength.map(String.init) ?? "None (variable)"
            return "layer '\(layer)' (Embedding) has input_length=\(layerLength), but the model's input length is \(model)"
        case let .invalidArgument(layer, argument, value, expected):
            return "layer '\(layer)': \(argument)=\(value) is invalid; expected \(expected)"
        case let .duplicateLayerName(name):
            return "two layers are named '\(name)'; layer names must be unique (they name the weights)"
        case let .malformedJSON(detail):
            return "not a Keras model JSON: \(detail)"
        case let .unsupportedModelClass(kerasClass):
            return "model class '\(kerasClass)' is not supported; Recur reads Sequential models (model.to_json() of a keras.Sequential)"
        case let .unknownLayerClass(layer, kerasClass):
            return "unknown layer class '\(kerasClass)' (layer '\(layer)'); supported: "
                + LayerConfig.supportedKerasClassNames.joined(separator: ", ")
        case let .missingKey(layer, key, expected):
            return "layer '\(layer)': key '\(key)' is missing or not \(expected)"
        case let .unsupportedOption(layer, option, value, reason):
            return "layer '\(layer)': \(option)=\(value) is not supported (\(reason))"
        case let .invalidMergeMode(layer, value):
            return "layer '\(layer)' (Bidirectional): merge_mode=\(value) is invalid; expected one of "
                + MergeMode.allCases.map(\.rawValue).joined(separator: ", ")
        }
    }
}

/// Which Keras wrote a model JSON: the two differ in how they spell the input shape and in what
/// `hard_sigmoid` means.
public enum KerasJSONFormat: Hashable, Sendable {
    /// tf.keras / Keras 2: `batch_input_shape`, `input_length`, `hard_sigmoid` = clip(0.2·x + 0.5).
    case keras2
    /// Keras 3: `InputLayer` with `batch_shape`, `module` / `registered_name` / `build_config`,
    /// dtype policy objects, `hard_sigmoid` = relu6(x + 3) / 6.
    case keras3
}

/// Turns one entry of a Keras `layers` list into a ``LayerConfig``.
///
/// Unknown extra keys are ignored (Keras adds some in every release). Options that would change
/// what the model computes and that Recur does not implement are rejected by name: regularizers,
/// constraints, `stateful`, `return_state`, `time_major`, a custom `backward_layer`, non-float32
/// dtype policies, Keras 2's `hard_sigmoid`. Initializers are not read: Recur initializes with
/// Keras's defaults, and weights from a checkpoint replace them anyway. `unroll` is accepted and
/// ignored: it is an execution strategy with the same results.
struct KerasLayerReader {
    let format: KerasJSONFormat

    /// An entry's class and config, with the layer's name (or its position) for messages.
    struct Entry {
        let kerasClass: String
        let config: KerasConfigObject

        init(_ any: Any, position: Int) throws {
            let fallbackName = "layer #\(position)"
            let outer = try KerasConfigObject(layer: fallbackName, any: any, key: "layers[\(position)]")
            let configValues = outer.value("config") as? [String: Any] ?? [:]
            let name = configValues["name"] as? String ?? fallbackName
            kerasClass = try KerasConfigObject(layer: name, values: outer.values).string("class_name")
            config = KerasConfigObject(layer: name, values: configValues)
        }

        var name: String { config.layer }
    }

    func layer(from entry: Entry) throws -> LayerConfig {
        let config = entry.config
        try rejectUnsupportedCommonOptions(config)
        switch entry.kerasClass {
        case "Embedding":
            if let rank = try config.optionalInt("lora_rank") {
                throw ModelError.unsupportedOption(layer: config.layer, option: "lora_rank", value: String(rank), reason: "LoRA is not implemented")
            }
            return .embedding(EmbeddingConfig(
                inputDim: try config.int("input_dim"), outputDim: try config.int("output_dim"),
                maskZero: try config.bool("mask_zero", default: false),
                trainable: try config.bool("trainable", default: true),
                inputLength: try config.optionalInt("input_length"), name: config.layer))
        case "SimpleRNN", "LSTM", "GRU":
            return .recurrent(try recurrent(entry.kerasClass, config))
        case "Bidirectional":
            return .bidirectional(try bidirectional(config))
        case "Dense":
            let activationName = try self.activationName(config, "activation") ?? "linear"
            guard let activation = DenseActivation(kerasName: activationName) else {
                throw ModelError.unsupportedOption(
                    layer: config.layer, option: "activation", value: activationName,
                    reason: "Dense supports " + DenseActivation.allCases.map(\.kerasName).joined(separator: ", "))
            }
            return .dense(DenseConfig(
                try config.int("units"), activation: activation, useBias: try config.bool("use_bias", default: true),
                trainable: try config.bool("trainable", default: true), name: config.layer))
        case "Dropout":
            if config.has("noise_shape") {
                throw ModelError.unsupportedOption(layer: config.layer, option: "noise_shape", value: "set",
                                                   reason: "use SpatialDropout1D to drop whole channels")
            }
            return .dropout(DropoutConfig(try config.double("rate"), name: config.layer))
        case "SpatialDropout1D":
            return .spatialDropout1D(SpatialDropout1DConfig(try config.double("rate"), name: config.layer))
        default:
            throw ModelError.unknownLayerClass(layer: entry.name, kerasClass: entry.kerasClass)
        }
    }

    private func recurrent(_ kerasClass: String, _ config: KerasConfigObject) throws -> RecurrentConfig {
        for option in ["stateful", "return_state", "time_major"] where try config.bool(option, default: false) {
            let reason: String
            switch option {
            case "stateful": reason = "Recur resets the state for every batch"
            case "return_state": reason = "a sequential model passes on only the output"
            default: reason = "Recur takes batch-major input"
            }
            throw ModelError.unsupportedOption(layer: config.layer, option: option, value: "true", reason: reason)
        }
        let family: RecurrentFamily
        switch kerasClass {
        case "LSTM": family = .lstm(unitForgetBias: try config.bool("unit_forget_bias", default: true))
        case "GRU": family = .gru(resetAfter: try config.bool("reset_after", default: true))
        default: family = .simpleRNN
        }
        let recurrentActivation: Activation
        if case .simpleRNN = family {
            recurrentActivation = .sigmoid
        } else {
            recurrentActivation = try activation(config, "recurrent_activation", default: .sigmoid)
        }
        return RecurrentConfig(
            family: family, units: try config.int("units"),
            activation: try activation(config, "activation", default: .tanh),
            recurrentActivation: recurrentActivation,
            useBias: try config.bool("use_bias", default: true),
            returnSequences: try config.bool("return_sequences", default: false),
            goBackwards: try config.bool("go_backwards", default: false),
            dropout: try config.double("dropout", default: 0),
            recurrentDropout: try config.double("recurrent_dropout", default: 0),
            trainable: try config.bool("trainable", default: true), name: config.layer)
    }

    private func bidirectional(_ config: KerasConfigObject) throws -> BidirectionalConfig {
        let mergeMode: MergeMode
        if let value = config.values["merge_mode"] {
            guard let string = value as? String, let mode = MergeMode(rawValue: string) else {
                throw ModelError.invalidMergeMode(layer: config.layer, value: (value as? String) ?? "None")
            }
            mergeMode = mode
        } else {
            mergeMode = .concat
        }
        guard let wrapped = config.value("layer") else {
            throw ModelError.missingKey(layer: config.layer, key: "layer", expected: "a layer object")
        }
        var forward = try wrappedRecurrent(wrapped, in: config.layer)
        // Keras 3 stores the forward copy (`forward_lstm`); Keras 2 the layer as given (`lstm`).
        if let name = forward.name, name.hasPrefix("forward_") { forward.name = String(name.dropFirst("forward_".count)) }
        if let backwardAny = config.value("backward_layer") {
            let backward = try wrappedRecurrent(backwardAny, in: config.layer)
            var mirrored = forward
            mirrored.goBackwards.toggle()
            mirrored.name = backward.name
            guard mirrored == backward else {
                throw ModelError.unsupportedOption(
                    layer: config.layer, option: "backward_layer", value: "'\(backward.name ?? "?")'",
                    reason: "only a backward layer that mirrors the forward layer with go_backwards flipped")
            }
        }
        return BidirectionalConfig(forward, mergeMode: mergeMode,
                                   trainable: try config.bool("trainable", default: true), name: config.layer)
    }

    private func wrappedRecurrent(_ any: Any, in wrapper: String) throws -> RecurrentConfig {
        let entry = try Entry(any, position: 0)
        guard ["SimpleRNN", "LSTM", "GRU"].contains(entry.kerasClass) else {
            throw ModelError.unsupportedOption(layer: wrapper, option: "layer", value: "'\(entry.kerasClass)'",
                                               reason: "Bidirectional wraps SimpleRNN, LSTM or GRU")
        }
        try rejectUnsupportedCommonOptions(entry.config)
        return try recurrent(entry.kerasClass, entry.config)
    }

    private func activation(_ config: KerasConfigObject, _ key: String, default fallback: Activation) throws -> Activation {
        guard let name = try activationName(config, key) else { return fallback }
        if name == "hard_sigmoid", format == .keras2 {
            throw ModelError.unsupportedOption(
                layer: config.layer, option: key, value: name,
                reason: "Keras 2's hard_sigmoid is clip(0.2·x + 0.5, 0, 1); Recur implements Keras 3's relu6(x + 3) / 6")
        }
        guard let activation = Activation(kerasName: name) else {
            throw ModelError.unsupportedOption(
                layer: config.layer, option: key, value: name,
                reason: "supported: " + Activation.allCases.map(\.kerasName).joined(separator: ", "))
        }
        return activation
    }

    /// Keras writes built-in activations as strings; some versions as `{"config": "relu", …}`.
    private func activationName(_ config: KerasConfigObject, _ key: String) throws -> String? {
        guard let value = config.value(key) else { return nil }
        if let name = value as? String { return name }
        if let object = value as? [String: Any], let name = object["config"] as? String { return name }
        throw ModelError.missingKey(layer: config.layer, key: key, expected: "an activation name")
    }

    /// Options any layer may carry that change the computation: regularizers and constraints
    /// (any `*_regularizer` / `*_constraint` key that is set), quantization, non-float32 dtypes.
    func rejectUnsupportedCommonOptions(_ config: KerasConfigObject) throws {
        for key in config.values.keys.sorted() where config.has(key) {
            if key.hasSuffix("_regularizer") || key.hasSuffix("_constraint") {
                throw ModelError.unsupportedOption(layer: config.layer, option: key, value: "set",
                                                   reason: "regularizers and constraints are not implemented")
            }
            if key == "quantization_config" {
                throw ModelError.unsupportedOption(layer: config.layer, option: key, value: "set",
                                                   reason: "Recur trains float32 weights")
            }
        }
        if let dtype = Self.dtypeName(config.value("dtype")), dtype != "float32" {
            throw ModelError.unsupportedOption(layer: config.layer, option: "dtype", value: dtype,
                                               reason: "Recur computes in float32")
        }
    }

    /// A dtype as a string, a Keras 3 `DTypePolicy` object or a Keras 2 `Policy` object.
    static func dtypeName(_ value: Any?) -> String? {
        if let name = value as? String { return name }
        if let object = value as? [String: Any] {
            if let config = object["config"] as? [String: Any], let name = config["name"] as? String { return name }
            if let name = object["name"] as? String { return name }
        }
        return nil
    }
}

extension SequentialModel {
    /// The model as Keras 3's `model.to_json()` writes it: an `InputLayer` with the input
    /// length, each layer with `module`, `class_name`, `config` (Keras's defaults for the
    /// initializers), `registered_name` and `build_config`, and float32 dtype policies.
    /// `keras.models.model_from_json` reads it back, and so does ``init(kerasJSON:)``.
    public func kerasJSON() -> String {
        let input = inputShape.dimensions
        var layerObjects: [JSONValue] = [KerasJSONWriter.object(
            "InputLayer",
            config: [
                ("batch_shape", .shape(input)), ("dtype", .string("float32")), ("sparse", .bool(false)),
                ("ragged", .bool(false)), ("name", .string("input_layer")), ("optional", .bool(false)),
            ],
            buildShape: nil)]
        layerObjects += layers.map { KerasJSONWriter.object(for: $0.config, inputShape: $0.inputShape) }
        let top = KerasJSONWriter.object(
            "Sequential", module: "keras",
            config: [
                ("name", .string(name)), ("trainable", .bool(true)), ("dtype", KerasJSONWriter.float32Policy),
                ("layers", .array(layerObjects)), ("build_input_shape", .shape(input)),
            ],
            buildShape: inputShape)
        return top.serialized()
    }
}

/// Keras 3 serialization of Recur's layer configurations.
enum KerasJSONWriter {
    static let float32Policy = JSONValue.object([
        ("module", .string("keras")), ("class_name", .string("DTypePolicy")),
        ("config", .object([("name", .string("float32"))])), ("registered_name", .null),
    ])

    static func object(_ kerasClass: String, module: String = "keras.layers", config: [(String, JSONValue)], buildShape: LayerShape?) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("module", .string(module)), ("class_name", .string(kerasClass)),
            ("config", .object(config)), ("registered_name", .null),
        ]
        if let buildShape { members.append(("build_config", .object([("input_shape", .shape(buildShape.dimensions))]))) }
        return .object(members)
    }

    static func initializer(_ kerasClass: String, _ config: [(String, JSONValue)]) -> JSONValue {
        .object([
            ("module", .string("keras.initializers")), ("class_name", .string(kerasClass)),
            ("config", .object(config)), ("registered_name", .null),
        ])
    }

    static func base(_ name: String?, trainable: Bool) -> [(String, JSONValue)] {
        [("name", .string(name ?? "")), ("trainable", .bool(trainable)), ("dtype", float32Policy)]
    }

    static func unset(_ keys: String...) -> [(String, JSONValue)] { keys.map { ($0, JSONValue.null) } }

    static func object(for layer: LayerConfig, inputShape: LayerShape) -> JSONValue {
        switch layer {
        case .embedding(let embedding):
            return object("Embedding", config: base(embedding.name, trainable: embedding.trainable) + [
                ("input_dim", .int(embedding.inputDim)), ("output_dim", .int(embedding.outputDim)),
                ("embeddings_initializer", initializer("RandomUniform", [("seed", .null), ("minval", .double(-0.05)), ("maxval", .double(0.05))])),
            ] + unset("embeddings_regularizer", "activity_regularizer", "embeddings_constraint")
              + [("mask_zero", .bool(embedding.maskZero))], buildShape: inputShape)
        case .recurrent(let recurrent):
            return object(recurrent.family.kerasClassName, config: config(for: recurrent), buildShape: inputShape)
        case .bidirectional(let wrapper):
            let forward = object(wrapper.layer.family.kerasClassName, config: config(for: wrapper.forwardLayer), buildShape: inputShape)
            let backward = object(wrapper.layer.family.kerasClassName, config: config(for: wrapper.backwardLayer), buildShape: inputShape)
            return object("Bidirectional", config: base(wrapper.name, trainable: wrapper.trainable) + [
                ("merge_mode", .string(wrapper.mergeMode.rawValue)), ("layer", forward), ("backward_layer", backward),
            ], buildShape: inputShape)
        case .dense(let dense):
            return object("Dense", config: base(dense.name, trainable: dense.trainable) + [
                ("units", .int(dense.units)), ("activation", .string(dense.activation.kerasName)),
                ("use_bias", .bool(dense.useBias)),
                ("kernel_initializer", initializer("GlorotUniform", [("seed", .null)])),
                ("bias_initializer", initializer("Zeros", [])),
            ] + unset("kernel_regularizer", "bias_regularizer", "kernel_constraint", "bias_constraint"),
            buildShape: inputShape)
        case .dropout(let dropout):
            return object("Dropout", config: base(dropout.name, trainable: true) + [
                ("rate", .double(dropout.rate)), ("seed", .null), ("noise_shape", .null),
            ], buildShape: nil)
        case .spatialDropout1D(let dropout):
            return object("SpatialDropout1D", config: [
                ("rate", .double(dropout.rate)), ("seed", .null), ("name", .string(dropout.name ?? "")),
                ("dtype", .string("float32")),
            ], buildShape: nil)
        }
    }

    static func config(for layer: RecurrentConfig) -> [(String, JSONValue)] {
        var config = base(layer.name, trainable: layer.trainable) + [
            ("return_sequences", .bool(layer.returnSequences)), ("return_state", .bool(false)),
            ("go_backwards", .bool(layer.goBackwards)), ("stateful", .bool(false)), ("unroll", .bool(false)),
            ("zero_output_for_mask", .bool(false)), ("units", .int(layer.units)),
            ("activation", .string(layer.activation.kerasName)),
        ]
        if layer.family != .simpleRNN {
            config.append(("recurrent_activation", .string(layer.recurrentActivation.kerasName)))
        }
        config += [
            ("use_bias", .bool(layer.useBias)),
            ("kernel_initializer", initializer("GlorotUniform", [("seed", .null)])),
            ("recurrent_initializer", initializer("Orthogonal", [("seed", .null), ("gain", .double(1.0))])),
            ("bias_initializer", initializer("Zeros", [])),
        ]
        if case .lstm(let unitForgetBias) = layer.family { config.append(("unit_forget_bias", .bool(unitForgetBias))) }
        config += unset("kernel_regularizer", "recurrent_regularizer", "bias_regularizer", "activity_regularizer",
                        "kernel_constraint", "recurrent_constraint", "bias_constraint")
        config += [("dropout", .double(layer.dropout)), ("recurrent_dropout", .double(layer.recurrentDropout))]
        if case .gru(let resetAfter) = layer.family { config.append(("reset_after", .bool(resetAfter))) }
        if layer.family != .simpleRNN { config.append(("seed", .null)) }
        return config
    }
}

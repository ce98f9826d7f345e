import Foundation

extension SequentialModel {
    /// Reads what Keras's `model.to_json()` writes for a `Sequential` model — Keras 3 or
    /// tf.keras 2 — and builds it.
    ///
    /// The input length comes from the `InputLayer` (`batch_shape` / `batch_input_shape`), else
    /// the model's `build_input_shape`, else the first layer's `batch_input_shape`, else the
    /// Embedding's `input_length`; none of them means variable length.
    ///
    /// - Throws: ``ModelError`` for text that is not a Keras Sequential model, unknown layer
    ///   classes, unsupported options, and every error building the model can raise.
    public init(kerasJSON: String) throws {
        try self.init(kerasJSON: Data(kerasJSON.utf8))
    }

    public init(kerasJSON data: Data) throws {
        let any: Any
        do {
            any = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw ModelError.malformedJSON("the text does not parse as JSON (\(error.localizedDescription))")
        }
        guard let top = any as? [String: Any] else {
            throw ModelError.malformedJSON("expected a JSON object at the top level")
        }
        let model = KerasConfigObject(layer: "model", values: top)
        let modelClass = try model.string("class_name")
        guard modelClass == "Sequential" else { throw ModelError.unsupportedModelClass(modelClass) }
        let format = Self.format(of: model)

        // Keras ≤ 2.1 wrote the layer list as the config itself.
        let config: KerasConfigObject
        let entries: [Any]
        if let list = model.value("config") as? [Any] {
            config = KerasConfigObject(layer: "model", values: [:])
            entries = list
        } else {
            guard let object = try model.object("config"), let list = object.value("layers") as? [Any] else {
                throw ModelError.missingKey(layer: "model", key: "config.layers", expected: "a list of layers")
            }
            config = object
            entries = list
        }

        let reader = KerasLayerReader(format: format)
        var layers: [LayerConfig] = []
        var inputShape: [Int?]?
        var firstLayerShape: [Int?]?
        for (position, any) in entries.enumerated() {
            let entry = try KerasLayerReader.Entry(any, position: position)
            if entry.kerasClass == "InputLayer" {
                guard layers.isEmpty, inputShape == nil else {
                    throw ModelError.unsupportedOption(layer: entry.name, option: "InputLayer", value: "at position \(position)",
                                                       reason: "a sequential model has one input, before every other layer")
                }
                inputShape = try entry.config.shape("batch_shape") ?? entry.config.shape("batch_input_shape")
                    ?? entry.config.shape("shape").map { [nil] + $0 }
                continue
            }
            if layers.isEmpty {
                firstLayerShape = try entry.config.shape("batch_input_shape") ?? entry.config.shape("batch_shape")
            }
            layers.append(try reader.layer(from: entry))
        }
        let buildShape = try config.shape("build_input_shape") ?? model.object("build_config")?.shape("input_shape")
        let shape = inputShape ?? buildShape ?? firstLayerShape
        var inputLength: Int?
        if let shape {
            guard shape.count == 2 else {
                let first = layers.first
                throw ModelError.incompatibleInput(
                    layer: first?.name ?? "model", kerasClass: first?.kerasClassName ?? "Sequential",
                    expected: "token ids (batch, timesteps)", found: LayerShape(shape), from: nil)
            }
            inputLength = shape[1]
        }
        try self.init(name: try config.optionalString("name") ?? "sequential", inputLength: inputLength, layers: layers)
    }

    /// Keras 2 stamps `keras_version` on the model; Keras 3 does not, and writes `module` keys.
    static func format(of model: KerasConfigObject) -> KerasJSONFormat {
        if let version = model.value("keras_version") as? String {
            return version.hasPrefix("3") ? .keras3 : .keras2
        }
        return model.has("module") ? .keras3 : .keras2
    }
}

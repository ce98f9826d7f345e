import Foundation


/// What a checkpoint records besides the tensors, stored as JSON in the safetensors metadata.
struct TrainingState: Codable {
    var configuration: TrainingConfiguration
    /// Optimizer iterations so far (Adam's t), so a resumed run continues its bias correction.
    var iteration: Int
    var history: History
}

extension Trainer {
    static let stateKey = "recur.training"

    /// The weights under their Keras paths, the optimizer's state under `optimizer/<slot>/<path>`,
    /// and in the metadata the model (Keras JSON), the configuration, iteration and history.
    public func checkpoint(history: History = History()) throws -> SafetensorsFile {
        var file = try SafetensorsFile()
        for spec in model.parameters {
            try file.setFloats(try backend.read(try parameters.weight(spec.path)), shape: spec.shape, forName: spec.path)
            for (index, slot) in parameters.slots(spec.path).enumerated() {
                try file.setFloats(try backend.read(slot), shape: spec.shape, forName: "optimizer/\(index)/\(spec.path)")
            }
        }
        file.metadata[SafetensorsFile.MetadataKey.model] = model.kerasJSON()
        try file.setMetadataJSON(TrainingState(configuration: configuration, iteration: iteration, history: history), forKey: Self.stateKey)
        return file
    }

    /// Writes a checkpoint atomically: a failed write leaves the previous file as it was.
    public func save(to url: URL, history: History = History()) throws {
        try checkpoint(history: history).write(to: url)
    }

    /// A trainer resumed from a checkpoint: model, weights, optimizer state and iteration; the
    /// history so far comes back too, so a resumed run continues it without a gap.
    public static func resume(from url: URL, backend: Backend) throws -> (trainer: Trainer, history: History) {
        let file = try SafetensorsFile.read(from: url)
        guard let json = file.metadata[SafetensorsFile.MetadataKey.model] else {
            throw CheckpointError.metadataMissing(key: SafetensorsFile.MetadataKey.model)
        }
        let model = try SequentialModel(kerasJSON: json)
        let state = try file.metadataJSON(TrainingState.self, forKey: stateKey)
        var weights: [String: [Float]] = [:]
        for spec in model.parameters { weights[spec.path] = try file.floats(named: spec.path, shape: spec.shape) }
        let trainer = try Trainer(model: model, configuration: state.configuration, backend: backend, initialWeights: weights)
        for spec in model.parameters {
            for (index, slot) in trainer.parameters.slots(spec.path).enumerated() {
                try backend.write(try file.floats(named: "optimizer/\(index)/\(spec.path)", shape: spec.shape), to: slot)
            }
        }
        trainer.iteration = state.iteration
        return (trainer, state.history)
    }
}

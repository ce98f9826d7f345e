extension LayerConfig {
    /// The layer's weights in Keras's order and layout, for an input with `inputFeatures` features.
    /// Expects a named layer (the model names every layer before asking).
    func parameters(inputFeatures: Int) -> [ParameterSpec] {
        let name = self.name ?? kerasClassName
        switch self {
        case .embedding(let layer):
            return [ParameterSpec(path: "\(name)/embeddings", shape: [layer.inputDim, layer.outputDim],
                                  trainable: layer.trainable, initializer: .uniform(min: -0.05, max: 0.05))]
        case .recurrent(let layer):
            return layer.parameters(prefix: name, inputFeatures: inputFeatures, trainable: layer.trainable)
        case .bidirectional(let layer):
            let trainable = layer.trainable && layer.layer.trainable
            return layer.forwardLayer.parameters(prefix: "\(name)/\(layer.forwardLayer.name ?? "forward")",
                                                 inputFeatures: inputFeatures, trainable: trainable)
                + layer.backwardLayer.parameters(prefix: "\(name)/\(layer.backwardLayer.name ?? "backward")",
                                                 inputFeatures: inputFeatures, trainable: trainable)
        case .dense(let layer):
            var specs = [ParameterSpec(path: "\(name)/kernel", shape: [inputFeatures, layer.units],
                                       trainable: layer.trainable, initializer: .glorotUniform)]
            if layer.useBias {
                specs.append(ParameterSpec(path: "\(name)/bias", shape: [layer.units],
                                           trainable: layer.trainable, initializer: .zeros))
            }
            return specs
        case .dropout, .spatialDropout1D:
            return []
        }
    }
}

extension RecurrentConfig {
    /// kernel `[D, G·H]`, recurrent_kernel `[H, G·H]`, bias `[G·H]` (`[2, 3H]` for a reset-after
    /// GRU), under `prefix/<cell name>/`.
    func parameters(prefix: String, inputFeatures: Int, trainable: Bool) -> [ParameterSpec] {
        let cellPath = "\(prefix)/\(family.kerasCellName)"
        let width = cell.gateWidth
        var specs = [
            ParameterSpec(path: "\(cellPath)/kernel", shape: [inputFeatures, width],
                          trainable: trainable, initializer: .glorotUniform),
            ParameterSpec(path: "\(cellPath)/recurrent_kernel", shape: [units, width],
                          trainable: trainable, initializer: .orthogonal),
        ]
        if useBias {
            let shape: [Int]
            if case .gru(resetAfter: true) = family { shape = [2, width] } else { shape = [width] }
            let initializer: ParameterInitializer
            if case .lstm(unitForgetBias: true) = family { initializer = .lstmUnitForgetBias(units: units) } else { initializer = .zeros }
            specs.append(ParameterSpec(path: "\(cellPath)/bias", shape: shape, trainable: trainable, initializer: initializer))
        }
        return specs
    }
}

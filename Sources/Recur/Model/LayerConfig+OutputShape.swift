extension LayerConfig {
    static let sequenceInput = "a 3-D input (batch, timesteps, features)"

    /// The output shape for `input`, or the error Keras would raise when building the layer.
    /// `previous` names the layer that produced `input` (`nil`: the model input).
    func outputShape(for input: LayerShape, previous: String?) throws -> LayerShape {
        let name = self.name ?? kerasClassName
        func require(rank: Int, _ expected: String) throws {
            // Token ids may have an unknown length; feature axes are always known.
            guard input.rank == rank, rank == 2 || input.features != nil else {
                throw ModelError.incompatibleInput(layer: name, kerasClass: kerasClassName,
                                                   expected: expected, found: input, from: previous)
            }
        }
        switch self {
        case .embedding(let layer):
            try require(rank: 2, "token ids (batch, timesteps)")
            return LayerShape(input.dimensions + [layer.outputDim])
        case .recurrent(let layer):
            try require(rank: 3, Self.sequenceInput)
            return layer.returnSequences
                ? LayerShape([nil, input.dimensions[1], layer.units]) : LayerShape([nil, layer.units])
        case .bidirectional(let layer):
            try require(rank: 3, Self.sequenceInput)
            let width = layer.outputFeatures(units: layer.layer.units)
            return layer.layer.returnSequences
                ? LayerShape([nil, input.dimensions[1], width]) : LayerShape([nil, width])
        case .dense(let layer):
            // Keras's Dense contracts the last axis, so after return_sequences it runs per timestep.
            guard input.rank >= 2, input.features != nil else {
                throw ModelError.incompatibleInput(layer: name, kerasClass: kerasClassName,
                                                   expected: "an input with a known feature axis", found: input, from: previous)
            }
            return input.replacingFeatures(with: layer.units)
        case .dropout:
            return input
        case .spatialDropout1D:
            try require(rank: 3, Self.sequenceInput)
            return input
        }
    }
}

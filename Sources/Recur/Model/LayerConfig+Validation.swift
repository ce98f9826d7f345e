extension LayerConfig {
    /// Checks each argument against the range Keras accepts (and Recur can run).
    func validateArguments() throws {
        let name = self.name ?? kerasClassName
        switch self {
        case .embedding(let layer):
            try requirePositive(layer.inputDim, "input_dim", layer: name)
            try requirePositive(layer.outputDim, "output_dim", layer: name)
            if let length = layer.inputLength { try requirePositive(length, "input_length", layer: name) }
        case .recurrent(let layer):
            try layer.validateArguments(layer: name)
        case .bidirectional(let layer):
            try layer.layer.validateArguments(layer: name)
        case .dense(let layer):
            try requirePositive(layer.units, "units", layer: name)
        case .dropout(let layer):
            try requireRate(layer.rate, "rate", layer: name)
        case .spatialDropout1D(let layer):
            try requireRate(layer.rate, "rate", layer: name)
        }
    }
}

extension RecurrentConfig {
    func validateArguments(layer: String) throws {
        try requirePositive(units, "units", layer: layer)
        try requireRate(dropout, "dropout", layer: layer)
        try requireRate(recurrentDropout, "recurrent_dropout", layer: layer)
    }
}

func requirePositive(_ value: Int, _ argument: String, layer: String) throws {
    guard value > 0 else {
        throw ModelError.invalidArgument(layer: layer, argument: argument, value: String(value), expected: "a positive integer")
    }
}

/// Dropout rates: a rate of 1 would drop everything and scale by 1/0.
func requireRate(_ value: Double, _ argument: String, layer: String) throws {
    guard value >= 0, value < 1 else {
        throw ModelError.invalidArgument(layer: layer, argument: argument, value: String(value), expected: "a rate in [0, 1)")
    }
}

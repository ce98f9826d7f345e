/// Starting values for a model's weights: Keras's default initializers, drawn from Philox with
/// one stream per weight tensor, so a seeded model starts identically on every backend.
public enum ParameterValues {
    public static func initial(for model: SequentialModel, seed: UInt64) -> [String: [Float]] {
        var values: [String: [Float]] = [:]
        for (index, spec) in model.parameters.enumerated() {
            values[spec.path] = initializer(spec.initializer).values(shape: spec.shape, seed: seed, stream: UInt32(index))
        }
        return values
    }

    static func initializer(_ parameter: ParameterInitializer) -> Initializer {
        switch parameter {
        case let .uniform(minimum, maximum): return .randomUniform(minimum: Float(minimum), maximum: Float(maximum))
        case .glorotUniform: return .glorotUniform
        case .orthogonal: return .orthogonal(gain: 1)
        case .zeros: return .zeros
        case .lstmUnitForgetBias(let units): return .unitForgetBias(units: units)
        }
    }
}

/// The activations a `Dense` layer accepts, by their Keras names.
///
/// A superset of the compute core's element-wise `Activation` by one: `softmax` normalizes across
/// the feature axis, so it is not element-wise and lives here, in the model layer, instead.
public enum DenseActivation: String, Hashable, Sendable, CaseIterable, Codable {
    case linear
    case relu
    case sigmoid
    case softmax
    case tanh

    /// Parses a Keras activation name; `None` is Keras's spelling of `linear` in old configs.
    public init?(kerasName: String) {
        if kerasName == "None" { self = .linear; return }
        self.init(rawValue: kerasName)
    }

    public var kerasName: String { rawValue }

    /// The element-wise activation the compute core applies, or `nil` for softmax (a row-wise op).
    public var elementwise: Activation? {
        switch self {
        case .linear: return .linear
        case .relu: return .relu
        case .sigmoid: return .sigmoid
        case .tanh: return .tanh
        case .softmax: return nil
        }
    }
}

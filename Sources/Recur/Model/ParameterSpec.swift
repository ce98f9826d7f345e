/// How a weight tensor starts out, with Keras's default initializers.
public enum ParameterInitializer: Hashable, Sendable {
    /// `RandomUniform(-0.05, 0.05)`, the Embedding default.
    case uniform(min: Double, max: Double)
    /// `GlorotUniform`: uniform in ±sqrt(6 / (fan_in + fan_out)).
    case glorotUniform
    /// `Orthogonal(gain=1)`, for recurrent kernels.
    case orthogonal
    case zeros
    /// Zeros except ones on the LSTM forget-gate block `[H, 2H)` (Keras `unit_forget_bias`).
    case lstmUnitForgetBias(units: Int)
}

/// One weight tensor of a layer, named and laid out as Keras stores it.
public struct ParameterSpec: Hashable, Sendable {
    /// The path under the model, as in Keras's `variable.path` without the model prefix:
    /// `lstm/lstm_cell/kernel`, `bidirectional/forward_gru/gru_cell/bias`, `dense/kernel`.
    public var path: String
    /// Keras's layout: kernel `[D, G·H]`, recurrent kernel `[H, G·H]`, bias `[G·H]` or `[2, 3H]`.
    public var shape: [Int]
    public var trainable: Bool
    public var initializer: ParameterInitializer

    public init(path: String, shape: [Int], trainable: Bool, initializer: ParameterInitializer) {
        self.path = path
        self.shape = shape
        self.trainable = trainable
        self.initializer = initializer
    }

    /// The last path component: `kernel`, `recurrent_kernel`, `bias`, `embeddings`.
    public var name: String { String(path.split(separator: "/").last ?? "") }

    public var elementCount: Int { shape.reduce(1, *) }

    /// The path Keras 3 reports in `model.weights` (`sequential/lstm/lstm_cell/kernel`).
    public func kerasVariablePath(modelName: String) -> String { modelName + "/" + path }
}

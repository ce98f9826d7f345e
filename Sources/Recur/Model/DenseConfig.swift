/// Keras `Dense(units, activation=None, use_bias=True)`.
///
/// On a rank-3 input (after a `return_sequences` layer) it applies to every timestep, as Keras's
/// Dense does: `(None, T, D)` → `(None, T, units)` with the same `D·units + units` weights.
public struct DenseConfig: Hashable, Sendable {
    /// `nil` until the model assigns Keras's default (`dense`, `dense_1`, …).
    public var name: String?
    public var units: Int
    public var activation: DenseActivation
    public var useBias: Bool
    public var trainable: Bool

    public init(_ units: Int, activation: DenseActivation = .linear, useBias: Bool = true, trainable: Bool = true, name: String? = nil) {
        self.name = name
        self.units = units
        self.activation = activation
        self.useBias = useBias
        self.trainable = trainable
    }
}

/// Keras `Dropout(rate)`: zeroes each element with probability `rate` in training, scaling the
/// rest by `1 / (1 − rate)`; the identity at inference.
public struct DropoutConfig: Hashable, Sendable {
    /// `nil` until the model assigns Keras's default (`dropout`, `dropout_1`, …).
    public var name: String?
    public var rate: Double

    public init(_ rate: Double, name: String? = nil) {
        self.name = name
        self.rate = rate
    }
}

/// Keras `SpatialDropout1D(rate)`: drops whole feature channels of a `(batch, timesteps,
/// features)` input — one mask per sequence and channel, shared by every timestep.
public struct SpatialDropout1DConfig: Hashable, Sendable {
    /// `nil` until the model assigns Keras's default (`spatial_dropout1d`, …).
    public var name: String?
    public var rate: Double

    public init(_ rate: Double, name: String? = nil) {
        self.name = name
        self.rate = rate
    }
}

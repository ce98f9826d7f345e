/// One epoch's metrics, as Keras's `History` records them.
public struct EpochMetrics: Codable, Sendable, Equatable {
    public var epoch: Int
    public var loss: Double
    public var accuracy: Double
    public var validationLoss: Double?
    public var validationAccuracy: Double?
    public var seconds: Double
    public var steps: Int
}

/// Every epoch of a `fit`, in order.
public struct History: Codable, Sendable, Equatable {
    public var epochs: [EpochMetrics] = []
    /// Set when training stopped on request inside this epoch (1-based); the epoch is not in
    /// `epochs`, and a resumed run trains it again from its start.
    public var interruptedEpoch: Int?
    public init() {}
    public var bestValidationAccuracy: Double? { epochs.compactMap(\.validationAccuracy).max() }
}

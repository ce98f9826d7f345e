/// The shape of a tensor flowing between layers, batch axis first, as Keras prints it.
///
/// `nil` is an unknown size (Keras's `None`): always the batch axis, and the time axis when the
/// model's input length is variable.
public struct LayerShape: Hashable, Sendable, CustomStringConvertible {
    public var dimensions: [Int?]

    public init(_ dimensions: [Int?]) {
        self.dimensions = dimensions
    }

    /// `(batch, timesteps)`: the token ids a model starting with an Embedding takes.
    public static func tokenIDs(length: Int?) -> LayerShape { LayerShape([nil, length]) }

    public var rank: Int { dimensions.count }

    /// The feature axis (the last one); `nil` when unknown.
    public var features: Int? { dimensions.last ?? nil }

    /// The same shape with its last axis replaced.
    public func replacingFeatures(with features: Int) -> LayerShape {
        LayerShape(dimensions.dropLast() + [features])
    }

    /// Keras's rendering, e.g. `(None, 500, 32)`.
    public var description: String {
        "(" + dimensions.map { $0.map(String.init) ?? "None" }.joined(separator: ", ") + ")"
    }
}

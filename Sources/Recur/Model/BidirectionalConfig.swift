/// Keras `Bidirectional(layer, merge_mode="concat")`. It can only wrap a recurrent layer: the
/// type takes a ``RecurrentConfig``, not any layer.
///
/// The backward copy mirrors `layer` with `go_backwards` flipped, as Keras builds it when no
/// `backward_layer` is given; its output is re-reversed to align with time before merging.
public struct BidirectionalConfig: Hashable, Sendable {
    /// `nil` until the model assigns Keras's default (`bidirectional`, `bidirectional_1`, …).
    public var name: String?
    /// The wrapped layer, named as the user named it (`lstm`); Keras calls the two copies
    /// `forward_lstm` and `backward_lstm`.
    public var layer: RecurrentConfig
    public var mergeMode: MergeMode
    public var trainable: Bool

    public init(_ layer: RecurrentConfig, mergeMode: MergeMode = .concat, trainable: Bool = true, name: String? = nil) {
        self.name = name
        self.layer = layer
        self.mergeMode = mergeMode
        self.trainable = trainable
    }

    /// The forward copy, with the name Keras gives it.
    public var forwardLayer: RecurrentConfig {
        var forward = layer
        forward.name = layer.name.map { "forward_" + $0 }
        return forward
    }

    /// The backward copy: the same layer reading the other way, with Keras's name for it.
    public var backwardLayer: RecurrentConfig {
        var backward = layer
        backward.name = layer.name.map { "backward_" + $0 }
        backward.goBackwards.toggle()
        return backward
    }

    /// The merged output width for `units` per direction.
    public func outputFeatures(units: Int) -> Int {
        mergeMode == .concat ? 2 * units : units
    }
}

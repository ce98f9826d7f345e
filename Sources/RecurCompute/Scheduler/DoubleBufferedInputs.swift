/// Two slots of per-batch device tensors (token ids, labels, masks, index tables), so the next
/// batch uploads on a transfer lane while the current step computes on the compute lane.
///
/// The protocol: `upload(batch: n, …)` writes slot `n % 2` once the step that last read that slot
/// (step n − 2) has finished — not the step running now — and makes the compute lane wait for the
/// copy; after enqueueing the step that reads slot `n % 2`, call `stepEnqueued(batch: n)`. A
/// plan is built once per slot, each reading its own slot's tensors.
public final class DoubleBufferedInputs {
    public let backend: Backend
    public let computeLane: Int
    public let transferLane: Int
    private let arenas: [Arena]
    private var lastReaders: [LaneMarker?] = [nil, nil]

    /// - Parameter tensors: name → (element type, element count) of each per-batch tensor.
    public init(backend: Backend, tensors: [String: (DeviceElementType, Int)], computeLane: Int = 0, transferLane: Int = 2) throws {
        self.backend = backend
        self.computeLane = computeLane
        self.transferLane = transferLane
        var layout = ArenaLayout()
        for (name, spec) in tensors.sorted(by: { $0.key < $1.key }) { _ = layout.reserve(name, spec.1, spec.0) }
        arenas = try [Arena(layout, on: backend), Arena(layout, on: backend)]
    }

    /// The float tensor `name` of the slot batch `batch` uses.
    public func floats(_ name: String, batch: Int) -> FloatRef { arenas[batch % 2][name] }

    /// The int tensor `name` of the slot batch `batch` uses.
    public func ints(_ name: String, batch: Int) -> IntRef {
        let arena = arenas[batch % 2]
        guard let slot = arena.layout.names[name] else { preconditionFailure("no per-batch tensor named '\(name)'") }
        return arena.ints(slot)
    }

    /// Queues the copies of batch `batch` into its slot without waiting for anything on the host.
    public func upload(batch: Int, floats: [String: [Float]] = [:], ints: [String: [Int32]] = [:]) throws {
        if let reader = lastReaders[batch % 2] { try backend.wait(lane: transferLane, for: reader) }
        for (name, values) in floats { try backend.upload(values, to: self.floats(name, batch: batch), lane: transferLane) }
        for (name, values) in ints { try backend.upload(values, to: self.ints(name, batch: batch), lane: transferLane) }
        try backend.join(lane: transferLane, into: computeLane)
        try backend.flush()
    }

    /// Records that the step reading batch `batch`'s slot is queued, so the upload two batches
    /// later waits for it.
    public func stepEnqueued(batch: Int) throws {
        lastReaders[batch % 2] = try backend.mark(lane: computeLane)
    }
}

/// Every op of a step, in order, each validated once when added: running a plan enqueues them
/// with no checks and, on OpenCL, no waits.
public struct Plan: Sendable {
    public enum Entry: Sendable {
        case op(Op, lane: Int)
        /// Later work on lane `into` waits for everything queued so far on `lane`.
        case join(lane: Int, into: Int)
    }

    public private(set) var entries: [Entry] = []

    public init() {}

    /// A plan of `ops`, in order, on one lane.
    public init(_ ops: [Op], lane: Int = 0) throws {
        try append(contentsOf: ops, lane: lane)
    }

    /// Every op in order, whatever its lane (for validation and single-lane consumers).
    public var ops: [Op] {
        entries.compactMap { if case .op(let op, _) = $0 { return op }; return nil }
    }

    /// Validates `op` and appends it.
    public mutating func append(_ op: Op, lane: Int = 0) throws {
        try op.validate()
        entries.append(.op(op, lane: lane))
    }

    public mutating func append(contentsOf ops: [Op], lane: Int = 0) throws {
        for op in ops { try append(op, lane: lane) }
    }

    public mutating func join(lane: Int, into waiting: Int) {
        entries.append(.join(lane: lane, into: waiting))
    }

    public mutating func append(_ other: Plan) { entries += other.entries }

    /// Appends two independent op lists to run concurrently — the two directions of a
    /// bidirectional layer: `first` on lane 0, `second` on lane 1, which starts once lane 0 has
    /// produced everything queued before (their shared input) and which lane 0 waits for before
    /// anything after (the merge).
    public mutating func appendConcurrently(_ first: [Op], _ second: [Op]) throws {
        join(lane: 0, into: 1)
        try append(contentsOf: first, lane: 0)
        try append(contentsOf: second, lane: 1)
        join(lane: 1, into: 0)
    }

    /// The op kinds the plan needs, for choosing a backend that supports all of them.
    public var kinds: Set<OpKind> {
        var kinds = Set<OpKind>()
        func add(_ op: Op) {
            kinds.insert(op.kind)
            if case .recurrentLoop(let loop) = op { loop.steps.forEach(add) }
        }
        for case let .op(op, _) in entries { add(op) }
        return kinds
    }

    public var opCount: Int { entries.reduce(0) { if case .op = $1 { return $0 + 1 }; return $0 } }

    /// Kinds `backend` cannot run, empty when the plan can run there.
    public func unsupportedKinds(on backend: Backend) -> [OpKind] {
        kinds.filter { !backend.supports($0) }.sorted { $0.rawValue < $1.rawValue }
    }

    /// Enqueues every op. Returns without waiting on OpenCL; the CPU backend runs as it goes.
    /// Without `flush`, the device may not start on them until a later flush or wait.
    public func enqueue(on backend: Backend, flush: Bool = true) throws {
        for entry in entries {
            switch entry {
            case .op(let op, let lane): try backend.enqueue(op, lane: lane)
            case .join(let lane, let waiting): try backend.join(lane: lane, into: waiting)
            }
        }
        if flush { try backend.flush() }
    }
}

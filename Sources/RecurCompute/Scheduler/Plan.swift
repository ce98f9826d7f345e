/// Every op of a step, in order, each validated once when added: running a plan enqueues them
/// with no checks and, on OpenCL, no waits.
public struct Plan: Sendable {
    public enum Entry: Sendable {
        case op(Op, lane: Int)
        /// Later work on lane `into` waits for everything queued so far on `lane`.
        case join(lane: Int, into: Int)
        /// An op sized by the batch's distinct tokens: ``resolved(distinctRows:)`` turns it into
        /// an `.op` once the batch is known.
        case distinctRows(DistinctRowsOp, lane: Int)
    }

    public private(set) var entries: [Entry] = []

    public init() {}

    /// A plan of `ops`, in order, on one lane.
    public init(_ ops: [Op], lane: Int = 0) throws {
        try append(contentsOf: ops, lane: lane)
    }

    /// Every op in order, whatever its lane (for validation and single-lane consumers); an op
    /// sized by the batch's distinct tokens appears at its largest.
    public var ops: [Op] {
        entries.compactMap {
            switch $0 {
            case .op(let op, _): return op
            case .distinctRows(let sized, _): return sized.largest
            case .join: return nil
            }
        }
    }

    /// Whether some op waits for the batch's distinct-token count (``resolved(distinctRows:)``).
    public var needsDistinctRows: Bool {
        entries.contains { if case .distinctRows = $0 { return true }; return false }
    }

    /// The plan for a batch of `rows` distinct tokens: every op sized by them cut to that count
    /// (dropped when it is 0), every other entry as it is.
    public func resolved(distinctRows rows: Int) -> Plan {
        guard needsDistinctRows else { return self }
        var plan = Plan()
        plan.entries = entries.compactMap {
            guard case .distinctRows(let sized, let lane) = $0 else { return $0 }
            return sized.resized(to: rows).map { .op($0, lane: lane) }
        }
        return plan
    }

    /// Validates `op` and appends it.
    public mutating func append(_ op: Op, lane: Int = 0) throws {
        try op.validate()
        entries.append(.op(op, lane: lane))
    }

    public mutating func append(contentsOf ops: [Op], lane: Int = 0) throws {
        for op in ops { try append(op, lane: lane) }
    }

    /// Validates `sized` at its largest and appends it.
    public mutating func append(_ sized: DistinctRowsOp, lane: Int = 0) throws {
        try sized.largest.validate()
        entries.append(.distinctRows(sized, lane: lane))
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
        appendConcurrently(try Plan(first), try Plan(second))
    }

    /// ``appendConcurrently(_:_:)-([Op],[Op])`` for two single-lane plans (lane 0 each).
    public mutating func appendConcurrently(_ first: Plan, _ second: Plan) {
        join(lane: 0, into: 1)
        entries += first.entries(onLane: 0) + second.entries(onLane: 1)
        join(lane: 1, into: 0)
    }

    private func entries(onLane lane: Int) -> [Entry] {
        entries.map {
            switch $0 {
            case .op(let op, _): return .op(op, lane: lane)
            case .distinctRows(let sized, _): return .distinctRows(sized, lane: lane)
            case .join: preconditionFailure("a plan run beside another is on one lane")
            }
        }
    }

    /// The op kinds the plan needs, for choosing a backend that supports all of them.
    public var kinds: Set<OpKind> {
        var kinds = Set<OpKind>()
        func add(_ op: Op) {
            kinds.insert(op.kind)
            if case .recurrentLoop(let loop) = op { loop.steps.forEach(add) }
        }
        ops.forEach(add)
        return kinds
    }

    public var opCount: Int { ops.count }

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
            case .distinctRows:
                preconditionFailure("an op sized by the batch's distinct tokens: enqueue the plan resolved(distinctRows:) for the batch")
            }
        }
        if flush { try backend.flush() }
    }
}

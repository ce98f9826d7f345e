/// What a compute device is, as `recur devices` prints it.
public struct DeviceInfo: Hashable, Sendable, Codable {
    public enum Kind: String, Sendable, Codable { case cpu, opencl }
    public var kind: Kind
    /// A stable name to select it by (`cpu`, `opencl:0`, …).
    public var identifier: String
    public var name: String
    public var platform: String
    public var version: String
    public var driver: String
    public var computeUnits: Int
    public var globalMemoryBytes: UInt64
    public var maxAllocationBytes: UInt64

    public init(kind: Kind, identifier: String, name: String, platform: String, version: String, driver: String,
                computeUnits: Int, globalMemoryBytes: UInt64, maxAllocationBytes: UInt64) {
        self.kind = kind; self.identifier = identifier; self.name = name; self.platform = platform
        self.version = version; self.driver = driver; self.computeUnits = computeUnits
        self.globalMemoryBytes = globalMemoryBytes; self.maxAllocationBytes = maxAllocationBytes
    }
}

/// How many things a backend did: the test that a training step makes no blocking read except
/// the loss reads these, and the benchmark prints them.
public struct BackendCounters: Hashable, Sendable {
    public var launches = 0
    public var gemms = 0
    public var blockingReads = 0
    public var asyncReads = 0
    public var uploads = 0
    public var synchronizations = 0
    /// CPU backend: row-steps of recurrent loops copied from a row in the same leading padding
    /// instead of computed (``RecurrentLoop/paddedPrefix``).
    public var sharedRowSteps = 0
    /// CPU backend: loops run side by side that were split to even the workers' row-steps
    /// (``CPUBackend/balancingSplit(rowSteps:batches:workers:splittable:)``).
    public var balancingSplits = 0
    /// CPU backend: rows of shared training loops' gate gradients that sums skipped, being zero
    /// (``GEMM/zeroRowsOfLoop``, ``EmbeddingGradient/zeroRowsOfLoop``).
    public var zeroRowsSkipped = 0
    /// CPU backend: rows of products whose first block of A they took from their timestep's
    /// first row, being equal there (``GEMM/sharedRowsOfLoop``).
    public var equalRowsShared = 0
    /// CPU backend: rows of weight gradients whose first block of A was taken once for their
    /// timestep, their rows of B summed first, being equal there (``GEMM/sharedRowsOfLoop``).
    public var equalRowsSummed = 0
    public init() {}
}

/// The contract both compute backends implement. It speaks in device tensors and op values, not
/// layers: the same plan runs on either backend, and the CPU one is the reference.
///
/// Ops are validated by the caller (the scheduler validates each once, when it builds a plan);
/// `enqueue` may assume a valid op. On OpenCL `enqueue` only queues work; results are visible to
/// the host after `read` or `synchronize`. On the CPU it runs the op before returning.
public protocol Backend: AnyObject {
    var device: DeviceInfo { get }
    var counters: BackendCounters { get }

    /// Whether this backend can run ops of `kind` (a kernel that failed to build cannot).
    func supports(_ kind: OpKind) -> Bool

    /// One zero-filled allocation; plans take every tensor of a step from one such arena.
    func allocate(_ type: DeviceElementType, count: Int) throws -> DeviceStorage

    /// Copies host values into a tensor. Blocks until the copy is done (use for weights, setup).
    func write<E: DeviceElement>(_ values: [E], to tensor: TensorRef<E>) throws
    /// Copies host values into a tensor without waiting: the batch upload that overlaps the
    /// previous step's compute. The values are kept alive until the copy completes.
    func upload<E: DeviceElement>(_ values: [E], to tensor: TensorRef<E>, lane: Int) throws
    /// Waits for all queued work, then returns the tensor's values. Counted as a blocking read.
    func read<E: DeviceElement>(_ tensor: TensorRef<E>) throws -> [E]
    /// Starts a copy of the tensor to the host behind the queued work and returns at once.
    func readAsync(_ tensor: FloatRef, lane: Int) throws -> PendingRead

    /// Queues `op` on `lane` (an in-order queue; lanes may run concurrently).
    func enqueue(_ op: Op, lane: Int) throws
    /// Makes later work on lane `waiting` start only after everything queued so far on `lane`.
    func join(lane: Int, into waiting: Int) throws
    /// A point in `lane`'s queue: everything queued on it so far.
    func mark(lane: Int) throws -> LaneMarker
    /// Makes later work on `lane` start only after `marker`'s point has been reached — a finer
    /// `join`: a batch upload waits for the step that last read its buffers, not the current one.
    func wait(lane: Int, for marker: LaneMarker) throws
    /// Starts queued work without waiting for it.
    func flush() throws
    /// Waits until all queued work has finished.
    func synchronize() throws
}

/// A recorded point in a lane's queue (see ``Backend/mark(lane:)``).
public protocol LaneMarker: AnyObject {}

/// A device-to-host copy in flight; `wait` returns its values.
public protocol PendingRead: AnyObject {
    var isComplete: Bool { get }
    func wait() throws -> [Float]
}

extension Backend {
    public func enqueue(_ op: Op) throws { try enqueue(op, lane: 0) }

    /// Validates and runs one op, then waits: for tests and `recur verify`, not for hot paths.
    public func run(_ op: Op) throws {
        try op.validate()
        guard supports(op.kind) else { throw ComputeError.unsupported(op: op.kind.rawValue, backend: device.name) }
        try enqueue(op, lane: 0)
        try synchronize()
    }

    /// Allocates a tensor of its own storage holding `values`.
    public func tensor(_ values: [Float]) throws -> FloatRef {
        let storage = try allocate(.float32, count: Swift.max(values.count, 1))
        let ref = FloatRef(storage: storage, count: values.count)
        if !values.isEmpty { try write(values, to: ref) }
        return ref
    }

    public func intTensor(_ values: [Int32]) throws -> IntRef {
        let storage = try allocate(.int32, count: Swift.max(values.count, 1))
        let ref = IntRef(storage: storage, count: values.count)
        if !values.isEmpty { try write(values, to: ref) }
        return ref
    }

    public func zeros(_ count: Int) throws -> FloatRef { try tensor([Float](repeating: 0, count: count)) }
}

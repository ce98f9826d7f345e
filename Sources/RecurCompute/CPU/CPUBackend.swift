import CBLAS

/// The reference backend: plain Swift around OpenBLAS's `cblas_sgemm`, with the cell and
/// element-wise ops parallel across the batch. Also the fallback when no OpenCL device is usable.
public final class CPUBackend: Backend {
    public let device: DeviceInfo
    public internal(set) var counters = BackendCounters()
    /// Below this many elements per op, threads cost more than they save.
    let parallelThreshold = 1 << 15
    let threads: Int
    /// The threads the parallel ops run on (the caller is one of them).
    let pool: WorkerPool
    /// Grow-only working memory of one product at a time: a row product's packed `B`, a split
    /// product's second partial sum. (A recurrent loop has its own, ``PreparedLoop``.)
    private var scratch: UnsafeMutablePointer<Float>?
    private var scratchCount = 0
    /// The ops of the two lanes between the joins that open and close a concurrent section
    /// (``LaneSection``); nil outside one, where each op runs as it is enqueued.
    var laneSection: LaneSection?
    /// Each recurrent loop run so far, ready to run again (``PreparedLoop``).
    var preparedLoops = LoopCache<PreparedLoop>()

    /// Whether loops that may share their rows' padded prefixes do (``PaddedPrefixSchedule``);
    /// off only to compare against.
    let sharesPaddedPrefixes: Bool
    /// Each sharing forward loop's schedule as its last run arranged it, under the address of its
    /// time-0 saved gates, which its training backward loop reads too: the backward goes through
    /// the rows the forward shared (``PaddedPrefixSharing/trainingBackward``); and the products
    /// reading the loop's output, the rows it may take as equal (``GEMM/sharedRowsOfLoop``). Set
    /// at every forward run, so nothing follows another loop's arrangement.
    var sharingSchedules: [Int: PaddedPrefixSchedule] = [:]

    public init(threads: Int? = nil, sharesPaddedPrefixes: Bool = true) {
        let cores = threads ?? Swift.max(1, sysconfCores())
        self.threads = cores
        self.sharesPaddedPrefixes = sharesPaddedPrefixes
        pool = WorkerPool(threads: cores)
        openblas_set_num_threads(1)
        let memory = UInt64(sysconfPages()) * UInt64(sysconfPageSize())
        device = DeviceInfo(kind: .cpu, identifier: "cpu", name: "CPU backend (Swift + OpenBLAS, \(cores) threads)",
                            platform: "host", version: "reference", driver: "OpenBLAS",
                            computeUnits: cores, globalMemoryBytes: memory, maxAllocationBytes: memory)
    }

    public func supports(_ kind: OpKind) -> Bool { true }

    public func allocate(_ type: DeviceElementType, count: Int) throws -> DeviceStorage {
        let bytes = count * 4
        guard count >= 0, bytes <= device.maxAllocationBytes else {
            throw ComputeError.outOfMemory(bytes: bytes, device: device.name)
        }
        return DeviceStorage(elementCount: count, elementType: type, handle: HostBlock(byteCount: bytes), ownerID: ObjectIdentifier(self))
    }

    public func write<E: DeviceElement>(_ values: [E], to tensor: TensorRef<E>) throws {
        try checkOwned(tensor.storage)
        runOpenLaneSection()
        guard values.count == tensor.count else {
            throw ComputeError.shapeMismatch(op: "write", tensor: "values", expected: "\(tensor.count) elements", found: "\(values.count)")
        }
        values.withUnsafeBufferPointer { tensor.hostPointer.update(from: $0.baseAddress!, count: values.count) }
        counters.uploads += 1
    }

    public func upload<E: DeviceElement>(_ values: [E], to tensor: TensorRef<E>, lane: Int) throws {
        try write(values, to: tensor)
    }

    public func read<E: DeviceElement>(_ tensor: TensorRef<E>) throws -> [E] {
        try checkOwned(tensor.storage)
        runOpenLaneSection()
        counters.blockingReads += 1
        return Array(UnsafeBufferPointer(start: tensor.hostPointer, count: tensor.count))
    }

    public func readAsync(_ tensor: FloatRef, lane: Int) throws -> PendingRead {
        try checkOwned(tensor.storage)
        runOpenLaneSection()
        counters.asyncReads += 1
        return CompletedRead(values: Array(UnsafeBufferPointer(start: tensor.hostPointer, count: tensor.count)))
    }

    public func join(lane: Int, into waiting: Int) throws {
        switch (lane, waiting) {
        case (0, 1) where laneSection == nil: laneSection = LaneSection()
        case (1, 0): runOpenLaneSection()
        default: break
        }
    }

    /// Every op enqueued has run (a concurrent section is run first), so every point is reached.
    public func mark(lane: Int) throws -> LaneMarker {
        runOpenLaneSection()
        return ReachedMarker()
    }

    public func wait(lane: Int, for marker: LaneMarker) throws { runOpenLaneSection() }
    public func flush() throws {}

    public func synchronize() throws {
        runOpenLaneSection()
        counters.synchronizations += 1
    }

    public func enqueue(_ op: Op, lane: Int) throws {
        if laneSection != nil, LaneSection.lanes.contains(lane) {
            laneSection!.ops[lane].append(op)
            return
        }
        execute(op)
    }

    /// Runs `op` now (``Backend/run(_:)`` validates first and is for tests).
    func execute(_ op: Op) {
        counters.launches += 1
        switch op {
        case .gemm(let o): gemm(o); counters.gemms += 1
        case .cellForward(let o): cellForward(o)
        case .cellBackward(let o): cellBackward(o)
        case .gruResetGateForward(let o): gruResetGateForward(o)
        case .gruResetGateBackward(let o): gruResetGateBackward(o)
        case .embeddingGather(let o): embeddingGather(o)
        case .embeddingGradient(let o): embeddingGradient(o)
        case .fill(let o): fill(o)
        case .copy2D(let o): copy2D(o)
        case .addBias(let o): addBias(o)
        case .activationForward(let o): activationForward(o)
        case .activationBackward(let o): activationBackward(o)
        case .softmax(let o): softmax(o)
        case .multiply(let o): multiply(o)
        case .multiplyBroadcast(let o): multiplyBroadcast(o)
        case .axpby(let o): axpby(o)
        case .sumRows(let o): sumRows(o)
        case .dropoutMask(let o): dropoutMask(o)
        case .loss(let o): loss(o)
        case .accuracyCount(let o): accuracyCount(o)
        case .optimizerUpdate(let o): optimizerUpdate(o)
        case .sumOfSquares(let o): sumOfSquares(o)
        case .clipScale(let o): clipScale(o)
        case .clipByValue(let o): clipByValue(o)
        case .recurrentLoop(let o): recurrentLoop(o)
        }
    }

    deinit {
        pool.stop()
        scratch?.deallocate()
    }

    /// Scratch memory of at least `count` floats; earlier contents are not kept when it grows.
    func productScratch(upTo count: Int) -> UnsafeMutablePointer<Float> {
        if count > scratchCount {
            scratch?.deallocate()
            scratchCount = Swift.max(count, 2 * scratchCount)
            scratch = .allocate(capacity: scratchCount)
        }
        return scratch!
    }

    func checkOwned(_ storage: DeviceStorage) throws {
        guard storage.ownerID == ObjectIdentifier(self) else {
            throw ComputeError.invalidArgument(op: "cpu", argument: "storage", reason: "was allocated by another backend")
        }
    }

    /// Splits `0..<count` into contiguous chunks run on the worker threads when `work` (elements
    /// touched) is large enough to pay for them.
    func parallelRows(_ count: Int, work: Int, _ body: (Range<Int>) -> Void) {
        let chunks = work >= parallelThreshold ? Swift.min(threads, count) : 1
        if chunks <= 1 { body(0..<count); return }
        pool.perform(iterations: chunks) { chunk in
            let start = count * chunk / chunks, end = count * (chunk + 1) / chunks
            if start < end { body(start..<end) }
        }
    }
}

/// A marker that is reached when it is made (the CPU backend has nothing in flight).
final class ReachedMarker: LaneMarker {}

/// A read that was complete when it was made (the CPU backend has nothing in flight).
final class CompletedRead: PendingRead {
    let values: [Float]
    init(values: [Float]) { self.values = values }
    var isComplete: Bool { true }
    func wait() throws -> [Float] { values }
}

import Glibc
func sysconfCores() -> Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }
func sysconfPages() -> Int { Int(sysconf(Int32(_SC_PHYS_PAGES))) }
func sysconfPageSize() -> Int { Int(sysconf(Int32(_SC_PAGESIZE))) }


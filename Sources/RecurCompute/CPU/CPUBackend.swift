import CBLAS
import Dispatch

/// The reference backend: plain Swift around OpenBLAS's `cblas_sgemm`, with the cell and
/// element-wise ops parallel across the batch. Also the fallback when no OpenCL device is usable.
public final class CPUBackend: Backend {
    public let device: DeviceInfo
    public internal(set) var counters = BackendCounters()
    /// Below this many elements per op, threads cost more than they save.
    let parallelThreshold = 1 << 15
    let threads: Int
    /// Grow-only working memory of ``recurrentLoop(_:)`` (transposed recurrent kernels).
    private var scratch: UnsafeMutablePointer<Float>?
    private var scratchCount = 0

    public init(threads: Int? = nil) {
        let cores = threads ?? Swift.max(1, sysconfCores())
        self.threads = cores
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
        counters.blockingReads += 1
        return Array(UnsafeBufferPointer(start: tensor.hostPointer, count: tensor.count))
    }

    public func readAsync(_ tensor: FloatRef, lane: Int) throws -> PendingRead {
        try checkOwned(tensor.storage)
        counters.asyncReads += 1
        return CompletedRead(values: Array(UnsafeBufferPointer(start: tensor.hostPointer, count: tensor.count)))
    }

    public func join(lane: Int, into waiting: Int) throws {}
    /// The CPU runs each op as it is enqueued, so every point is already reached.
    public func mark(lane: Int) throws -> LaneMarker { ReachedMarker() }
    public func wait(lane: Int, for marker: LaneMarker) throws {}
    public func flush() throws {}
    public func synchronize() throws { counters.synchronizations += 1 }

    public func enqueue(_ op: Op, lane: Int) throws {
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

    deinit { scratch?.deallocate() }

    /// Scratch memory of at least `count` floats; earlier contents are not kept when it grows.
    func loopScratch(upTo count: Int) -> UnsafeMutablePointer<Float> {
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
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let start = count * chunk / chunks, end = count * (chunk + 1) / chunks
            if start < end { body(start..<end) }
        }
    }

    /// OpenBLAS runs single-threaded inside this backend's workers: a large product is split here
    /// into two blocks of C's rows (or columns when there are few rows), run on two workers.
    /// OpenBLAS's own pool would spin in `sched_yield` between calls, taking a core from the cell
    /// loops that run between the products. The split depends on the shape only — OpenBLAS's
    /// result for a row depends on the block it is computed in — so results do not change with
    /// the thread count.
    func gemm(_ o: GEMM) {
        if !o.transposeA && o.batch == 1 && o.k <= Self.rowGEMMMaximumK && o.k * o.n <= Self.rowGEMMMaximumPanel {
            rowGEMM(o)
            return
        }
        let ta = o.transposeA ? CblasTrans : CblasNoTrans
        let tb = o.transposeB ? CblasTrans : CblasNoTrans
        let a = o.a.hostPointer, b = o.b.hostPointer, c = o.c.hostPointer
        let splitRows = o.m >= o.n || o.m >= 64
        let extent = splitRows ? o.m : o.n
        let blocks = o.flops >= Self.parallelGEMMFlops && extent >= 32 ? 2 : 1
        for i in 0..<o.batch {
            let (ai, bi, ci) = (a + i * o.strideA, b + i * o.strideB, c + i * o.strideC)
            func run(_ block: Int) {
                let start = extent * block / blocks, end = extent * (block + 1) / blocks
                if splitRows {
                    cblas_sgemm(CblasRowMajor, ta, tb, Int32(end - start), Int32(o.n), Int32(o.k), o.alpha,
                                ai + (o.transposeA ? start : start * o.lda), Int32(o.lda), bi, Int32(o.ldb), o.beta,
                                ci + start * o.ldc, Int32(o.ldc))
                } else {
                    cblas_sgemm(CblasRowMajor, ta, tb, Int32(o.m), Int32(end - start), Int32(o.k), o.alpha,
                                ai, Int32(o.lda), bi + (o.transposeB ? start * o.ldb : start), Int32(o.ldb), o.beta,
                                ci + start, Int32(o.ldc))
                }
            }
            if blocks == 1 || threads == 1 {
                for block in 0..<blocks { run(block) }
            } else {
                DispatchQueue.concurrentPerform(iterations: blocks, execute: run)
            }
        }
    }

    /// Below this many FLOPs a product runs on one worker.
    static let parallelGEMMFlops = 2e6
    /// Products with a short inner dimension and a `B` that stays in L2 — the input projection of
    /// an embedding of 32–128 features, its input gradient — run in ``RowGEMM``: OpenBLAS spends
    /// as long packing a `[T·B, 32]` operand as multiplying it.
    static let rowGEMMMaximumK = 128
    static let rowGEMMMaximumPanel = 1 << 16

    /// `o` in ``RowGEMM``, its rows split across the workers (a row's result does not depend on
    /// the split). A transposed `B` is transposed into scratch memory first.
    func rowGEMM(_ o: GEMM) {
        var b = UnsafePointer(o.b.hostPointer), ldb = o.ldb
        if o.transposeB {
            let transposed = loopScratch(upTo: o.k * o.n)
            for row in 0..<o.n { for column in 0..<o.k { transposed[column * o.n + row] = b[row * o.ldb + column] } }
            b = UnsafePointer(transposed)
            ldb = o.n
        }
        let a = UnsafePointer(o.a.hostPointer), c = o.c.hostPointer
        let chunks = o.flops >= Self.parallelGEMMFlops ? Swift.max(1, Swift.min(threads, o.m / 4)) : 1
        let run = { (chunk: Int) in
            // Chunk bounds on multiples of 4 rows keep the 4-row blocks whole.
            let quads = (o.m + 3) / 4
            let start = Swift.min(o.m, 4 * (quads * chunk / chunks)), end = Swift.min(o.m, 4 * (quads * (chunk + 1) / chunks))
            RowGEMM.multiply(rows: start..<end, n: o.n, k: o.k, alpha: o.alpha, a: a, lda: o.lda, b: b, ldb: ldb,
                             beta: o.beta, c: c, ldc: o.ldc)
        }
        if chunks == 1 { run(0) } else { DispatchQueue.concurrentPerform(iterations: chunks, execute: run) }
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

import COpenCL
import Foundation

/// The OpenCL backend: the kernels of `Kernels/` plus CLBlast GEMMs on one device.
///
/// `enqueue` never waits: work goes onto in-order queues ("lanes"; lane 1 carries the second
/// direction of a bidirectional layer), and the host blocks only in `read` and `synchronize`.
public final class OpenCLBackend: Backend {
    public let device: DeviceInfo
    public private(set) var counters = BackendCounters()
    let context: cl_context
    let deviceID: cl_device_id
    private var queues: [cl_command_queue] = []
    /// Where `allocate` zero-fills new buffers, waiting for nothing else: the fill must land
    /// before any lane's first use, and lanes' queues do not wait for one another.
    private var zeroingQueue: cl_command_queue?
    let programs: OpenCLPrograms
    /// Host arrays of uploads still in flight, kept alive until their copy completes.
    private var inflightUploads: [(event: cl_event, keepAlive: AnyObject)] = []
    let profiling: Bool
    /// Events of the commands queued while a profile is recorded (see `beginEventLog`).
    var eventLog: [cl_event]?

    /// Why some op families cannot run here (kernel programs that failed to build).
    public var buildFailures: [String: ComputeError] { programs.failures }
    /// How many kernel programs came from the on-disk cache instead of the compiler.
    public var programCacheHits: Int { programs.cacheHits }
    /// The tuned CLBlast parameters in force on this device, when `recur tune` stored some.
    public private(set) var appliedTuning: CLBlastTuning?
    /// How recurrent loops run; tests switch it to compare the fused kernels with the step path.
    public var recurrentLoopMode: RecurrentLoopMode
    /// Which path each recurrent loop took so far.
    public internal(set) var recurrentLoopPaths = RecurrentLoopPaths()
    let fusedLoops = FusedLoopCache()
    let limits: OpenCLDeviceLimits
    /// GEMMs run by `gemm_skinny.cl` instead of CLBlast (tests check the shapes they target do).
    public internal(set) var skinnyGEMMs = 0
    let laneScratch = LaneScratch()
    let zeroRows = ZeroRows()
    /// The paddings each training loop's forward shared by, for its backward
    /// (``sharedPadding(_:_:_:)``), under their saved gates.
    var sharedPaddings: [SavedGatesKey: IntRef] = [:]

    /// - Parameters:
    ///   - sourceOverrides: replaces a kernel family's source (kernel development, and the tests
    ///     that check a broken kernel is caught).
    ///   - profiling: enables OpenCL profiling events on the queues (for the benchmark's phases).
    ///   - tuning: where `recur tune` stored CLBlast parameters for devices; the device's are
    ///     applied before its first GEMM (nil: CLBlast's built-in parameters).
    ///   - recurrentLoops: how recurrent loops run (see ``RecurrentLoopMode``); nil: as
    ///     `RECUR_OPENCL_LOOPS` says, fused when it is unset.
    ///   - paths: ``OpenCLPaths/gpu`` takes a GPU's launch paths on a device that is not one (its
    ///     identifier then ends in `/gpu-paths`, so reports keep the two apart).
    public init(entry: OpenCLDeviceEntry, cache: ProgramCache? = ProgramCache(), sourceOverrides: [String: String] = [:],
                profiling: Bool = false, tuning: CLBlastTuningStore? = CLBlastTuningStore(),
                recurrentLoops: RecurrentLoopMode? = nil, paths: OpenCLPaths = .device) throws {
        let emulatingGPU = paths == .gpu && !entry.isGPU
        var info = entry.info
        if emulatingGPU { info.identifier += "/gpu-paths" }
        device = info
        recurrentLoopMode = try recurrentLoops ?? RecurrentLoopMode.fromEnvironment()
        deviceID = entry.device
        limits = OpenCLDeviceLimits(entry, emulatingGPU: emulatingGPU)
        self.profiling = profiling
        var status: cl_int = 0
        var deviceRef: cl_device_id? = entry.device
        guard let context = clCreateContext(nil, 1, &deviceRef, nil, nil, &status), status == CL_SUCCESS else {
            throw ComputeError.openCL(call: "clCreateContext", code: status, meaning: OpenCLStatus.name(status))
        }
        self.context = context
        programs = OpenCLPrograms(context: context, device: entry.device, info: entry.info, cache: cache,
                                  sourceOverrides: sourceOverrides)
        appliedTuning = tuning?.load(for: entry.info)
        appliedTuning?.apply(to: entry.device)
        _ = try queue(0)
        zeroingQueue = clCreateCommandQueue(context, entry.device, 0, &status)
        try OpenCLStatus.check(status, "clCreateCommandQueue")
    }

    /// Applies tuned CLBlast parameters from now on (CLBlast recompiles a kernel at its next use).
    public func applyTuning(_ tuning: CLBlastTuning) -> [(kernel: String, status: Int32)] {
        appliedTuning = tuning
        return tuning.apply(to: deviceID)
    }

    deinit {
        for queue in queues { clFinish(queue) }
        for upload in inflightUploads { clReleaseEvent(upload.event) }
        for event in eventLog ?? [] { clReleaseEvent(event) }
        for queue in queues { clReleaseCommandQueue(queue) }
        if let zeroingQueue { clReleaseCommandQueue(zeroingQueue) }
        clReleaseContext(context)
    }

    /// The in-order queue of `lane`, created on first use.
    func queue(_ lane: Int) throws -> cl_command_queue {
        while queues.count <= lane {
            var status: cl_int = 0
            let properties: cl_command_queue_properties = profiling ? cl_command_queue_properties(CL_QUEUE_PROFILING_ENABLE) : 0
            let queue = clCreateCommandQueue(context, deviceID, properties, &status)
            try OpenCLStatus.check(status, "clCreateCommandQueue")
            queues.append(queue!)
        }
        return queues[lane]
    }

    public func supports(_ kind: OpKind) -> Bool {
        guard let family = Self.family(of: kind) else { return true }
        return programs.programs[family] != nil && (kind != .cellForward && kind != .cellBackward
            || ["simple_rnn", "lstm", "gru"].allSatisfy { programs.programs[$0] != nil })
    }

    /// The kernel program an op kind runs from (nil: CLBlast).
    static func family(of kind: OpKind) -> String? {
        switch kind {
        case .gemm, .recurrentLoop: return nil
        case .cellForward, .cellBackward: return "lstm"
        case .gruResetGateForward, .gruResetGateBackward: return "gru"
        case .embeddingGather, .embeddingGradient: return "embedding"
        case .fill, .copy2D, .addBias, .activationForward, .activationBackward, .softmax, .multiply,
             .multiplyBroadcast, .axpby, .clipByValue: return "elementwise"
        case .sumRows, .sumOfSquares, .clipScale: return "reduce"
        case .dropoutMask: return "dropout"
        case .loss, .accuracyCount: return "loss"
        case .optimizerUpdate: return "optimizer"
        }
    }

    public func allocate(_ type: DeviceElementType, count: Int) throws -> DeviceStorage {
        let bytes = Swift.max(count, 1) * 4
        guard UInt64(bytes) <= device.maxAllocationBytes else {
            throw ComputeError.outOfMemory(bytes: bytes, device: device.name)
        }
        var status: cl_int = 0
        guard let mem = clCreateBuffer(context, cl_mem_flags(CL_MEM_READ_WRITE), bytes, nil, &status), status == CL_SUCCESS else {
            if status == CL_MEM_OBJECT_ALLOCATION_FAILURE || status == CL_OUT_OF_RESOURCES || status == CL_INVALID_BUFFER_SIZE {
                throw ComputeError.outOfMemory(bytes: bytes, device: device.name)
            }
            throw ComputeError.openCL(call: "clCreateBuffer(\(bytes) bytes)", code: status, meaning: OpenCLStatus.name(status))
        }
        // Zeroed like the CPU backend's memory, so the two start from the same state. The fill
        // completes here: queued on lane 0 without a wait, it once landed after lane 1 had already
        // written a lazily made buffer (split-K partial sums) and zeroed a direction's gradients.
        let buffer = OpenCLBuffer(mem: mem)
        var zero: cl_float = 0
        try OpenCLStatus.check(clEnqueueFillBuffer(zeroingQueue, mem, &zero, 4, 0, bytes, 0, nil, nil), "clEnqueueFillBuffer")
        try OpenCLStatus.check(clFinish(zeroingQueue), "clFinish")
        return DeviceStorage(elementCount: count, elementType: type, handle: buffer, ownerID: ObjectIdentifier(self))
    }

    func checkOwned(_ storage: DeviceStorage) throws {
        guard storage.ownerID == ObjectIdentifier(self) else {
            throw ComputeError.invalidArgument(op: "opencl", argument: "storage", reason: "was allocated by another backend")
        }
    }

    public func write<E: DeviceElement>(_ values: [E], to tensor: TensorRef<E>) throws {
        try checkOwned(tensor.storage)
        guard values.count == tensor.count else {
            throw ComputeError.shapeMismatch(op: "write", tensor: "values", expected: "\(tensor.count) elements", found: "\(values.count)")
        }
        guard !values.isEmpty else { return }
        let queue = try queue(0)
        let status = values.withUnsafeBytes { bytes in
            clEnqueueWriteBuffer(queue, tensor.clMem, cl_bool(CL_TRUE), tensor.offset * 4, bytes.count, bytes.baseAddress, 0, nil, nil)
        }
        try OpenCLStatus.check(status, "clEnqueueWriteBuffer")
        counters.uploads += 1
    }

    public func upload<E: DeviceElement>(_ values: [E], to tensor: TensorRef<E>, lane: Int) throws {
        try checkOwned(tensor.storage)
        guard values.count == tensor.count else {
            throw ComputeError.shapeMismatch(op: "upload", tensor: "values", expected: "\(tensor.count) elements", found: "\(values.count)")
        }
        guard !values.isEmpty else { return }
        let box = HostArray(values)
        var event: cl_event?
        let status = clEnqueueWriteBuffer(try queue(lane), tensor.clMem, cl_bool(CL_FALSE), tensor.offset * 4, values.count * 4,
                                          box.pointer, 0, nil, &event)
        try OpenCLStatus.check(status, "clEnqueueWriteBuffer (async)")
        if eventLog != nil { clRetainEvent(event); eventLog!.append(event!) }
        inflightUploads.append((event!, box))
        counters.uploads += 1
        releaseCompletedUploads()
    }

    private func releaseCompletedUploads() {
        inflightUploads.removeAll { entry in
            var state: cl_int = 0
            clGetEventInfo(entry.event, cl_event_info(CL_EVENT_COMMAND_EXECUTION_STATUS), MemoryLayout<cl_int>.size, &state, nil)
            if state == CL_COMPLETE || state < 0 { clReleaseEvent(entry.event); return true }
            return false
        }
    }

    public func read<E: DeviceElement>(_ tensor: TensorRef<E>) throws -> [E] {
        try checkOwned(tensor.storage)
        try synchronize()
        counters.blockingReads += 1
        var values = [E](unsafeUninitializedCapacity: tensor.count) { _, count in count = tensor.count }
        guard tensor.count > 0 else { return values }
        let queue = try queue(0)
        let status = values.withUnsafeMutableBytes { bytes in
            clEnqueueReadBuffer(queue, tensor.clMem, cl_bool(CL_TRUE), tensor.offset * 4, bytes.count, bytes.baseAddress, 0, nil, nil)
        }
        try OpenCLStatus.check(status, "clEnqueueReadBuffer")
        return values
    }

    public func readAsync(_ tensor: FloatRef, lane: Int) throws -> PendingRead {
        try checkOwned(tensor.storage)
        let pending = OpenCLPendingRead(count: tensor.count)
        var event: cl_event?
        let status = clEnqueueReadBuffer(try queue(lane), tensor.clMem, cl_bool(CL_FALSE), tensor.offset * 4, tensor.count * 4,
                                         pending.storage.pointer, 0, nil, &event)
        try OpenCLStatus.check(status, "clEnqueueReadBuffer (async)")
        if eventLog != nil { clRetainEvent(event); eventLog!.append(event!) }
        pending.event = event
        counters.asyncReads += 1
        try OpenCLStatus.check(clFlush(try queue(lane)), "clFlush")
        return pending
    }

    public func join(lane: Int, into waiting: Int) throws {
        guard lane != waiting else { return }
        var marker: cl_event?
        try OpenCLStatus.check(clEnqueueMarkerWithWaitList(try queue(lane), 0, nil, &marker), "clEnqueueMarkerWithWaitList")
        defer { clReleaseEvent(marker) }
        try OpenCLStatus.check(clEnqueueBarrierWithWaitList(try queue(waiting), 1, &marker, nil), "clEnqueueBarrierWithWaitList")
    }

    public func mark(lane: Int) throws -> LaneMarker {
        var event: cl_event?
        try OpenCLStatus.check(clEnqueueMarkerWithWaitList(try queue(lane), 0, nil, &event), "clEnqueueMarkerWithWaitList")
        return OpenCLMarker(event: event!)
    }

    public func wait(lane: Int, for marker: LaneMarker) throws {
        guard let marker = marker as? OpenCLMarker else {
            throw ComputeError.invalidArgument(op: "wait", argument: "marker", reason: "was made by another backend")
        }
        var event: cl_event? = marker.event
        try OpenCLStatus.check(clEnqueueBarrierWithWaitList(try queue(lane), 1, &event, nil), "clEnqueueBarrierWithWaitList")
    }

    public func flush() throws {
        for queue in queues { try OpenCLStatus.check(clFlush(queue), "clFlush") }
    }

    public func synchronize() throws {
        for queue in queues { try OpenCLStatus.check(clFinish(queue), "clFinish") }
        counters.synchronizations += 1
        releaseCompletedUploads()
    }

    // MARK: launching kernels

    /// The most work-items a group of kernel `name` may have here: the kernel's limit on the
    /// device, within ``OpenCLDeviceLimits/maxWorkGroupSize`` (a GPU's under ``OpenCLPaths/gpu``).
    func maxWorkGroupSize(_ name: String, in family: String) throws -> Int {
        min(try programs.maxWorkGroupSize(name, in: family), limits.maxWorkGroupSize)
    }

    /// Sets `arguments` on `kernel` of `family` and enqueues it over `global` work-items
    /// (rounded up to a multiple of `local` when given; kernels guard their bounds).
    func launch(_ family: String, _ name: String, global: [Int], local: [Int]? = nil, _ arguments: [KernelArgument], lane: Int) throws {
        let kernel = try programs.kernel(name, in: family)
        var index: cl_uint = 0
        func set<T: BitwiseCopyable>(_ value: T) throws {
            let status = withUnsafeBytes(of: value) { clSetKernelArg(kernel, index, $0.count, $0.baseAddress) }
            try OpenCLStatus.check(status, "clSetKernelArg(\(name), \(index))")
            index += 1
        }
        func setBuffer(_ mem: cl_mem?, offset: Int) throws {
            if let mem {
                try set(mem)
            } else {
                try OpenCLStatus.check(clSetKernelArg(kernel, index, MemoryLayout<cl_mem>.size, nil), "clSetKernelArg(\(name), \(index), NULL)")
                index += 1
            }
            try set(cl_int(offset))
        }
        for argument in arguments {
            switch argument {
            case .floats(let ref): try setBuffer(ref?.clMem, offset: ref?.offset ?? 0)
            case .ints(let ref): try setBuffer(ref?.clMem, offset: ref?.offset ?? 0)
            case .int(let value): try set(cl_int(value))
            case .float(let value): try set(cl_float(value))
            case .uint(let value): try set(cl_uint(value))
            case .stepped(let stepped):
                try setBuffer(stepped?.first.clMem, offset: stepped?.first.offset ?? 0)
                try set(cl_int(stepped?.stride ?? 0))
                try set(cl_int(stepped?.period ?? 0))
            case .local(let bytes):
                try OpenCLStatus.check(clSetKernelArg(kernel, index, Swift.max(bytes, 4), nil), "clSetKernelArg(\(name), \(index), __local \(bytes) bytes)")
                index += 1
            }
        }
        var globalSize = global
        if let local {
            for d in 0..<global.count { globalSize[d] = (global[d] + local[d] - 1) / local[d] * local[d] }
        }
        let queue = try queue(lane)
        let status = loggingEvent { event in
            globalSize.withUnsafeBufferPointer { g in
                if let local {
                    return local.withUnsafeBufferPointer { l in
                        clEnqueueNDRangeKernel(queue, kernel, cl_uint(global.count), nil, g.baseAddress, l.baseAddress, 0, nil, event)
                    }
                }
                return clEnqueueNDRangeKernel(queue, kernel, cl_uint(global.count), nil, g.baseAddress, nil, 0, nil, event)
            }
        }
        try OpenCLStatus.check(status, "clEnqueueNDRangeKernel(\(name))")
        counters.launches += 1
    }

    func countGEMM() { counters.gemms += 1; counters.launches += 1 }
}

/// A host copy of an upload's values with a stable address until the copy completes.
final class HostArray {
    let pointer: UnsafeMutableRawPointer
    init<E>(_ values: [E]) {
        let bytes = values.count * MemoryLayout<E>.stride
        pointer = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(bytes, 1), alignment: 64)
        values.withUnsafeBytes { pointer.copyMemory(from: $0.baseAddress!, byteCount: bytes) }
    }
    init(byteCount: Int) {
        pointer = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(byteCount, 1), alignment: 64)
    }
    deinit { pointer.deallocate() }
}

/// A non-blocking device-to-host copy.
final class OpenCLPendingRead: PendingRead {
    let storage: HostArray
    let count: Int
    var event: cl_event?

    init(count: Int) {
        self.count = count
        storage = HostArray(byteCount: count * 4)
    }

    deinit { if let event { clReleaseEvent(event) } }

    var isComplete: Bool {
        guard let event else { return true }
        var state: cl_int = 0
        clGetEventInfo(event, cl_event_info(CL_EVENT_COMMAND_EXECUTION_STATUS), MemoryLayout<cl_int>.size, &state, nil)
        return state == CL_COMPLETE
    }

    func wait() throws -> [Float] {
        if event != nil {
            try OpenCLStatus.check(clWaitForEvents(1, &event), "clWaitForEvents")
        }
        return Array(UnsafeBufferPointer(start: storage.pointer.assumingMemoryBound(to: Float.self), count: count))
    }
}

/// An OpenCL marker event, released with the marker.
final class OpenCLMarker: LaneMarker {
    let event: cl_event
    init(event: cl_event) { self.event = event }
    deinit { clReleaseEvent(event) }
}

import COpenCL

/// One command's span on the device clock, from OpenCL profiling events.
public struct DeviceCommandTime: Sendable, Hashable {
    public var startNanoseconds: UInt64
    public var endNanoseconds: UInt64
    public var nanoseconds: UInt64 { endNanoseconds >= startNanoseconds ? endNanoseconds - startNanoseconds : 0 }
}

extension OpenCLBackend {
    /// Whether the queues were created with profiling, which ``beginEventLog()`` needs.
    public var isProfiling: Bool { profiling }

    /// Starts recording an event for every command queued from now on (kernels, CLBlast GEMMs,
    /// uploads, asynchronous reads). Outside a recorded profile no event is created, so the
    /// timed steps of a benchmark pay nothing for it.
    public func beginEventLog() throws {
        guard profiling else {
            throw ComputeError.invalidArgument(op: "profile", argument: "backend", reason: "was created without profiling: true")
        }
        endEventLogWithoutTimes()
        eventLog = []
    }

    /// How many commands have been recorded so far: the caller notes it around each op to know
    /// which commands the op queued.
    public var loggedCommandCount: Int { eventLog?.count ?? 0 }

    /// Waits for the queued work, returns every recorded command's start and end on the device
    /// clock in queue order, and stops recording.
    public func endEventLog() throws -> [DeviceCommandTime] {
        try synchronize()
        var times: [DeviceCommandTime] = []
        for event in eventLog ?? [] {
            var start: cl_ulong = 0, end: cl_ulong = 0
            let s1 = clGetEventProfilingInfo(event, cl_profiling_info(CL_PROFILING_COMMAND_START), MemoryLayout<cl_ulong>.size, &start, nil)
            let s2 = clGetEventProfilingInfo(event, cl_profiling_info(CL_PROFILING_COMMAND_END), MemoryLayout<cl_ulong>.size, &end, nil)
            try OpenCLStatus.check(s1 != CL_SUCCESS ? s1 : s2, "clGetEventProfilingInfo")
            times.append(DeviceCommandTime(startNanoseconds: UInt64(start), endNanoseconds: UInt64(end)))
        }
        endEventLogWithoutTimes()
        return times
    }

    func endEventLogWithoutTimes() {
        for event in eventLog ?? [] { clReleaseEvent(event) }
        eventLog = nil
    }

    /// Runs an enqueue call, handing it an event slot only while a profile is recorded.
    func loggingEvent<R>(_ enqueue: (UnsafeMutablePointer<cl_event?>?) throws -> R) rethrows -> R {
        guard eventLog != nil else { return try enqueue(nil) }
        var event: cl_event?
        let result = try enqueue(&event)
        if let event { eventLog!.append(event) }
        return result
    }
}

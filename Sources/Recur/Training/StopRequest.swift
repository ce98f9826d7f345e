import Synchronization

/// A request to stop training at the next step boundary, safe to set from a signal handler or
/// another thread (Ctrl-C, SIGTERM). The trainer finishes the step in flight, keeps every
/// completed epoch, and returns; the caller writes a checkpoint.
public final class StopRequest: Sendable {
    private let flag = Atomic<Bool>(false)
    public init() {}
    public func request() { flag.store(true, ordering: .relaxed) }
    public var isRequested: Bool { flag.load(ordering: .relaxed) }
}

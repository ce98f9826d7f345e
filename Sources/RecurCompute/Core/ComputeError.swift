/// Errors the compute core reports to its callers. Each message says what was expected, what was
/// found, and where, so a user can act on it without reading the source.
public enum ComputeError: Error, CustomStringConvertible, Equatable {
    /// An op's tensor is too small (or the wrong kind) for the dimensions it was given.
    case shapeMismatch(op: String, tensor: String, expected: String, found: String)
    /// An op's scalar argument is out of its range (a dropout rate of 1.5, a zero batch…).
    case invalidArgument(op: String, argument: String, reason: String)
    /// `--device` named something that is not on this machine.
    case unknownDevice(requested: String, available: [String])
    /// The OpenCL runtime reported an error.
    case openCL(call: String, code: Int32, meaning: String)
    /// A kernel program did not compile for a device; `log` is the compiler's build log.
    case programBuildFailed(program: String, device: String, log: String)
    /// The backend cannot run this op (see `Backend.supports`).
    case unsupported(op: String, backend: String)
    /// Memory could not be allocated.
    case outOfMemory(bytes: Int, device: String)
    /// A CLBlast routine returned an error status.
    case clblast(routine: String, status: Int32)

    public var description: String {
        switch self {
        case let .shapeMismatch(op, tensor, expected, found):
            return "\(op): tensor '\(tensor)' expected \(expected), found \(found)"
        case let .invalidArgument(op, argument, reason):
            return "\(op): argument '\(argument)' \(reason)"
        case let .unknownDevice(requested, available):
            return "no device matches '\(requested)'; available: \(available.joined(separator: ", ")) (run `recur devices` to list them, or pass --device cpu)"
        case let .openCL(call, code, meaning):
            return "OpenCL call \(call) failed with \(code) (\(meaning))"
        case let .programBuildFailed(program, device, log):
            let firstLines = log.split(separator: "\n", omittingEmptySubsequences: true).prefix(3).joined(separator: " | ")
            return "kernel program '\(program)' failed to build on \(device): \(firstLines)"
        case let .unsupported(op, backend):
            return "\(backend) cannot run op \(op)"
        case let .outOfMemory(bytes, device):
            return "could not allocate \(bytes) bytes on \(device); try a smaller batch size"
        case let .clblast(routine, status):
            return "CLBlast \(routine) failed with status \(status)"
        }
    }
}

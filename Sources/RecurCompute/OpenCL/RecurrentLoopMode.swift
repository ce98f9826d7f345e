import Foundation

/// How the OpenCL backend runs a ``RecurrentLoop``.
public enum RecurrentLoopMode: String, Sendable, CaseIterable {
    /// One persistent-kernel launch per direction (`recurrent_loop.cl`), the recurrent kernel in
    /// local memory when it fits; step by step when the loop or the device does not allow it.
    case fused
    /// As `fused`, but the recurrent kernel is always read from global memory (the variant a
    /// device with little local memory gets; tests and `recur verify` force it to check it).
    case fusedGlobalWeights = "fused-global-weights"
    /// A CLBlast GEMM and a cell kernel per timestep (the reference path).
    case stepByStep = "step-by-step"

    /// `RECUR_OPENCL_LOOPS` when set (so a benchmark can measure the step path with the same
    /// binary), else `.fused`.
    static func fromEnvironment() throws -> RecurrentLoopMode {
        guard let value = ProcessInfo.processInfo.environment["RECUR_OPENCL_LOOPS"], !value.isEmpty else { return .fused }
        guard let mode = RecurrentLoopMode(rawValue: value) else {
            throw ComputeError.invalidArgument(op: "opencl", argument: "RECUR_OPENCL_LOOPS",
                                               reason: "is '\(value)'; use one of \(allCases.map(\.rawValue).joined(separator: ", ")), or unset it")
        }
        return mode
    }
}

/// How many recurrent loops each path ran, so tests can assert the fused path was taken and the
/// benchmark can say which one it measured.
public struct RecurrentLoopPaths: Hashable, Sendable {
    /// One launch, recurrent kernel in local memory.
    public var fusedLocalWeights = 0
    /// One launch, recurrent kernel read from global memory.
    public var fusedGlobalWeights = 0
    /// One launch of a row kernel (a direction on a CPU device, forward or backward: a few batch
    /// rows per work-item).
    public var fusedRows = 0
    /// Step by step: by request, or because the loop or the device did not allow the fused form.
    public var stepByStep = 0
    /// Fused forward loops that read their input gather's table rows in place, the gather not run
    /// (``FusedRecurrentLoop/TokenRows``); counted among the fused launches too.
    public var gathersReadInPlace = 0
    /// Training forward loops whose row kernel was given a buffer to share its rows' padded
    /// prefixes by (``PaddedPrefixSharing/training``; the kernel shares where a work-item's rows
    /// come by decreasing padding); counted among the fused launches too.
    public var paddingBuffersGiven = 0
    public var fused: Int { fusedLocalWeights + fusedGlobalWeights + fusedRows }
    public init() {}
}

/// What one check found on one device.
public struct CheckResult: Sendable {
    public var check: String
    public var kind: OpKind
    public var shape: String
    public var device: String
    public var maxAbsoluteError: Float
    public var maxRelativeError: Float
    public var tolerance: Tolerance
    /// The first few mismatching elements, `tensor[index]: device vs reference`.
    public var mismatches: [String]
    /// Set when the op could not run at all (build failure, unsupported, runtime error).
    public var error: String?
    public var passed: Bool { error == nil && mismatches.isEmpty }
}

/// Runs kernel checks on a device against the CPU reference.
public struct KernelVerifier {
    public let reference: CPUBackend
    public let seed: UInt64
    /// Mismatches listed per check before the rest are only counted.
    public let mismatchLimit = 5

    public init(reference: CPUBackend = CPUBackend(), seed: UInt64 = 0x5EED) {
        self.reference = reference
        self.seed = seed
    }

    public func run(_ check: KernelCheck, on device: Backend) -> CheckResult {
        var result = CheckResult(check: check.name, kind: check.kind, shape: check.shape, device: device.device.identifier,
                                 maxAbsoluteError: 0, maxRelativeError: 0, tolerance: check.tolerance, mismatches: [], error: nil)
        let expected: [String: [Float]]
        let actual: [String: [Float]]
        do {
            expected = try execute(check, on: reference)
        } catch {
            result.error = "reference failed: \(error)"
            return result
        }
        do {
            guard device.supports(check.kind) else {
                throw ComputeError.unsupported(op: check.kind.rawValue, backend: device.device.name)
            }
            actual = try execute(check, on: device)
        } catch {
            result.error = "\(error)"
            return result
        }
        var mismatchCount = 0
        for name in check.compared {
            let want = expected[name]!, got = actual[name]!
            for i in 0..<want.count {
                let difference = abs(got[i] - want[i])
                let bothNaN = got[i].isNaN && want[i].isNaN
                let relative = difference / Swift.max(abs(want[i]), 1e-30)
                if !bothNaN {
                    if difference.isNaN { result.maxAbsoluteError = .nan } else { result.maxAbsoluteError = Swift.max(result.maxAbsoluteError, difference) }
                    if abs(want[i]) > 1e-6 && !relative.isNaN { result.maxRelativeError = Swift.max(result.maxRelativeError, relative) }
                }
                let ok = bothNaN || difference <= check.tolerance.absolute + check.tolerance.relative * abs(want[i])
                if !ok {
                    mismatchCount += 1
                    if result.mismatches.count < mismatchLimit {
                        result.mismatches.append("\(name)[\(i)]: \(got[i]) vs \(want[i])")
                    }
                }
            }
        }
        if mismatchCount > result.mismatches.count {
            result.mismatches.append("… \(mismatchCount - result.mismatches.count) more")
        }
        return result
    }

    /// Runs the check's ops on `backend` and reads back the compared tensors (integers
    /// converted to floats).
    func execute(_ check: KernelCheck, on backend: Backend) throws -> [String: [Float]] {
        let table = try allocate(check, on: backend)
        let openCL = backend as? OpenCLBackend
        let mode = openCL?.recurrentLoopMode, paths = openCL?.recurrentLoopPaths
        if let openCL, let wanted = check.recurrentLoopMode { openCL.recurrentLoopMode = wanted }
        defer { if let openCL, let mode { openCL.recurrentLoopMode = mode } }
        for op in check.makeOps(table) {
            try op.validate()
            try backend.enqueue(op, lane: 0)
        }
        if let openCL, let paths, let wanted = check.recurrentLoopMode, wanted != .stepByStep,
           openCL.recurrentLoopPaths.stepByStep != paths.stepByStep {
            throw ComputeError.invalidArgument(op: check.name, argument: "recurrent loop",
                                               reason: "ran step by step on \(backend.device.name) instead of as one \(wanted.rawValue) launch; "
                                                   + "set RECUR_LOG_LEVEL=debug to see why")
        }
        try backend.synchronize()
        var out: [String: [Float]] = [:]
        for name in check.compared {
            if let ref = table.floats[name] { out[name] = try backend.read(ref) }
            else if let ref = table.ints[name] { out[name] = try backend.read(ref).map(Float.init) }
            else { preconditionFailure("kernel check '\(check.name)' compares unknown tensor '\(name)'") }
        }
        return out
    }

    /// Allocates the check's tensors on `backend` and fills them (Philox values, so every
    /// backend gets the same ones).
    func allocate(_ check: KernelCheck, on backend: Backend) throws -> TensorTable {
        var table = TensorTable()
        for (index, spec) in check.tensors.enumerated() {
            let philox = Philox(seed: seed ^ UInt64(truncatingIfNeeded: check.name.hashValueStable &+ check.shape.hashValueStable))
            let u = philox.uniforms(count: spec.count, stream: UInt32(index))
            switch spec.fill {
            case .integers(let range):
                let span = Float(Int(range.upperBound) - Int(range.lowerBound) + 1)
                table.ints[spec.name] = try backend.intTensor(u.map { range.lowerBound + Int32(Swift.min($0 * span, span - 1)) })
            case .integerValues(let values):
                table.ints[spec.name] = try backend.intTensor(values)
            case .uniform(let lo, let hi):
                table.floats[spec.name] = try backend.tensor(u.map { lo + (hi - lo) * $0 })
            case .binary(let zeroRate):
                table.floats[spec.name] = try backend.tensor(u.map { $0 < zeroRate ? 0 : 1 })
            case .dropout(let rate):
                table.floats[spec.name] = try backend.tensor(u.map { $0 < rate ? 0 : 1 / (1 - rate) })
            case .constant(let value):
                table.floats[spec.name] = try backend.tensor([Float](repeating: value, count: spec.count))
            case .values(let values):
                table.floats[spec.name] = try backend.tensor(values)
            case .poison:
                table.floats[spec.name] = try backend.tensor([Float](repeating: -7777, count: spec.count))
            }
        }
        return table
    }
}

extension String {
    /// A hash that is the same in every process (Swift's `hashValue` is seeded per run).
    var hashValueStable: Int {
        var hasher = FNV1a64()
        hasher.combine(self)
        return Int(truncatingIfNeeded: hasher.value)
    }
}

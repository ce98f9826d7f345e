/// Shared shape checks for op descriptions. Every op validates once, when a plan is built, so
/// the per-step hot path runs no checks.
public protocol OpDescription: Sendable {
    /// The op's name in errors, `recur verify` tables and `Backend.supports`.
    static var kind: OpKind { get }
    /// Throws ``ComputeError`` when a tensor is too small or an argument out of range.
    func validate() throws
}

@usableFromInline
struct ShapeCheck {
    let op: String

    init(_ kind: OpKind) { op = kind.rawValue }

    func count<E>(_ ref: TensorRef<E>, is expected: Int, _ name: String) throws {
        guard ref.count == expected else {
            throw ComputeError.shapeMismatch(op: op, tensor: name, expected: "\(expected) elements", found: "\(ref.count)")
        }
    }

    func count<E>(_ ref: TensorRef<E>?, is expected: Int, _ name: String) throws {
        if let ref { try count(ref, is: expected, name) }
    }

    func atLeast<E>(_ ref: TensorRef<E>, _ expected: Int, _ name: String) throws {
        guard ref.count >= expected else {
            throw ComputeError.shapeMismatch(op: op, tensor: name, expected: "at least \(expected) elements", found: "\(ref.count)")
        }
    }

    func positive(_ value: Int, _ name: String) throws {
        guard value > 0 else { throw ComputeError.invalidArgument(op: op, argument: name, reason: "must be positive, got \(value)") }
    }

    func nonNegative(_ value: Int, _ name: String) throws {
        guard value >= 0 else { throw ComputeError.invalidArgument(op: op, argument: name, reason: "must be ≥ 0, got \(value)") }
    }

    func require(_ condition: Bool, _ name: String, _ reason: @autoclosure () -> String) throws {
        guard condition else { throw ComputeError.invalidArgument(op: op, argument: name, reason: reason()) }
    }

    func sameStorageSafe<A, B>(_ a: TensorRef<A>, _ b: TensorRef<B>, _ names: String) throws {
        guard !a.overlaps(b) || (a.offset == b.offset && a.count == b.count) else {
            throw ComputeError.invalidArgument(op: op, argument: names, reason: "must not partially overlap")
        }
    }
}

/// The name of every op family, as `supports`, errors and `recur verify` print them.
public enum OpKind: String, CaseIterable, Sendable, Codable {
    case gemm
    case cellForward
    case cellBackward
    case gruResetGateForward
    case gruResetGateBackward
    case embeddingGather
    case embeddingGradient
    case fill
    case copy2D
    case addBias
    case activationForward
    case activationBackward
    case softmax
    case multiply
    case multiplyBroadcast
    case axpby
    case sumRows
    case dropoutMask
    case loss
    case accuracyCount
    case optimizerUpdate
    case sumOfSquares
    case clipScale
    case clipByValue
    /// A container: a recurrent direction's per-timestep ops (``RecurrentLoop``).
    case recurrentLoop
}

/// An optimizer's update rule with its hyperparameters (Keras 3 defaults and formulas).
public enum OptimizerRule: Hashable, Sendable, Codable {
    /// `v = μ·v − lr·g; w += v` (Nesterov: `w += μ·v − lr·g`). No slot when μ = 0.
    case sgd(momentum: Float = 0, nesterov: Bool = false)
    /// `s = ρ·s + (1−ρ)·g²; w −= lr·g / sqrt(s + ε)` (ε inside the root, as Keras 3), with optional
    /// momentum on the increment.
    case rmsprop(rho: Float = 0.9, epsilon: Float = 1e-7, momentum: Float = 0)
    /// `m += (g−m)(1−β₁); v += (g²−v)(1−β₂); w −= α·m / (sqrt(v) + ε)` with
    /// `α = lr·sqrt(1−β₂ᵗ)/(1−β₁ᵗ)`, computed on the host each step (no device read).
    case adam(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7)

    /// Per-parameter state tensors, each the parameter's size.
    public var slotCount: Int {
        switch self {
        case .sgd(let momentum, _): return momentum == 0 ? 0 : 1
        case .rmsprop(_, _, let momentum): return momentum == 0 ? 1 : 2
        case .adam: return 2
        }
    }

    /// Raw code the kernels switch on.
    public var code: Int32 {
        switch self {
        case .sgd: return 0
        case .rmsprop: return 1
        case .adam: return 2
        }
    }

    /// The scalar the kernel multiplies the step by at 1-based iteration `step`: `lr`, or Adam's
    /// bias-corrected `α`.
    public func stepSize(learningRate: Float, step: Int) -> Float {
        switch self {
        case .sgd, .rmsprop: return learningRate
        case let .adam(beta1, beta2, _):
            let t = Double(step)
            let correction = (1 - Foundation_pow(Double(beta2), t)).squareRoot() / (1 - Foundation_pow(Double(beta1), t))
            return Float(Double(learningRate) * correction)
        }
    }
}

import Glibc
@usableFromInline func Foundation_pow(_ x: Double, _ y: Double) -> Double { pow(x, y) }

/// One fused optimizer step for one parameter tensor: reads the gradient (times `gradientScale`,
/// the device-side clip factor, when given), updates the slots and the weights in one pass.
public struct OptimizerUpdate: OpDescription, Hashable {
    public static let kind = OpKind.optimizerUpdate
    public var rule: OptimizerRule
    public var parameter: FloatRef
    public var gradient: FloatRef
    /// `rule.slotCount` tensors of the parameter's size (momentum/first moment first).
    public var slots: [FloatRef]
    /// From ``OptimizerRule/stepSize(learningRate:step:)``; multiplied by `stepScale` when given.
    public var stepSize: Float
    /// `[1]`: a device scalar the step size is multiplied by, so a plan built once can take a
    /// value that changes every step (Adam's bias correction, a learning-rate schedule) from a
    /// one-float upload instead of being rebuilt. Nil = 1.
    public var stepScale: FloatRef?
    /// `[1]`: multiplies the gradient (clip-by-norm factor); nil = 1.
    public var gradientScale: FloatRef?
    /// Clip each gradient element to `[-clipValue, clipValue]` after scaling (Keras `clipvalue`).
    public var clipValue: Float?

    public init(rule: OptimizerRule, parameter: FloatRef, gradient: FloatRef, slots: [FloatRef], stepSize: Float,
                stepScale: FloatRef? = nil, gradientScale: FloatRef? = nil, clipValue: Float? = nil) {
        self.rule = rule; self.parameter = parameter; self.gradient = gradient; self.slots = slots
        self.stepSize = stepSize; self.stepScale = stepScale; self.gradientScale = gradientScale; self.clipValue = clipValue
    }

    public func validate() throws {
        let check = ShapeCheck(Self.kind)
        try check.positive(parameter.count, "parameter.count")
        try check.count(gradient, is: parameter.count, "gradient")
        try check.require(slots.count == rule.slotCount, "slots", "must be \(rule.slotCount) tensors for \(rule), got \(slots.count)")
        for (i, slot) in slots.enumerated() { try check.count(slot, is: parameter.count, "slots[\(i)]") }
        try check.count(gradientScale, is: 1, "gradientScale")
        try check.count(stepScale, is: 1, "stepScale")
        if let clipValue { try check.require(clipValue > 0, "clipValue", "must be positive, got \(clipValue)") }
        try check.require(stepSize.isFinite && stepSize >= 0, "stepSize", "must be finite and ≥ 0, got \(stepSize)")
    }
}

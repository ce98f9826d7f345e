extension KernelCatalog {
    static let optimizerRules: [OptimizerRule] = [
        .sgd(), .sgd(momentum: 0.9), .sgd(momentum: 0.9, nesterov: true),
        .rmsprop(), .rmsprop(momentum: 0.5), .rmsprop(rho: 0.8, epsilon: 1e-3, momentum: 0),
        .adam(), .adam(beta1: 0.8, beta2: 0.99, epsilon: 1e-4),
    ]

    static func ruleLabel(_ rule: OptimizerRule) -> String {
        switch rule {
        case let .sgd(momentum, nesterov): return "sgd momentum=\(momentum)\(nesterov ? " nesterov" : "")"
        case let .rmsprop(rho, epsilon, momentum): return "rmsprop rho=\(rho) eps=\(epsilon) momentum=\(momentum)"
        case let .adam(beta1, beta2, epsilon): return "adam b1=\(beta1) b2=\(beta2) eps=\(epsilon)"
        }
    }

    /// Slot starting values: momenta/first moments signed, second moments non-negative.
    static func slotFills(_ rule: OptimizerRule) -> [TensorFill] {
        switch rule {
        case .sgd(let momentum, _): return momentum == 0 ? [] : [.uniform(-0.1, 0.1)]
        case .rmsprop(_, _, let momentum): return momentum == 0 ? [.uniform(0, 0.1)] : [.uniform(0, 0.1), .uniform(-0.01, 0.01)]
        case .adam: return [.uniform(-0.1, 0.1), .uniform(0, 0.01)]
        }
    }

    static func optimizers() -> [KernelCheck] {
        var checks: [KernelCheck] = []
        // (n, gradientScale, clipValue): plain, clip-by-norm factor, clip-by-value, both; and a
        // tensor large enough for a CPU device's float8 chunks, with a scalar tail.
        let variants: [(n: Int, scale: Float?, clip: Float?)] = [(1, nil, nil), (33, 0.37, nil), (1031, nil, 0.3), (7, 0.5, 0.2),
                                                                 (12_293, 0.5, 0.2)]
        for rule in optimizerRules {
            for v in variants {
                let slotFills = slotFills(rule)
                var tensors = [TensorSpec("w", v.n, .uniform(-1, 1)), TensorSpec("g", v.n, .uniform(-1, 1))]
                for (i, fill) in slotFills.enumerated() { tensors.append(TensorSpec("slot\(i)", v.n, fill)) }
                if let scale = v.scale { tensors.append(TensorSpec("scale", 1, .constant(scale))) }
                var variant = ""
                if let scale = v.scale { variant += " gradientScale=\(scale)" }
                if let clip = v.clip { variant += " clipValue=\(clip)" }
                let stepSize = rule.stepSize(learningRate: 0.01, step: 3)
                checks.append(KernelCheck("optimizer " + ruleLabel(rule) + variant, kind: .optimizerUpdate, shape: "n=\(v.n)",
                    tensors: tensors, compared: ["w"] + slotFills.indices.map { "slot\($0)" }) { t in
                    [.optimizerUpdate(OptimizerUpdate(rule: rule, parameter: t["w"], gradient: t["g"],
                                                      slots: slotFills.indices.map { t["slot\($0)"] }, stepSize: stepSize,
                                                      gradientScale: t.optional("scale"), clipValue: v.clip))]
                })
            }
        }
        // Three consecutive Adam steps (the slots carry over, α changes per step).
        let rule = OptimizerRule.adam()
        checks.append(KernelCheck("optimizer adam 3 steps", kind: .optimizerUpdate, shape: "n=257",
            tensors: [TensorSpec("w", 257, .uniform(-1, 1)), TensorSpec("g", 257, .uniform(-1, 1)),
                      TensorSpec("m", 257, .constant(0)), TensorSpec("v", 257, .constant(0))],
            compared: ["w", "m", "v"]) { t in
            (1...3).map { step in
                .optimizerUpdate(OptimizerUpdate(rule: rule, parameter: t["w"], gradient: t["g"], slots: [t["m"], t["v"]],
                                                 stepSize: rule.stepSize(learningRate: 0.001, step: step)))
            }
        })
        // A plan built once: the per-step factor comes from a device scalar.
        checks.append(KernelCheck("optimizer adam stepScale", kind: .optimizerUpdate, shape: "n=33",
            tensors: [TensorSpec("w", 33, .uniform(-1, 1)), TensorSpec("g", 33, .uniform(-1, 1)),
                      TensorSpec("m", 33, .uniform(-0.1, 0.1)), TensorSpec("v", 33, .uniform(0, 0.1)),
                      TensorSpec("stepScale", 1, .constant(0.37))],
            compared: ["w", "m", "v"]) { t in
            [.optimizerUpdate(OptimizerUpdate(rule: rule, parameter: t["w"], gradient: t["g"], slots: [t["m"], t["v"]],
                                              stepSize: 0.01, stepScale: t["stepScale"]))]
        })
        return checks
    }
}

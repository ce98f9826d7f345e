extension OpenCLBackend {
    /// `optimizer_update`: the rule's code and up to three hyperparameters (a, b, c) plus a flag,
    /// as optimizer.cl documents; a nil `clipValue` is passed as +∞ (clamping to ±∞ is the identity).
    func optimizerUpdate(_ o: OptimizerUpdate, lane: Int) throws {
        let (a, b, c, flag): (Float, Float, Float, Int)
        switch o.rule {
        case let .sgd(momentum, nesterov): (a, b, c, flag) = (momentum, 0, 0, nesterov ? 1 : 0)
        case let .rmsprop(rho, epsilon, momentum): (a, b, c, flag) = (rho, epsilon, momentum, 0)
        case let .adam(beta1, beta2, epsilon): (a, b, c, flag) = (beta1, beta2, epsilon, 0)
        }
        let n = o.parameter.count
        try launchFlat("optimizer", "optimizer_update", chunked: "optimizer_update_rows", count: n, [
            .int(n), .int(Int(o.rule.code)), .float(o.stepSize), .float(a), .float(b), .float(c), .int(flag),
            .float(o.clipValue ?? .infinity), .floats(o.parameter), .floats(o.gradient), .floats(o.gradientScale), .floats(o.stepScale),
            .floats(o.slots.count > 0 ? o.slots[0] : nil), .floats(o.slots.count > 1 ? o.slots[1] : nil)], lane: lane)
    }
}
